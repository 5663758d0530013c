// The checkers on hand-built records: each fires on the pattern that breaks
// its RFC 9 rule and stays silent on the corrected twin.
#include <gtest/gtest.h>

#include "analyzer/checkers/checker.hpp"
#include "tests/checkers/expect_steps.hpp"
#include "analyzer/hb/model.hpp"
#include "analyzer/symbolize/object_map.hpp"
#include "analyzer/symbolize/symbolizer.hpp"
#include "tests/hb/flux_fixture.hpp"

namespace fluxtrace::checkers {
namespace {

using hb::RecordId;
using hb::test::TraceBuilder;

constexpr std::int64_t kContinuation = 0, kHandler = 1, kTimer = 4;
constexpr std::uint64_t kProgramBase = 0x400000;

// Records with stacks, in a program whose code is mapped from /nonexistent/prog
// (so frames print as "prog+0x..": stable, no file needed).
struct Program {
    TraceBuilder t;
    symbolize::ObjectMap objects;
    int vpid = 10;

    Program() {
        t.process(vpid, "/usr/bin/prog");
        symbolize::LoadedObject o;
        o.base = 0;
        o.memsz = 0x1000000;
        o.path = "/nonexistent/prog";
        objects.add_object({0, vpid}, o);
    }
    RecordId cb_begin(std::int64_t kind, std::uint64_t obj, std::uint64_t fn) {
        return t.add("cb_begin", vpid, vpid,
                     {{"kind", kind},
                      {"obj", obj, true},
                      {"fn", fn, true},
                      {"msg", std::uint64_t{0}, true},
                      {"stack", U64Array(dispatch_, 1)}});
    }
    RecordId cb_end(std::int64_t kind, std::uint64_t obj, std::uint64_t fn,
                    std::uint64_t duration_ns = 1000) {
        return t.add("cb_end", vpid, vpid,
                     {{"kind", kind},
                      {"obj", obj, true},
                      {"fn", fn, true},
                      {"msg", std::uint64_t{0}, true},
                      {"duration_ns", duration_ns}});
    }
    RecordId wait(std::uint64_t f, bool ready, std::int64_t api = 0,
                  double timeout = -1.0) {
        return t.add("future_wait", vpid, vpid,
                     {{"api", api},
                      {"f", f, true},
                      {"was_ready", std::uint64_t{ready ? 1u : 0u}},
                      {"timeout", timeout},
                      {"blocked_ns", std::uint64_t{ready ? 0u : 2'500'000u}},
                      {"rc", std::int64_t{0}},
                      {"err", std::int64_t{0}},
                      {"stack", U64Array(ready ? nullptr : wait_stack_, ready ? 0 : 2)}});
    }
    RecordId version(std::int64_t api) {
        return t.add("kvs_version", vpid, vpid,
                     {{"api", api},
                      {"h", std::uint64_t{0x1}, true},
                      {"ns", std::string_view("")},
                      {"version", std::int64_t{7}},
                      {"rc", std::int64_t{0}},
                      {"err", std::int64_t{0}},
                      {"blocked_ns", std::uint64_t{400'000}},
                      {"stack", U64Array(wait_stack_, 2)}});
    }
    RecordId lookup(std::uint64_t f, std::string_view key, std::int64_t flags) {
        return t.add("kvs_lookup", vpid, vpid,
                     {{"api", std::int64_t{0}},
                      {"f", f, true},
                      {"h", std::uint64_t{0x1}, true},
                      {"ns", std::string_view("")},
                      {"key", key},
                      {"flags", flags},
                      {"treeobj", std::string_view("")},
                      {"rc", std::int64_t{0}},
                      {"err", std::int64_t{0}},
                      {"stack", U64Array(lookup_stack_, 1)}});
    }

    RecordId then(std::uint64_t f, std::uint64_t fn) {
        return t.add("future", vpid, vpid,
                     {{"op", code(FutureOp::Then)},
                      {"f", f, true},
                      {"fn", fn, true},
                      {"timeout", -1.0},
                      {"errnum", std::int64_t{0}},
                      {"rc", std::int64_t{0}}});
    }
    RecordId watcher_start(std::uint64_t w) {
        return t.add("watcher", vpid, vpid,
                     {{"op", code(WatcherOp::Start)}, {"w", w, true}});
    }
    RecordId reactor_run(std::int64_t flags, std::uint64_t duration_ns) {
        return t.add("reactor_run", vpid, vpid,
                     {{"r", std::uint64_t{0x77}, true},
                      {"flags", flags},
                      {"depth", std::uint64_t{2}},
                      {"end", std::uint64_t{1}},
                      {"rc", std::int64_t{0}},
                      {"duration_ns", duration_ns}});
    }

    std::vector<report::Finding> check(const CheckOptions &options = {}) {
        model_ = std::make_unique<hb::Model>(t.records);
        symbols_ = std::make_unique<symbolize::Symbolizer>(objects);
        report::Describer d(*model_, symbols_.get());
        auto found = run_all(d, options);
        for (const auto &f : found)
            expect_steps(f);
        return found;
    }

  private:
    static inline const std::uint64_t dispatch_[1] = {0x2001};
    static inline const std::uint64_t wait_stack_[2] = {0x3001, 0x3101};
    static inline const std::uint64_t lookup_stack_[1] = {0x4001};
    std::unique_ptr<hb::Model> model_;
    std::unique_ptr<symbolize::Symbolizer> symbols_;
};

TEST(ReactorBlocking, AnUnreadyWaitInsideACallbackIsAFinding) {
    Program p;
    p.cb_begin(kTimer, 0xaa, 0x1000);
    p.wait(0xf0, false, 2);
    p.cb_end(kTimer, 0xaa, 0x1000);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.rule, "reactor-blocking");
    EXPECT_EQ(f.severity, report::Severity::Finding);
    EXPECT_EQ(f.duration_ns, 2'500'000u);
    ASSERT_EQ(f.sides.size(), 2u);
    EXPECT_EQ(f.sides[0].role, "synchronous wait");
    EXPECT_EQ(f.sides[0].exe, "prog");
    EXPECT_EQ(f.sides[0].process, "process (no broker)");
    ASSERT_EQ(f.sides[0].stack.size(), 2u);
    EXPECT_EQ(f.sides[0].stack[0].to_string(), "prog+0x3001");
    EXPECT_EQ(f.sides[1].role, "inside callback");
    // The callback's own function, then where it was dispatched from.
    ASSERT_EQ(f.sides[1].stack.size(), 2u);
    EXPECT_EQ(f.sides[1].stack[0].to_string(), "prog+0x1000");
    EXPECT_EQ(f.function, "prog+0x3001");
    EXPECT_NE(f.title.find("flux_rpc_get"), std::string::npos);
    EXPECT_NE(f.fix.find("flux_future_then"), std::string::npos);
    EXPECT_FALSE(f.incomplete);
}

TEST(ReactorBlocking, AReadyFutureOrAWaitOutsideCallbacksIsNot) {
    Program p;
    p.wait(0xf0, false); // the program's main line may block
    p.cb_begin(kContinuation, 0xf1, 0x1000);
    p.wait(0xf1, true);          // the continuation's own future: ready
    p.wait(0xf2, false, 1, 0.0); // flux_future_wait_for(f, 0.) only polls
    p.cb_end(kContinuation, 0xf1, 0x1000);
    EXPECT_TRUE(p.check().empty());
}

TEST(ReactorBlocking, VersionCallsBlockInternally) {
    Program p;
    p.cb_begin(kHandler, 0xaa, 0x1000);
    p.version(1);
    p.cb_end(kHandler, 0xaa, 0x1000);
    p.version(0); // outside: fine
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].key, "kvs.wait-version");
    EXPECT_NE(found[0].fix.find("kvs.wait-version"), std::string::npos);
}

TEST(ReactorBlocking, SlowCallbacksAboveTheThreshold) {
    Program p;
    p.cb_begin(kTimer, 0xaa, 0x1000);
    p.cb_end(kTimer, 0xaa, 0x1000, 150'000'000);
    p.cb_begin(kTimer, 0xab, 0x1100);
    p.cb_end(kTimer, 0xab, 0x1100, 50'000'000);
    auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].key, "timer");
    EXPECT_EQ(found[0].function, "prog+0x1000");
    EXPECT_EQ(found[0].duration_ns, 150'000'000u);
    CheckOptions low;
    low.slow_callback_ns = 10'000'000;
    EXPECT_EQ(p.check(low).size(), 2u);
    CheckOptions off;
    off.slow_callback_ns = 0;
    EXPECT_TRUE(p.check(off).empty());
}

TEST(ReactorBlocking, ASlowCallbackExplainedByItsWaitIsReportedOnce) {
    Program p;
    p.cb_begin(kTimer, 0xaa, 0x1000);
    p.wait(0xf0, false);
    p.cb_end(kTimer, 0xaa, 0x1000, 500'000'000);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].sides[0].role, "synchronous wait");
}

TEST(ReactorBlocking, RepeatedWaitsAtOneSiteAreOneReport) {
    Program p;
    for (int i = 0; i < 3; i++) {
        p.cb_begin(kTimer, 0xaa, 0x1000);
        p.wait(0xf0 + i, false);
        p.cb_end(kTimer, 0xaa, 0x1000);
    }
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].occurrences, 3u);
}

// A Python program: one Python line blocks twice, through interpreter frames
// that differ (as they do between calls).  One report, whose stack shows the
// Python frames in place of the interpreter's and whose SUMMARY names the
// program's Python function and line, past flux-core's own bindings.
TEST(ReactorBlocking, PythonFramesMakeOneReportPerPythonCallSite) {
    Program p;
    const symbolize::ProcessKey key{0, p.vpid};
    symbolize::LoadedObject python;
    python.base = 0x10000000;
    python.memsz = 0x1000000;
    python.path = "/usr/bin/python3.11";
    p.objects.add_object(key, python);
    symbolize::LoadedObject libflux = python;
    libflux.base = 0x20000000;
    libflux.path = "/usr/lib/libflux-core.so.2";
    p.objects.add_object(key, libflux);
    p.objects.add_python_code(key, 0xc0de1,
                              {0, "FunctionWrapper.__call__",
                               "/usr/lib/python3/dist-packages/flux/wrapper.py", 163});
    p.objects.add_python_code(key, 0xc0de2,
                              {0, "Service.on_update", "/srv/service.py", 40});
    for (const std::uint64_t interpreter : {0x10000100u, 0x10000200u}) {
        p.cb_begin(kTimer, 0xaa, 0x1000);
        const std::uint64_t native[3] = {0x20000101, interpreter, 0x10000300};
        const std::uint64_t python_frames[4] = {0xc0de1, 193, 0xc0de2, 42};
        p.t.add("future_wait", p.vpid, p.vpid,
                {{"api", std::int64_t{0}},
                 {"f", std::uint64_t{0xf0}, true},
                 {"was_ready", std::uint64_t{0}},
                 {"timeout", -1.0},
                 {"blocked_ns", std::uint64_t{2'500'000}},
                 {"rc", std::int64_t{0}},
                 {"err", std::int64_t{0}},
                 {"stack", U64Array(native, 3)},
                 {"pystack", U64Array(python_frames, 4)}});
        p.cb_end(kTimer, 0xaa, 0x1000);
    }
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.occurrences, 2u);
    ASSERT_FALSE(f.sides.empty());
    std::vector<std::string> frames;
    for (const auto &frame : f.sides[0].stack)
        frames.push_back(frame.to_string());
    EXPECT_EQ(frames, (std::vector<std::string>{"libflux-core.so.2+0x101",
                                                "FunctionWrapper.__call__ wrapper.py:193",
                                                "Service.on_update service.py:42"}));
    EXPECT_EQ(f.function, "Service.on_update");
    EXPECT_EQ(report::summary_place(f), "Service.on_update service.py:42");
}

TEST(ReactorBlocking, AReactorRunNestedInACallbackIsAFinding) {
    Program p;
    p.cb_begin(kTimer, 0xaa, 0x1000);
    p.reactor_run(0, 1'000'000);
    p.cb_end(kTimer, 0xaa, 0x1000);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].key, "flux_reactor_run");
    EXPECT_EQ(found[0].duration_ns, 1'000'000u);
    EXPECT_NE(found[0].title.find("nested inside a timer callback"), std::string::npos);
}

TEST(ReactorBlocking, AWaitsOwnPrivateReactorOrANowaitRunIsNotANestedRun) {
    Program p;
    p.cb_begin(kTimer, 0xaa, 0x1000);
    p.reactor_run(0, 2'000'000); // flux_future_get's private reactor
    p.wait(0xf0, false);         // blocked 2.5 ms, ending after the run
    p.reactor_run(1, 0);         // FLUX_REACTOR_NOWAIT
    p.cb_end(kTimer, 0xaa, 0x1000);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].key, "flux_reactor_run");
    // Outside any callback a reactor run is the program's main loop.
    Program q;
    q.reactor_run(0, 5'000'000);
    EXPECT_TRUE(q.check().empty());
}

TEST(WatchChaining, AWatchStartedInAWatchContinuationIsAFinding) {
    Program p;
    p.lookup(0xf0, "job.state", hb::kKvsWatch);
    p.cb_begin(kContinuation, 0xf0, 0x1000);
    p.lookup(0xf1, "job.result", hb::kKvsWatch | hb::kKvsWaitCreate);
    p.cb_end(kContinuation, 0xf0, 0x1000);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.rule, "watch-chaining");
    EXPECT_EQ(f.key, "job.result");
    ASSERT_EQ(f.sides.size(), 3u);
    EXPECT_EQ(f.sides[0].role, "watch started");
    EXPECT_EQ(f.sides[1].role, "inside callback of watch");
    EXPECT_EQ(f.sides[2].role, "first watch started");
    EXPECT_EQ(f.sides[2].details[0], "key: job.state");
    EXPECT_NE(f.fix.find("FLUX_KVS_WATCH_APPEND"), std::string::npos);
    EXPECT_NE(f.rfc.find("SHOULD NOT employ a pattern of chained watches"),
              std::string::npos);
}

TEST(WatchChaining, NestedCallbacksInsideAWatchContinuationStillCount) {
    Program p;
    p.lookup(0xf0, "a", hb::kKvsWatch);
    p.cb_begin(kContinuation, 0xf0, 0x1000);
    p.cb_begin(kTimer, 0xaa, 0x1100); // run by a nested reactor of a wait
    p.lookup(0xf1, "b", hb::kKvsWatch);
    p.cb_end(kTimer, 0xaa, 0x1100);
    p.cb_end(kContinuation, 0xf0, 0x1000);
    ASSERT_EQ(p.check().size(), 1u);
}

TEST(WatchChaining, AWatchStartedInATimerStartedByAWatchContinuationIsAFinding) {
    Program p;
    p.lookup(0xf0, "a", hb::kKvsWatch);
    p.cb_begin(kContinuation, 0xf0, 0x1000);
    p.watcher_start(0xaa); // a one-shot timer
    p.cb_end(kContinuation, 0xf0, 0x1000);
    p.cb_begin(kTimer, 0xaa, 0x1100);
    p.lookup(0xf1, "b", hb::kKvsWatch);
    p.cb_end(kTimer, 0xaa, 0x1100);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.key, "b");
    EXPECT_NE(f.title.find("1 asynchronous step after"), std::string::npos) << f.title;
    ASSERT_EQ(f.sides.size(), 4u);
    EXPECT_EQ(f.sides[0].role, "watch started");
    EXPECT_EQ(f.sides[1].role, "asynchronous step 1");
    EXPECT_EQ(f.sides[2].role, "callback of watch, where the chain starts");
    EXPECT_EQ(f.sides[3].details[0], "key: a");
}

TEST(WatchChaining, ChainsThroughAContinuationAndATimer) {
    Program p;
    p.lookup(0xf0, "a", hb::kKvsWatch);
    p.cb_begin(kContinuation, 0xf0, 0x1000);
    p.then(0xf2, 0x1200); // an RPC's continuation, registered here
    p.cb_end(kContinuation, 0xf0, 0x1000);
    p.cb_begin(kContinuation, 0xf2, 0x1200);
    p.watcher_start(0xaa);
    p.cb_end(kContinuation, 0xf2, 0x1200);
    p.cb_begin(kTimer, 0xaa, 0x1100);
    p.lookup(0xf1, "b", hb::kKvsWatch);
    p.cb_end(kTimer, 0xaa, 0x1100);
    const auto found = p.check();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].title.find("2 asynchronous steps after"), std::string::npos)
        << found[0].title;
    ASSERT_EQ(found[0].sides.size(), 5u);
    EXPECT_EQ(found[0].sides[1].role, "asynchronous step 2");
    EXPECT_EQ(found[0].sides[2].role, "asynchronous step 1");
}

TEST(WatchChaining, TheChainIsCutAfterTheFirstRunOfWhatWasArmed) {
    Program p;
    p.lookup(0xf0, "a", hb::kKvsWatch);
    p.watcher_start(0xbb); // started outside callbacks
    p.cb_begin(kContinuation, 0xf0, 0x1000);
    p.watcher_start(0xaa); // a repeating timer, started once
    p.cb_end(kContinuation, 0xf0, 0x1000);
    p.cb_begin(kTimer, 0xaa, 0x1100); // its first run starts no watch
    p.cb_end(kTimer, 0xaa, 0x1100);
    p.cb_begin(kTimer, 0xaa, 0x1100); // a later run reacts to time, not to "a"
    p.lookup(0xf1, "b", hb::kKvsWatch);
    p.cb_end(kTimer, 0xaa, 0x1100);
    p.cb_begin(kTimer, 0xbb, 0x1300); // armed outside any callback
    p.lookup(0xf3, "c", hb::kKvsWatch);
    p.cb_end(kTimer, 0xbb, 0x1300);
    EXPECT_TRUE(p.check().empty());
}

TEST(WatchChaining, PlainLookupsAndWatchesOutsideWatchCallbacksAreNot) {
    Program p;
    p.lookup(0xf0, "a", hb::kKvsWatch);
    p.lookup(0xf2, "b", hb::kKvsWatch); // both up front: the compliant twin
    p.lookup(0xf3, "c", 0);
    p.cb_begin(kContinuation, 0xf3, 0x1000); // a plain lookup's continuation
    p.lookup(0xf4, "d", hb::kKvsWatch);
    p.cb_end(kContinuation, 0xf3, 0x1000);
    p.cb_begin(kContinuation, 0xf0, 0x1000); // a watch's continuation
    p.lookup(0xf5, "e", 0);                  // reads once: not a watch
    p.cb_end(kContinuation, 0xf0, 0x1000);
    EXPECT_TRUE(p.check().empty());
}

TEST(WatchChaining, WatchesSeenOnlyOnTheMessageLayer) {
    // A binding that builds kvs-watch.lookup requests itself: no kvs_lookup.
    TraceBuilder t;
    hb::test::Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs-watch"});
    const hb::test::Client c = flux.client(200, b, hb::test::uuid(1));
    hb::test::Msg q;
    q.topic = "kvs-watch.lookup";
    q.payload = hb::test::lookup_payload("first", hb::kKvsWatch);
    q.msgflags = 0x40;
    q.matchtag = 1;
    flux.request(c, b, "kvs-watch", q);
    t.rpc(c.vpid, c.tid, 0xf0, c.h, "kvs-watch.lookup", 1);
    t.cb_begin(c.vpid, c.tid, kContinuation, 0xf0);
    hb::test::Msg q2 = q;
    q2.payload = hb::test::lookup_payload("second", hb::kKvsWatch);
    q2.matchtag = 2;
    flux.request(c, b, "kvs-watch", q2);
    t.rpc(c.vpid, c.tid, 0xf1, c.h, "kvs-watch.lookup", 2);
    hb::test::Msg plain = q;
    plain.payload = hb::test::lookup_payload("third", 0);
    plain.matchtag = 3;
    flux.request(c, b, "kvs-watch", plain);
    t.rpc(c.vpid, c.tid, 0xf2, c.h, "kvs-watch.lookup", 3);
    t.cb_end(c.vpid, c.tid, kContinuation, 0xf0);
    hb::Model m(t.records);
    report::Describer d(m, nullptr);
    const auto found = run_all(d, {});
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].key, "second");
    EXPECT_EQ(found[0].sides[0].process, "client on rank 0");
    EXPECT_EQ(found[0].sides[0].record, "msg");
}

} // namespace
} // namespace fluxtrace::checkers
