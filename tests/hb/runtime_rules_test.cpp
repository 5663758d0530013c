// Future fulfilment -> continuation, and the queries about callbacks: which
// run a record lies in, which watch, which message a handler handles.
#include <gtest/gtest.h>

#include "analyzer/hb/model.hpp"
#include "flux_fixture.hpp"

namespace fluxtrace::hb {
namespace {

using test::Client;
using test::Flux;
using test::Msg;
using test::TraceBuilder;

constexpr std::int64_t kContinuation = 0, kHandler = 1, kTimer = 4;
constexpr std::int64_t kFulfill = 1;

TEST(FutureThen, AFulfilmentOnAnotherThreadPrecedesTheContinuation) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    t.future(10, 10, 0, 0xf0);
    const auto before = t.future(10, 11, 0, 0x1);
    const auto fulfil = t.future(10, 11, kFulfill, 0xf0);
    const auto after = t.future(10, 11, 4, 0x1);
    const auto begin = t.cb_begin(10, 10, kContinuation, 0xf0);
    const auto inside = t.future(10, 10, 0, 0x2);
    t.cb_end(10, 10, kContinuation, 0xf0);
    Model m(t.records);
    EXPECT_TRUE(m.happens_before(fulfil, begin));
    EXPECT_TRUE(m.happens_before(before, inside));
    EXPECT_TRUE(m.concurrent(after, inside));
}

TEST(FutureThen, AContinuationIsNotOrderedAfterALaterFulfilment) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    const auto begin = t.cb_begin(10, 10, kContinuation, 0xf0);
    t.cb_end(10, 10, kContinuation, 0xf0);
    const auto fulfil = t.future(10, 11, kFulfill, 0xf0);
    Model m(t.records);
    EXPECT_TRUE(m.concurrent(fulfil, begin));
}

TEST(Callbacks, TheRunARecordLiesIn) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    const auto outside = t.future(10, 10, 0, 0x1);
    const auto timer = t.cb_begin(10, 10, kTimer, 0xaa);
    const auto in_timer = t.future(10, 10, 0, 0x2);
    const auto nested =
        t.cb_begin(10, 10, kContinuation, 0xf0); // a wait inside the timer
    const auto in_nested = t.future(10, 10, 0, 0x3);
    t.cb_end(10, 10, kContinuation, 0xf0);
    const auto back_in_timer = t.future(10, 10, 0, 0x4);
    t.cb_end(10, 10, kTimer, 0xaa);
    const auto after = t.future(10, 10, 0, 0x5);
    Model m(t.records);
    EXPECT_EQ(m.callback_of(outside), nullptr);
    ASSERT_NE(m.callback_of(in_timer), nullptr);
    EXPECT_EQ(m.callback_of(in_timer)->begin, timer);
    EXPECT_EQ(m.callback_of(in_nested)->begin, nested);
    EXPECT_EQ(m.callback_of(in_nested)->kind, CallbackKind::Continuation);
    EXPECT_EQ(m.callback_of(back_in_timer)->begin, timer);
    EXPECT_EQ(m.callback_of(timer)->begin, timer);
    EXPECT_EQ(m.callback_of(after), nullptr);
}

TEST(Callbacks, Format3EndsCloseTheInnermostRun) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    const auto timer = t.cb_begin(10, 10, kTimer, 0xaa);
    const auto nested = t.cb_begin(10, 10, kContinuation, 0xf0);
    const auto nested_end = t.cb_end_v3(10, 10);
    const auto back_in_timer = t.future(10, 10, 0, 0x4);
    const auto timer_end = t.cb_end_v3(10, 10);
    const auto after = t.future(10, 10, 0, 0x5);
    t.cb_end_v3(10, 10); // no run open
    Model m(t.records);
    ASSERT_NE(m.callback_of(nested_end), nullptr);
    EXPECT_EQ(m.callback_of(nested)->end, nested_end);
    EXPECT_EQ(m.callback_of(back_in_timer)->begin, timer);
    EXPECT_EQ(m.callback_of(timer)->end, timer_end);
    EXPECT_EQ(m.callback_of(after), nullptr);
}

// Formats 1 and 2 name the object in cb_end: a run whose end was lost is
// closed with the run around it.
TEST(Callbacks, Format2EndsCloseTheRunOfTheirObject) {
    TraceBuilder t;
    t.process(10, "/bin/a");
    const auto timer = t.cb_begin(10, 10, kTimer, 0xaa);
    const auto nested = t.cb_begin(10, 10, kContinuation, 0xf0);
    const auto timer_end = t.cb_end(10, 10, kTimer, 0xaa); // the nested end lost
    Model m(t.records);
    EXPECT_EQ(m.callback_of(timer)->end, timer_end);
    EXPECT_EQ(m.callback_of(nested)->end, kNoRecord);
}

TEST(Callbacks, TheWatchAContinuationServes) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs-watch"});
    const Client c = flux.client(200, b, test::uuid(1));
    t.future(c.vpid, c.tid, 0, 0xf0);
    Msg q;
    q.topic = "kvs-watch.lookup";
    q.payload = test::lookup_payload("k", 4);
    q.msgflags = 0x40;
    const auto [send, recv] = flux.request(c, b, "kvs-watch", q);
    t.rpc(c.vpid, c.tid, 0xf0, c.h, "kvs-watch.lookup", 1);
    t.kvs_lookup(c.vpid, c.tid, 0xf0, c.h, "k", 4 | 8);
    Msg r = q;
    r.payload = test::value_payload("1");
    const auto [rsend, receipt] = flux.respond(c, b, "kvs-watch", r);
    t.future(c.vpid, c.tid, kFulfill, 0xf0);
    t.cb_begin(c.vpid, c.tid, kContinuation, 0xf0);
    const auto value = t.kvs_value(c.vpid, c.tid, 0xf0, "1");
    t.cb_end(c.vpid, c.tid, kContinuation, 0xf0);
    Model m(t.records);
    const Future *w = m.watch_of(value);
    ASSERT_NE(w, nullptr);
    EXPECT_EQ(w->key, "k");
    EXPECT_TRUE(w->watch());
    const Callback *cb = m.callback_of(value);
    ASSERT_NE(cb, nullptr);
    EXPECT_EQ(cb->message_record, receipt);
    ASSERT_NE(m.message_of(cb->begin), nullptr);
    EXPECT_EQ(m.message_of(cb->begin)->send, send);
    EXPECT_EQ(m.message_of(value)->server_recv, recv);
    EXPECT_TRUE(m.happens_before(rsend, value));
}

TEST(Callbacks, TheRequestAHandlerHandles) {
    TraceBuilder t;
    Flux flux(t);
    auto &b = flux.broker(100, 0, 1, {"kvs"});
    const Client c = flux.client(200, b, test::uuid(1));
    Msg q;
    q.topic = "kvs.lookup";
    q.payload = "{}";
    q.m = 0x5150;
    const auto [send, recv] = flux.request(c, b, "kvs", q);
    const auto &kvs = b.modules["kvs"];
    const auto begin = t.cb_begin(b.vpid, kvs.tid, kHandler, 0x7777, 0x5150);
    const auto work = t.future(b.vpid, kvs.tid, 0, 0x1);
    t.cb_end(b.vpid, kvs.tid, kHandler, 0x7777);
    Model m(t.records);
    const Callback *cb = m.callback_of(work);
    ASSERT_NE(cb, nullptr);
    EXPECT_EQ(cb->begin, begin);
    EXPECT_EQ(cb->message_record, recv);
    ASSERT_NE(m.message_of(begin), nullptr);
    EXPECT_EQ(m.message_of(begin)->send, send);
    EXPECT_TRUE(m.happens_before(send, work));
}

} // namespace
} // namespace fluxtrace::hb
