// The layout of one kind of record, shared by all its records: field names and
// types are stored once here, and each record holds only packed values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "event_kind.hpp"
#include "field_value.hpp"
#include "string_pool.hpp"

namespace fluxtrace {

// What a reader knows about a field before the first record: its name, type,
// storage width (integers: 1, 2, 4 or 8 bytes) and preferred display base.
struct FieldSpec {
    std::string name;
    FieldType type;
    std::uint8_t width = 8;
    bool hex = false;

    bool operator==(const FieldSpec &o) const {
        return name == o.name && type == o.type && width == o.width && hex == o.hex;
    }
};

struct FieldDesc {
    std::string_view name; // interned
    FieldType type;
    std::uint8_t width; // bytes in the fixed part of a record
    bool hex;           // integers and integer arrays preferably shown in base 16
    std::uint16_t offset;
};

class EventClass {
  public:
    EventClass(std::uint32_t id, StringPool &strings, std::string_view full_name,
               const std::vector<FieldSpec> &fields);

    std::uint32_t id() const { return id_; }
    // "fluxtrace:msg", "lttng_ust_statedump:bin_info".
    std::string_view full_name() const { return strings_->view(full_name_); }
    // "msg" for fluxtrace records, the full name for others'.
    std::string_view name() const { return strings_->view(name_); }
    EventKind kind() const { return kind_; }
    bool is_fluxtrace() const { return fluxtrace::is_fluxtrace(kind_); }

    const std::vector<FieldDesc> &fields() const { return fields_; }
    // -1 when there is no such field.
    int index_of(std::string_view field) const {
        for (size_t i = 0; i < fields_.size(); i++)
            if (fields_[i].name == field)
                return static_cast<int>(i);
        return -1;
    }
    // Throws FieldError when there is no such field.
    const FieldDesc &field(std::string_view field) const;
    bool same_layout(std::string_view full_name,
                     const std::vector<FieldSpec> &fields) const;

    // Bytes of a record's fixed part; variable-length values follow it.
    std::uint32_t fixed_size() const { return fixed_size_; }
    const StringPool &strings() const { return *strings_; }

  private:
    std::uint32_t id_;
    StringPool *strings_;
    StrId full_name_;
    StrId name_;
    EventKind kind_;
    std::uint32_t fixed_size_ = 0;
    std::vector<FieldDesc> fields_;
};

} // namespace fluxtrace
