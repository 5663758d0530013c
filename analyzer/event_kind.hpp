// The record kinds of the `fluxtrace` provider (tracepoints/fluxtrace_tp.h), so
// analyses dispatch on a small integer instead of comparing names.
#pragma once

#include <cstdint>
#include <string_view>

#include "tracepoints/fluxtrace_schema.h"

namespace fluxtrace {

// The schema's record kinds (tracepoints/fluxtrace_schema.h), in its order.
enum class EventKind : std::uint8_t {
#define FT_KIND_ENUMERATOR(name, CxxName, c_enum) CxxName,
    FT_RECORDS(FT_KIND_ENUMERATOR)
#undef FT_KIND_ENUMERATOR
    // A `fluxtrace:` record this analyzer does not know (a newer provider).
    UnknownFluxtrace,
    // Any other provider's record (lttng_ust_statedump:*, lttng_ust_lib:*, ...).
    Foreign,
};

inline constexpr std::string_view kFluxtraceProvider = "fluxtrace";
inline constexpr std::uint32_t kFluxtraceFormatVersion = FLUXTRACE_FORMAT_VERSION;
inline constexpr std::uint32_t kOldestFormatVersion = FLUXTRACE_OLDEST_FORMAT_VERSION;

// Whether this analyzer reads traces of that format version.
constexpr bool readable_format_version(std::uint64_t version) {
    return version >= kOldestFormatVersion && version <= kFluxtraceFormatVersion;
}

// "fluxtrace:msg" -> Msg, "fluxtrace:new_thing" -> UnknownFluxtrace,
// "lttng_ust_statedump:bin_info" -> Foreign.
EventKind event_kind_from_name(std::string_view full_name);

// "msg" for Msg; "" for UnknownFluxtrace and Foreign.
std::string_view event_kind_name(EventKind kind);

inline bool is_fluxtrace(EventKind kind) {
    return kind != EventKind::Foreign;
}

} // namespace fluxtrace
