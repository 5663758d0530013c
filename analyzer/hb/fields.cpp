#include "fields.hpp"

namespace fluxtrace::hb {

namespace {

constexpr std::array<std::string_view, static_cast<size_t>(F::kCount)> kNames = {
    "op",           "api",         "kind",       "h",       "m",           "f",
    "obj",          "orig",        "txn",        "fn",      "msg",         "uri",
    "flags",        "type",        "topic",      "nodeid",  "matchtag",    "msgflags",
    "route_first",  "route_count", "seq",        "errnum",  "payload_len", "has_hash",
    "payload_hash", "payload",     "value_hash", "rc",      "err",         "key",
    "ns",           "pid",         "token",      "source",  "attr",        "value",
    "ppid",         "exe",         "flux_uri",   "version", "treeobj",     "path"};

} // namespace

void Fields::fill(Row &row, const EventClass &cls) {
    for (size_t i = 0; i < kNames.size(); i++)
        row[i] = static_cast<std::int16_t>(cls.index_of(kNames[i]));
}

} // namespace fluxtrace::hb
