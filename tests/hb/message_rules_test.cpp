// Request send -> server receive and response send -> receipt, through the
// broker's routers, with uuids learned, matchtags reused, streams, losses.
#include <gtest/gtest.h>

#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Client;
using test::Flux;
using test::Msg;
using test::TraceBuilder;
using test::TwoClients;

Msg request(std::string topic, std::string payload, std::uint32_t matchtag = 1) {
    Msg m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.matchtag = matchtag;
    return m;
}

// A streaming kvs-watch lookup of "k" (FLUX_MSGFLAG_STREAMING).
Msg watch_lookup() {
    Msg q = request("kvs-watch.lookup", test::lookup_payload("k", 4));
    q.msgflags = 0x40;
    return q;
}

// A client's streaming kvs-watch lookup, sent to a one-broker instance and
// received by its kvs-watch module; the tests add the responses.
struct WatchStream {
    TraceBuilder t;
    Flux flux{t};
    test::Broker &b = flux.broker(100, 0, 1, {"kvs-watch"});
    const Client c = flux.client(200, b, test::uuid(1));
    const Msg q = watch_lookup();
    const std::pair<RecordId, RecordId> lookup = flux.request(c, b, "kvs-watch", q);
};

TEST(Request, PairsTheClientsSendWithTheModulesReceive) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client c = flux.client(200, b, test::uuid(1));
    const auto [send, recv] =
        flux.request(c, b, "kvs", request("kvs.lookup", R"({"key":"a"})"));
    const auto [rsend, receipt] =
        flux.respond(c, b, "kvs", request("kvs.lookup", R"({"val":1})"));
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(send, recv));
    EXPECT_TRUE(m.happens_before(rsend, receipt));
    EXPECT_TRUE(m.happens_before(send, receipt));
    const Message *msg = m.message_of(recv);
    ASSERT_NE(msg, nullptr);
    EXPECT_EQ(msg->send, send);
    EXPECT_EQ(msg->server_recv, recv);
    EXPECT_EQ(msg->requester, Requester::Client);
    ASSERT_EQ(msg->responses.size(), 1u);
    EXPECT_EQ(msg->responses[0].server_send, rsend);
    EXPECT_EQ(msg->responses[0].receipt, receipt);
    // The uuid the broker assigned was learned for the client's connection.
    EXPECT_EQ(m.processes().connections[msg->connection].uuid, c.uuid);
    EXPECT_EQ(m.process_of(send).rank, 0);
    EXPECT_EQ(m.process_of(send).role, ProcessRole::Client);
    EXPECT_EQ(m.thread_of(recv).role, ThreadRole::Module);
    EXPECT_EQ(m.thread_of(recv).service, "kvs");
}

TEST(Request, RoutersDoNotSynchronise) {
    // Two clients' requests cross the same broker main thread and connector,
    // to two modules: nothing orders one client after the other.
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs", "job"});
    const Client a = flux.client(200, b, test::uuid(1));
    const Client c = flux.client(300, b, test::uuid(2));
    const auto [a_send, a_recv] = flux.request(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto [a_rsend, a_receipt] =
        flux.respond(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto [c_send, c_recv] = flux.request(c, b, "job", request("job.list", "{}"));
    const auto [c_rsend, c_receipt] =
        flux.respond(c, b, "job", request("job.list", "{}"));
    Model m(t.records);
    EXPECT_TRUE(m.concurrent(a_send, c_receipt));
    EXPECT_TRUE(m.concurrent(a_receipt, c_recv));
    EXPECT_TRUE(m.happens_before(c_send, c_receipt));
}

TEST(Request, AConnectorRecordedAfterItsCallStillPairs) {
    // flux_send is recorded when it returns: the connector's record of the
    // injection can come after the module already received and answered.
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client c = flux.client(200, b, test::uuid(1));
    std::vector<std::pair<RecordId, RecordId>> uses;
    for (int i = 0; i < 3; i++) {
        Msg q = request("kvs.lookup", R"({"key":"a"})");
        const auto send = t.msg(c.vpid, c.tid, 1, c.h, q);
        q.route_first = c.uuid;
        q.route_count = 2;
        t.msg(b.vpid, b.vpid, 2, b.main_h, q);
        t.msg(b.vpid, b.vpid, 1, b.modules["kvs"].broker_h, q);
        q.route_count = 3;
        const auto recv = t.msg(b.vpid, b.modules["kvs"].tid, 2, b.modules["kvs"].h, q);
        Msg r = q;
        r.type = 2;
        r.payload = R"({"val":1})";
        t.msg(b.vpid, b.modules["kvs"].tid, 1, b.modules["kvs"].h, r);
        r.route_count = 2;
        t.msg(b.vpid, b.vpid, 2, b.modules["kvs"].broker_h, r);
        t.msg(b.vpid, b.vpid, 1, b.main_h, r);
        q.route_count = 1;
        t.msg(b.vpid, b.connector_tid, 0, b.connector_h,
              q); // late record of the injection
        r.route_count = 1;
        t.msg(b.vpid, b.connector_tid, 2, b.connector_h, r);
        r.route_first.clear();
        r.route_count = 0;
        t.msg(c.vpid, c.tid, 2, c.h, r);
        uses.push_back({send, recv});
    }
    Model m(t.records);
    for (const auto &[send, recv] : uses) {
        ASSERT_NE(m.message_of(send), nullptr);
        EXPECT_EQ(m.message_of(send)->server_recv, recv);
    }
}

TEST(Request, MatchtagReuseWithIdenticalRequestsPairsEachUse) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client c = flux.client(200, b, test::uuid(1));
    std::vector<std::pair<RecordId, RecordId>> uses, answers;
    for (int i = 0; i < 4; i++) {
        uses.push_back(
            flux.request(c, b, "kvs", request("kvs.lookup", R"({"key":"a"})")));
        answers.push_back(
            flux.respond(c, b, "kvs", request("kvs.lookup", R"({"val":1})")));
    }
    Model m(t.records);
    for (size_t i = 0; i < uses.size(); i++) {
        const Message *msg = m.message_of(uses[i].first);
        ASSERT_NE(msg, nullptr);
        EXPECT_EQ(msg->server_recv, uses[i].second) << i;
        ASSERT_EQ(msg->responses.size(), 1u);
        EXPECT_EQ(msg->responses[0].server_send, answers[i].first);
        EXPECT_EQ(msg->responses[0].receipt, answers[i].second);
        if (i + 1 < uses.size()) { // the next use is not what this one was answered from
            EXPECT_FALSE(m.happens_before(uses[i + 1].first, answers[i].second));
        }
    }
}

TEST(Request, StreamingResponsesEachPairWithTheirReceipt) {
    WatchStream w;
    auto &[t, flux, b, c, q, lookup] = w;
    const auto [send, recv] = lookup;
    std::vector<std::pair<RecordId, RecordId>> answers;
    for (const char *v : {"1", "2", "2"})
        answers.push_back(flux.respond(
            c, b, "kvs-watch", request("kvs-watch.lookup", test::value_payload(v))));
    Msg end = request("kvs-watch.lookup", "");
    end.errnum = 61; // ENODATA ends the stream
    answers.push_back(flux.respond(c, b, "kvs-watch", end));
    // The same matchtag again, after the end: a new use.
    const auto [send2, recv2] = flux.request(c, b, "kvs-watch", q);
    Model m(t.records);
    const Message *msg = m.message_of(send);
    ASSERT_NE(msg, nullptr);
    EXPECT_TRUE(msg->streaming());
    EXPECT_EQ(msg->server_recv, recv);
    ASSERT_EQ(msg->responses.size(), answers.size());
    for (size_t i = 0; i < answers.size(); i++) {
        EXPECT_EQ(msg->responses[i].server_send, answers[i].first) << i;
        EXPECT_EQ(msg->responses[i].receipt, answers[i].second) << i;
        EXPECT_TRUE(m.happens_before(answers[i].first, answers[i].second));
    }
    EXPECT_EQ(msg->responses.back().errnum, 61);
    ASSERT_NE(m.message_of(send2), nullptr);
    EXPECT_EQ(m.message_of(send2)->server_recv, recv2);
}

TEST(Request, RequeuedResponsesPairOnceWithTheirSend) {
    // A watch the client does not consume while it blocks in synchronous
    // waits: each wait receives the pending responses and puts them back
    // (flux_requeue), so each is received many times (the requeue-storm
    // workload: 50 responses received 2,515 times).  Each response pairs
    // once with the module's send, at its first receipt; the receipts after
    // a requeue are counted, not taken for further responses.
    WatchStream w;
    auto &[t, flux, b, c, q, lookup] = w;
    const auto [send, recv] = lookup;
    std::vector<std::pair<RecordId, RecordId>> answers;
    std::vector<Msg> pending; // as the client receives them: no route
    const char *values[] = {"1", "2", "3", "4"};
    for (const char *v : values) {
        // A wait: each response still pending is received and put back
        // (flux_requeue), then the new one arrives and is put back too.
        for (const Msg &p : pending) {
            t.msg(c.vpid, c.tid, 2, c.h, p);
            t.msg(c.vpid, c.tid, 3, c.h, p);
        }
        Msg r = request("kvs-watch.lookup", test::value_payload(v));
        answers.push_back(flux.respond(c, b, "kvs-watch", r));
        r.type = 2;
        t.msg(c.vpid, c.tid, 3, c.h, r);
        pending.push_back(r);
    }
    for (const Msg &p : pending) // consumed at last
        t.msg(c.vpid, c.tid, 2, c.h, p);
    Model m(t.records);
    const Message *msg = m.message_of(send);
    ASSERT_NE(msg, nullptr);
    ASSERT_EQ(msg->responses.size(), answers.size());
    std::vector<std::uint32_t> requeued;
    for (size_t i = 0; i < answers.size(); i++) {
        EXPECT_EQ(msg->responses[i].server_send, answers[i].first) << i;
        EXPECT_EQ(msg->responses[i].receipt, answers[i].second) << i;
        requeued.push_back(msg->responses[i].requeued);
    }
    // Put back at every wait from its own on.
    EXPECT_EQ(requeued, (std::vector<std::uint32_t>{4, 3, 2, 1}));
}

// The module's receive of the second of three identical uses was lost.
void lost_receive(bool lossy) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client c = flux.client(200, b, test::uuid(1));
    // A distinct first request teaches the broker's uuid for the client.
    flux.request(c, b, "kvs", request("kvs.getroot", "{}"));
    flux.respond(c, b, "kvs", request("kvs.getroot", R"({"rootseq":1})"));
    std::vector<RecordId> sends, recvs;
    for (int i = 0; i < 3; i++) {
        const auto [send, recv] = flux.request(c, b, "kvs", request("kvs.lookup", "{}"));
        flux.respond(c, b, "kvs", request("kvs.lookup", R"({"val":1})"));
        sends.push_back(send);
        recvs.push_back(recv);
    }
    // Drop every broker-side record of use 2.
    std::vector<Record> kept;
    std::vector<RecordId> renumber(t.records.size(), kNoRecord);
    for (RecordId r = 0; r < t.records.size(); r++) {
        const bool use2 = r > sends[1] && r < sends[2] && t.records[r].vpid() == b.vpid;
        if (use2)
            continue;
        renumber[r] = static_cast<RecordId>(kept.size());
        kept.push_back(t.records[r]);
    }
    ModelOptions options;
    options.lossy_sources = {lossy};
    Model m(kept, options);
    for (int i = 0; i < 3; i++) {
        const Message *msg = m.message_of(renumber[sends[i]]);
        ASSERT_NE(msg, nullptr);
        // Never paired with another use's receive.
        if (msg->server_recv != kNoRecord) {
            EXPECT_EQ(msg->server_recv, renumber[recvs[i]]) << i;
        }
        if (i == 1) {
            EXPECT_EQ(msg->server_recv, kNoRecord);
        }
    }
    // No edge claims use 3's receive came after use 2's send by pairing.
    for (const Edge &e : m.relation().edges()) {
        if (e.kind == EdgeKind::Request) {
            EXPECT_NE(e.from, renumber[sends[1]]);
        }
    }
}

TEST(Request, ALostReceiveCreatesNoWrongEdge) {
    lost_receive(false);
}
TEST(Request, ALostReceiveInALossySource) {
    lost_receive(true);
}

TEST(Request, LostRecordsAmongDistinctRequestsKeepTheOthersPaired) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client c = flux.client(200, b, test::uuid(1));
    std::vector<std::pair<RecordId, RecordId>> uses;
    for (int i = 0; i < 3; i++) {
        uses.push_back(flux.request(
            c, b, "kvs",
            request("kvs.lookup", "{\"key\":\"" + std::to_string(i) + "\"}")));
        flux.respond(c, b, "kvs", request("kvs.lookup", "{}"));
    }
    std::vector<Record> kept;
    std::vector<RecordId> renumber(t.records.size(), kNoRecord);
    for (RecordId r = 0; r < t.records.size(); r++) {
        if (r == uses[1].second)
            continue; // the module's receive of use 2
        renumber[r] = static_cast<RecordId>(kept.size());
        kept.push_back(t.records[r]);
    }
    Model m(kept);
    EXPECT_EQ(m.message_of(renumber[uses[0].first])->server_recv,
              renumber[uses[0].second]);
    EXPECT_EQ(m.message_of(renumber[uses[2].first])->server_recv,
              renumber[uses[2].second]);
    const Message *lost = m.message_of(renumber[uses[1].first]);
    ASSERT_NE(lost, nullptr);
    EXPECT_NE(lost->server_recv, renumber[uses[2].second]);
}

TEST(Request, IdenticalClientsAreNotToldApartByGuess) {
    // Two clients send the very same request: the uuids stay unknown, the
    // requests unpaired, rather than crossed.
    TwoClients two;
    auto &[t, flux, b, a, c] = two;
    const auto ua = flux.request(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto uc = flux.request(c, b, "kvs", request("kvs.lookup", "{}"));
    Model m(t.records);
    EXPECT_FALSE(m.happens_before(ua.first, uc.second));
    EXPECT_FALSE(m.happens_before(uc.first, ua.second));
    EXPECT_EQ(m.messages().ambiguous_connections, 2u);
}

TEST(Request, OneDistinctRequestTellsIdenticalClientsApart) {
    TwoClients two;
    auto &[t, flux, b, a, c] = two;
    const auto ua = flux.request(a, b, "kvs", request("kvs.lookup", "{}"));
    flux.respond(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto uc = flux.request(c, b, "kvs", request("kvs.lookup", "{}"));
    flux.respond(c, b, "kvs", request("kvs.lookup", "{}"));
    const auto ua2 = flux.request(a, b, "kvs", request("kvs.lookup", R"({"key":"a"})"));
    Model m(t.records);
    EXPECT_EQ(m.message_of(ua.first)->server_recv, ua.second);
    EXPECT_EQ(m.message_of(uc.first)->server_recv, uc.second);
    EXPECT_EQ(m.message_of(ua2.first)->server_recv, ua2.second);
}

// Two clients send the very same request, a's exchange wholly before c's
// (as a thousand short `flux kvs get` processes do): the broker's receive of
// uuid 2's request follows a's receipt of its response, so uuid 2 cannot be
// a's; then uuid 1 is a's only choice, and c is left with uuid 2.
void identical_clients_one_after_the_other(bool lossy) {
    TwoClients two;
    auto &[t, flux, b, a, c] = two;
    const auto ua = flux.request(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto ra = flux.respond(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto uc = flux.request(c, b, "kvs", request("kvs.lookup", "{}"));
    const auto rc = flux.respond(c, b, "kvs", request("kvs.lookup", "{}"));
    ModelOptions options;
    options.lossy_sources = {lossy};
    Model m(t.records, options);
    if (lossy) {
        // Lost records could hide the right uuid: nothing is learned by time.
        EXPECT_FALSE(m.happens_before(ua.first, ua.second));
        EXPECT_FALSE(m.happens_before(uc.first, uc.second));
        EXPECT_EQ(m.messages().ambiguous_connections, 2u);
        return;
    }
    EXPECT_EQ(m.message_of(ua.first)->server_recv, ua.second);
    EXPECT_EQ(m.message_of(uc.first)->server_recv, uc.second);
    EXPECT_TRUE(m.happens_before(ra.first, ra.second));
    EXPECT_TRUE(m.happens_before(rc.first, rc.second));
    EXPECT_EQ(m.processes().connections[m.message_of(uc.first)->connection].uuid, c.uuid);
    EXPECT_EQ(m.messages().ambiguous_connections, 0u);
}

TEST(Request, TimeTellsIdenticalClientsApart) {
    identical_clients_one_after_the_other(false);
}

TEST(Request, LossySourcesLearnNoUuidByTime) {
    identical_clients_one_after_the_other(true);
}

TEST(Request, IdenticalClientsAtTheSameTimeStayUnpaired) {
    // Both send before either hears back: each uuid fits each client.
    TwoClients two;
    auto &[t, flux, b, a, c] = two;
    const auto ua = flux.request(a, b, "kvs", request("kvs.lookup", "{}"));
    const auto uc = flux.request(c, b, "kvs", request("kvs.lookup", "{}"));
    flux.respond(a, b, "kvs", request("kvs.lookup", "{}"));
    flux.respond(c, b, "kvs", request("kvs.lookup", "{}"));
    Model m(t.records);
    EXPECT_FALSE(m.happens_before(ua.first, ua.second));
    EXPECT_FALSE(m.happens_before(uc.first, uc.second));
    EXPECT_EQ(m.messages().ambiguous_connections, 2u);
}

TEST(Request, ModuleRequestsPairThroughTheBroker) {
    // A module's request to another module: the broker names it by the
    // module's uuid, known from its interthread:// URI.
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs-watch", "kvs"});
    const auto &w = b.modules["kvs-watch"];
    const auto &k = b.modules["kvs"];
    Msg q = request("kvs.lookup-plus", "{}", 7);
    const auto send = t.msg(b.vpid, w.tid, 1, w.h, q);
    q.route_first = w.uuid;
    q.route_count = 1;
    t.msg(b.vpid, b.vpid, 2, w.broker_h, q);
    t.msg(b.vpid, b.vpid, 1, k.broker_h, q);
    q.route_count = 2;
    const auto recv = t.msg(b.vpid, k.tid, 2, k.h, q);
    Msg r = q;
    r.type = 2;
    const auto rsend = t.msg(b.vpid, k.tid, 1, k.h, r);
    r.route_count = 1;
    t.msg(b.vpid, b.vpid, 2, k.broker_h, r);
    t.msg(b.vpid, b.vpid, 1, w.broker_h, r);
    r.route_first.clear();
    r.route_count = 0;
    const auto receipt = t.msg(b.vpid, w.tid, 2, w.h, r);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(send, recv));
    EXPECT_TRUE(m.happens_before(rsend, receipt));
    EXPECT_EQ(m.message_of(send)->requester, Requester::Module);
    EXPECT_FALSE(m.processes().connections[m.message_of(send)->connection].uuid_learned);
}

TEST(Request, BrokerRequestsDownAModuleChannel) {
    // The broker's own requests go straight down a module's channel.
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs", "job"});
    std::vector<std::pair<RecordId, RecordId>> pairs;
    for (const char *svc : {"kvs", "job"}) {
        const auto &mod = b.modules[svc];
        Msg q = request("welcome", "", 0);
        const auto send = t.msg(b.vpid, b.vpid, 1, mod.broker_h, q);
        q.route_first = test::uuid(1); // the broker's own
        q.route_count = 1;
        pairs.push_back({send, t.msg(b.vpid, mod.tid, 2, mod.h, q)});
    }
    Model m(t.records);
    for (const auto &[send, recv] : pairs) {
        ASSERT_NE(m.message_of(send), nullptr);
        EXPECT_EQ(m.message_of(send)->server_recv, recv);
        EXPECT_EQ(m.message_of(send)->requester, Requester::Broker);
    }
}

TEST(Request, AModuleRunAsAProcessIsPairedThroughItsRelay) {
    // `flux module load --exec`: the module is a process on an inherited fd; a
    // broker thread relays its messages under the module's uuid.
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"job"});
    const int relay = 150;
    const std::uint64_t relay_h = 0x7e0000001000, relay_peer_h = 0x7e0000002000;
    const std::string module_uuid = test::uuid(77);
    t.handle(b.vpid, relay, 0, relay_h, "interthread://" + module_uuid);
    t.handle(b.vpid, relay, 0, relay_peer_h, "fd://12");
    t.process(300, "/usr/bin/python3", "");
    const std::uint64_t h = 0x1e000000;
    t.handle(300, 300, 0, h, "fd://163");
    Msg q = request("job.hello", R"({"n":1})");
    const auto send = t.msg(300, 300, 1, h, q);
    const auto relayed = t.msg(b.vpid, relay, 2, relay_peer_h, q);
    t.msg(b.vpid, relay, 1, relay_h, q);
    q.route_first = module_uuid;
    q.route_count = 1;
    t.msg(b.vpid, b.vpid, 2, b.main_h, q);
    t.msg(b.vpid, b.vpid, 1, b.modules["job"].broker_h, q);
    q.route_count = 2;
    const auto recv = t.msg(b.vpid, b.modules["job"].tid, 2, b.modules["job"].h, q);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(send, recv));
    EXPECT_EQ(m.message_of(recv)->send, send);
    EXPECT_EQ(m.thread_of(relayed).role, ThreadRole::Router);
    EXPECT_EQ(m.process_of(send).rank, 0);
}

} // namespace
} // namespace fluxtrace::hb
