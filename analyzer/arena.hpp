// A bump allocator in large chunks: records are appended and never freed one
// by one, and chunks never move, so pointers into them stay valid.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace fluxtrace {

class Arena {
  public:
    static constexpr size_t kAlign = 8;

    explicit Arena(size_t chunk_size = 4 << 20) : chunk_size_(chunk_size) {}
    Arena(const Arena &) = delete;
    Arena &operator=(const Arena &) = delete;
    Arena(Arena &&) = default;
    Arena &operator=(Arena &&) = default;

    // `n` bytes aligned to kAlign, uninitialized; never null, even for n == 0.
    std::byte *allocate(size_t n) {
        n = n == 0 ? kAlign : (n + kAlign - 1) & ~(kAlign - 1);
        if (n > free_)
            grow(n);
        std::byte *p = next_;
        next_ += n;
        free_ -= n;
        return p;
    }

    // Everything allocated after a mark is given back by rewind(mark).
    struct Mark {
        size_t chunk;
        size_t free;
    };
    Mark mark() const { return {chunks_.size(), free_}; }
    // Keeps one chunk of the usual size for the next grow(), so that a reader
    // rewinding after each record does not allocate and free a chunk each time.
    void rewind(Mark m);

    size_t bytes_reserved() const { return reserved_ + (spare_ ? chunk_size_ : 0); }
    size_t bytes_used() const { return reserved_ - free_ - wasted_; }

  private:
    struct Chunk {
        std::unique_ptr<std::byte[]> data;
        size_t size;
        size_t tail; // bytes left unused when the next chunk was started
    };
    void grow(size_t n);

    size_t chunk_size_;
    std::vector<Chunk> chunks_;
    std::unique_ptr<std::byte[]> spare_; // chunk_size_ bytes, or null
    std::byte *next_ = nullptr;
    size_t free_ = 0;
    size_t reserved_ = 0;
    size_t wasted_ = 0; // tails of full chunks
};

} // namespace fluxtrace
