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

// Rank 0's broker on host A (source 0) and rank 1's on host B (source 1),
// each with a kvs module.
struct TwoHosts {
    explicit TwoHosts(TraceBuilder &t, std::int64_t skew) : t(t), flux(t) {
        t.source(0, 0);
        b0 = &flux.broker(100, 0, 2, {"kvs"});
        t.source(1, skew);
        b1 = &flux.broker(100, 1, 2, {"kvs"});
        auto &kvs1 = b1->modules["kvs"];
        t.handle(b1->vpid, kvs1.tid, 0, kvs1.h, "interthread://" + asker);
        kvs1.uuid = asker;
    }

    // Rank 1's kvs module asks rank 0's through both overlays.  Host B's
    // clock is `request_skew` off while it sends and `response_skew` off when
    // the answer comes back (equal unless its clock jumped).  TraceBuilder's
    // times advance 1 µs per record in the order the records are added,
    // which is the true order here.
    RoundTrip round_trip(std::int64_t request_skew, std::int64_t response_skew,
                         std::uint32_t matchtag = 1) {
        RoundTrip r;
        const auto &kvs0 = b0->modules["kvs"];
        const auto &kvs1 = b1->modules["kvs"];

        // B sends.
        t.source(1, request_skew);
        Msg u;
        u.topic = "kvs.getroot";
        u.payload = R"({"namespace":"primary"})";
        u.matchtag = matchtag;
        r.send = t.msg(b1->vpid, kvs1.tid, 1, kvs1.h, u);
        u.route_first = asker;
        u.route_count = 1;
        t.msg(b1->vpid, b1->vpid, 2, kvs1.broker_h, u);
        t.msg(b1->vpid, b1->vpid, 1, b1->overlay_h, u);

        // A receives and answers.
        t.source(0, 0);
        Msg q = u;
        q.route_count = 2;
        t.msg(b0->vpid, b0->overlay_tid, 0, b0->overlay_h, q);
        t.msg(b0->vpid, b0->vpid, 2, b0->overlay_h, q);
        t.msg(b0->vpid, b0->vpid, 1, kvs0.broker_h, q);
        q.route_count = 3;
        r.server_recv = t.msg(b0->vpid, kvs0.tid, 2, kvs0.h, q);
        Msg a = q;
        a.type = 2;
        a.payload = R"({"rootseq":2})";
        r.answer = t.msg(b0->vpid, kvs0.tid, 1, kvs0.h, a);
        a.route_count = 2;
        t.msg(b0->vpid, b0->vpid, 2, kvs0.broker_h, a);
        t.msg(b0->vpid, b0->vpid, 1, b0->overlay_h, a);

        // B receives the answer.
        t.source(1, response_skew);
        Msg back = u;
        back.type = 2;
        back.payload = R"({"rootseq":2})";
        t.msg(b1->vpid, b1->overlay_tid, 0, b1->overlay_h, back);
        t.msg(b1->vpid, b1->vpid, 2, b1->overlay_h, back);
        t.msg(b1->vpid, b1->vpid, 1, kvs1.broker_h, back);
        back.route_first.clear();
        back.route_count = 0;
        r.receipt = t.msg(b1->vpid, kvs1.tid, 2, kvs1.h, back);
        return r;
    }

    TraceBuilder &t;
    Flux flux;
    const std::string asker = test::uuid(501);
    test::Broker *b0 = nullptr, *b1 = nullptr;
};

RoundTrip round_trip(TraceBuilder &t, std::int64_t request_skew,
                     std::int64_t response_skew) {
    return TwoHosts(t, request_skew).round_trip(request_skew, response_skew);
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
    EXPECT_FALSE(clocks.worst_contradiction().has_value());
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

// Two hosts whose clocks drift apart at `ppm`: B's clock reads A's + `skew`
// + ppm * 1e-6 * (t - 0) (t on A's clock).  Every `every` ns of A's time a
// message goes each way, `latency` ns on the wire.  Adds the bounds they give
// clock(B) - clock(A) to `fit`.
void exchange(DriftFit &fit, std::int64_t skew, double ppm, std::int64_t every,
              std::int64_t latency, int count) {
    const auto b_clock = [&](std::int64_t a_time) {
        return a_time + skew + static_cast<std::int64_t>(ppm * 1e-6 * a_time);
    };
    for (int i = 0; i < count; i++) {
        const std::int64_t t = i * every;
        // A -> B: sent at t (A), received at B's clock of t + latency.
        fit.add_upper(t, b_clock(t + latency) - t);
        // B -> A: sent at B's clock of t, received at t + latency (A).
        fit.add_lower(t + latency, b_clock(t) - (t + latency));
    }
}

TEST(DriftFit, HoldsADriftingOffsetAtEveryTime) {
    // 20 ppm over 100 s is 2 ms, far more than the 20 µs round trips: no
    // constant offset fits, a line does.
    constexpr std::int64_t skew = -7200'000'000'000, second = 1'000'000'000;
    DriftFit fit;
    exchange(fit, skew, 20.0, second, 10'000, 101);
    ASSERT_TRUE(fit.bounded());
    for (const std::int64_t t : {0 * second, 13 * second, 50 * second, 100 * second}) {
        const auto [lo, hi] = fit.at(t);
        const std::int64_t truth = skew + static_cast<std::int64_t>(20e-6 * t);
        EXPECT_LE(lo, truth) << "at " << t;
        EXPECT_GE(hi, truth) << "at " << t;
        // No wider than a round trip (and the rounding out to whole ns).
        EXPECT_LE(hi - lo, 20'004) << "at " << t;
    }
    const auto [slow, fast] = fit.drift();
    EXPECT_LE(slow, 20e-6);
    EXPECT_GE(fast, 20e-6);
    EXPECT_LT(fast - slow, 1e-6); // within 1 ppm, from 100 s of messages
    EXPECT_EQ(fit.middle(), 50 * second + 5'000);
}

TEST(DriftFit, NoLineExplainsAClockThatJumped) {
    DriftFit fit;
    exchange(fit, 0, 0.0, 1'000'000'000, 10'000, 10);
    ASSERT_TRUE(fit.bounded());
    // B's clock one second behind from then on: an answer that seems to
    // arrive before its request left, at any drift a clock may have.
    fit.add_upper(10'000'000'000, -1'000'000'000);
    EXPECT_FALSE(fit.bounded());
}

TEST(DriftFit, OneWayIsNotBounded) {
    DriftFit fit;
    fit.add_upper(0, 5'000);
    fit.add_upper(1'000'000, 5'000);
    EXPECT_FALSE(fit.bounded());
}

TEST(ClockBounds, ClocksThatDriftedAreFittedWithTheirDrift) {
    // Two round trips 10 s apart, B's clock 5 ms ahead at the first and 5.5 ms
    // at the second (50 ppm): each round trip is 12 µs wide, far less than
    // the 500 µs the clock moved between them.
    TraceBuilder t;
    TwoHosts hosts(t, 5'000'000);
    const RoundTrip first = hosts.round_trip(5'000'000, 5'000'000, 1);
    t.advance(10'000'000'000); // 10 s later on every host's clock
    const RoundTrip second = hosts.round_trip(5'500'000, 5'500'000, 2);
    const Model m(t.records);
    const ClockBounds clocks(m, 2);
    EXPECT_FALSE(clocks.consistent());
    ASSERT_TRUE(clocks.drifting());
    // The round trips' bounds, 12 µs wide each, 500 µs apart: contradicted by
    // 500 - 12 µs.
    const auto worst = clocks.worst_contradiction();
    ASSERT_TRUE(worst.has_value());
    EXPECT_EQ(worst->a, 0u);
    EXPECT_EQ(worst->b, 1u);
    EXPECT_EQ(worst->by_ns, 488'000u);
    const auto drift = clocks.drift(0, 1);
    ASSERT_TRUE(drift.has_value());
    EXPECT_NEAR(drift->ppm, 50.0, drift->error_ppm + 0.01);
    EXPECT_LT(drift->error_ppm, 5.0);
    const std::vector<Record> &rec = m.records();
    for (const RoundTrip *r : {&first, &second}) {
        const auto at = clocks.offset_at(
            0, 1, static_cast<std::int64_t>(rec[r->server_recv].ts_ns()));
        ASSERT_TRUE(at.has_value());
        const std::int64_t skew = r == &first ? 5'000'000 : 5'500'000;
        EXPECT_LE(at->lo, skew);
        EXPECT_GE(at->hi, skew);
        // The true 6 µs from B's send to A's receive, within the error.
        const auto across = clocks.duration(rec[r->send], rec[r->server_recv]);
        ASSERT_TRUE(across.has_value());
        EXPECT_LE(across->estimate_ns - static_cast<std::int64_t>(across->error_ns),
                  6'000);
        EXPECT_GE(across->estimate_ns + static_cast<std::int64_t>(across->error_ns),
                  6'000);
    }
    // The offset for people: at the middle of the messages, between the two.
    const auto middle = clocks.offset(0, 1);
    ASSERT_TRUE(middle.has_value());
    EXPECT_GT(middle->estimate(), 5'000'000);
    EXPECT_LT(middle->estimate(), 5'500'000);
}

} // namespace
} // namespace fluxtrace::hb
