#include "analyzer/hb/align.hpp"

#include <gtest/gtest.h>

namespace fluxtrace::hb {
namespace {

using Pairs = std::vector<std::pair<std::uint32_t, std::uint32_t>>;

TEST(Align, EqualSequences) {
    EXPECT_EQ(align({1, 2, 3}, {1, 2, 3}, false), (Pairs{{0, 0}, {1, 1}, {2, 2}}));
}

TEST(Align, RepeatedItemsPairInOrderWhenCountsAgree) {
    EXPECT_EQ(align({7, 7, 7}, {7, 7, 7}, false), (Pairs{{0, 0}, {1, 1}, {2, 2}}));
}

TEST(Align, ARunThatLostOneIsLeftUnpaired) {
    // Which of the three the other side lost cannot be known: pair none.
    EXPECT_EQ(align({7, 7, 7}, {7, 7}, false), Pairs{});
    // Unique neighbours still pair.
    EXPECT_EQ(align({1, 7, 7, 2}, {1, 7, 2}, false), (Pairs{{0, 0}, {3, 2}}));
}

TEST(Align, GapsBetweenAnchorsArePairedStretchByStretch) {
    EXPECT_EQ(align({1, 7, 2, 7, 3}, {1, 7, 2, 3}, false),
              (Pairs{{0, 0}, {1, 1}, {2, 2}, {4, 3}}));
}

TEST(Align, SubsequenceOfForwardedItems) {
    EXPECT_EQ(align({5, 1, 6, 2, 6}, {1, 2}, false), (Pairs{{1, 0}, {3, 1}}));
}

TEST(Align, StrictPairsOnlyItemsUniqueInTheirStretch) {
    EXPECT_EQ(align({7, 7}, {7, 7}, true), Pairs{});
    EXPECT_EQ(align({1, 7, 2, 7}, {1, 7, 2, 7}, true),
              (Pairs{{0, 0}, {1, 1}, {2, 2}, {3, 3}}));
}

TEST(Align, CrossingPairsAreNotKept) {
    const Pairs p = align({1, 2}, {2, 1}, false);
    EXPECT_EQ(p.size(), 1u);
}

TEST(Align, UnmatchableNeverPairs) {
    EXPECT_EQ(align({kUnmatchable}, {kUnmatchable}, false), Pairs{});
}

} // namespace
} // namespace fluxtrace::hb
