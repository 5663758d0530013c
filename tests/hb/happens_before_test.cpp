// The clock representation against brute-force reachability, on random DAGs.
#include "analyzer/hb/happens_before.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "analyzer/hb/vector_clock.hpp"

namespace fluxtrace::hb {
namespace {

TEST(ClockForest, JoinIsPointwiseMax) {
    ClockForest f(40);
    ClockForest::Ref a = ClockForest::kEmpty, b = ClockForest::kEmpty;
    a = f.raise(a, 3, 7, 0, 1);
    a = f.raise(a, 33, 2, 0, 1);
    b = f.raise(b, 3, 5, 1, 1);
    b = f.raise(b, 20, 9, 1, 1);
    const auto j = f.join({a, 0, 1}, {b, 1, 1}, 0, 2);
    EXPECT_EQ(f.get(j, 3), 7u);
    EXPECT_EQ(f.get(j, 20), 9u);
    EXPECT_EQ(f.get(j, 33), 2u);
    EXPECT_EQ(f.get(j, 39), 0u);
    // Unchanged inputs are shared, not copied.
    EXPECT_EQ(f.join({a, 0, 1}, {a, 0, 1}, 0, 2), a);
    EXPECT_EQ(f.join({a, 0, 1}, {ClockForest::kEmpty, 1, 0}, 0, 2), a);
}

TEST(HappensBefore, ProgramOrderOnly) {
    // Records 0..3 on thread 0, 4..5 on thread 1.
    HappensBefore hb({0, 0, 0, 0, 1, 1}, {1, 2, 3, 4, 1, 2}, 2, {});
    EXPECT_TRUE(hb.happens_before(0, 3));
    EXPECT_FALSE(hb.happens_before(3, 0));
    EXPECT_FALSE(hb.happens_before(2, 2));
    EXPECT_TRUE(hb.concurrent(1, 4));
    EXPECT_FALSE(hb.concurrent(4, 4));
}

TEST(HappensBefore, EdgeOrdersWhatPrecedesItsSource) {
    HappensBefore hb({0, 0, 0, 1, 1, 1}, {1, 2, 3, 1, 2, 3}, 2,
                     {{1, 4, EdgeKind::Request}});
    EXPECT_TRUE(hb.happens_before(0, 4));
    EXPECT_TRUE(hb.happens_before(1, 5));
    EXPECT_FALSE(hb.happens_before(2, 5)); // after the send
    EXPECT_FALSE(hb.happens_before(1, 3)); // before the receive
    EXPECT_TRUE(hb.concurrent(2, 4));
}

TEST(HappensBefore, ContradictingEdgesAreDroppedLeastCertainFirst) {
    // A cycle: 1 -> 4 (request) and 5 -> 0 (kvs value) with 4 before 5 and 0 before 1.
    HappensBefore hb({0, 0, 1, 1, 1, 1}, {1, 2, 1, 2, 3, 4}, 2,
                     {{1, 4, EdgeKind::Request}, {5, 0, EdgeKind::KvsValue}});
    ASSERT_EQ(hb.dropped().size(), 1u);
    EXPECT_EQ(hb.dropped()[0].kind, EdgeKind::KvsValue);
    EXPECT_TRUE(hb.happens_before(1, 4));
    EXPECT_FALSE(hb.happens_before(5, 0));
}

TEST(HappensBefore, BackwardEdgeWithinAThreadIsRefused) {
    HappensBefore hb({0, 0}, {1, 2}, 1,
                     {{1, 0, EdgeKind::Event}, {0, 1, EdgeKind::Event}});
    EXPECT_EQ(hb.dropped().size(), 1u);
    EXPECT_EQ(hb.redundant(), 1u);
    EXPECT_TRUE(hb.happens_before(0, 1));
}

// Random DAGs: every edge goes from an earlier to a later position of one
// global order, so none makes a cycle; happens_before must equal reachability.
class RandomDag : public ::testing::TestWithParam<int> {};

TEST_P(RandomDag, MatchesReachability) {
    std::mt19937 rng(GetParam());
    const size_t threads = 2 + rng() % 40;
    const size_t records = 200 + rng() % 300;
    std::vector<ThreadId> thread_of(records);
    std::vector<Epoch> epoch_of(records);
    std::vector<Epoch> count(threads, 0);
    for (size_t r = 0; r < records; r++) {
        thread_of[r] = rng() % threads;
        epoch_of[r] = ++count[thread_of[r]];
    }
    std::vector<Edge> edges;
    const size_t n_edges = rng() % (records / 2);
    for (size_t i = 0; i < n_edges; i++) {
        RecordId a = rng() % records, b = rng() % records;
        if (a > b)
            std::swap(a, b);
        if (a != b)
            edges.push_back({a, b, EdgeKind::Request});
    }
    // Brute force: successors by program order and edges, closed by DFS.
    std::vector<std::vector<RecordId>> next(records);
    std::vector<RecordId> last(threads, kNoRecord);
    for (RecordId r = 0; r < records; r++) {
        if (last[thread_of[r]] != kNoRecord)
            next[last[thread_of[r]]].push_back(r);
        last[thread_of[r]] = r;
    }
    for (const Edge &e : edges)
        next[e.from].push_back(e.to);
    std::vector<std::vector<bool>> reach(records, std::vector<bool>(records, false));
    for (RecordId s = records; s-- > 0;)
        for (const RecordId n : next[s]) {
            reach[s][n] = true;
            for (RecordId k = 0; k < records; k++)
                if (reach[n][k])
                    reach[s][k] = true;
        }
    HappensBefore hb(thread_of, epoch_of, threads, edges);
    EXPECT_TRUE(hb.dropped().empty());
    for (RecordId a = 0; a < records; a++)
        for (RecordId b = 0; b < records; b++)
            ASSERT_EQ(hb.happens_before(a, b), bool(reach[a][b]))
                << "a=" << a << " b=" << b << " seed=" << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomDag, ::testing::Range(1, 41));

} // namespace
} // namespace fluxtrace::hb
