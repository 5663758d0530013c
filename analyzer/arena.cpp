#include "arena.hpp"

namespace fluxtrace {

void Arena::grow(size_t n) {
    if (!chunks_.empty()) {
        chunks_.back().tail = free_;
        wasted_ += free_;
    }
    const size_t size = n > chunk_size_ / 4 ? n : chunk_size_;
    std::unique_ptr<std::byte[]> data =
        size == chunk_size_ && spare_ ? std::move(spare_)
                                      : std::unique_ptr<std::byte[]>(new std::byte[size]);
    chunks_.push_back({std::move(data), size, 0});
    reserved_ += size;
    next_ = chunks_.back().data.get();
    free_ = size;
}

void Arena::rewind(Mark m) {
    // Chunks started after the mark are freed but for one spare, so a reader
    // that rewinds after each record keeps its memory flat even after an
    // oversized record.
    while (chunks_.size() > m.chunk) {
        Chunk &last = chunks_.back();
        reserved_ -= last.size;
        wasted_ -= last.tail;
        if (last.size == chunk_size_ && !spare_)
            spare_ = std::move(last.data);
        chunks_.pop_back();
    }
    if (chunks_.empty()) {
        next_ = nullptr;
        free_ = 0;
        return;
    }
    Chunk &last = chunks_.back();
    wasted_ -= last.tail;
    last.tail = 0;
    next_ = last.data.get() + (last.size - m.free);
    free_ = m.free;
}

} // namespace fluxtrace
