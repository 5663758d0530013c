// Field access by the schema's field references (analyzer/schema.hpp), looked
// up once per event class: the model reads a handful of fields from millions of
// records.  A field the class
// does not have reads as the default given (an older or newer provider, or a
// hand-built record that leaves it out).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "analyzer/record.hpp"
#include "analyzer/schema.hpp"

namespace fluxtrace::hb {

class Fields {
  public:
    // Any integer field, sign-extended when signed.
    std::int64_t i64(const Record &r, field::Field f, std::int64_t def = 0) {
        const int i = index(r, f);
        return i < 0 ? def : static_cast<std::int64_t>(r.integer_bits_at(i));
    }
    std::uint64_t u64(const Record &r, field::Field f, std::uint64_t def = 0) {
        const int i = index(r, f);
        return i < 0 ? def : r.integer_bits_at(i);
    }
    std::string_view str(const Record &r, field::Field f) {
        const int i = index(r, f);
        return i < 0 ? std::string_view() : r.str_at(i);
    }
    // StringPool::kEmpty when absent: ids compare as strings within one store.
    StrId str_id(const Record &r, field::Field f) {
        const int i = index(r, f);
        return i < 0 ? StringPool::kEmpty : r.str_id_at(i);
    }
    Bytes bytes(const Record &r, field::Field f) {
        const int i = index(r, f);
        return i < 0 ? Bytes() : r.bytes_at(i);
    }
    bool has(const Record &r, field::Field f) { return index(r, f) >= 0; }

  private:
    // Per event class: each name's field index, -1 when the class lacks it.
    using Row = std::array<std::int16_t, field::kSlotCount>;
    int index(const Record &r, field::Field f) {
        const std::uint32_t id = r.event_class().id();
        if (id >= filled_.size()) {
            rows_.resize(id + 1);
            filled_.resize(id + 1, false);
        }
        if (!filled_[id]) {
            fill(rows_[id], r.event_class());
            filled_[id] = true;
        }
        return rows_[id][static_cast<size_t>(f.slot)];
    }
    static void fill(Row &row, const EventClass &cls);
    std::vector<Row> rows_;
    std::vector<bool> filled_;
};

} // namespace fluxtrace::hb
