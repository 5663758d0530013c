// Nearest-rank percentiles.
#include <gtest/gtest.h>

#include <stdexcept>

#include "analyzer/latency/distribution.hpp"

namespace fluxtrace::latency {
namespace {

Distribution of(std::initializer_list<std::uint64_t> values) {
    Distribution d;
    for (const auto v : values)
        d.add(v);
    return d;
}

Distribution range(std::uint64_t from, std::uint64_t to) {
    Distribution d;
    for (std::uint64_t v = to; v >= from; v--) // descending: the order must not matter
        d.add(v);
    return d;
}

TEST(DistributionTest, EmptyIsAllZero) {
    const Distribution d;
    EXPECT_TRUE(d.empty());
    const auto s = d.summary();
    EXPECT_EQ(s.count, 0u);
    EXPECT_EQ(s.total, 0u);
    EXPECT_EQ(s.median, 0u);
    EXPECT_EQ(s.p99, 0u);
    EXPECT_EQ(s.max, 0u);
}

TEST(DistributionTest, AnAggregateKeepsCountTotalAndMax) {
    Distribution d = of({5});
    d.add_aggregate(4, 103, 40); // 40, then 63 in three shares: 21 21 21
    d.add_aggregate(0, 0, 0);
    const auto s = d.summary();
    EXPECT_EQ(s.count, 5u);
    EXPECT_EQ(s.total, 108u);
    EXPECT_EQ(s.max, 40u);
    EXPECT_EQ(s.median, 21u);
    Distribution uneven;
    uneven.add_aggregate(3, 12, 10); // 10, then 2 in two shares: 1 1
    EXPECT_EQ(uneven.total(), 12u);
    EXPECT_EQ(uneven.quantile(0, 1), 1u);
    Distribution remainder;
    remainder.add_aggregate(3, 25, 10); // 10, then 15 in two shares: 8 7
    EXPECT_EQ(remainder.total(), 25u);
    EXPECT_EQ(remainder.quantile(0, 1), 7u);
    EXPECT_EQ(remainder.median(), 8u);
}

TEST(DistributionTest, OneValueIsEveryPercentile) {
    const auto s = of({42}).summary();
    EXPECT_EQ(s.count, 1u);
    EXPECT_EQ(s.median, 42u);
    EXPECT_EQ(s.p99, 42u);
    EXPECT_EQ(s.max, 42u);
    EXPECT_EQ(s.total, 42u);
}

TEST(DistributionTest, NearestRank) {
    // rank = ceil(n * p): always a value that occurred.
    const Distribution hundred = range(1, 100);
    EXPECT_EQ(hundred.median(), 50u);
    EXPECT_EQ(hundred.p99(), 99u);
    EXPECT_EQ(hundred.max(), 100u);
    EXPECT_EQ(hundred.total(), 5050u);
    const Distribution thousand = range(1, 1000);
    EXPECT_EQ(thousand.median(), 500u);
    EXPECT_EQ(thousand.p99(), 990u);
    EXPECT_EQ(thousand.quantile(999, 1000), 999u);
    // Fewer than 100 values: p99 is the maximum.
    const Distribution ten = range(1, 10);
    EXPECT_EQ(ten.p99(), 10u);
    EXPECT_EQ(ten.median(), 5u);          // even count: the lower middle
    EXPECT_EQ(range(1, 101).p99(), 100u); // ceil(99.99) = 100
    EXPECT_EQ(range(1, 11).median(), 6u);
}

TEST(DistributionTest, EdgesOfTheQuantileRange) {
    const Distribution d = of({7, 3, 9});
    EXPECT_EQ(d.quantile(0, 1), 3u); // the minimum
    EXPECT_EQ(d.quantile(1, 1), 9u);
    EXPECT_THROW(d.quantile(2, 1), std::invalid_argument);
    EXPECT_THROW(d.quantile(1, 0), std::invalid_argument);
}

TEST(DistributionTest, DuplicatesAndLargeValues) {
    const Distribution d = of({5, 5, 5, 1, UINT64_MAX / 4});
    EXPECT_EQ(d.median(), 5u);
    EXPECT_EQ(d.p99(), UINT64_MAX / 4);
    EXPECT_EQ(d.max(), UINT64_MAX / 4);
}

TEST(DistributionTest, AddingAfterAQuerySortsAgain) {
    Distribution d = of({10, 20});
    EXPECT_EQ(d.max(), 20u);
    d.add(5);
    d.add(30);
    EXPECT_EQ(d.max(), 30u);
    EXPECT_EQ(d.median(), 10u);
}

TEST(DistributionTest, Merge) {
    Distribution a = of({1, 2});
    a.merge(of({100, 3}));
    EXPECT_EQ(a.count(), 4u);
    EXPECT_EQ(a.total(), 106u);
    EXPECT_EQ(a.median(), 2u);
    EXPECT_EQ(a.max(), 100u);
    Distribution empty;
    const Distribution sorted = range(1, 4);
    EXPECT_EQ(sorted.max(), 4u); // sorts it
    empty.merge(sorted);
    EXPECT_EQ(empty.median(), 2u);
    EXPECT_EQ(empty.max(), 4u);
}

} // namespace
} // namespace fluxtrace::latency
