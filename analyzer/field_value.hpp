// What a record field can hold.  Records store values packed (see EventClass);
// FieldValue is the unpacked view for generic code (printing, tests).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

namespace fluxtrace {

// A read-only view of contiguous values owned by a RecordStore.
template <typename T>
class Span {
  public:
    constexpr Span() = default;
    constexpr Span(const T *data, size_t size) : data_(data), size_(size) {}
    constexpr const T *data() const { return data_; }
    constexpr size_t size() const { return size_; }
    constexpr bool empty() const { return size_ == 0; }
    constexpr const T &operator[](size_t i) const { return data_[i]; }
    constexpr const T *begin() const { return data_; }
    constexpr const T *end() const { return data_ + size_; }

  private:
    const T *data_ = nullptr;
    size_t size_ = 0;
};

using Bytes = Span<std::uint8_t>;
using U64Array = Span<std::uint64_t>;

template <typename T>
bool operator==(Span<T> a, Span<T> b) {
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); i++)
        if (a[i] != b[i])
            return false;
    return true;
}

enum class FieldType : std::uint8_t {
    Signed,   // integers and enumerations, stored in 1, 2, 4 or 8 bytes
    Unsigned, // likewise
    Real,     // stored as double
    String,   // interned: a StrId in the record
    Bytes,    // sequences and arrays of 8-bit unsigned integers
    U64Array, // sequences and arrays of any other integers (signed ones as bits)
};

std::string_view field_type_name(FieldType type);

using FieldValue =
    std::variant<std::int64_t, std::uint64_t, double, std::string_view, Bytes, U64Array>;

} // namespace fluxtrace
