#include "fields.hpp"

namespace fluxtrace::hb {

void Fields::fill(Row &row, const EventClass &cls) {
    for (size_t i = 0; i < field::kSlotCount; i++)
        row[i] = static_cast<std::int16_t>(cls.index_of(field::kSlotNames[i]));
}

} // namespace fluxtrace::hb
