// Text taken from a trace, made safe to print on a terminal or into a log: a
// trace may be crafted, and a KVS key, topic, value or process name holding a
// newline could forge a report line ("SUMMARY: ..."), and one holding an escape
// sequence could rewrite the screen.  Control characters (C0, DEL, and C1 as
// UTF-8) become \xNN / \u00NN escapes, and a backslash \\; everything else,
// UTF-8 included, is kept.  Ordinary text comes out unchanged.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace fluxtrace {

inline std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    char buf[8];
    for (size_t i = 0; i < s.size(); i++) {
        const auto c = static_cast<unsigned char>(s[i]);
        const auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        if (c < 0x20 || c == 0x7f) {
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) { // U+0080..U+009F
            std::snprintf(buf, sizeof buf, "\\u%04x", next);
            out += buf;
            i++;
        } else if (c == '\\') {
            out += "\\\\";
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

} // namespace fluxtrace
