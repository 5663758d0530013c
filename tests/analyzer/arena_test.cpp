#include "analyzer/arena.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace fluxtrace {
namespace {

TEST(Arena, AllocationsAreAlignedAndDistinct) {
    Arena arena(1024);
    std::byte *a = arena.allocate(3);
    std::byte *b = arena.allocate(1);
    std::byte *c = arena.allocate(0);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % Arena::kAlign, 0u);
    EXPECT_EQ(b - a, 8);
    EXPECT_NE(c, nullptr);
    EXPECT_EQ(arena.bytes_used(), 24u);
}

TEST(Arena, OversizedAllocationGetsItsOwnChunk) {
    Arena arena(1024);
    arena.allocate(100);
    std::byte *big = arena.allocate(4000);
    EXPECT_NE(big, nullptr);
    EXPECT_EQ(arena.bytes_reserved(), 1024u + 4000u);
}

TEST(Arena, RewindGivesBackWhatFollowsTheMark) {
    Arena arena(1024);
    arena.allocate(16);
    const auto mark = arena.mark();
    std::byte *first = arena.allocate(32);
    for (int i = 0; i < 100; i++)
        arena.allocate(500);
    arena.rewind(mark);
    EXPECT_EQ(arena.bytes_reserved(), 1024u);
    EXPECT_EQ(arena.bytes_used(), 16u);
    EXPECT_EQ(arena.allocate(32), first);
}

TEST(Arena, RewindToAnEmptyArenaKeepsOneChunkForReuse) {
    Arena arena(64);
    const auto mark = arena.mark();
    std::byte *first = arena.allocate(10);
    arena.allocate(100); // oversized: its own chunk, freed
    arena.rewind(mark);
    EXPECT_EQ(arena.bytes_reserved(), 64u);
    EXPECT_EQ(arena.bytes_used(), 0u);
    // A streaming reader rewinds after each record: the chunk is reused, not
    // allocated and freed each time.
    for (int i = 0; i < 3; i++) {
        EXPECT_EQ(arena.allocate(10), first);
        arena.rewind(mark);
    }
    EXPECT_EQ(arena.bytes_reserved(), 64u);
}

} // namespace
} // namespace fluxtrace
