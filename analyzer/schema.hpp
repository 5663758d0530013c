// The record schema (tracepoints/fluxtrace_schema.h) as C++: a reference to
// every field of every record, and the sub-operation codes as enums.  The
// analyzer names a field or a code only through these, so a field or code the
// provider no longer writes fails to build here.
//
//   r.u64(field::cb_end::duration_ns)
//   fields.i64(r, field::msg::op) == static_cast<int>(MsgOp::Recv)
#pragma once

#include <cstdint>
#include <string_view>

#include "analyzer/event_kind.hpp"
#include "tracepoints/fluxtrace_schema.h"

namespace fluxtrace {

namespace field {

// Every (record, field) pair, numbered: tables keyed by field use it.
enum class Slot : std::uint16_t {
#define FT_SLOT(record, TYPE, ctype, name, ...) record##__##name,
#define FT_SLOT_RECORD(name, CxxName, c_enum) FT_FIELDS_##name(FT_SLOT, name)
#define FT_SLOT_RETIRED(record, CxxName, TYPE, ctype, name, last) record##__##name,
    FT_RECORDS(FT_SLOT_RECORD) FT_RETIRED_FIELDS(FT_SLOT_RETIRED)
#undef FT_SLOT_RETIRED
#undef FT_SLOT_RECORD
#undef FT_SLOT
        kCount
};

inline constexpr std::size_t kSlotCount = static_cast<std::size_t>(Slot::kCount);

// A field of one record kind.  It converts to its name, so the Record and
// EventClass accessors that take a name take it too.
struct Field {
    Slot slot;
    std::string_view name;
    constexpr operator std::string_view() const { return name; }
};

// field::msg::topic, field::cb_end::duration_ns, ...
#define FT_FIELD_REF(record, TYPE, ctype, name, ...)                                     \
    inline constexpr Field name{Slot::record##__##name, #name};
#define FT_FIELD_RECORD(name, CxxName, c_enum)                                           \
    namespace name {                                                                     \
    FT_FIELDS_##name(FT_FIELD_REF, name)                                                 \
    }
FT_RECORDS(FT_FIELD_RECORD)
#undef FT_FIELD_RECORD
#undef FT_FIELD_REF

// Fields only older formats have (field::cb_end::obj): absent from newer
// traces, so read with a default or after has().
#define FT_FIELD_RETIRED(record, CxxName, TYPE, ctype, name, last)                       \
    namespace record {                                                                   \
    inline constexpr Field name{Slot::record##__##name, #name};                          \
    }
FT_RETIRED_FIELDS(FT_FIELD_RETIRED)
#undef FT_FIELD_RETIRED

// Each slot's field name, in slot order.
inline constexpr std::string_view kSlotNames[] = {
#define FT_SLOT_NAME(record, TYPE, ctype, name, ...) #name,
#define FT_SLOT_NAME_RECORD(name, CxxName, c_enum) FT_FIELDS_##name(FT_SLOT_NAME, name)
#define FT_SLOT_NAME_RETIRED(record, CxxName, TYPE, ctype, name, last) #name,
    FT_RECORDS(FT_SLOT_NAME_RECORD) FT_RETIRED_FIELDS(FT_SLOT_NAME_RETIRED)
#undef FT_SLOT_NAME_RETIRED
#undef FT_SLOT_NAME_RECORD
#undef FT_SLOT_NAME
};
static_assert(sizeof(kSlotNames) / sizeof(kSlotNames[0]) == kSlotCount);

// Each slot's record kind, in slot order (a record's fields are consecutive,
// then the retired ones).
inline constexpr EventKind kSlotKinds[] = {
#define FT_SLOT_KIND(CxxName, TYPE, ctype, name, ...) EventKind::CxxName,
#define FT_SLOT_KIND_RECORD(name, CxxName, c_enum) FT_FIELDS_##name(FT_SLOT_KIND, CxxName)
#define FT_SLOT_KIND_RETIRED(record, CxxName, TYPE, ctype, name, last) EventKind::CxxName,
    FT_RECORDS(FT_SLOT_KIND_RECORD) FT_RETIRED_FIELDS(FT_SLOT_KIND_RETIRED)
#undef FT_SLOT_KIND_RETIRED
#undef FT_SLOT_KIND_RECORD
#undef FT_SLOT_KIND
};
static_assert(sizeof(kSlotKinds) / sizeof(kSlotKinds[0]) == kSlotCount);

} // namespace field

// The sub-operation codes: MsgOp::Recv, WaitApi::RpcGet, CbKind::MsgHandler, ...
// (Unknown and above: a code this analyzer does not know)
// and what each stands for (what(WaitApi::RpcGet) == "flux_rpc_get").
#define FT_CODE_ENUMERATOR(c_enum, CxxName, what) CxxName,
#define FT_CODE_WHAT(c_enum, CxxName, what) what,
#define FT_CODE_ENUM(record, fieldname, list, c_enum, CxxEnum)                           \
    enum class CxxEnum : std::uint8_t { list(FT_CODE_ENUMERATOR) Unknown };              \
    inline std::string_view what(CxxEnum code) {                                         \
        static constexpr std::string_view kWhat[] = {list(FT_CODE_WHAT)};                \
        const auto i = static_cast<std::size_t>(code);                                   \
        return i < sizeof(kWhat) / sizeof(kWhat[0]) ? kWhat[i] : std::string_view{};     \
    }
FT_CODES(FT_CODE_ENUM)
#undef FT_CODE_ENUM
#undef FT_CODE_WHAT
#undef FT_CODE_ENUMERATOR

// A code as a field holds it, for comparisons with Record::i64/u64.
template <typename Code>
constexpr std::int64_t code(Code c) {
    return static_cast<std::int64_t>(c);
}

} // namespace fluxtrace
