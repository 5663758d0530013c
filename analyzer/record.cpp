#include "record.hpp"

#include <string>

#include "field_error.hpp"

namespace fluxtrace {

FieldValue Record::value_at(size_t i) const {
    const FieldDesc &f = cls_->fields()[i];
    switch (f.type) {
    case FieldType::Signed:
        return static_cast<std::int64_t>(raw_integer(f));
    case FieldType::Unsigned:
        return raw_integer(f);
    case FieldType::Real:
        return f64_at(i);
    case FieldType::String:
        return str_at(i);
    case FieldType::Bytes:
        return bytes_at(i);
    case FieldType::U64Array:
        return u64s_at(i);
    }
    return std::uint64_t{0};
}

void Record::missing(std::string_view field) const {
    throw FieldError("`" + std::string(name()) + "` record has no field `" +
                     std::string(field) + "`");
}

void Record::wrong_type(const FieldDesc &f, std::string_view wanted) const {
    throw FieldError("field `" + std::string(f.name) + "` of `" + std::string(name()) +
                     "` record is " + std::string(field_type_name(f.type)) + ", not " +
                     std::string(wanted));
}

void Record::out_of_range(const FieldDesc &f, std::string_view wanted) const {
    const std::uint64_t v = raw_integer(f);
    const std::string value = f.type == FieldType::Signed
                                  ? std::to_string(static_cast<std::int64_t>(v))
                                  : std::to_string(v);
    throw FieldError("field `" + std::string(f.name) + "` of `" + std::string(name()) +
                     "` record is " + value + ", not " + std::string(wanted));
}

} // namespace fluxtrace
