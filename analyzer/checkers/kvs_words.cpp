#include "kvs_words.hpp"

#include <fmt/format.h>

#include "analyzer/schema.hpp"

#include <algorithm>

namespace fluxtrace::checkers {

const hb::KvsOp *op_on(const hb::Commit &c, const std::string &key) {
    const hb::KvsOp *found = nullptr;
    for (const hb::KvsOp &op : c.ops)
        if (op.key == key)
            found = &op;
    return found;
}

std::string value_words(std::uint64_t hash) {
    return fmt::format("value#{:016x}", hash);
}

std::string value_words(const hb::KvsOp &op) {
    if (!op.has_hash)
        return "(a value whose bytes were not seen)";
    if (op.has_value) {
        std::string v = op.value;
        while (!v.empty() && (v.back() == '\n' || v.back() == '\0'))
            v.pop_back();
        const bool printable = std::all_of(
            v.begin(), v.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"'; });
        if (printable)
            return fmt::format("\"{}\"", v);
    }
    return value_words(op.hash);
}

hb::DecodedPayload payload_of(const hb::Model &m, hb::RecordId r) {
    const Record &rec = m.records()[r];
    if (!rec.has(field::msg::payload) || !rec.has(field::msg::payload_len))
        return {};
    return hb::decode_payload(rec.bytes(field::msg::payload),
                              rec.u64(field::msg::payload_len));
}

} // namespace fluxtrace::checkers
