#include "record_builder.hpp"

#include <stdexcept>

#include "record_store.hpp"

namespace fluxtrace {

RecordBuilder::RecordBuilder(RecordStore &store, const EventClass &cls, size_t var_size)
    : store_(&store), cls_(&cls) {
    const size_t total = cls.fixed_size() + var_size;
    if (total > UINT32_MAX)
        throw std::length_error("record of `" + std::string(cls.name()) +
                                "` larger than 4 GiB");
    data_ = store.data().allocate(total);
    std::memset(data_, 0, cls.fixed_size());
    next_ = cls.fixed_size();
    end_ = static_cast<std::uint32_t>(total);
}

void RecordBuilder::set_string(size_t i, std::string_view s) {
    set_string_id(i, store_->strings().intern(s));
}

std::byte *RecordBuilder::reserve(size_t i, std::uint32_t count, size_t size) {
    if (size > end_ - next_)
        throw std::logic_error("record of `" + std::string(cls_->name()) +
                               "`: variable part sized too small");
    const std::uint64_t ref = (std::uint64_t{count} << 32) | next_;
    std::memcpy(data_ + cls_->fields()[i].offset, &ref, sizeof ref);
    std::byte *p = data_ + next_;
    next_ += static_cast<std::uint32_t>(size);
    return p;
}

} // namespace fluxtrace
