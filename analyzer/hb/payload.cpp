#include "payload.hpp"

#include <xxhash.h>

#include <array>

namespace fluxtrace::hb {

std::string_view payload_status_name(PayloadStatus status) {
    switch (status) {
    case PayloadStatus::Empty:
        return "empty";
    case PayloadStatus::NotKept:
        return "not kept";
    case PayloadStatus::Truncated:
        return "truncated";
    case PayloadStatus::Invalid:
        return "invalid";
    case PayloadStatus::Decoded:
        return "decoded";
    }
    return "?";
}

DecodedPayload decode_payload(Bytes kept, std::uint64_t full_length) {
    DecodedPayload out;
    if (full_length == 0)
        return out;
    if (kept.empty()) {
        out.status = PayloadStatus::NotKept;
        return out;
    }
    if (kept.size() < full_length) {
        out.status = PayloadStatus::Truncated;
        return out;
    }
    size_t n = kept.size();
    while (n > 0 && kept[n - 1] == 0) // JSON strings travel with their NUL
        n--;
    const char *text = reinterpret_cast<const char *>(kept.data());
    out.json = nlohmann::json::parse(text, text + n, nullptr, false);
    out.status = out.json.is_object() ? PayloadStatus::Decoded : PayloadStatus::Invalid;
    if (out.status != PayloadStatus::Decoded)
        out.json = nullptr;
    return out;
}

std::uint64_t value_hash(std::string_view raw_bytes) {
    return XXH3_64bits(raw_bytes.data(), raw_bytes.size());
}

std::optional<std::string> base64_decode(std::string_view text) {
    static const auto table = [] {
        std::array<std::int8_t, 256> t{};
        t.fill(-1);
        const std::string_view alphabet =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (size_t i = 0; i < alphabet.size(); i++)
            t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
        return t;
    }();
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::uint32_t acc = 0;
    int bits = 0;
    size_t padding = 0;
    for (const char c : text) {
        if (c == '=') {
            padding++;
            continue;
        }
        if (c == '\n' || c == '\r')
            continue;
        const std::int8_t v = table[static_cast<unsigned char>(c)];
        if (v < 0 || padding > 0)
            return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    if (padding > 2)
        return std::nullopt;
    return out;
}

std::optional<std::string> treeobj_value_bytes(const nlohmann::json &treeobj) {
    if (!treeobj.is_object())
        return std::nullopt;
    auto type = treeobj.find("type");
    auto data = treeobj.find("data");
    if (type == treeobj.end() || !type->is_string() || *type != "val" ||
        data == treeobj.end() || !data->is_string())
        return std::nullopt;
    return base64_decode(data->get_ref<const std::string &>());
}

std::optional<std::uint64_t> treeobj_value_hash(const nlohmann::json &treeobj) {
    auto raw = treeobj_value_bytes(treeobj);
    if (!raw)
        return std::nullopt;
    return value_hash(*raw);
}

std::string treeobj_dirref_blobref(const nlohmann::json &treeobj) {
    if (!treeobj.is_object())
        return {};
    auto type = treeobj.find("type");
    auto data = treeobj.find("data");
    if (type == treeobj.end() || !type->is_string() || *type != "dirref" ||
        data == treeobj.end() || !data->is_array() || data->size() != 1 ||
        !data->front().is_string())
        return {};
    return data->front().get<std::string>();
}

std::string treeobj_text_dirref_blobref(std::string_view treeobj_text) {
    const auto j = nlohmann::json::parse(treeobj_text, nullptr, false);
    return j.is_discarded() ? std::string() : treeobj_dirref_blobref(j);
}

std::string normalize_key(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (const char c : key) {
        if (c == '.' && (out.empty() || out.back() == '.'))
            continue;
        out.push_back(c);
    }
    while (!out.empty() && out.back() == '.')
        out.pop_back();
    return out;
}

} // namespace fluxtrace::hb
