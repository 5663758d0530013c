// Clock offsets between hosts, bounded by the messages between them: a
// request from host B to host A and its answer, recorded in true-time order,
// each host's clock off by its own skew.
#include <gtest/gtest.h>

#include "analyzer/hb/clock_bounds.hpp"
#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Flux;
using test::Msg;
using test::TraceBuilder;

struct RoundTrip {
    RecordId send, server_recv, answer, receipt;
};

// Rank 1's kvs module (host B, source 1) asks rank 0's kvs module (host A,
// source 0) through both overlays.  Host B's clock is `request_skew` off
// while it sends and `response_skew` off when the answer comes back (equal
// unless its clock jumped).  TraceBuilder's times advance 1 µs per record
// in the order the records are added, which is the true order here.
RoundTrip round_trip(TraceBuilder &t, std::int64_t request_skew,
                     std::int64_t response_skew) {
    Flux flux(t);
    RoundTrip r;
    const std::string asker = test::uuid(501);
    t.source(0, 0);
    auto &b0 = flux.broker(100, 0, 2, {"kvs"});
    const auto &kvs0 = b0.modules["kvs"];
    t.source(1, request_skew);
    auto &b1 = flux.broker(100, 1, 2, {"kvs"});
    auto &kvs1 = b1.modules["kvs"];
    t.handle(b1.vpid, kvs1.tid, 0, kvs1.h, "interthread://" + asker);
    kvs1.uuid = asker;

    // B sends.
    Msg u;
    u.topic = "kvs.getroot";
    u.payload = R"({"namespace":"primary"})";
    r.send = t.msg(b1.vpid, kvs1.tid, 1, kvs1.h, u);
    u.route_first = asker;
    u.route_count = 1;
    t.msg(b1.vpid, b1.vpid, 2, kvs1.broker_h, u);
    t.msg(b1.vpid, b1.vpid, 1, b1.overlay_h, u);

    // A receives and answers.
    t.source(0, 0);
    Msg q = u;
    q.route_count = 2;
    t.msg(b0.vpid, b0.overlay_tid, 0, b0.overlay_h, q);
    t.msg(b0.vpid, b0.vpid, 2, b0.overlay_h, q);
    t.msg(b0.vpid, b0.vpid, 1, kvs0.broker_h, q);
    q.route_count = 3;
    r.server_recv = t.msg(b0.vpid, kvs0.tid, 2, kvs0.h, q);
    Msg a = q;
    a.type = 2;
    a.payload = R"({"rootseq":2})";
    r.answer = t.msg(b0.vpid, kvs0.tid, 1, kvs0.h, a);
    a.route_count = 2;
    t.msg(b0.vpid, b0.vpid, 2, kvs0.broker_h, a);
    t.msg(b0.vpid, b0.vpid, 1, b0.overlay_h, a);

    // B receives the answer.
    t.source(1, response_skew);
    Msg back = u;
    back.type = 2;
    back.payload = R"({"rootseq":2})";
    t.msg(b1.vpid, b1.overlay_tid, 0, b1.overlay_h, back);
    t.msg(b1.vpid, b1.vpid, 2, b1.overlay_h, back);
    t.msg(b1.vpid, b1.vpid, 1, kvs1.broker_h, back);
    back.route_first.clear();
    back.route_count = 0;
    r.receipt = t.msg(b1.vpid, kvs1.tid, 2, kvs1.h, back);
    return r;
}

class ClockSkew : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(ClockSkew, TheBoundsHoldTheSkew) {
    const std::int64_t skew = GetParam();
    TraceBuilder t;
    const RoundTrip r = round_trip(t, skew, skew);
    const Model m(t.records);
    ASSERT_TRUE(m.happens_before(r.send, r.server_recv));
    const ClockBounds clocks(m, 2);
    EXPECT_TRUE(clocks.consistent());
    EXPECT_EQ(clocks.messages(0, 1), 2u); // the request and its answer
    const auto off = clocks.offset(0, 1);
    ASSERT_TRUE(off.has_value());
    EXPECT_LE(off->lo, skew);
    EXPECT_GE(off->hi, skew);
    // Bounded by the endpoints of one round trip: 13 µs from B's send to its
    // receipt (records are 1 µs apart) less A's 1 µs from receiving to
    // answering.
    EXPECT_EQ(off->width(), 12'000u);
    EXPECT_LE(off->estimate() - static_cast<std::int64_t>(off->error()), skew);
    EXPECT_GE(off->estimate() + static_cast<std::int64_t>(off->error()), skew);
    // The other way round: the same interval, negated.
    const auto back = clocks.offset(1, 0);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->lo, -off->hi);
    EXPECT_EQ(back->hi, -off->lo);

    // Within one host a duration is exact; across hosts the true one (6 µs
    // from B's send to A's receive) lies within the estimate's error.
    const std::vector<Record> &rec = m.records();
    const auto same = clocks.duration(rec[r.send], rec[r.receipt]);
    ASSERT_TRUE(same.has_value());
    EXPECT_EQ(same->estimate_ns, 13'000);
    EXPECT_EQ(same->error_ns, 0u);
    const auto across = clocks.duration(rec[r.send], rec[r.server_recv]);
    ASSERT_TRUE(across.has_value());
    EXPECT_LE(across->estimate_ns - static_cast<std::int64_t>(across->error_ns), 6'000);
    EXPECT_GE(across->estimate_ns + static_cast<std::int64_t>(across->error_ns), 6'000);
    EXPECT_EQ(across->error_ns, 6'000u);
}

// Host B's clock two hours behind, equal, 37 s ahead.
INSTANTIATE_TEST_SUITE_P(Offsets, ClockSkew,
                         ::testing::Values(-7200'000'000'000, 0, 37'000'000'000));

TEST(ClockBounds, AClockThatJumpedBackGivesNoBound) {
    // B's clock went back a second between its request and the answer: the
    // answer seems to arrive before the request left, which no offset explains.
    TraceBuilder t;
    const RoundTrip r = round_trip(t, 0, -1'000'000'000);
    const Model m(t.records);
    ASSERT_TRUE(m.happens_before(r.answer, r.receipt)); // pairing ignores clocks
    const ClockBounds clocks(m, 2);
    EXPECT_FALSE(clocks.consistent());
    EXPECT_FALSE(clocks.offset(0, 1).has_value());
    const std::vector<Record> &rec = m.records();
    EXPECT_FALSE(clocks.duration(rec[r.send], rec[r.server_recv]).has_value());
    EXPECT_TRUE(clocks.duration(rec[r.send], rec[r.receipt]).has_value()); // one host
}

TEST(ClockBounds, HostsWithoutMessagesAreNotBounded) {
    TraceBuilder t;
    round_trip(t, 5'000'000, 5'000'000);
    const Model m(t.records);
    const ClockBounds clocks(m, 3); // a third source that sent nothing
    EXPECT_TRUE(clocks.offset(0, 1).has_value());
    EXPECT_FALSE(clocks.offset(0, 2).has_value());
    EXPECT_FALSE(clocks.offset(2, 1).has_value());
    EXPECT_EQ(clocks.messages(0, 2), 0u);
    const auto self = clocks.offset(2, 2);
    ASSERT_TRUE(self.has_value());
    EXPECT_EQ(self->width(), 0u);
}

} // namespace
} // namespace fluxtrace::hb
