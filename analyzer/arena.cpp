#include "arena.hpp"

namespace fluxtrace {

void Arena::grow(size_t n) {
    if (!chunks_.empty()) {
        chunks_.back().tail = free_;
        wasted_ += free_;
    }
    const size_t size = n > chunk_size_ / 4 ? n : chunk_size_;
    chunks_.push_back({std::unique_ptr<std::byte[]>(new std::byte[size]), size, 0});
    reserved_ += size;
    next_ = chunks_.back().data.get();
    free_ = size;
}

void Arena::rewind(Mark m) {
    // Chunks started after the mark are freed, so a reader that rewinds after
    // each record keeps its memory flat even after an oversized record.
    while (chunks_.size() > m.chunk) {
        reserved_ -= chunks_.back().size;
        wasted_ -= chunks_.back().tail;
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
