// Event publish -> every delivery, by sequence number within one instance.
#include <gtest/gtest.h>

#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Client;
using test::Flux;
using test::Msg;
using test::TraceBuilder;

Msg event(std::string topic, std::uint32_t seq, std::string payload = "{}") {
    Msg m;
    m.type = 4;
    m.topic = std::move(topic);
    m.seq = seq;
    m.matchtag = 0;
    m.payload = std::move(payload);
    return m;
}

// A client publishes through event.publish (served by the broker itself); the
// response names the sequence number; the broker sends the event down.
struct Published {
    RecordId publish, to_module, to_client, to_router;
};

Published publish_rpc(TraceBuilder &t, Flux &flux, test::Broker &b, const Client &pub,
                      const Client &sub, std::uint32_t seq) {
    Msg q;
    q.topic = "event.publish";
    q.payload = R"({"topic":"app.go","flags":0})";
    q.matchtag = 3;
    Published p;
    p.publish = t.msg(pub.vpid, pub.tid, 1, pub.h, q);
    q.route_first = pub.uuid;
    q.route_count = 1;
    t.msg(b.vpid, b.connector_tid, 0, b.connector_h, q);
    q.route_count = 2;
    t.msg(b.vpid, b.vpid, 2, b.main_h, q);
    Msg e = event("app.go", seq);
    t.msg(b.vpid, b.vpid, 1, b.modules["kvs"].broker_h, e);
    p.to_router = t.msg(b.vpid, b.vpid, 2, b.main_h, e);
    p.to_module = t.msg(b.vpid, b.modules["kvs"].tid, 2, b.modules["kvs"].h, e);
    Msg r = q;
    r.type = 2;
    r.payload = "{\"seq\":" + std::to_string(seq) + "}";
    t.msg(b.vpid, b.vpid, 1, b.main_h, r);
    r.route_count = 1;
    t.msg(b.vpid, b.connector_tid, 2, b.connector_h, r);
    r.route_first.clear();
    r.route_count = 0;
    t.msg(pub.vpid, pub.tid, 2, pub.h, r);
    p.to_client = t.msg(sub.vpid, sub.tid, 2, sub.h, e);
    (void)flux;
    return p;
}

TEST(Event, PublishPrecedesEveryDelivery) {
    test::TwoClients two;
    auto &[t, flux, b, pub, sub] = two;
    const auto p = publish_rpc(t, flux, b, pub, sub, 5);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(p.publish, p.to_module));
    EXPECT_TRUE(m.happens_before(p.publish, p.to_client));
    // The broker's main thread routes the event: it is no delivery.
    for (const Edge &edge : m.relation().edges()) {
        if (edge.kind == EdgeKind::Event) {
            EXPECT_NE(edge.to, p.to_router);
        }
    }
    const Event *e = m.event_of(p.to_client);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->seq, 5u);
    EXPECT_EQ(e->publish, p.publish);
    EXPECT_EQ(e->deliveries.size(), 2u);
}

TEST(Event, DirectPublicationByAModule) {
    // The kvs module sends its setroot event with no sequence; rank 0's broker
    // assigns one and forwards it under the module's uuid.
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs", "job"});
    const Client sub = flux.client(300, b, test::uuid(2));
    const auto &kvs = b.modules["kvs"];
    Msg e = event("kvs.namespace-primary-setroot", 0, R"({"rootseq":3})");
    const auto publish = t.msg(b.vpid, kvs.tid, 0, kvs.h, e);
    e.route_first = kvs.uuid;
    e.route_count = 1;
    t.msg(b.vpid, b.vpid, 2, kvs.broker_h, e);
    e.seq = 9;
    t.msg(b.vpid, b.vpid, 1, b.modules["job"].broker_h, e);
    const auto to_job = t.msg(b.vpid, b.modules["job"].tid, 2, b.modules["job"].h, e);
    e.route_first.clear();
    e.route_count = 0;
    const auto to_client = t.msg(sub.vpid, sub.tid, 2, sub.h, e);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(publish, to_job));
    EXPECT_TRUE(m.happens_before(publish, to_client));
    ASSERT_NE(m.event_of(to_client), nullptr);
    EXPECT_EQ(m.event_of(to_client)->publish, publish);
}

TEST(Event, AClientsDirectSendThroughItsConnectorIsThePublication) {
    // flux_send of an event message (Python's Flux.event_send, `flux event
    // pub`): the connector sends it on as its own, rank 0 sequences it under
    // the connector's uuid.  The client's send, recorded after it returned
    // (so after the connector's), is the publication.
    test::TwoClients two;
    auto &[t, flux, b, pub, sub] = two;
    Msg q;
    q.topic = "kvs.lookup";
    q.payload = test::lookup_payload("a");
    flux.request(pub, b, "kvs", q); // the connector forwards: a router
    const auto &conn = b.modules["connector-local"];
    Msg e = event("app.go", 0, R"({"i":1})");
    const auto relayed = t.msg(b.vpid, b.connector_tid, 0, b.connector_h, e);
    const auto publish = t.msg(pub.vpid, pub.tid, 0, pub.h, e);
    e.route_first = conn.uuid;
    e.route_count = 1;
    t.msg(b.vpid, b.vpid, 2, conn.broker_h, e);
    e.seq = 4;
    t.msg(b.vpid, b.vpid, 1, conn.broker_h, e);
    e.route_first.clear();
    e.route_count = 0;
    const auto to_client = t.msg(sub.vpid, sub.tid, 2, sub.h, e);
    Model m(t.records);
    ASSERT_NE(m.event_of(to_client), nullptr);
    EXPECT_EQ(m.event_of(to_client)->publish, publish);
    EXPECT_NE(m.event_of(to_client)->publish, relayed);
    EXPECT_TRUE(m.happens_before(publish, to_client));
}

// A client on rank 1 sends an event with plain flux_send: it goes up the
// overlay and rank 0 sequences it with no connector of rank 0 to name its
// client.  Returns {the client's send, the delivery on rank 0}; with
// `twice`, a second client of rank 1 sends the same event too.
std::pair<RecordId, RecordId> event_sent_from_rank1(TraceBuilder &t, bool twice) {
    Flux flux(t);
    auto &b0 = flux.broker(100, 0, 2, {"kvs"});
    auto &b1 = flux.broker(500, 1, 2, {"kvs"});
    const Client pub = flux.client(600, b1, test::uuid(1));
    const Client sub = flux.client(700, b0, test::uuid(2));
    // A request of pub's routed through both brokers: one instance.
    Msg q;
    q.type = 1;
    q.topic = "kvs.lookup";
    q.payload = test::lookup_payload("a");
    q.route_first = pub.uuid;
    q.route_count = 2;
    t.msg(b1.vpid, b1.vpid, 2, b1.main_h, q);
    q.route_count = 3;
    t.msg(b0.vpid, b0.vpid, 2, b0.main_h, q);
    const auto &conn1 = b1.modules["connector-local"];
    const auto send_up = [&](const Client &c) {
        Msg e = event("app.go", 0, R"({"i":1})");
        t.msg(b1.vpid, b1.connector_tid, 0, b1.connector_h,
              e); // the connector's own send
        const RecordId publish = t.msg(c.vpid, c.tid, 0, c.h, e);
        e.route_first = conn1.uuid;
        e.route_count = 1;
        t.msg(b1.vpid, b1.vpid, 2, conn1.broker_h, e);
        e.route_first.clear();
        e.route_count = 0;
        t.msg(b0.vpid, b0.overlay_tid, 1, b0.overlay_h, e); // up the tree
        t.msg(b0.vpid, b0.vpid, 2, b0.main_h, e);
        return publish;
    };
    const RecordId publish = send_up(pub);
    if (twice)
        send_up(flux.client(800, b1, test::uuid(3)));
    RecordId to_client = kNoRecord;
    for (std::uint32_t seq = 5; seq < (twice ? 7u : 6u); seq++) {
        Msg e = event("app.go", seq, R"({"i":1})");
        t.msg(b0.vpid, b0.vpid, 1, b0.modules["connector-local"].broker_h, e);
        const RecordId d = t.msg(sub.vpid, sub.tid, 2, sub.h, e);
        if (seq == 5)
            to_client = d;
    }
    return {publish, to_client};
}

// One client's event is given to it; two clients' same event is not guessed.
void event_from_rank1(bool twice) {
    TraceBuilder t;
    const auto [publish, to_client] = event_sent_from_rank1(t, twice);
    Model m(t.records);
    ASSERT_NE(m.event_of(to_client), nullptr);
    EXPECT_EQ(m.event_of(to_client)->publish, twice ? kNoRecord : publish);
    EXPECT_EQ(m.happens_before(publish, to_client), !twice);
}

TEST(Event, AClientsDirectSendFromAnotherRankIsThePublication) {
    event_from_rank1(false);
}

TEST(Event, TwoClientsSendingTheSameEventFromAnotherRankAreNotGuessed) {
    event_from_rank1(true);
}

TEST(Event, SequenceNumbersAreOnlyGlobalWithinAnInstance) {
    test::TwoClients two;
    auto &[t, flux, b, pub, sub] = two;
    // A second instance on the same host: its own broker, its own seq 5.
    auto &other = flux.broker(600, 0, 1, {"kvs"});
    other.local_uri = "local:///tmp/flux-other/local-0";
    const Client stranger = flux.client(700, other, test::uuid(3));
    const auto p = publish_rpc(t, flux, b, pub, sub, 5);
    const auto theirs =
        t.msg(stranger.vpid, stranger.tid, 2, stranger.h, event("app.go", 5));
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(p.publish, p.to_client));
    EXPECT_FALSE(m.happens_before(p.publish, theirs));
    EXPECT_NE(m.process_of(theirs).instance, m.process_of(p.publish).instance);
}

TEST(Event, ADeliveryWithoutItsPublicationGetsNoEdge) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client sub = flux.client(300, b, test::uuid(2));
    const auto before = t.future(100, 100, 0, 0x1);
    const auto got = t.msg(sub.vpid, sub.tid, 2, sub.h, event("app.go", 4));
    Model m(t.records);
    EXPECT_TRUE(m.concurrent(before, got));
    ASSERT_NE(m.event_of(got), nullptr);
    EXPECT_EQ(m.event_of(got)->publish, kNoRecord);
}

} // namespace
} // namespace fluxtrace::hb
