#include "event_kind.hpp"

#include <array>

namespace fluxtrace {

namespace {

#define FT_KIND_NAME(name, CxxName, c_enum) #name,
constexpr std::array<std::string_view, static_cast<size_t>(EventKind::UnknownFluxtrace)>
    kNames = {FT_RECORDS(FT_KIND_NAME)};
#undef FT_KIND_NAME

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
