// Several sources (one per host) whose clocks disagree: pairing and ordering
// never compare timestamps across processes, so a host whose clock runs an
// hour behind, and whose records come after the other host's, changes nothing.
#include <gtest/gtest.h>

#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Flux;
using test::Msg;
using test::TraceBuilder;

struct TwoHosts {
    RecordId send, upstream_recv, answer, receipt, publish, remote_delivery;
};

// Rank 1's kvs module asks rank 0's kvs (through both overlays), and rank 0's
// kvs module publishes an event that rank 1's kvs module receives.
TwoHosts two_hosts(TraceBuilder &t, std::int64_t skew_ns) {
    Flux flux(t);
    TwoHosts r;
    const std::string asker = test::uuid(501);
    // Host A (source 0): rank 0.
    t.source(0, 0);
    auto &b0 = flux.broker(100, 0, 2, {"kvs"});
    const auto &kvs0 = b0.modules["kvs"];
    Msg q;
    q.topic = "kvs.getroot";
    q.payload = R"({"namespace":"primary"})";
    q.route_first = asker;
    q.route_count = 2;
    t.msg(b0.vpid, b0.overlay_tid, 0, b0.overlay_h, q);
    t.msg(b0.vpid, b0.vpid, 2, b0.overlay_h, q);
    t.msg(b0.vpid, b0.vpid, 1, kvs0.broker_h, q);
    q.route_count = 3;
    r.upstream_recv = t.msg(b0.vpid, kvs0.tid, 2, kvs0.h, q);
    Msg a = q;
    a.type = 2;
    a.payload = R"({"rootseq":2})";
    r.answer = t.msg(b0.vpid, kvs0.tid, 1, kvs0.h, a);
    a.route_count = 2;
    t.msg(b0.vpid, b0.vpid, 2, kvs0.broker_h, a);
    t.msg(b0.vpid, b0.vpid, 1, b0.overlay_h, a);
    t.msg(b0.vpid, b0.overlay_tid, 2, b0.overlay_h, a);
    Msg e;
    e.type = 4;
    e.topic = "kvs.namespace-primary-setroot";
    e.payload = R"({"rootseq":2})";
    e.matchtag = 0;
    r.publish = t.msg(b0.vpid, kvs0.tid, 0, kvs0.h, e);
    e.route_first = kvs0.uuid;
    e.route_count = 1;
    t.msg(b0.vpid, b0.vpid, 2, kvs0.broker_h, e);
    e.seq = 2;
    t.msg(b0.vpid, b0.vpid, 1, b0.overlay_h, e);
    t.msg(b0.vpid, b0.overlay_tid, 2, b0.overlay_h, e);

    // Host B (source 1): rank 1, its clock `skew_ns` off; read after host A.
    t.source(1, skew_ns);
    auto &b1 = flux.broker(100, 1, 2, {"kvs"}); // same pid on another host
    auto &kvs1 = b1.modules["kvs"];
    t.handle(b1.vpid, kvs1.tid, 0, kvs1.h, "interthread://" + asker);
    kvs1.uuid = asker;
    Msg u;
    u.topic = "kvs.getroot";
    u.payload = R"({"namespace":"primary"})";
    r.send = t.msg(b1.vpid, kvs1.tid, 1, kvs1.h, u);
    u.route_first = asker;
    u.route_count = 1;
    t.msg(b1.vpid, b1.vpid, 2, kvs1.broker_h, u);
    t.msg(b1.vpid, b1.vpid, 1, b1.overlay_h, u);
    t.msg(b1.vpid, b1.overlay_tid, 2, b1.overlay_h, u);
    Msg back = u;
    back.type = 2;
    back.payload = R"({"rootseq":2})";
    t.msg(b1.vpid, b1.overlay_tid, 0, b1.overlay_h, back);
    t.msg(b1.vpid, b1.vpid, 2, b1.overlay_h, back);
    t.msg(b1.vpid, b1.vpid, 1, kvs1.broker_h, back);
    back.route_first.clear();
    back.route_count = 0;
    r.receipt = t.msg(b1.vpid, kvs1.tid, 2, kvs1.h, back);
    Msg down;
    down.type = 4;
    down.topic = "kvs.namespace-primary-setroot";
    down.payload = R"({"rootseq":2})";
    down.matchtag = 0;
    down.seq = 2;
    t.msg(b1.vpid, b1.overlay_tid, 0, b1.overlay_h, down);
    t.msg(b1.vpid, b1.vpid, 2, b1.overlay_h, down);
    t.msg(b1.vpid, b1.vpid, 1, kvs1.broker_h, down);
    r.remote_delivery = t.msg(b1.vpid, kvs1.tid, 2, kvs1.h, down);
    return r;
}

class Skew : public ::testing::TestWithParam<std::int64_t> {};

TEST_P(Skew, CrossHostPairingIgnoresClocks) {
    TraceBuilder t;
    const TwoHosts r = two_hosts(t, GetParam());
    Model m(t.records);
    // The same pid on two hosts is two processes, in one instance.
    EXPECT_NE(&m.process_of(r.send), &m.process_of(r.upstream_recv));
    EXPECT_EQ(m.process_of(r.send).instance, m.process_of(r.upstream_recv).instance);
    EXPECT_TRUE(m.happens_before(r.send, r.upstream_recv));
    EXPECT_TRUE(m.happens_before(r.answer, r.receipt));
    EXPECT_TRUE(m.happens_before(r.publish, r.remote_delivery));
    EXPECT_FALSE(m.happens_before(r.receipt, r.answer));
    const Message *msg = m.message_of(r.upstream_recv);
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(msg->send, r.send);
    EXPECT_EQ(msg->requester, Requester::Module);
}

// Host B's clock an hour behind, equal, an hour ahead.
INSTANTIATE_TEST_SUITE_P(Clocks, Skew,
                         ::testing::Values(-3600'000'000'000, 0, 3600'000'000'000));

} // namespace
} // namespace fluxtrace::hb
