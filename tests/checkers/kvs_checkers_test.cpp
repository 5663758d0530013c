// replacement-updates, missing-version-wait, rpc-fanout and scattered-triggers
// on hand-built two-rank instances: each fires on the pattern that breaks its
// RFC 9 rule, stays silent on the corrected twin, and tells a note from a
// finding where the RFC allows the pattern.
#include <gtest/gtest.h>

#include "analyzer/checkers/checker.hpp"
#include "analyzer/hb/model.hpp"
#include "tests/checkers/expect_steps.hpp"
#include "tests/hb/flux_fixture.hpp"

namespace fluxtrace::checkers {
namespace {

using hb::RecordId;
using hb::test::Client;
using hb::test::Msg;
using hb::test::TraceBuilder;

constexpr std::int32_t kAppend = 32;

Msg msg(std::string topic, std::string payload, std::uint32_t matchtag) {
    Msg m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    m.matchtag = matchtag;
    return m;
}

std::string commit_payload(const std::string &key, const std::string &value,
                           std::int32_t flags) {
    return R"({"namespace":"primary","flags":0,"ops":[{"key":")" + key + R"(","flags":)" +
           std::to_string(flags) + R"(,"dirent":{"ver":1,"type":"val","data":")" +
           hb::test::base64(value) + R"("}}]})";
}

// Two brokers of one instance, each with kvs and kvs-watch; clients on either.
struct Instance {
    TraceBuilder t;
    hb::test::Flux flux{t};
    hb::test::Broker *b0 = nullptr;
    hb::test::Broker *b1 = nullptr;
    std::uint32_t tag = 10;
    int next_client = 0;

    Instance() {
        b0 = &flux.broker(100, 0, 2, {"kvs", "kvs-watch", "svc"});
        b1 = &flux.broker(500, 1, 2, {"kvs", "kvs-watch", "svc"});
    }
    hb::test::Broker &broker(int rank) { return rank == 0 ? *b0 : *b1; }

    Client client(int rank) {
        const int n = ++next_client;
        Client c = flux.client(1000 + 100 * n, broker(rank), hb::test::uuid(n));
        // A hop of one of its messages on the other broker links the two.
        Msg hop = msg("overlay.hello", "{}", 999);
        hop.route_first = c.uuid;
        hop.route_count = 3;
        hb::test::Broker &other = broker(1 - rank);
        t.msg(other.vpid, other.overlay_tid, 2, other.overlay_h, hop);
        return c;
    }
    // Returns the commit's send.  The answer names root "sha1-ROOTSEQ".
    RecordId commit(const Client &c, const std::string &key, const std::string &value,
                    std::int64_t rootseq, std::int32_t flags = 0) {
        const std::uint32_t m = ++tag;
        hb::test::Broker &b = broker(c.rank);
        const RecordId send =
            flux.request(c, b, "kvs",
                         msg("kvs.commit", commit_payload(key, value, flags), m))
                .first;
        flux.respond(c, b, "kvs", msg("kvs.commit", root_answer(rootseq), m));
        return send;
    }
    static std::string root_answer(std::int64_t rootseq) {
        return R"({"rootref":"sha1-)" + std::to_string(rootseq) + R"(","rootseq":)" +
               std::to_string(rootseq) + "}";
    }
    // A getroot answered with root "sha1-ROOTSEQ".
    void getroot(const Client &c, std::int64_t rootseq) {
        const std::uint32_t m = ++tag;
        hb::test::Broker &b = broker(c.rank);
        flux.request(c, b, "kvs", msg("kvs.getroot", R"({"namespace":"primary"})", m));
        flux.respond(c, b, "kvs", msg("kvs.getroot", root_answer(rootseq), m));
    }
    // A lookup at root "sha1-ROOTSEQ" (flux_kvs_lookupat); returns its send.
    RecordId lookupat(const Client &c, const std::string &key, std::int64_t rootseq,
                      const std::string &value) {
        const std::uint32_t m = ++tag;
        hb::test::Broker &b = broker(c.rank);
        const std::string request =
            R"({"key":")" + key + R"(","flags":0,"rootdir":{"ver":1,"type":"dirref",)" +
            R"("data":["sha1-)" + std::to_string(rootseq) + R"("]}})";
        const RecordId send =
            flux.request(c, b, "kvs", msg("kvs.lookup", request, m)).first;
        flux.respond(c, b, "kvs", msg("kvs.lookup", hb::test::value_payload(value), m));
        return send;
    }
    // A plain lookup; returns its send.
    RecordId lookup(const Client &c, const std::string &key, const std::string &value) {
        const std::uint32_t m = ++tag;
        hb::test::Broker &b = broker(c.rank);
        const RecordId send =
            flux.request(c, b, "kvs", msg("kvs.lookup", hb::test::lookup_payload(key), m))
                .first;
        flux.respond(c, b, "kvs", msg("kvs.lookup", hb::test::value_payload(value), m));
        return send;
    }
    // A watch seen on the message layer; returns its matchtag for deliver().
    std::uint32_t watch(const Client &c, const std::string &key, std::int64_t flags) {
        const std::uint32_t m = ++tag;
        Msg q = msg("kvs-watch.lookup", hb::test::lookup_payload(key, flags), m);
        q.msgflags = 0x40;
        flux.request(c, broker(c.rank), "kvs-watch", q);
        return m;
    }
    RecordId deliver(const Client &c, std::uint32_t m, const std::string &value) {
        Msg r = msg("kvs-watch.lookup", hb::test::value_payload(value), m);
        r.msgflags = 0x40;
        return flux.respond(c, broker(c.rank), "kvs-watch", r).second;
    }
    // The client publishes `topic` through event.publish (rank 0 answers with the
    // sequence number); `to` receives it.  Returns {publish send, delivery}.
    std::pair<RecordId, RecordId> event(const Client &from, const Client &to,
                                        const std::string &topic, std::uint32_t seq,
                                        const std::string &payload) {
        const std::uint32_t m = ++tag;
        const auto [send, recv] = flux.request(
            from, broker(from.rank), "svc",
            msg("event.publish",
                R"({"topic":")" + topic + R"(","flags":0,"payload":)" + payload + "}",
                m));
        (void)recv;
        flux.respond(from, broker(from.rank), "svc",
                     msg("event.publish", "{\"seq\":" + std::to_string(seq) + "}", m));
        Msg e = msg(topic, payload, 0);
        e.type = 4;
        e.seq = seq;
        const RecordId delivery = t.msg(to.vpid, to.tid, 2, to.h, e);
        return {send, delivery};
    }

    std::vector<report::Finding> check(const char *rule, const CheckOptions &o = {}) {
        model = std::make_unique<hb::Model>(t.records);
        report::Describer d(*model, nullptr);
        std::vector<report::Finding> out;
        for (auto &f : run_all(d, o)) {
            expect_steps(f);
            if (f.rule == rule)
                out.push_back(std::move(f));
        }
        return out;
    }
    std::unique_ptr<hb::Model> model;
};

// --- missing-version-wait -------------------------------------------------

struct Trigger : Instance {
    Client writer = client(0);
    Client reader = client(1);
    RecordId delivery = hb::kNoRecord;

    // "old" (version 4), then "new" (version 5, rank 0 answers it exactly),
    // then the event carrying the version reaches the reader on rank 1.
    void write_and_trigger() {
        commit(writer, "mvw.value", "old", 4);
        commit(writer, "mvw.value", "new", 5);
        delivery = event(writer, reader, "mvw.trigger", 7, R"({"version":5})").second;
    }
    void wait_version(std::int64_t v) {
        t.kvs_version(reader.vpid, reader.tid, 1, reader.h, v);
    }
};

TEST(MissingVersionWait, ALookupAfterATriggerWithoutAWaitIsAFinding) {
    Trigger x;
    x.write_and_trigger();
    x.lookup(x.reader, "mvw.value", "old");
    const auto found = x.check("missing-version-wait");
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.key, "mvw.value");
    EXPECT_EQ(f.severity, report::Severity::Finding);
    EXPECT_NE(f.title.find("event \"mvw.trigger\""), std::string::npos) << f.title;
    EXPECT_NE(f.title.find("rank 1"), std::string::npos);
    ASSERT_GE(f.sides.size(), 3u);
    EXPECT_EQ(f.sides[0].role, "lookup");
    EXPECT_EQ(f.sides[0].process, "client on rank 1");
    EXPECT_EQ(f.sides[1].role, "trigger received");
    EXPECT_EQ(f.sides[2].role, "commit");
    EXPECT_EQ(f.sides[2].process, "client on rank 0");
    EXPECT_NE(f.observed.find("stale read observed"), std::string::npos) << f.observed;
    EXPECT_NE(f.observed.find("\"old\""), std::string::npos);
    EXPECT_NE(f.fix.find("flux_kvs_wait_version"), std::string::npos);
}

TEST(MissingVersionWait, AFreshValueIsStillAFindingButNotObservedStale) {
    Trigger x;
    x.write_and_trigger();
    x.lookup(x.reader, "mvw.value", "new");
    const auto found = x.check("missing-version-wait");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_TRUE(found[0].observed.empty()) << found[0].observed;
}

TEST(MissingVersionWait, WaitingForTheCommitsVersionIsCompliant) {
    Trigger x;
    x.write_and_trigger();
    x.wait_version(5);
    x.lookup(x.reader, "mvw.value", "new");
    EXPECT_TRUE(x.check("missing-version-wait").empty());
}

TEST(MissingVersionWait, WaitingForAnOlderVersionIsNoWait) {
    Trigger x;
    x.write_and_trigger();
    x.wait_version(4);
    x.lookup(x.reader, "mvw.value", "old");
    const auto found = x.check("missing-version-wait");
    ASSERT_EQ(found.size(), 1u);
    bool said = false;
    for (const auto &d : found[0].sides[0].details)
        said = said ||
               d.find("waited for version 4, older than version 5") != std::string::npos;
    EXPECT_TRUE(said);
}

TEST(MissingVersionWait, AReadOnTheCommittingRankIsNot) {
    Trigger x;
    const Client same_rank = x.client(0);
    x.commit(x.writer, "mvw.value", "new", 5);
    x.event(x.writer, same_rank, "mvw.trigger", 7, "{}");
    x.lookup(same_rank, "mvw.value", "new");
    EXPECT_TRUE(x.check("missing-version-wait").empty());
}

TEST(MissingVersionWait, ACommitInAnOlderVersionIsSupersededEvenWithoutAPath) {
    // Two writers that nothing traced orders (two `flux kvs put` of a shell):
    // the lookup is held to the newer commit only, and reading its value is
    // not stale.
    Trigger x;
    const Client second = x.client(0);
    x.commit(x.writer, "k", "0", 4);
    x.event(x.writer, x.reader, "go", 7, "{}");
    x.commit(second, "k", "1", 5);
    x.event(second, x.reader, "go", 8, "{}");
    x.lookup(x.reader, "k", "1");
    const auto found = x.check("missing-version-wait");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_TRUE(found[0].observed.empty()) << found[0].observed;
    EXPECT_NE(found[0].causal_path.find("flux_kvs_wait_version(5)"), std::string::npos)
        << found[0].causal_path;
}

TEST(MissingVersionWait, ALookupWithNoTriggerIsNot) {
    // Nothing orders the commit before the lookup: the reader had no reason
    // to expect the value, so there was no version to wait for.
    Trigger x;
    x.commit(x.writer, "mvw.value", "new", 5);
    x.lookup(x.reader, "mvw.value", "old");
    EXPECT_TRUE(x.check("missing-version-wait").empty());
}

// A writer on follower rank 1 commits "new" over "old" (version 4, written
// on rank 0): rank 1 answers the commit with the root before it (sha1-4,
// version 4, as flux-core 0.88 does), so the commit's version is known as at
// least 5.  The reader on rank 0 reads at the root the trigger names.
struct AtRoot : Instance {
    Client setup = client(0);
    Client writer = client(1);
    Client reader = client(0);

    void write() {
        commit(setup, "lar.value", "old", 4);
        commit(writer, "lar.value", "new", 4);
    }
    void trigger() { event(writer, reader, "lar.trigger", 7, "{}"); }
};

TEST(MissingVersionWait, ALookupatAtTheRootBeforeTheCommitIsAStaleRead) {
    AtRoot x;
    x.write();
    x.trigger();
    x.lookupat(x.reader, "lar.value", 4, "old");
    const auto found = x.check("missing-version-wait");
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.key, "lar.value");
    EXPECT_NE(f.title.find("at a root older than the commit on rank 1"),
              std::string::npos)
        << f.title;
    ASSERT_GE(f.sides.size(), 3u);
    EXPECT_EQ(f.sides[0].role, "lookup at a root");
    EXPECT_EQ(f.sides[0].process, "client on rank 0");
    bool versions = false;
    for (const auto &d : f.sides[0].details)
        versions = versions || d.find("read at the root of version 4, older than version "
                                      "5") != std::string::npos;
    EXPECT_TRUE(versions);
    EXPECT_NE(f.observed.find("stale read observed"), std::string::npos) << f.observed;
    EXPECT_NE(f.why.find("flux_kvs_lookupat() reads the snapshot"), std::string::npos);
    EXPECT_NE(f.fix.find("flux_kvs_getroot()"), std::string::npos);
}

TEST(MissingVersionWait, ALookupatOnTheWritersOwnRankIsStaleToo) {
    // Read-your-writes does not make an old root new.
    AtRoot x;
    const Client beside = x.client(1);
    x.write();
    x.event(x.writer, beside, "lar.trigger", 7, "{}");
    x.lookupat(beside, "lar.value", 4, "old");
    EXPECT_EQ(x.check("missing-version-wait").size(), 1u);
}

TEST(MissingVersionWait, ALookupatAtTheCommitsRootIsCompliant) {
    AtRoot x;
    x.write();
    x.getroot(x.writer, 5); // after the commit: the follower applied it
    x.trigger();
    x.lookupat(x.reader, "lar.value", 5, "new");
    EXPECT_TRUE(x.check("missing-version-wait").empty());
}

TEST(MissingVersionWait, ALookupatAtARootOfUnknownVersionIsNot) {
    AtRoot x;
    x.write();
    x.trigger();
    x.lookupat(x.reader, "lar.value", 99, "old");
    EXPECT_TRUE(x.check("missing-version-wait").empty());
}

// --- replacement-updates ---------------------------------------------------

struct Stream : Instance {
    Client writer = client(0);
    Client watcher = client(1);
};

TEST(ReplacementUpdates, AStreamWatchOfAReplacedKeyIsAFinding) {
    Stream x;
    const auto w = x.watch(x.watcher, "ru.state", hb::kKvsWatch | hb::kKvsWaitCreate);
    x.commit(x.writer, "ru.state", "pending", 4);
    x.deliver(x.watcher, w, "pending");
    x.commit(x.writer, "ru.state", "running", 5);
    x.commit(x.writer, "ru.state", "done", 6);
    x.deliver(x.watcher, w, "done");
    const auto found = x.check("replacement-updates");
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.severity, report::Severity::Finding);
    EXPECT_EQ(f.key, "ru.state");
    // "pending" is the watch's initial state: two updates replaced it.
    EXPECT_NE(f.title.find("replaced by 2 commits"), std::string::npos) << f.title;
    EXPECT_EQ(f.observed,
              "race observed: 1 value of \"ru.state\" never delivered to any watcher: "
              "\"running\"");
    EXPECT_NE(f.fix.find("FLUX_KVS_WATCH_APPEND"), std::string::npos);
}

TEST(ReplacementUpdates, AppendedUpdatesWatchedWithWatchAppendAreNot) {
    Stream x;
    const auto w = x.watch(x.watcher, "ru.eventlog",
                           hb::kKvsWatch | hb::kKvsWaitCreate | hb::kKvsWatchAppend);
    for (const char *s : {"pending\n", "running\n", "done\n"}) {
        x.commit(x.writer, "ru.eventlog", s, 4, kAppend);
        x.deliver(x.watcher, w, s);
    }
    EXPECT_TRUE(x.check("replacement-updates").empty());
}

TEST(ReplacementUpdates, AGrowingCounterIsANote) {
    Stream x;
    const auto w = x.watch(x.watcher, "ru.count", hb::kKvsWatch);
    x.commit(x.writer, "ru.count", "0", 3);
    x.deliver(x.watcher, w, "0");
    for (const char *v : {"1", "2", "3"})
        x.commit(x.writer, "ru.count", v, 4);
    x.deliver(x.watcher, w, "3");
    const auto found = x.check("replacement-updates");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, report::Severity::Note);
    EXPECT_NE(found[0].why.find("counter"), std::string::npos);
}

TEST(ReplacementUpdates, WritesBeforeTheWatchStartedDoNotCount) {
    Stream x;
    x.commit(x.writer, "ru.state", "a", 4);
    x.commit(x.writer, "ru.state", "b", 5);
    // The watcher starts after a trigger that follows both writes.
    x.event(x.writer, x.watcher, "go", 3, "{}");
    const auto w = x.watch(x.watcher, "ru.state", hb::kKvsWatch);
    x.deliver(x.watcher, w, "b");
    EXPECT_TRUE(x.check("replacement-updates").empty());
}

// --- watch-chaining: race observed ----------------------------------------

TEST(WatchChaining, WritesConcurrentWithTheSecondWatchAreARaceObserved) {
    Stream x;
    const Client &c = x.watcher;
    const auto w1 = x.watch(c, "wc.stage1", hb::kKvsWatch | hb::kKvsWaitCreate);
    x.t.rpc(c.vpid, c.tid, 0xf0, c.h, "kvs-watch.lookup", w1);
    x.commit(x.writer, "wc.stage1", "go", 4);
    x.commit(x.writer, "wc.stage2", "s2-a", 5);
    x.deliver(c, w1, "go");
    x.t.cb_begin(c.vpid, c.tid, 0, 0xf0);
    const auto w2 = x.watch(c, "wc.stage2", hb::kKvsWatch | hb::kKvsWaitCreate);
    x.t.rpc(c.vpid, c.tid, 0xf1, c.h, "kvs-watch.lookup", w2);
    x.t.cb_end(c.vpid, c.tid, 0, 0xf0);
    x.commit(x.writer, "wc.stage2", "s2-b", 6);
    x.deliver(c, w2, "s2-b");
    const auto found = x.check("watch-chaining");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].observed,
              "race observed: 2 writes of \"wc.stage2\" concurrent with the second "
              "watch's start; 1 value of \"wc.stage2\" written but never delivered to "
              "the second watch: \"s2-a\"");
}

// --- rpc-fanout --------------------------------------------------------------

struct Fanout : Instance {
    Client sender = client(0);
    void send(const std::string &topic, std::uint32_t rank, std::uint32_t flags,
              const char *answer, const std::string &payload = "{}") {
        Msg q = msg(topic, payload, flags & 0x04 ? 0 : ++tag);
        q.nodeid = rank;
        q.msgflags = flags;
        const RecordId s = t.msg(sender.vpid, sender.tid, 1, sender.h, q);
        (void)s;
        if (answer) {
            Msg r = q;
            r.type = 2;
            r.payload = answer;
            t.msg(sender.vpid, sender.tid, 2, sender.h, r);
        }
    }
};

TEST(RpcFanout, ANotificationSentRankByRankIsAFinding) {
    Fanout x;
    for (std::uint32_t rank = 0; rank < 4; rank++)
        x.send("svc.notify", rank, 0x04, nullptr);
    const auto found = x.check("rpc-fanout");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, report::Severity::Finding);
    EXPECT_EQ(found[0].key, "svc.notify");
    EXPECT_NE(found[0].fix.find("flux_event_publish"), std::string::npos);
    EXPECT_EQ(found[0].sides[0].details[1], "to ranks: 0,1,2,3");
}

TEST(RpcFanout, FewerRanksThanTheThresholdOrAnyRankAreNot) {
    Fanout x;
    for (std::uint32_t rank = 0; rank < 3; rank++)
        x.send("svc.notify", rank, 0x04, nullptr);
    for (int i = 0; i < 5; i++)
        x.send("svc.other", hb::test::kAny, 0x04, nullptr);
    EXPECT_TRUE(x.check("rpc-fanout").empty());
    CheckOptions o;
    o.fanout_ranks = 3;
    EXPECT_EQ(x.check("rpc-fanout", o).size(), 1u);
}

TEST(RpcFanout, PerRankPayloadsAreConversationsNotANotification) {
    // flux exec closing each remote stdin: rexec.write, one stream per rank.
    Fanout x;
    for (std::uint32_t rank = 0; rank < 4; rank++)
        x.send("rexec.write", rank, 0x04, nullptr,
               "{\"stream\":\"stdin\",\"rank\":" + std::to_string(rank) + "}");
    EXPECT_TRUE(x.check("rpc-fanout").empty());
}

TEST(RpcFanout, AGatherWithDataIsANote) {
    Fanout x;
    for (std::uint32_t rank = 0; rank < 4; rank++)
        x.send("svc.query", rank, 0, R"({"load":1})");
    const auto found = x.check("rpc-fanout");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, report::Severity::Note);
}

// --- scattered-triggers -------------------------------------------------------

TEST(ScatteredTriggers, WatchesOverUnrelatedDirectoriesAreANote) {
    Stream x;
    for (const char *k :
         {"sc.alloc.done", "sc.exec.finished", "sc.io.status", "sc.cleanup.complete"})
        x.watch(x.watcher, k, hb::kKvsWatch | hb::kKvsWaitCreate);
    const auto found = x.check("scattered-triggers");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, report::Severity::Note);
    EXPECT_EQ(found[0].key, "sc.*");
    EXPECT_EQ(found[0].sides.size(), 4u);
}

TEST(ScatteredTriggers, OnePointPerJobIsGrouped) {
    Stream x;
    for (const char *k :
         {"job.0000.0001.0002.0003.R", "job.0000.0001.0002.0004.R",
          "job.0000.0001.0002.00a5.R", "job.0000.0001.0002.00b6.R", "sc.job.state"})
        x.watch(x.watcher, k, hb::kKvsWatch);
    EXPECT_TRUE(x.check("scattered-triggers").empty());
}

TEST(ScatteredTriggers, AppendedEventlogsAreRetainedUpdatesNotScattered) {
    // job-info watching its jobs' eventlogs and guest namespaces.
    Stream x;
    for (const char *k : {"sc.alloc.eventlog", "sc.exec.eventlog", "sc.io.eventlog",
                          "sc.cleanup.eventlog"})
        x.watch(x.watcher, k, hb::kKvsWatch | hb::kKvsWatchAppend);
    EXPECT_TRUE(x.check("scattered-triggers").empty());
}

} // namespace
} // namespace fluxtrace::checkers
