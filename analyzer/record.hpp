// One traced call or state change, as the analyzer sees it: Babeltrace2-free,
// 40 bytes plus its packed values in a RecordStore.  A Record is a cheap value
// to copy and keep; it stays valid as long as the store that made it.
//
//     if (rec.kind() == EventKind::Msg && rec.u64("matchtag") == tag) ...
//
// Accessors by name throw FieldError for a missing field or a field of another
// type; the `_at` variants take an index from EventClass::index_of() for loops
// that look the name up once per event class.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "event_class.hpp"
#include "field_value.hpp"
#include "string_pool.hpp"

namespace fluxtrace {

class Record {
  public:
    Record() = default;
    Record(const EventClass *cls, const std::byte *data, std::uint64_t ts_ns,
           std::int32_t vpid, std::int32_t vtid, StrId procname, std::uint16_t src)
        : cls_(cls), data_(data), ts_ns_(ts_ns), vpid_(vpid), vtid_(vtid),
          procname_(procname), src_(src) {}

    const EventClass &event_class() const { return *cls_; }
    // "msg" for fluxtrace records; the full name ("provider:event") for others.
    std::string_view name() const { return cls_->name(); }
    EventKind kind() const { return cls_->kind(); }
    bool is_fluxtrace() const { return cls_->is_fluxtrace(); }

    // Nanoseconds from the clock's origin (the Unix epoch for LTTng traces).
    std::uint64_t ts_ns() const { return ts_ns_; }
    // -1 when the trace has no such context.
    std::int32_t vpid() const { return vpid_; }
    std::int32_t vtid() const { return vtid_; }
    std::string_view procname() const { return cls_->strings().view(procname_); }
    StrId procname_id() const { return procname_; }
    // Which input path (as given to the reader, from 0) the record came from.
    std::uint16_t src() const { return src_; }

    size_t field_count() const { return cls_->fields().size(); }
    bool has(std::string_view field) const { return cls_->index_of(field) >= 0; }

    std::int64_t i64(std::string_view field) const { return i64_at(index(field)); }
    std::uint64_t u64(std::string_view field) const { return u64_at(index(field)); }
    double f64(std::string_view field) const { return f64_at(index(field)); }
    std::string_view str(std::string_view field) const { return str_at(index(field)); }
    StrId str_id(std::string_view field) const { return str_id_at(index(field)); }
    Bytes bytes(std::string_view field) const { return bytes_at(index(field)); }
    U64Array u64s(std::string_view field) const { return u64s_at(index(field)); }
    FieldValue value(std::string_view field) const { return value_at(index(field)); }

    // Any integer field whose value fits.
    std::int64_t i64_at(size_t i) const;
    // Any integer field's 64 bits, sign-extended when signed (for printing).
    std::uint64_t integer_bits_at(size_t i) const {
        const FieldDesc &f = cls_->fields()[i];
        if (f.type != FieldType::Signed && f.type != FieldType::Unsigned)
            wrong_type(f, "an integer");
        return raw_integer(f);
    }
    std::uint64_t u64_at(size_t i) const;
    double f64_at(size_t i) const;
    std::string_view str_at(size_t i) const { return cls_->strings().view(str_id_at(i)); }
    StrId str_id_at(size_t i) const {
        return load<StrId>(checked(i, FieldType::String).offset);
    }
    Bytes bytes_at(size_t i) const {
        const auto ref = load<std::uint64_t>(checked(i, FieldType::Bytes).offset);
        return {reinterpret_cast<const std::uint8_t *>(data_ + (ref & 0xffffffffu)),
                static_cast<size_t>(ref >> 32)};
    }
    U64Array u64s_at(size_t i) const {
        const auto ref = load<std::uint64_t>(checked(i, FieldType::U64Array).offset);
        return {reinterpret_cast<const std::uint64_t *>(data_ + (ref & 0xffffffffu)),
                static_cast<size_t>(ref >> 32)};
    }
    FieldValue value_at(size_t i) const;

  private:
    size_t index(std::string_view field) const {
        const int i = cls_->index_of(field);
        if (i < 0)
            missing(field);
        return static_cast<size_t>(i);
    }
    const FieldDesc &checked(size_t i, FieldType type) const {
        const FieldDesc &f = cls_->fields()[i];
        if (f.type != type)
            wrong_type(f, field_type_name(type));
        return f;
    }
    template <typename T>
    T load(size_t offset) const {
        T v;
        std::memcpy(&v, data_ + offset, sizeof v);
        return v;
    }
    // Integer fields, widened: sign-extended when signed.
    std::uint64_t raw_integer(const FieldDesc &f) const;
    [[noreturn]] void missing(std::string_view field) const;
    [[noreturn]] void wrong_type(const FieldDesc &f, std::string_view wanted) const;
    [[noreturn]] void out_of_range(const FieldDesc &f, std::string_view wanted) const;

    const EventClass *cls_ = nullptr;
    const std::byte *data_ = nullptr;
    std::uint64_t ts_ns_ = 0;
    std::int32_t vpid_ = -1;
    std::int32_t vtid_ = -1;
    StrId procname_ = StringPool::kEmpty;
    std::uint16_t src_ = 0;
};

inline std::uint64_t Record::raw_integer(const FieldDesc &f) const {
    const bool s = f.type == FieldType::Signed;
    switch (f.width) {
    case 1:
        return s ? static_cast<std::uint64_t>(load<std::int8_t>(f.offset))
                 : load<std::uint8_t>(f.offset);
    case 2:
        return s ? static_cast<std::uint64_t>(load<std::int16_t>(f.offset))
                 : load<std::uint16_t>(f.offset);
    case 4:
        return s ? static_cast<std::uint64_t>(load<std::int32_t>(f.offset))
                 : load<std::uint32_t>(f.offset);
    default:
        return load<std::uint64_t>(f.offset);
    }
}

inline std::int64_t Record::i64_at(size_t i) const {
    const FieldDesc &f = cls_->fields()[i];
    if (f.type != FieldType::Signed && f.type != FieldType::Unsigned)
        wrong_type(f, "an integer");
    const std::uint64_t v = raw_integer(f);
    if (f.type == FieldType::Unsigned && v > static_cast<std::uint64_t>(INT64_MAX))
        out_of_range(f, "a signed 64-bit integer");
    return static_cast<std::int64_t>(v);
}

inline std::uint64_t Record::u64_at(size_t i) const {
    const FieldDesc &f = cls_->fields()[i];
    if (f.type != FieldType::Signed && f.type != FieldType::Unsigned)
        wrong_type(f, "an integer");
    const std::uint64_t v = raw_integer(f);
    if (f.type == FieldType::Signed && static_cast<std::int64_t>(v) < 0)
        out_of_range(f, "an unsigned integer");
    return v;
}

inline double Record::f64_at(size_t i) const {
    return load<double>(checked(i, FieldType::Real).offset);
}

static_assert(sizeof(Record) == 40, "Record is kept by the million: keep it small");

} // namespace fluxtrace
