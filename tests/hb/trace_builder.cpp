#include "trace_builder.hpp"

namespace fluxtrace::hb::test {

std::string base64(std::string_view raw) {
    static const char *alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    size_t i = 0;
    for (; i + 2 < raw.size(); i += 3) {
        const std::uint32_t v = (std::uint8_t(raw[i]) << 16) |
                                (std::uint8_t(raw[i + 1]) << 8) |
                                std::uint8_t(raw[i + 2]);
        for (int k = 3; k >= 0; k--)
            out.push_back(alphabet[(v >> (6 * k)) & 63]);
    }
    if (i + 1 == raw.size()) {
        const std::uint32_t v = std::uint8_t(raw[i]) << 16;
        out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], '=', '='};
    } else if (i + 2 == raw.size()) {
        const std::uint32_t v =
            (std::uint8_t(raw[i]) << 16) | (std::uint8_t(raw[i + 1]) << 8);
        out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63],
                alphabet[(v >> 6) & 63], '='};
    }
    return out;
}

std::string commit_payload(std::string_view key, std::string_view value) {
    return R"({"namespace":"primary","flags":0,"ops":[{"key":")" + std::string(key) +
           R"(","flags":0,"dirent":{"ver":1,"type":"val","data":")" + base64(value) +
           R"("}}]})";
}

std::string lookup_payload(std::string_view key, std::int64_t flags) {
    return R"({"key":")" + std::string(key) + R"(","namespace":"primary","flags":)" +
           std::to_string(flags) + "}";
}

std::string value_payload(std::string_view value) {
    return R"({"val":{"data":")" + base64(value) + R"(","type":"val","ver":1}})";
}

} // namespace fluxtrace::hb::test
