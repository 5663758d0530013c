// KVS: commit -> the reads and watch values that returned its value (by key
// and value hash, at the message or the API layer), and commit in version V ->
// wait_version(V) returning.
#include <gtest/gtest.h>

#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Client;
using test::Flux;
using test::Msg;
using test::TraceBuilder;

Msg msg(std::string topic, std::string payload) {
    Msg m;
    m.topic = std::move(topic);
    m.payload = std::move(payload);
    return m;
}

struct Kvs {
    TraceBuilder t;
    Flux flux{t};
    test::Broker *b = nullptr;
    Kvs() { b = &flux.broker(100, 0, 1, {"kvs"}); }

    // Returns the commit's send.
    RecordId commit(const Client &c, const std::string &key, const std::string &value,
                    std::int64_t rootseq = -1) {
        const auto [send, recv] = flux.request(
            c, *b, "kvs", msg("kvs.commit", test::commit_payload(key, value)));
        (void)recv;
        flux.respond(c, *b, "kvs",
                     msg("kvs.commit", R"({"rootref":"sha1-0","rootseq":)" +
                                           std::to_string(rootseq) + "}"));
        return send;
    }
    // Returns the receipt of the value.
    RecordId lookup(const Client &c, const std::string &key, const std::string &value) {
        flux.request(c, *b, "kvs", msg("kvs.lookup", test::lookup_payload(key)));
        return flux.respond(c, *b, "kvs", msg("kvs.lookup", test::value_payload(value)))
            .second;
    }
};

TEST(KvsValue, CommitPrecedesTheReadThatReturnedItsValue) {
    Kvs k;
    const Client w = k.flux.client(200, *k.b, test::uuid(1));
    const Client r = k.flux.client(300, *k.b, test::uuid(2));
    const auto before_read = k.t.future(r.vpid, r.tid, 0, 0x9);
    const auto commit = k.commit(w, "a.b", "v1");
    const auto after_commit = k.t.future(w.vpid, w.tid, 0, 0x9);
    const auto read = k.lookup(r, "a.b", "v1");
    const auto after_read = k.t.future(r.vpid, r.tid, 4, 0x9);
    Model m(k.t.records);
    EXPECT_TRUE(m.happens_before(commit, read));
    EXPECT_TRUE(m.happens_before(commit, after_read));
    // The writer's later work is not before the read: only its commit is.
    EXPECT_TRUE(m.concurrent(after_commit, read));
    EXPECT_TRUE(m.concurrent(before_read, commit));
    const Commit *c = m.commit_of(read);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->request, commit);
    ASSERT_EQ(c->ops.size(), 1u);
    EXPECT_EQ(c->ops[0].key, "a.b");
    EXPECT_EQ(m.read_of(read)->observed, Observed::Unique);
    EXPECT_EQ(m.kvs().writes_of("a.b").size(), 1u);
    EXPECT_EQ(m.kvs().reads_of("a.b").size(), 1u);
}

TEST(KvsValue, AReadOfAnotherValueIsNotTiedToTheCommit) {
    Kvs k;
    const Client w = k.flux.client(200, *k.b, test::uuid(1));
    const Client r = k.flux.client(300, *k.b, test::uuid(2));
    k.commit(w, "a", "v1");
    const auto read = k.lookup(r, "a", "v0");
    Model m(k.t.records);
    EXPECT_EQ(m.commit_of(read), nullptr);
    EXPECT_EQ(m.read_of(read)->observed, Observed::Unknown);
}

TEST(KvsValue, TwoWritersOfOneValueGiveNoEdge) {
    Kvs k;
    const Client w1 = k.flux.client(200, *k.b, test::uuid(1));
    const Client w2 = k.flux.client(250, *k.b, test::uuid(3));
    const Client r = k.flux.client(300, *k.b, test::uuid(2));
    k.commit(w1, "a", "same");
    k.commit(w2, "a", "same");
    const auto read = k.lookup(r, "a", "same");
    Model m(k.t.records);
    EXPECT_EQ(m.read_of(read)->observed, Observed::Ambiguous);
    for (const Edge &e : m.relation().edges())
        EXPECT_NE(e.kind, EdgeKind::KvsValue);
}

TEST(KvsValue, OneWriterOfOneValueTwiceOrdersTheFirst) {
    Kvs k;
    const Client w = k.flux.client(200, *k.b, test::uuid(1));
    const Client r = k.flux.client(300, *k.b, test::uuid(2));
    const auto first = k.commit(w, "a", "x");
    k.commit(w, "a", "y");
    const auto second = k.commit(w, "a", "x");
    const auto read = k.lookup(r, "a", "x");
    Model m(k.t.records);
    EXPECT_EQ(m.read_of(read)->observed, Observed::SameWriter);
    EXPECT_EQ(m.commit_of(read)->request, first);
    EXPECT_TRUE(m.happens_before(first, read));
    (void)second;
}

TEST(KvsValue, ApiRecordsWhenPayloadsWereNotKept) {
    // FLUXTRACE_PAYLOAD=hash: the messages carry no bytes; the API records
    // (kvs_txn put, kvs_value) carry the value hashes.
    Kvs k;
    const Client w = k.flux.client(200, *k.b, test::uuid(1));
    const Client r = k.flux.client(300, *k.b, test::uuid(2));
    k.t.kvs_txn(w.vpid, w.tid, 0, 0x70);
    k.t.kvs_txn(w.vpid, w.tid, 2, 0x70, "cfg", "on");
    Msg q = msg("kvs.commit", test::commit_payload("cfg", "on"));
    q.kept = false;
    const auto [send, recv] = k.flux.request(w, *k.b, "kvs", q);
    (void)recv;
    k.t.rpc(w.vpid, w.tid, 0xf1, w.h, "kvs.commit", 1);
    const auto api_commit = k.t.kvs_commit(w.vpid, w.tid, 0xf1, w.h, 0x70);
    Msg reply = msg("kvs.commit", R"({"rootseq":4})");
    reply.kept = false;
    k.flux.respond(w, *k.b, "kvs", reply);

    Msg l = msg("kvs.lookup", test::lookup_payload("cfg"));
    l.kept = false;
    k.flux.request(r, *k.b, "kvs", l);
    k.t.rpc(r.vpid, r.tid, 0xf2, r.h, "kvs.lookup", 1);
    k.t.kvs_lookup(r.vpid, r.tid, 0xf2, r.h, "cfg", 0);
    Msg v = msg("kvs.lookup", test::value_payload("on"));
    v.kept = false;
    const auto receipt = k.flux.respond(r, *k.b, "kvs", v).second;
    const auto value = k.t.kvs_value(r.vpid, r.tid, 0xf2, "on");
    Model m(k.t.records);
    const Commit *c = m.commit_of(value);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->request, send);
    EXPECT_EQ(c->api, api_commit);
    EXPECT_EQ(c->payload, PayloadStatus::NotKept);
    EXPECT_TRUE(m.happens_before(send, receipt));
    EXPECT_EQ(m.read_of(value), m.read_of(receipt));
}

TEST(KvsVersion, CommitInVersionPrecedesWaitVersionReturning) {
    Kvs k;
    const Client w = k.flux.client(200, *k.b, test::uuid(1));
    const Client r = k.flux.client(300, *k.b, test::uuid(2));
    // Only the API records of the waiter: its messages were not traced.
    const auto commit = k.commit(w, "a", "v1", 7);
    const auto wait6 = k.t.kvs_version(r.vpid, r.tid, 1, r.h, 6);
    const auto wait7 = k.t.kvs_version(r.vpid, r.tid, 1, r.h, 7);
    k.t.process(400, "/bin/other", k.b->local_uri);
    const auto wait9 = k.t.kvs_version(400, 400, 1, 0x99, 9);
    Model m(k.t.records);
    EXPECT_FALSE(m.happens_before(commit, wait6));
    EXPECT_TRUE(m.happens_before(commit, wait7));
    EXPECT_TRUE(m.happens_before(commit, wait9));
    for (const Edge &e : m.relation().edges()) {
        if (e.kind == EdgeKind::KvsVersion) {
            EXPECT_NE(e.to, wait6);
        }
    }
}

TEST(KvsVersion, GetVersionAfterTheCommitNamesItsVersion) {
    // A follower answers a commit with the root before it: only the writer's
    // get_version after the commit says which version holds it.
    TraceBuilder t;
    Flux flux(t);
    auto &b0 = flux.broker(100, 0, 2, {"kvs"});
    auto &b1 = flux.broker(500, 1, 2, {"kvs"});
    (void)b0;
    const Client w = flux.client(600, b1, test::uuid(1));
    Msg q = msg("kvs.commit", test::commit_payload("a", "v"));
    const auto send = flux.request(w, b1, "kvs", q).first;
    flux.respond(w, b1, "kvs", msg("kvs.commit", R"({"rootseq":11})"));
    t.kvs_version(w.vpid, w.tid, 0, w.h, 12);
    const Client r = flux.client(700, b1, test::uuid(2));
    const auto wait11 = t.kvs_version(r.vpid, r.tid, 1, r.h, 11);
    const auto wait12 = t.kvs_version(r.vpid, r.tid, 1, r.h, 12);
    Model m(t.records);
    EXPECT_FALSE(m.happens_before(send, wait11));
    EXPECT_TRUE(m.happens_before(send, wait12));
}

} // namespace
} // namespace fluxtrace::hb
