// The timeline's pieces on their own: slices made to nest, the JSON text
// (escaping, microseconds with three decimals) and --window parsing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzer/timeline/timeline_options.hpp"
#include "analyzer/timeline/trace_event_writer.hpp"
#include "analyzer/timeline/track.hpp"

namespace fluxtrace::timeline {
namespace {

// Slices are told apart by their record, which names them here.
enum Name : std::uint32_t { kRun, kCb, kCb2, kBusy, kSend, kWait, kA, kB };

Slice slice(std::uint64_t start, std::uint64_t end, Name name, bool loose = false,
            bool marker = false) {
    Slice s;
    s.start_ns = start;
    s.end_ns = end;
    s.record = name;
    s.loose_start = loose;
    s.marker = marker;
    return s;
}

const Slice &named(const std::vector<Slice> &slices, Name name) {
    for (const auto &s : slices)
        if (s.record == name)
            return s;
    throw std::runtime_error("no such slice");
}

TEST(Nest, ExactSlicesKeepTheirBounds) {
    std::vector<Slice> s = {slice(200, 300, kCb2), slice(0, 1000, kRun),
                            slice(100, 150, kCb)};
    nest(s);
    EXPECT_TRUE(nests(s));
    EXPECT_EQ(s[0].record, kRun);
    EXPECT_EQ(named(s, kCb).end_ns, 150u);
    EXPECT_EQ(named(s, kCb2).start_ns, 200u);
}

// A loop iteration's busy time, measured a little before its record, starts
// just after the first callback of the iteration: it takes that callback in.
TEST(Nest, LooseStartMovesBackToTakeInTheSliceItCuts) {
    std::vector<Slice> s = {slice(100, 200, kCb), slice(120, 400, kBusy, true),
                            slice(250, 300, kCb2)};
    nest(s);
    EXPECT_TRUE(nests(s));
    EXPECT_EQ(named(s, kBusy).start_ns, 100u);
    EXPECT_EQ(named(s, kCb).end_ns, 200u);
}

TEST(Nest, MarkersEndWhereTheNextSliceStarts) {
    std::vector<Slice> s = {slice(0, 1000, kCb), slice(100, 1100, kSend, false, true),
                            slice(300, 400, kWait)};
    nest(s);
    EXPECT_TRUE(nests(s));
    EXPECT_EQ(named(s, kSend).end_ns, 300u);
    EXPECT_EQ(named(s, kSend).flow_ts(), 200u);
}

TEST(Nest, AnExactSliceCrossingItsParentIsCut) {
    std::vector<Slice> s = {slice(0, 100, kA), slice(50, 150, kB)};
    nest(s);
    EXPECT_TRUE(nests(s));
    EXPECT_EQ(named(s, kB).end_ns, 100u);
}

TEST(TraceEventJson, MicrosecondsWithThreeDecimals) {
    std::string out;
    append_us(out, 1234567);
    EXPECT_EQ(out, "1234.567");
    out.clear();
    append_us(out, 5);
    EXPECT_EQ(out, "0.005");
}

TEST(TraceEventJson, StringsEscapedAndValidUtf8) {
    std::string out;
    append_json_string(out, "a\"b\\c\nd\x01\xff\xc3\xa9");
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\u0001\\ufffd\xc3\xa9\"");
    EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(TraceEventJson, WritesOneValidDocument) {
    char *buf = nullptr;
    size_t len = 0;
    std::FILE *f = open_memstream(&buf, &len);
    ASSERT_NE(f, nullptr);
    {
        TraceEventWriter w(f, "mem", 1000);
        w.process_name(1, "broker rank 0 (flux-broker) pid 7");
        w.thread_name(1, 3, "main thread tid 7");
        w.complete(1, 3, 2000, 4500, "callback", "kvs.lookup", Args().add("n", 2));
        w.flow(true, 1, 3, 3000, 9, "hb", "request kvs.lookup");
        w.flow(false, 1, 3, 4000, 9, "hb", "request kvs.lookup");
        w.instant(1, 3, 2500, "finding", "reactor-blocking");
        w.counter(1, 3, 2000, "reactor busy (main thread tid 7)", "fraction", 0.25);
        w.finish(Args().add("window_s", ":"));
    }
    std::fclose(f);
    const auto doc = nlohmann::json::parse(std::string(buf, len));
    std::free(buf);
    const auto &events = doc["traceEvents"];
    ASSERT_EQ(events.size(), 7u);
    EXPECT_EQ(events[2]["ph"], "X");
    EXPECT_DOUBLE_EQ(events[2]["ts"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(events[2]["dur"].get<double>(), 2.5);
    EXPECT_EQ(events[4]["bp"], "e");
    EXPECT_EQ(events[6]["args"]["fraction"], 0.25);
}

TEST(Window, StartEndEitherOptional) {
    const Window w = parse_window("1.5:3");
    EXPECT_EQ(*w.start_ns, 1'500'000'000u);
    EXPECT_EQ(*w.end_ns, 3'000'000'000u);
    EXPECT_FALSE(parse_window(":2").start_ns);
    EXPECT_FALSE(parse_window("2:").end_ns);
    EXPECT_TRUE(parse_window("2:").contains(5'000'000'000u));
}

TEST(Window, MalformedSaysWhatAndWhy) {
    for (const char *bad : {"", "3", "a:b", "1:2:3", "-1:2", "3:1", "inf:", "1e3:"})
        EXPECT_THROW(parse_window(bad), Error) << bad;
    try {
        parse_window("x:1");
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("--window 'x:1'"), std::string::npos);
    }
}

} // namespace
} // namespace fluxtrace::timeline
