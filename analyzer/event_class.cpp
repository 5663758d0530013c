#include "event_class.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "field_error.hpp"

namespace fluxtrace {

std::string_view field_type_name(FieldType type) {
    switch (type) {
    case FieldType::Signed:
        return "a signed integer";
    case FieldType::Unsigned:
        return "an unsigned integer";
    case FieldType::Real:
        return "a real number";
    case FieldType::String:
        return "a string";
    case FieldType::Bytes:
        return "a byte sequence";
    case FieldType::U64Array:
        return "an integer array";
    }
    return "?";
}

namespace {

std::uint8_t storage_width(const FieldSpec &spec) {
    switch (spec.type) {
    case FieldType::Signed:
    case FieldType::Unsigned:
        if (spec.width != 1 && spec.width != 2 && spec.width != 4 && spec.width != 8)
            throw std::invalid_argument("field `" + spec.name +
                                        "`: integer width must be 1, 2, 4 or 8 bytes");
        return spec.width;
    case FieldType::String:
        return sizeof(StrId);
    case FieldType::Real:
    case FieldType::Bytes:
    case FieldType::U64Array:
        return 8; // a double, or the offset and length of data after the fixed part
    }
    return 8;
}

} // namespace

EventClass::EventClass(std::uint32_t id, StringPool &strings, std::string_view full_name,
                       const std::vector<FieldSpec> &fields)
    : id_(id), strings_(&strings), full_name_(strings.intern(full_name)),
      kind_(event_kind_from_name(full_name)) {
    const auto colon = full_name.find(':');
    name_ = is_fluxtrace() ? strings.intern(full_name.substr(colon + 1)) : full_name_;
    if (fields.size() > UINT16_MAX)
        throw std::invalid_argument("event class `" + std::string(full_name) +
                                    "`: too many fields");

    fields_.reserve(fields.size());
    for (const auto &spec : fields)
        fields_.push_back({strings.view(strings.intern(spec.name)), spec.type,
                           storage_width(spec), spec.hex, 0});

    // Widest first, so every value is naturally aligned without padding.
    std::vector<size_t> order(fields_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return fields_[a].width > fields_[b].width;
    });
    std::uint32_t offset = 0;
    for (const size_t i : order) {
        fields_[i].offset = static_cast<std::uint16_t>(offset);
        offset += fields_[i].width;
        if (offset > UINT16_MAX)
            throw std::invalid_argument("event class `" + std::string(full_name) +
                                        "`: record too wide");
    }
    fixed_size_ = (offset + 7) & ~7u;
}

const FieldDesc &EventClass::field(std::string_view field) const {
    const int i = index_of(field);
    if (i < 0)
        throw FieldError("`" + std::string(name()) + "` record has no field `" +
                         std::string(field) + "`");
    return fields_[static_cast<size_t>(i)];
}

bool EventClass::same_layout(std::string_view full_name,
                             const std::vector<FieldSpec> &fields) const {
    if (full_name != this->full_name() || fields.size() != fields_.size())
        return false;
    for (size_t i = 0; i < fields.size(); i++) {
        const auto &f = fields_[i];
        if (f.name != fields[i].name || f.type != fields[i].type ||
            f.width != storage_width(fields[i]) || f.hex != fields[i].hex)
            return false;
    }
    return true;
}

} // namespace fluxtrace
