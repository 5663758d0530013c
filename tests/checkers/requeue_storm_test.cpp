// requeue-storm on hand-built records: a stream left unconsumed while its
// thread blocks in synchronous waits, each wait receiving and requeueing every
// pending response; and the twins that consume or cancel it.
#include <gtest/gtest.h>

#include "analyzer/checkers/checker.hpp"
#include "analyzer/hb/model.hpp"
#include "analyzer/symbolize/object_map.hpp"
#include "analyzer/symbolize/symbolizer.hpp"
#include "tests/hb/trace_builder.hpp"

namespace fluxtrace::checkers {
namespace {

using hb::RecordId;
using hb::test::Msg;
using hb::test::TraceBuilder;

constexpr std::int64_t kSend = 0, kRecv = 2, kRequeue = 3;
constexpr std::uint64_t kHandle = 0x1, kWatchFuture = 0xf0;
constexpr std::uint32_t kWatchTag = 5;
constexpr std::uint32_t kStreaming = 0x40;

// One client process: a stream started, then `waits` synchronous RPCs.
struct Client {
    TraceBuilder t;
    symbolize::ObjectMap objects;
    int vpid = 10;

    Client() {
        t.process(vpid, "/usr/bin/prog");
        t.handle(vpid, vpid, 0, kHandle);
        symbolize::LoadedObject o;
        o.base = 0;
        o.memsz = 0x1000000;
        o.path = "/nonexistent/prog";
        objects.add_object({0, vpid}, o);
    }

    // flux_kvs_lookup(h, NULL, flags, key): a kvs-watch.lookup stream.
    void watch(std::string_view key, std::int64_t flags = hb::kKvsWatch) {
        Msg q;
        q.topic = "kvs-watch.lookup";
        q.matchtag = kWatchTag;
        q.msgflags = kStreaming;
        t.msg(vpid, vpid, kSend, kHandle, q);
        t.rpc(vpid, vpid, kWatchFuture, kHandle, "kvs-watch.lookup", kWatchTag);
        t.add("kvs_lookup", vpid, vpid,
              {{"api", std::int64_t{0}},
               {"f", kWatchFuture, true},
               {"h", kHandle, true},
               {"ns", std::string_view("")},
               {"key", key},
               {"flags", flags},
               {"treeobj", std::string_view("")},
               {"rc", std::int64_t{0}},
               {"err", std::int64_t{0}},
               {"stack", U64Array(lookup_stack_, 1)}});
    }
    // A streaming RPC with no KVS call behind it.
    void stream(std::string_view topic) {
        Msg q;
        q.topic = std::string(topic);
        q.matchtag = kWatchTag;
        q.msgflags = kStreaming;
        t.msg(vpid, vpid, kSend, kHandle, q);
        t.rpc(vpid, vpid, kWatchFuture, kHandle, topic, kWatchTag);
    }
    // Response `n` of the stream reaches the handle (m: its message object).
    Msg response(int n, std::string_view topic = "kvs-watch.lookup") const {
        Msg r;
        r.type = hb::kResponse;
        r.topic = std::string(topic);
        r.matchtag = kWatchTag;
        r.m = 0x9000 + static_cast<std::uint64_t>(n);
        r.payload = "{\"val\":" + std::to_string(n) + "}";
        return r;
    }
    // flux_rpc_get on a kvs.lookup: inside it, the wait receives and requeues
    // each of `pending` responses of the stream.
    void blocking_rpc(std::uint32_t tag, int pending,
                      std::string_view topic = "kvs-watch.lookup") {
        Msg q;
        q.topic = "kvs.lookup";
        q.matchtag = tag;
        t.msg(vpid, vpid, kSend, kHandle, q);
        const std::uint64_t f = 0x100 + tag;
        t.rpc(vpid, vpid, f, kHandle, "kvs.lookup", tag);
        for (int n = 0; n < pending; n++) {
            t.msg(vpid, vpid, kRecv, kHandle, response(n, topic));
            t.msg(vpid, vpid, kRequeue, kHandle, response(n, topic));
        }
        Msg a;
        a.type = hb::kResponse;
        a.topic = "kvs.lookup";
        a.matchtag = tag;
        t.msg(vpid, vpid, kRecv, kHandle, a);
        t.add("future_wait", vpid, vpid,
              {{"api", std::int64_t{2}}, // flux_rpc_get
               {"f", f, true},
               {"was_ready", std::uint64_t{0}},
               {"timeout", -1.0},
               {"blocked_ns", std::uint64_t{1'000'000'000}},
               {"rc", std::int64_t{0}},
               {"err", std::int64_t{0}},
               {"stack", U64Array(wait_stack_, 1)}});
    }

    std::vector<report::Finding> check(const CheckOptions &options = {}) {
        model_ = std::make_unique<hb::Model>(t.records);
        symbols_ = std::make_unique<symbolize::Symbolizer>(objects);
        report::Describer d(*model_, symbols_.get());
        return run_all(d, options);
    }

  private:
    static inline const std::uint64_t lookup_stack_[1] = {0x4001};
    static inline const std::uint64_t wait_stack_[1] = {0x5001};
    std::unique_ptr<hb::Model> model_;
    std::unique_ptr<symbolize::Symbolizer> symbols_;
};

std::vector<report::Finding> storms(std::vector<report::Finding> all) {
    std::vector<report::Finding> out;
    for (auto &f : all)
        if (f.rule == "requeue-storm")
            out.push_back(std::move(f));
    return out;
}

bool has_detail(const report::Side &s, std::string_view text) {
    for (const auto &d : s.details)
        if (d == text)
            return true;
    return false;
}

// Twenty waits while one more watch response arrives before each: 1 + 2 +
// ... + 20 = 210 requeues of 20 responses.
TEST(RequeueStorm, AnUnconsumedWatchRequeuedAtEveryWaitIsAFinding) {
    Client c;
    c.watch("rq.key");
    for (int i = 1; i <= 20; i++)
        c.blocking_rpc(100 + i, i);
    const auto found = storms(c.check());
    ASSERT_EQ(found.size(), 1u);
    const auto &f = found[0];
    EXPECT_EQ(f.severity, report::Severity::Finding);
    EXPECT_EQ(f.key, "rq.key");
    EXPECT_EQ(f.title, "20 responses of the watch of \"rq.key\" requeued 210 times at "
                       "20 synchronous waits");
    ASSERT_EQ(f.sides.size(), 2u);
    EXPECT_EQ(f.sides[0].role, "stream started (watch)");
    EXPECT_EQ(f.sides[0].record, "kvs_lookup");
    EXPECT_TRUE(has_detail(f.sides[0], "flags: FLUX_KVS_WATCH"));
    EXPECT_TRUE(has_detail(f.sides[0], "requeued: 210 times, 20 distinct responses"));
    EXPECT_TRUE(has_detail(f.sides[0], "continuation: none (no flux_future_then on the "
                                       "stream's future)"));
    EXPECT_EQ(f.sides[1].role, "synchronous wait");
    EXPECT_TRUE(has_detail(f.sides[1], "call: flux_rpc_get"));
    EXPECT_TRUE(has_detail(f.sides[1], "waits for: kvs.lookup"));
    EXPECT_TRUE(has_detail(f.sides[1], "requeued here: 1 responses of the stream"));
    EXPECT_TRUE(has_detail(f.sides[1], "waits that requeued it: 20 (20 x kvs.lookup "
                                       "(flux_rpc_get))"));
    EXPECT_EQ(f.function, "prog+0x4001"); // the program's flux_kvs_lookup call
    EXPECT_NE(f.fix.find("flux_future_then"), std::string::npos);
    EXPECT_NE(f.fix.find("flux_kvs_lookup_cancel"), std::string::npos);
}

TEST(RequeueStorm, TheThresholdDecidesAndZeroDisables) {
    Client c;
    c.watch("rq.key");
    for (int i = 1; i <= 20; i++)
        c.blocking_rpc(100 + i, i);
    CheckOptions at;
    at.requeue_storm = 210;
    EXPECT_EQ(storms(c.check(at)).size(), 1u);
    CheckOptions above;
    above.requeue_storm = 211;
    EXPECT_TRUE(storms(c.check(above)).empty());
    CheckOptions off;
    off.requeue_storm = 0;
    EXPECT_TRUE(storms(c.check(off)).empty());
}

// The compliant twin: the stream's responses are received once and consumed
// (a continuation ran, or the watch was cancelled and drained): no requeue.
TEST(RequeueStorm, AConsumedStreamIsNot) {
    Client c;
    c.watch("rq.key");
    for (int i = 1; i <= 20; i++) {
        c.t.msg(c.vpid, c.vpid, kRecv, kHandle, c.response(i));
        c.blocking_rpc(100 + i, 0);
    }
    EXPECT_TRUE(storms(c.check()).empty());
}

// A few responses caught by a few waits (flux-core's own start-up) stay
// below the default threshold.
TEST(RequeueStorm, AFewRequeuesAreNot) {
    Client c;
    c.watch("rq.key");
    for (int i = 1; i <= 4; i++)
        c.blocking_rpc(100 + i, 2);
    EXPECT_TRUE(storms(c.check()).empty());
}

TEST(RequeueStorm, AnyStreamingRpcIsKeyedByItsTopic) {
    Client c;
    c.stream("job-info.eventlog-watch");
    for (int i = 1; i <= 15; i++)
        c.blocking_rpc(100 + i, 10, "job-info.eventlog-watch");
    const auto found = storms(c.check());
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].key, "job-info.eventlog-watch");
    EXPECT_EQ(found[0].sides[0].role, "stream started");
    EXPECT_EQ(found[0].sides[0].record, "rpc");
    EXPECT_TRUE(
        has_detail(found[0].sides[0], "requeued: 150 times, 10 distinct responses"));
}

} // namespace
} // namespace fluxtrace::checkers
