// Writes one record's packed values into its store.  Readers size the variable
// part first (sequence lengths), then set each field by index.
#pragma once

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "event_class.hpp"
#include "record.hpp"

namespace fluxtrace {

class RecordStore;

class RecordBuilder {
  public:
    // Space in the variable part for n bytes, or n 64-bit integers.
    static constexpr size_t var_bytes(size_t n) { return (n + 7) & ~size_t{7}; }
    static constexpr size_t var_u64s(size_t n) { return 8 * n; }

    // Fields left unset read as 0, "" or empty.
    RecordBuilder(RecordStore &store, const EventClass &cls, size_t var_size);

    void set_signed(size_t i, std::int64_t v) {
        store_integer(i, static_cast<std::uint64_t>(v));
    }
    void set_unsigned(size_t i, std::uint64_t v) { store_integer(i, v); }
    void set_real(size_t i, double v) {
        assert(cls_->fields()[i].type == FieldType::Real);
        std::memcpy(data_ + cls_->fields()[i].offset, &v, sizeof v);
    }
    void set_string(size_t i, std::string_view s);
    void set_string_id(size_t i, StrId id) {
        assert(cls_->fields()[i].type == FieldType::String);
        std::memcpy(data_ + cls_->fields()[i].offset, &id, sizeof id);
    }
    // Room for the value of a Bytes or U64Array field, to be filled by the caller.
    std::uint8_t *reserve_bytes(size_t i, std::uint32_t n) {
        assert(cls_->fields()[i].type == FieldType::Bytes);
        return reinterpret_cast<std::uint8_t *>(reserve(i, n, var_bytes(n)));
    }
    std::uint64_t *reserve_u64s(size_t i, std::uint32_t n) {
        assert(cls_->fields()[i].type == FieldType::U64Array);
        return reinterpret_cast<std::uint64_t *>(reserve(i, n, var_u64s(n)));
    }

    Record finish(std::uint64_t ts_ns, std::int32_t vpid, std::int32_t vtid,
                  StrId procname, std::uint16_t src) const {
        return Record(cls_, data_, ts_ns, vpid, vtid, procname, src);
    }

  private:
    void store_integer(size_t i, std::uint64_t v) {
        const FieldDesc &f = cls_->fields()[i];
        assert(f.type == FieldType::Signed || f.type == FieldType::Unsigned);
        std::byte *p = data_ + f.offset;
        switch (f.width) {
        case 1: {
            const auto n = static_cast<std::uint8_t>(v);
            std::memcpy(p, &n, 1);
            break;
        }
        case 2: {
            const auto n = static_cast<std::uint16_t>(v);
            std::memcpy(p, &n, 2);
            break;
        }
        case 4: {
            const auto n = static_cast<std::uint32_t>(v);
            std::memcpy(p, &n, 4);
            break;
        }
        default:
            std::memcpy(p, &v, 8);
        }
    }
    std::byte *reserve(size_t i, std::uint32_t count, size_t size);

    RecordStore *store_;
    const EventClass *cls_;
    std::byte *data_;
    std::uint32_t next_; // start of the free variable part
    std::uint32_t end_;
};

} // namespace fluxtrace
