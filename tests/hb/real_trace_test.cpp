// Real traces of flux-core 0.88, read through Babeltrace2.
// The bundled trace (4 brokers, kvs-load clients): every kvs-load request to
// the KVS is paired with its server-side receive and every response it
// received with the server's send; every value it read is tied to the commit
// that wrote it.  The requeue-storm trace (tests/workloads): a watch whose
// responses its client received and put back at every synchronous wait pairs
// each response once.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include "analyzer/bt2/trace_reader.hpp"
#include "analyzer/hb/model.hpp"

namespace fluxtrace::hb {
namespace {

// The model of one committed trace (TARBALL), built once per test suite.
template <const char *Tarball>
class RealTrace : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        char tmpl[] = "/tmp/hb-real-trace-XXXXXX";
        dir_ = mkdtemp(tmpl);
        const std::string cmd =
            "tar -xJf '" + std::string(Tarball) + "' -C '" + dir_ + "'";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
        store_ = new RecordStore;
        records_ = new std::vector<Record>;
        bt2::TraceReader reader(*store_);
        reader.read({dir_}, [](const Record &r) {
            if (r.is_fluxtrace())
                records_->push_back(r);
        });
        model_ = new Model(*records_);
    }
    static void TearDownTestSuite() {
        delete model_;
        delete records_;
        delete store_;
        std::filesystem::remove_all(dir_);
    }
    static bool exe_ends_with(const Process &p, std::string_view name) {
        return p.exe.size() >= name.size() &&
               p.exe.substr(p.exe.size() - name.size()) == name;
    }
    static bool is_kvs_load(const Process &p) { return exe_ends_with(p, "kvs-load"); }

    static inline std::string dir_;
    static inline RecordStore *store_ = nullptr;
    static inline std::vector<Record> *records_ = nullptr;
    static inline Model *model_ = nullptr;
};

constexpr char kBundledTrace[] = BUNDLED_TRACE;
constexpr char kRequeueStormTrace[] = REQUEUE_STORM_TRACE;
using BundledTrace = RealTrace<kBundledTrace>;
using RequeueStormTrace = RealTrace<kRequeueStormTrace>;

TEST_F(RequeueStormTrace, EachRequeuedResponsePairsOnce) {
    // The client's kvs-watch stream: 50 distinct responses (and the end),
    // put back 2,465 times in all (the requeue-storm report's count).  Before
    // the requeue rule its 2,516 receipts were each a response, 1 paired.
    size_t streams = 0, responses = 0, paired = 0, requeued = 0;
    for (const Message &m : model_->messages().messages) {
        if (m.send == kNoRecord || m.topic_text != "kvs-watch.lookup" ||
            !exe_ends_with(model_->process_of(m.send), "requeue_storm"))
            continue;
        streams++;
        for (const Response &r : m.responses) {
            if (r.receipt == kNoRecord)
                continue;
            responses++;
            requeued += r.requeued;
            if (r.server_send != kNoRecord) {
                paired++;
                EXPECT_TRUE(model_->happens_before(r.server_send, r.receipt));
            }
        }
    }
    EXPECT_EQ(streams, 1u);
    EXPECT_EQ(responses, paired);
    EXPECT_GE(responses, 51u);
    EXPECT_EQ(requeued, 2465u);
}

TEST_F(BundledTrace, RolesAndRanks) {
    int brokers = 0;
    std::set<int> ranks;
    for (const Process &p : model_->processes().processes)
        if (p.role == ProcessRole::Broker) {
            brokers++;
            ranks.insert(p.rank);
            EXPECT_EQ(p.size, 4);
        }
    EXPECT_EQ(brokers, 4);
    EXPECT_EQ(ranks, (std::set<int>{0, 1, 2, 3}));
    std::set<int> client_ranks;
    for (const Process &p : model_->processes().processes)
        if (is_kvs_load(p)) {
            EXPECT_EQ(p.role, ProcessRole::Client);
            client_ranks.insert(p.rank);
        }
    EXPECT_EQ(client_ranks, (std::set<int>{0, 1, 2, 3}));
}

TEST_F(BundledTrace, EveryKvsLoadKvsRequestIsPaired) {
    size_t requests = 0, receipts = 0;
    for (const Message &m : model_->messages().messages) {
        if (m.send == kNoRecord || !is_kvs_load(model_->process_of(m.send)))
            continue;
        if (m.topic_text.rfind("kvs.", 0) != 0 &&
            m.topic_text.rfind("kvs-watch.", 0) != 0)
            continue;
        requests++;
        EXPECT_NE(m.server_recv, kNoRecord) << m.topic_text << " send " << m.send;
        EXPECT_EQ(model_->thread_of(m.server_recv).role, ThreadRole::Module)
            << m.topic_text;
        if (m.no_response())
            continue;
        EXPECT_FALSE(m.responses.empty()) << m.topic_text;
        for (const Response &r : m.responses)
            if (r.receipt != kNoRecord) {
                receipts++;
                EXPECT_NE(r.server_send, kNoRecord)
                    << m.topic_text << " receipt " << r.receipt;
                EXPECT_TRUE(model_->happens_before(r.server_send, r.receipt));
            }
        EXPECT_TRUE(model_->happens_before(m.send, m.server_recv));
    }
    EXPECT_EQ(requests, 54u); // 28 commits, 20 lookups, 3 watches and their 3 cancels
    EXPECT_GE(receipts, 50u);
}

TEST_F(BundledTrace, EveryValueKvsLoadReadIsTiedToItsCommit) {
    size_t reads = 0;
    for (const Read &r : model_->kvs().reads) {
        if (!is_kvs_load(model_->processes().processes[r.process]))
            continue;
        reads++;
        ASSERT_NE(r.commit, kNoCommit) << r.key;
        const Commit &c = model_->kvs().commits[r.commit];
        EXPECT_TRUE(model_->happens_before(c.request, r.record)) << r.key;
    }
    EXPECT_GE(reads, 23u); // 20 read-backs and the watchers' values
}

TEST_F(BundledTrace, EdgesAgreeWithTheHostClock) {
    // One host: its clock may check what the model never relies on.  A send
    // recorded when its call returned may trail the receive by the call's time.
    for (const Edge &e : model_->relation().edges()) {
        const Record &from = (*records_)[e.from];
        const Record &to = (*records_)[e.to];
        EXPECT_LT(from.ts_ns(), to.ts_ns() + 1'000'000) << edge_kind_name(e.kind);
    }
    EXPECT_TRUE(model_->relation().dropped().empty());
}

} // namespace
} // namespace fluxtrace::hb
