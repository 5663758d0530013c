#include "json_dump.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace fluxtrace::tool {

namespace {

bool is_header_key(std::string_view name) {
    return name == "name" || name == "ts" || name == "vpid" || name == "vtid" ||
           name == "procname" || name == "src";
}

std::string hex_bytes(Bytes b) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s;
    s.reserve(2 * b.size());
    for (const auto byte : b) {
        s += kDigits[byte >> 4];
        s += kDigits[byte & 15];
    }
    return s;
}

} // namespace

void append_json(const Record &r, std::string &out) {
    nlohmann::ordered_json j;
    j["name"] = r.name();
    j["ts"] = r.ts_ns();
    j["vpid"] = r.vpid();
    j["vtid"] = r.vtid();
    j["procname"] = r.procname();
    j["src"] = r.src();
    const auto &fields = r.event_class().fields();
    for (size_t i = 0; i < fields.size(); i++) {
        const FieldDesc &f = fields[i];
        const std::string key =
            is_header_key(f.name) ? "_" + std::string(f.name) : std::string(f.name);
        switch (f.type) {
        case FieldType::Signed:
        case FieldType::Unsigned:
            if (f.hex)
                j[key] = fmt::format("{:#x}", r.integer_bits_at(i));
            else if (f.type == FieldType::Signed)
                j[key] = r.i64_at(i);
            else
                j[key] = r.u64_at(i);
            break;
        case FieldType::Real:
            j[key] = r.f64_at(i);
            break;
        case FieldType::String:
            j[key] = r.str_at(i);
            break;
        case FieldType::Bytes:
            j[key] = hex_bytes(r.bytes_at(i));
            break;
        case FieldType::U64Array: {
            auto a = nlohmann::ordered_json::array();
            for (const auto v : r.u64s_at(i)) {
                if (f.hex)
                    a.push_back(fmt::format("{:#x}", v));
                else
                    a.push_back(v);
            }
            j[key] = std::move(a);
            break;
        }
        }
    }
    // Strings from a trace are bytes: invalid UTF-8 is replaced, not fatal.
    out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    out += '\n';
}

} // namespace fluxtrace::tool
