// LatencyCollector on hand-built records: roles, loop busy times, callbacks,
// and the pairing of request sends with the handlers they started.
#include <gtest/gtest.h>

#include <sstream>

#include "analyzer/latency/latency_collector.hpp"
#include "analyzer/record_store.hpp"

namespace fluxtrace::latency {
namespace {

constexpr std::uint64_t kMsgHandler = 1;

class LatencyCollectorTest : public ::testing::Test {
  protected:
    void add(std::string_view name, const RecordHeader &h,
             std::initializer_list<NamedValue> fields) {
        collector.add(store.add(name, h, fields));
    }
    void process(std::int32_t vpid, std::string_view exe, std::uint16_t src = 0) {
        add("process", {1, vpid, vpid, "proc", src},
            {{"format_version", std::uint64_t{1}},
             {"ppid", std::int64_t{1}},
             {"exe", exe},
             {"flux_uri", std::string_view("")}});
    }
    void rank(std::int32_t vpid, std::string_view value) {
        add("attr", {2, vpid, vpid, "proc"},
            {{"source", std::uint64_t{2}},
             {"h", std::uint64_t{0xabc}},
             {"attr", std::string_view("rank")},
             {"value", value}});
    }
    void loop(std::int32_t vpid, std::uint64_t busy_ns) {
        add("loop", {3, vpid, vpid, "proc"},
            {{"r", std::uint64_t{0x1}}, {"busy_ns", busy_ns}});
    }
    void callback(std::int32_t vpid, std::int32_t vtid, std::uint64_t ts,
                  std::uint64_t kind, std::uint64_t fn, std::uint64_t duration,
                  std::uint64_t msg = 0) {
        add("cb_begin", {ts, vpid, vtid, "proc"},
            {{"kind", kind}, {"obj", std::uint64_t{0x9}}, {"fn", fn}, {"msg", msg}});
        add("cb_end", {ts + duration, vpid, vtid, "proc"},
            {{"kind", kind},
             {"obj", std::uint64_t{0x9}},
             {"fn", fn},
             {"duration_ns", duration}});
    }
    struct Msg {
        std::int32_t vpid;
        std::int32_t vtid;
        std::uint64_t ts;
        std::uint64_t op;
        std::uint64_t m;
        std::int64_t route_count = 0;
        std::string_view route_first = "";
        std::string_view topic = "kvs.lookup";
        std::uint64_t matchtag = 5;
        std::uint64_t hash = 0x1234;
        std::uint16_t src = 0;
        std::int64_t type = 1;
    };
    void msg(const Msg &m) {
        add("msg", {m.ts, m.vpid, m.vtid, "proc", m.src},
            {{"op", m.op},
             {"m", m.m},
             {"rc", std::int64_t{0}},
             {"type", m.type},
             {"topic", m.topic},
             {"matchtag", m.matchtag},
             {"route_first", m.route_first},
             {"route_count", m.route_count},
             {"has_hash", std::uint64_t{1}},
             {"payload_hash", m.hash}});
    }
    // A request's delivery to a handler on thread `vtid` of process `vpid`.
    void deliver(std::int32_t vpid, std::int32_t vtid, std::uint64_t ts, std::uint64_t m,
                 std::string_view route_first = "uuid", std::uint64_t matchtag = 5,
                 std::uint64_t hash = 0x1234, std::uint64_t handler_delay = 10) {
        Msg r{vpid, vtid, ts, 2, m, 1, route_first};
        r.matchtag = matchtag;
        r.hash = hash;
        msg(r);
        callback(vpid, vtid, ts + handler_delay, kMsgHandler, 0x5000, 1, m);
    }
    LatencyReport report(size_t top = 10) {
        symbolize::SearchPaths isolated;
        isolated.system_debug_dir = false;
        symbolize::Symbolizer symbols(collector.objects(), isolated);
        return collector.report(symbols, top);
    }
    const TopicLatency *topic(const LatencyReport &r, std::string_view name) {
        for (const auto &t : r.topics)
            if (t.topic == name)
                return &t;
        return nullptr;
    }

    RecordStore store;
    LatencyCollector collector;
};

TEST_F(LatencyCollectorTest, LoopBusyTimePerProcessInRoleOrder) {
    process(30, "/usr/bin/kvs-load");
    process(11, "/opt/flux/libexec/flux-broker");
    process(10, "/opt/flux/libexec/flux-broker");
    rank(11, "1");
    rank(10, "0");
    for (const std::uint64_t ns : {1000, 3000, 2000})
        loop(11, ns);
    loop(10, 5000);
    loop(30, 700);
    const auto r = report();
    ASSERT_EQ(r.loops.size(), 3u);
    EXPECT_EQ(r.loops[0].process.name(), "flux-broker");
    EXPECT_EQ(r.loops[0].process.rank, 0);
    EXPECT_EQ(r.loops[1].process.rank, 1);
    EXPECT_EQ(r.loops[1].busy_ns.count, 3u);
    EXPECT_EQ(r.loops[1].busy_ns.median, 2000u);
    EXPECT_EQ(r.loops[1].busy_ns.max, 3000u);
    EXPECT_EQ(r.loops[2].process.name(), "kvs-load");
    EXPECT_EQ(r.loops[2].process.rank, -1);
}

// Format 3: a record per iteration that ran callbacks, the others counted in it,
// and a last one at the run's return (callbacks 0) with those not yet counted.
TEST_F(LatencyCollectorTest, LoopRecordsOfFormat3CountIterationsWithoutCallbacks) {
    process(10, "/bin/server");
    const auto loop3 = [&](std::uint64_t busy, std::uint64_t callbacks,
                           std::uint64_t idle, std::uint64_t idle_busy,
                           std::uint64_t idle_max) {
        add("loop", {3, 10, 10, "proc"},
            {{"busy_ns", busy},
             {"callbacks", callbacks},
             {"idle_iterations", idle},
             {"idle_busy_ns", idle_busy},
             {"idle_max_ns", idle_max}});
    };
    loop3(9000, 2, 0, 0, 0);
    loop3(8000, 1, 3, 600, 400); // after 400, 100 and 100
    loop3(0, 0, 2, 500, 300);    // 300 and 200, then the run returned
    const auto r = report();
    ASSERT_EQ(r.loops.size(), 1u);
    const DistributionSummary &busy = r.loops[0].busy_ns;
    EXPECT_EQ(busy.count, 7u);
    EXPECT_EQ(busy.total, 9000u + 8000 + 600 + 500);
    EXPECT_EQ(busy.max, 9000u);
    // 100 100 200 300 400 8000 9000: the idle ones estimated as 100 100, 200.
    EXPECT_EQ(busy.median, 300u);
}

TEST_F(LatencyCollectorTest, LongestIterationWithoutCallbacksIsKept) {
    process(10, "/bin/server");
    add("loop", {3, 10, 10, "proc"},
        {{"busy_ns", std::uint64_t{10}},
         {"callbacks", std::uint64_t{1}},
         {"idle_iterations", std::uint64_t{4}},
         {"idle_busy_ns", std::uint64_t{70'000}},
         {"idle_max_ns", std::uint64_t{55'000}}});
    const auto busy = report().loops.at(0).busy_ns;
    EXPECT_EQ(busy.count, 5u);
    EXPECT_EQ(busy.max, 55'000u);
    EXPECT_EQ(busy.total, 70'010u);
}

// Format 3's cb_end has only duration_ns: it closes the innermost open run.
TEST_F(LatencyCollectorTest, CallbackEndsOfFormat3CloseTheInnermostRun) {
    process(10, "/bin/server");
    const auto begin = [&](std::uint64_t ts, std::uint64_t kind, std::uint64_t fn) {
        add("cb_begin", {ts, 10, 10, "proc"},
            {{"kind", kind},
             {"obj", std::uint64_t{0x9}},
             {"fn", fn},
             {"msg", std::uint64_t{0}}});
    };
    const auto end = [&](std::uint64_t ts, std::uint64_t duration) {
        add("cb_end", {ts, 10, 10, "proc"}, {{"duration_ns", duration}});
    };
    begin(100, 4, 0x1000);
    begin(110, 0, 0x2000); // a continuation run by a wait inside the timer
    end(150, 40);
    end(300, 200);
    end(400, 5); // no run open: ignored
    const auto r = report();
    ASSERT_EQ(r.callbacks.size(), 2u);
    EXPECT_EQ(r.callbacks[0].symbol, "0x1000");
    EXPECT_EQ(r.callbacks[0].kind, "timer");
    EXPECT_EQ(r.callbacks[0].duration_ns.max, 200u);
    EXPECT_EQ(r.callbacks[1].symbol, "0x2000");
    EXPECT_EQ(r.callbacks[1].kind, "continuation");
    EXPECT_EQ(r.callbacks[1].duration_ns.max, 40u);
}

TEST_F(LatencyCollectorTest, AfterExecAProcessIsItsNewProgram) {
    process(30, "/opt/flux/libexec/flux-broker");
    add("life", {2, 30, 30, "proc"},
        {{"op", std::uint64_t{2}},
         {"pid", std::int64_t{30}},
         {"path", std::string_view("x")}});
    process(30, "/usr/bin/kvs-load");
    loop(30, 1);
    EXPECT_EQ(report().loops.at(0).process.name(), "kvs-load");
}

TEST_F(LatencyCollectorTest, SlowestCallbacksBySymbol) {
    process(10, "/bin/server");
    callback(10, 10, 100, 4, 0x1000, 50);
    callback(10, 10, 200, 4, 0x1000, 70);
    callback(10, 10, 300, 0, 0x2000, 900);
    callback(10, 10, 400, 2, 0x3000, 10);
    callback(10, 10, 500, 3, 0x3000, 20); // same function, another kind
    const auto all = report();
    EXPECT_EQ(all.callback_groups, 3u);
    ASSERT_EQ(all.callbacks.size(), 3u);
    EXPECT_EQ(all.callbacks[0].symbol, "0x2000"); // in no recorded object
    EXPECT_EQ(all.callbacks[0].kind, "continuation");
    EXPECT_EQ(all.callbacks[1].symbol, "0x1000");
    EXPECT_EQ(all.callbacks[1].kind, "timer");
    EXPECT_EQ(all.callbacks[1].duration_ns.count, 2u);
    EXPECT_EQ(all.callbacks[1].duration_ns.total, 120u);
    EXPECT_EQ(all.callbacks[1].duration_ns.max, 70u);
    EXPECT_EQ(all.callbacks[2].kind, "mixed");
    const auto top1 = report(1);
    ASSERT_EQ(top1.callbacks.size(), 1u);
    EXPECT_EQ(top1.callback_groups, 3u);
}

TEST_F(LatencyCollectorTest, RequestThroughBrokerHopsToAModuleHandler) {
    // Client 20 -> connector thread 11 of broker 10 -> broker thread 10 ->
    // module thread 12, as flux-core routes a request to a broker module.
    msg({20, 20, 1000, 1, 0xc1});
    msg({10, 11, 1100, 0, 0xa1, 1, "uuid"});
    msg({10, 10, 1200, 2, 0xa2, 2, "uuid"});
    msg({10, 10, 1210, 1, 0xa2, 2, "uuid"}); // forwarded
    deliver(10, 12, 1300, 0xa2, "uuid", 5, 0x1234, 200);
    const auto r = report();
    const TopicLatency *t = topic(r, "kvs.lookup");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->sent, 1u);
    EXPECT_EQ(t->received, 1u);
    EXPECT_EQ(t->latency_ns.count, 1u);
    EXPECT_EQ(t->latency_ns.max, 500u); // 1000 -> handler at 1500
    EXPECT_EQ(r.requests_sent, 1u);
    EXPECT_EQ(r.requests_handled, 1u);
}

TEST_F(LatencyCollectorTest, BrokerThreadToModuleThreadOfTheSameProcess) {
    // The broker routes its own request through its own handle: received and
    // sent again unchanged before a module thread gets it.
    msg({10, 10, 1000, 1, 0xb1});
    msg({10, 10, 1010, 2, 0xb1, 0});
    msg({10, 10, 1020, 1, 0xb1, 0});
    deliver(10, 13, 1100, 0xb1);
    const auto r = report();
    const TopicLatency *t = topic(r, "kvs.lookup");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->sent, 1u);
    EXPECT_EQ(t->latency_ns.max, 110u);
}

TEST_F(LatencyCollectorTest, MatchtagsAreReused) {
    msg({20, 20, 100, 1, 0xc1});
    deliver(10, 12, 140, 0xd1); // handler at 150
    msg({20, 20, 200, 1, 0xc2});
    deliver(10, 12, 250, 0xd2); // handler at 260
    const auto r = report();
    const TopicLatency *t = topic(r, "kvs.lookup");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->received, 2u);
    EXPECT_EQ(t->latency_ns.median, 50u);
    EXPECT_EQ(t->latency_ns.max, 60u);
}

TEST_F(LatencyCollectorTest, AnUnreceivedSendIsSupersededByTheNextWithItsTag) {
    msg({20, 20, 100, 1, 0xc1}); // to a server that is not traced
    msg({20, 20, 200, 1, 0xc2});
    deliver(10, 12, 220, 0xd1);
    const auto r = report();
    const TopicLatency *t = topic(r, "kvs.lookup");
    EXPECT_EQ(t->sent, 2u);
    EXPECT_EQ(t->received, 1u);
    EXPECT_EQ(t->latency_ns.max, 30u);
}

TEST_F(LatencyCollectorTest, AnEarlierUnhandledReceiveKeepsItsSend) {
    // Handled receives are paired first: that must not take the send an
    // earlier receive without a handler was for.
    msg({20, 20, 100, 1, 0xc1});
    msg({10, 13, 110, 2, 0xd1, 1, "uuid"}); // no handler seen
    msg({20, 20, 200, 1, 0xc2});
    deliver(10, 12, 240, 0xd2); // handler at 250
    const auto r = report();
    const TopicLatency *t = topic(r, "kvs.lookup");
    EXPECT_EQ(t->received, 2u);
    EXPECT_EQ(t->latency_ns.count, 1u);
    EXPECT_EQ(t->latency_ns.max, 50u);
}

TEST_F(LatencyCollectorTest, RouteUuidsTellIdenticalRequestsApart) {
    // Each client's first request is unique, which ties its route uuid to it.
    msg({20, 20, 100, 1, 0xc1, 0, "", "a.first"});
    msg({21, 21, 110, 1, 0xc2, 0, "", "b.first"});
    msg({10, 12, 120, 2, 0xd1, 1, "uuid-a", "a.first"});
    callback(10, 12, 121, kMsgHandler, 0x5000, 1, 0xd1);
    msg({10, 12, 130, 2, 0xd2, 1, "uuid-b", "b.first"});
    callback(10, 12, 131, kMsgHandler, 0x5000, 1, 0xd2);
    // Then the same request from both, B first; A's arrives first.
    msg({21, 21, 1000, 1, 0xc3, 0, "", "same"});
    msg({20, 20, 1001, 1, 0xc4, 0, "", "same"});
    Msg a{10, 12, 1010, 2, 0xd3, 1, "uuid-a", "same"};
    msg(a);
    callback(10, 12, 1011, kMsgHandler, 0x5000, 1, 0xd3);
    Msg b{10, 12, 1020, 2, 0xd4, 1, "uuid-b", "same"};
    msg(b);
    callback(10, 12, 1021, kMsgHandler, 0x5000, 1, 0xd4);
    const auto r = report();
    const TopicLatency *t = topic(r, "same");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->received, 2u);
    // A: 1001 -> 1011, B: 1000 -> 1021.
    EXPECT_EQ(t->latency_ns.median, 10u);
    EXPECT_EQ(t->latency_ns.max, 21u);
}

TEST_F(LatencyCollectorTest, AModuleMayCallItsOwnService) {
    msg({10, 12, 100, 1, 0xc1});
    msg({10, 10, 110, 2, 0xc1, 1});
    msg({10, 10, 111, 1, 0xc1, 1}); // the broker routes it back
    deliver(10, 12, 120, 0xc1);
    EXPECT_EQ(topic(report(), "kvs.lookup")->latency_ns.max, 30u);
}

TEST_F(LatencyCollectorTest, AHopWithoutAHandlerYieldsToTheDelivery) {
    // Rank 1's module 12 sends upstream: broker 10 forwards it, its overlay
    // thread 13 receives it and sends it on privately; module 22 of broker
    // 20 (rank 0) runs it.
    msg({10, 12, 100, 1, 0xc1});
    msg({10, 10, 110, 2, 0xc1, 1});
    msg({10, 10, 111, 1, 0xc1, 1});
    msg({10, 13, 120, 2, 0xc1, 1});
    deliver(20, 22, 200, 0xe1);
    const auto r = report();
    EXPECT_EQ(topic(r, "kvs.lookup")->received, 1u);
    EXPECT_EQ(topic(r, "kvs.lookup")->latency_ns.max, 110u);
}

TEST_F(LatencyCollectorTest, NoPairingAcrossSourcesOrWithoutARoute) {
    msg({20, 20, 100, 1, 0xc1, 0, "", "other.source", 5, 0x1234, 1});
    msg({10, 12, 110, 2, 0xd1, 1, "uuid", "other.source"});
    msg({20, 20, 300, 1, 0xc4, 0, "", "no.route"});
    msg({10, 12, 310, 2, 0xd2, 0, "", "no.route"});
    const auto r = report();
    for (const char *name : {"other.source", "no.route"}) {
        const TopicLatency *t = topic(r, name);
        ASSERT_NE(t, nullptr) << name;
        EXPECT_EQ(t->sent, 1u) << name;
        EXPECT_EQ(t->received, 0u) << name;
    }
}

TEST_F(LatencyCollectorTest, OnlyRequestsCount) {
    msg({20, 20, 100, 1, 0xc1, 0, "", "resp", 5, 0x1234, 0, 2});
    msg({20, 20, 100, 1, 0xc1, 0, "", "event", 0, 0x1234, 0, 4});
    EXPECT_TRUE(report().topics.empty());
}

TEST_F(LatencyCollectorTest, ARequeuedMessageIsOneDelivery) {
    msg({20, 20, 100, 1, 0xc1});
    msg({10, 12, 110, 2, 0xd1, 1, "uuid"});
    msg({10, 12, 120, 3, 0xd1, 1, "uuid"}); // requeue
    msg({10, 12, 130, 2, 0xd1, 1, "uuid"});
    callback(10, 12, 140, kMsgHandler, 0x5000, 1, 0xd1);
    const auto r = report();
    const TopicLatency *t = topic(r, "kvs.lookup");
    EXPECT_EQ(t->received, 1u);
    EXPECT_EQ(t->latency_ns.max, 40u);
}

TEST_F(LatencyCollectorTest, ASendRecordedAfterTheCallMayFollowItsReceive) {
    msg({20, 20, 1010, 0, 0xc1}); // flux_send: recorded when it returned
    deliver(10, 12, 1005, 0xd1, "uuid", 5, 0x1234, 15);
    const auto r = report();
    EXPECT_EQ(topic(r, "kvs.lookup")->latency_ns.max, 10u);
}

TEST_F(LatencyCollectorTest, PrintsAlignedTables) {
    process(10, "/opt/flux/libexec/flux-broker");
    rank(10, "0");
    loop(10, 12345);
    callback(10, 10, 100, 1, 0x2000, 900);
    msg({20, 20, 1000, 1, 0xc1});
    deliver(10, 12, 1100, 0xd1, "uuid", 5, 0x1234, 2400);
    std::ostringstream out;
    print_text(out, report());
    EXPECT_EQ(out.str(),
              "Reactor busy time per loop iteration (µs)\n"
              "  process      rank  #  iterations  median   p99   max\n"
              "  flux-broker     0  1           1    12.3  12.3  12.3\n"
              "\n"
              "Slowest callbacks: 2 of 2 by longest run (µs)\n"
              "  process      rank  #  callback  kind         count  total  p99  max\n"
              "  flux-broker     0  1  0x2000    msg_handler      1    0.9  0.9  0.9\n"
              "  flux-broker     0  1  0x5000    msg_handler      1    0.0  0.0  0.0\n"
              "  2 of these not symbolized (2 no object); --debug-dir and --sysroot say "
              "where the binaries are\n"
              "\n"
              "Request latency, client send to server handler start (µs)\n"
              "  topic       sent  received  handled  median  p99  max\n"
              "  kvs.lookup     1         1        1     2.5  2.5  2.5\n"
              "  1 requests sent, 1 of them received, 1 with their handler's start\n");
}

// Responses put back by flux_requeue, per stream: the most requeued first,
// distinct responses by message object and payload; the table is printed
// only when there were some.
TEST_F(LatencyCollectorTest, RequeuedStreamsMostRequeuedFirst) {
    process(20, "/usr/bin/client");
    constexpr std::uint64_t kRecv = 2, kRequeue = 3;
    std::uint64_t ts = 100;
    for (int wait = 1; wait <= 3; wait++)
        for (std::uint64_t n = 0; n < static_cast<std::uint64_t>(wait); n++) {
            Msg r{20, 20, ts++, kRecv, 0x900 + n};
            r.type = 2;
            r.topic = "kvs-watch.lookup";
            r.matchtag = 7;
            r.hash = 0x100 + n;
            msg(r);
            r.op = kRequeue;
            r.ts = ts++;
            msg(r);
        }
    Msg other{20, 20, ts++, kRequeue, 0x777};
    other.type = 2;
    other.topic = "job-info.eventlog-watch";
    other.matchtag = 9;
    msg(other);
    const LatencyReport r = report(1);
    EXPECT_EQ(r.requeues, 7u);
    EXPECT_EQ(r.requeued_streams, 2u);
    ASSERT_EQ(r.requeued.size(), 1u); // top 1
    EXPECT_EQ(r.requeued[0].topic, "kvs-watch.lookup");
    EXPECT_EQ(r.requeued[0].matchtag, 7u);
    EXPECT_EQ(r.requeued[0].requeues, 6u);
    EXPECT_EQ(r.requeued[0].responses, 3u);
    std::ostringstream out;
    print_text(out, r);
    EXPECT_NE(out.str().find("Requeued responses: 1 of 2 streams by requeues"),
              std::string::npos);
    EXPECT_NE(out.str().find("  7 responses requeued in all"), std::string::npos);
}

TEST_F(LatencyCollectorTest, PrintsWhatIsMissing) {
    std::ostringstream out;
    print_text(out, report());
    EXPECT_EQ(out.str(),
              "Reactor busy time per loop iteration (µs)\n"
              "  no loop records (enable fluxtrace:loop)\n"
              "\n"
              "Slowest callbacks (µs)\n"
              "  no cb_end records (enable fluxtrace:cb_begin)\n"
              "\n"
              "Request latency, client send to server handler start (µs)\n"
              "  no requests sent\n"
              "  0 requests sent, 0 of them received, 0 with their handler's start\n");
}

} // namespace
} // namespace fluxtrace::latency
