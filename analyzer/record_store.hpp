// Owns everything records point to: interned strings, event classes and the
// packed values.  Readers fill it; analyses keep Records (40 bytes each) and
// read their values through it.  Not thread-safe.
#pragma once

#include <deque>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "arena.hpp"
#include "event_class.hpp"
#include "record.hpp"
#include "string_pool.hpp"

namespace fluxtrace {

// For records made directly, without a trace (tests, synthetic inputs).
struct RecordHeader {
    std::uint64_t ts_ns = 0;
    std::int32_t vpid = -1;
    std::int32_t vtid = -1;
    std::string_view procname;
    std::uint16_t src = 0;
};

struct NamedValue {
    std::string_view name;
    FieldValue value;
    bool hex = false;
};

class RecordStore {
  public:
    RecordStore() = default;
    RecordStore(const RecordStore &) = delete;
    RecordStore &operator=(const RecordStore &) = delete;

    StringPool &strings() { return strings_; }
    const StringPool &strings() const { return strings_; }

    // The class with this name and layout, created on first use.  Traces of
    // different provider versions may hold two layouts under one name.
    const EventClass &intern_class(std::string_view full_name,
                                   const std::vector<FieldSpec> &fields);
    size_t class_count() const { return classes_.size(); }
    const EventClass &event_class(std::uint32_t id) const { return classes_[id]; }

    // A record from plain values: integers as std::int64_t / std::uint64_t
    // (stored in 8 bytes), strings as std::string_view.  A name without a
    // provider ("msg") is a fluxtrace record.
    Record add(std::string_view name, const RecordHeader &header,
               std::initializer_list<NamedValue> fields);

    // Readers that do not keep records rewind after each one.
    Arena::Mark mark() const { return data_.mark(); }
    void rewind(Arena::Mark m) { data_.rewind(m); }
    Arena &data() { return data_; }

    // Packed values only; and everything including strings and classes.
    size_t bytes_used() const { return data_.bytes_used(); }
    size_t bytes_reserved() const {
        return data_.bytes_reserved() + strings_.bytes_reserved();
    }

  private:
    StringPool strings_;
    std::deque<EventClass> classes_;
    std::unordered_map<std::string, std::vector<std::uint32_t>> by_name_;
    Arena data_;
};

} // namespace fluxtrace
