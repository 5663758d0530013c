// The HTML report's renderer: a hostile trace cannot put markup, script or a
// fetch into the page; every finding gets one diagram with its lanes, sides and
// arrows; the latency histograms count every value.  The page in a real
// browser: html_browser_test.py.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "analyzer/latency/distribution.hpp"
#include "analyzer/report/html.hpp"

namespace fluxtrace::report {
namespace {

constexpr const char *kHostile = "<script>alert(1)</script>";

Side side(std::string role, std::string process, std::string thread) {
    Side s;
    s.role = std::move(role);
    s.process = std::move(process);
    s.thread = std::move(thread);
    s.exe = "flux-broker";
    s.record = "kvs_lookup";
    return s;
}

Finding hostile() {
    Finding f;
    f.rule = "watch-chaining";
    f.rfc = "Flux services SHOULD NOT employ a pattern of chained watches.";
    f.key = kHostile;
    f.function = "fn\"onmouseover='alert(2)'";
    f.title = std::string("watch of \"") + kHostile + "\" started";
    Side second = side("watch started", "client on rank 1", "main thread");
    second.details = {std::string("key: ") + kHostile};
    second.stack = {{"<img src=x onerror=alert(3)>", "a&b.c", 3, "m.so", 0x10}};
    Side inside = side("inside callback of watch", "client on rank 1", "main thread");
    Side first = side("first watch started", "broker rank 0", "thread <u>x</u>");
    f.sides = {second, inside, first};
    f.steps = {{2, 1, "delivered"},
               {1, 0, std::string("starts a watch of ") + kHostile},
               {0, Step::kParty, "missing: before the writer's next update", true,
                std::string("the writer of ") + kHostile}};
    f.causal_path = kHostile;
    f.observed = std::string("race observed: ") + kHostile;
    f.why = "why </style><script>alert(4)</script>";
    f.fix = "fix";
    return f;
}

std::string render(const std::vector<Finding> &findings,
                   const latency::LatencyReport *lat = nullptr) {
    RunSummary run;
    run.checkers = {"watch-chaining"};
    std::ostringstream out;
    print_html(out, {&findings, &run, lat});
    return out.str();
}

size_t count(const std::string &s, const std::string &what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1))
        n++;
    return n;
}

TEST(HtmlEscape, EscapesMarkupQuotesAndControlCharacters) {
    EXPECT_EQ(html_escape("<a href=\"x\">&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(html_escape(std::string("a\0b", 3)), "a\uFFFDb");
    EXPECT_EQ(html_escape("caf\u00e9\n"), "caf\u00e9\n");
}

TEST(HtmlReport, TraceStringsCannotInjectMarkup) {
    const std::string page = render({hostile()});
    // The page's only tags are its own: no script element, no handler attribute
    // or image taken from the trace.
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("<img"), std::string::npos);
    EXPECT_EQ(page.find("<u>"), std::string::npos);
    EXPECT_EQ(page.find("onmouseover='"), std::string::npos);
    EXPECT_EQ(count(page, "</style>"), 1u);
    EXPECT_NE(page.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(page.find("&lt;img src=x onerror=alert(3)&gt;"), std::string::npos);
    // Nothing may be fetched or run even if something slipped through.
    EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'"),
              std::string::npos);
    EXPECT_EQ(page.find("http://"), std::string::npos);
    EXPECT_EQ(page.find("https://"), std::string::npos);
}

TEST(HtmlReport, OneDiagramPerFindingWithItsLanesSidesAndArrows) {
    Finding other = hostile();
    other.rule = "reactor-blocking";
    other.sides.pop_back(); // two sides, one thread
    other.steps = {{1, 0, "calls"}, {0, 1, "missing: return", true}};
    const std::string page = render({other, hostile()});
    EXPECT_EQ(count(page, "<article class=\"finding"), 2u);
    EXPECT_EQ(count(page, "<svg class=\"diagram\""), 2u);
    EXPECT_EQ(count(page, "<section class=\"rule\""), 2u);
    // Lanes: one thread for the first; two threads and the writer's party for
    // the second.
    EXPECT_EQ(count(page, "<g class=\"lane\""), 3u);
    EXPECT_EQ(count(page, "<g class=\"lane party\""), 1u);
    EXPECT_EQ(count(page, "<g class=\"side\""), 5u);
    EXPECT_EQ(count(page, "<g class=\"arrow\""), 3u);
    EXPECT_EQ(count(page, "<g class=\"arrow missing\""), 2u);
    EXPECT_EQ(count(page, "<details class=\"stack\""), 5u);
    // Marker ids are per diagram.
    EXPECT_EQ(count(page, "<marker id=\"ahm0\""), 1u);
    EXPECT_EQ(count(page, "<marker id=\"ahm1\""), 1u);
}

TEST(HtmlReport, NoFindingsSaysSo) {
    const std::string page = render({});
    EXPECT_NE(page.find("id=\"no-findings\""), std::string::npos);
    EXPECT_EQ(page.find("<article"), std::string::npos);
}

TEST(HtmlReport, LatencyHistogramsCountEveryValue) {
    latency::Distribution d;
    for (std::uint64_t v : {0, 1, 2, 3, 1000, 1500, 1'000'000})
        d.add(v);
    const auto s = d.summary();
    ASSERT_EQ(s.log2_counts.size(), 21u); // bit width of 1e6 is 20
    EXPECT_EQ(s.log2_counts[0], 1u);
    EXPECT_EQ(s.log2_counts[1], 1u);
    EXPECT_EQ(s.log2_counts[2], 2u);
    EXPECT_EQ(s.log2_counts[10], 1u); // 1000
    EXPECT_EQ(s.log2_counts[11], 1u); // 1500
    EXPECT_EQ(s.log2_counts[20], 1u);
    latency::LatencyReport report;
    latency::TopicLatency t;
    t.topic = kHostile;
    t.sent = t.received = 7;
    t.latency_ns = s;
    report.topics = {t};
    std::ostringstream out;
    print_html(out, {nullptr, nullptr, &report});
    const std::string page = out.str();
    EXPECT_EQ(count(page, "<svg class=\"histogram\""), 1u);
    EXPECT_NE(page.find("data-count=\"7\""), std::string::npos);
    // Bars from the first non-empty bucket to the last.
    EXPECT_EQ(count(page, "<rect class=\"bar\""), 21u);
    EXPECT_EQ(page.find("<script"), std::string::npos);
    EXPECT_EQ(page.find("<article"), std::string::npos);
}

} // namespace
} // namespace fluxtrace::report
