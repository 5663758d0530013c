#include "event_kind.hpp"

#include <array>

namespace fluxtrace {

namespace {

constexpr std::array<std::string_view, static_cast<size_t>(EventKind::UnknownFluxtrace)>
    kNames = {"process",     "dso",        "handle",      "attr",      "msg",
              "rpc",         "cb_begin",   "cb_end",      "future",    "future_wait",
              "reactor_run", "loop",       "kvs_lookup",  "kvs_value", "kvs_txn",
              "kvs_commit",  "kvs_result", "kvs_version", "event_sub", "event_pub",
              "life"};

} // namespace

EventKind event_kind_from_name(std::string_view full_name) {
    const auto colon = full_name.find(':');
    if (colon == std::string_view::npos ||
        full_name.substr(0, colon) != kFluxtraceProvider)
        return EventKind::Foreign;
    const auto name = full_name.substr(colon + 1);
    for (size_t i = 0; i < kNames.size(); i++)
        if (kNames[i] == name)
            return static_cast<EventKind>(i);
    return EventKind::UnknownFluxtrace;
}

std::string_view event_kind_name(EventKind kind) {
    const auto i = static_cast<size_t>(kind);
    return i < kNames.size() ? kNames[i] : std::string_view{};
}

} // namespace fluxtrace
