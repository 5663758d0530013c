// Report data and its printers: the ThreadSanitizer-like text, the versioned
// JSON, deterministic order, merging of equal reports, and suppressions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sstream>

#include "analyzer/printable.hpp"
#include "analyzer/report/printer.hpp"
#include "analyzer/report/suppressions.hpp"

namespace fluxtrace::report {
namespace {

Finding sample(std::string rule = "reactor-blocking", std::string key = "kvs.getroot",
               std::string function = "watch_cb") {
    Finding f;
    f.rule = std::move(rule);
    f.rfc = "Services SHOULD NOT block the reactor any longer than necessary.";
    f.title = "flux_future_get blocked the reactor inside a timer callback";
    f.key = std::move(key);
    f.function = std::move(function);
    f.duration_ns = 1'500'000;
    Side s;
    s.role = "synchronous wait";
    s.process = "broker rank 1";
    s.exe = "flux-broker";
    s.thread = "module thread (kvs)";
    s.record = "future_wait";
    s.details = {"waits for: kvs.getroot"};
    s.stack = {{"flux_future_get", "future.c", 12, "libflux-core.so.2", 0x1a2b},
               {"", "", 0, "kvs.so", 0x40},
               {}};
    f.sides = {s};
    f.causal_path = "path";
    f.why = "why";
    f.fix = "fix";
    return f;
}

TEST(StackFrame, PrintsFunctionLocationAndModuleOffsetNeverAnAddress) {
    EXPECT_EQ((StackFrame{"f", "a.c", 3, "m.so", 0x10}).to_string(),
              "f a.c:3 (m.so+0x10)");
    EXPECT_EQ((StackFrame{"", "", 0, "m.so", 0x10}).to_string(), "m.so+0x10");
    EXPECT_EQ(StackFrame{}.to_string(), "??");
}

TEST(TextReport, ModeledOnThreadSanitizer) {
    std::ostringstream out;
    print_text(out, sample());
    const std::string expected =
        "==================\n"
        "WARNING: fluxtrace: reactor-blocking (RFC 9: \"Services SHOULD NOT block the "
        "reactor any longer than necessary.\")\n"
        "  flux_future_get blocked the reactor inside a timer callback (1.50 ms)\n"
        "\n"
        "  synchronous wait (future_wait) in broker rank 1, module thread (kvs), "
        "flux-broker:\n"
        "    waits for: kvs.getroot\n"
        "    #0 flux_future_get future.c:12 (libflux-core.so.2+0x1a2b)\n"
        "    #1 kvs.so+0x40\n"
        "    #2 ??\n"
        "\n"
        "  Causal path: path\n"
        "  Why: why\n"
        "  Fix: fix\n"
        "\n"
        "SUMMARY: fluxtrace: reactor-blocking kvs.getroot in watch_cb\n"
        "==================\n";
    EXPECT_EQ(out.str(), expected);
}

TEST(TextReport, IncompleteAndRepeatedFindingsSaySo) {
    Finding f = sample();
    f.incomplete = true;
    f.occurrences = 4;
    std::ostringstream out;
    print_text(out, f);
    EXPECT_NE(out.str().find("(longest 1.50 ms), seen 4 times"), std::string::npos);
    EXPECT_NE(out.str().find("Incomplete: the trace lost records"), std::string::npos);
}

TEST(Findings, MergedAndSortedByRuleKeyFunction) {
    std::vector<Finding> in = {
        sample("watch-chaining", "b", "g"), sample("reactor-blocking", "z", "f"),
        sample("reactor-blocking", "a", "h"), sample("reactor-blocking", "a", "h")};
    in[3].duration_ns = 9'000'000;
    in[3].incomplete = true;
    const auto out = merge_findings(in);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].key, "a");
    EXPECT_EQ(out[0].occurrences, 2u);
    EXPECT_EQ(out[0].duration_ns, 9'000'000u);
    EXPECT_TRUE(out[0].incomplete);
    EXPECT_EQ(out[1].key, "z");
    EXPECT_EQ(out[2].rule, "watch-chaining");
}

TEST(JsonReport, VersionedSchema) {
    RunSummary run;
    run.records = 10;
    run.processes = 2;
    run.checkers = {"reactor-blocking"};
    std::vector<Finding> fs = {sample()};
    fs.push_back(sample());
    fs.back().severity = Severity::Note;
    std::ostringstream out;
    print_json(out, fs, run);
    const auto doc = nlohmann::json::parse(out.str());
    EXPECT_EQ(doc["schema"], "fluxtrace-report/1");
    ASSERT_EQ(doc["findings"].size(), 2u);
    const auto &f = doc["findings"][0];
    EXPECT_EQ(f["rule"], "reactor-blocking");
    EXPECT_EQ(f["severity"], "finding");
    EXPECT_EQ(f["sides"][0]["stack"][0]["offset"], "0x1a2b");
    EXPECT_EQ(f["sides"][0]["stack"][2]["offset"], "");
    EXPECT_EQ(f["duration_ns"], 1'500'000);
    EXPECT_EQ(doc["summary"]["findings"], 1);
    EXPECT_EQ(doc["summary"]["notes"], 1);
    EXPECT_EQ(doc["summary"]["records"], 10);
}

// A side's anchor places it in the trace (--timeline) but is run-dependent:
// it must change neither the identity (merging, order) nor a printed byte.
TEST(SideAnchor, NeverPrintedNorPartOfIdentity) {
    Finding plain = sample();
    Finding anchored = sample();
    anchored.sides[0].anchor = {true, 42, 3, 7, 1'700'000'000'123'456'789};
    EXPECT_EQ(plain.identity(), anchored.identity());
    std::ostringstream plain_text, anchored_text, plain_json, anchored_json;
    print_text(plain_text, plain);
    print_text(anchored_text, anchored);
    EXPECT_EQ(plain_text.str(), anchored_text.str());
    print_json(plain_json, {plain}, RunSummary{});
    print_json(anchored_json, {anchored}, RunSummary{});
    EXPECT_EQ(plain_json.str(), anchored_json.str());
    EXPECT_EQ(merge_findings({plain, anchored}).size(), 1u);
}

TEST(SummaryLine, CountsFindingsNotesAndSuppressed) {
    RunSummary run;
    run.records = 5;
    run.processes = 1;
    run.suppressed = 2;
    EXPECT_EQ(summary_line({sample()}, run),
              "fluxtrace: 1 finding, 0 notes (2 suppressed) in 5 records of 1 process "
              "(0 brokers)");
}

TEST(Suppressions, RuleKeyGlobAndFunctionGlob) {
    std::istringstream in("# accepted\n"
                          "\n"
                          "reactor-blocking:kvs.*:watch_*   # flux-core's own\n"
                          "watch-chaining:job.*\n"
                          "*:attr.get:ns::Class::method\n");
    const Suppressions s = Suppressions::parse(in, "test.supp");
    ASSERT_EQ(s.entries().size(), 3u);
    EXPECT_EQ(s.entries()[1].function_glob, "*");
    EXPECT_EQ(s.entries()[2].function_glob, "ns::Class::method");
    EXPECT_NE(s.match(sample()), nullptr);
    EXPECT_EQ(s.match(sample("reactor-blocking", "content.load", "watch_cb")), nullptr);
    EXPECT_EQ(s.match(sample("reactor-blocking", "kvs.getroot", "other")), nullptr);
    EXPECT_NE(s.match(sample("watch-chaining", "job.1.state", "anything")), nullptr);
    EXPECT_EQ(s.match(sample("watch-chaining", "resource.R", "anything")), nullptr);
    EXPECT_NE(s.match(sample("x", "attr.get", "ns::Class::method")), nullptr);

    std::vector<Finding> fs = {sample(), sample("reactor-blocking", "other", "f")};
    EXPECT_EQ(apply(s, fs), 1u);
    ASSERT_EQ(fs.size(), 1u);
    EXPECT_EQ(fs[0].key, "other");
}

TEST(Suppressions, MalformedLinesNameFileAndLine) {
    std::istringstream in("reactor-blocking:ok\nnocolon\n");
    try {
        Suppressions::parse(in, "bad.supp");
        FAIL();
    } catch (const std::invalid_argument &e) {
        EXPECT_STREQ(e.what(), "bad.supp:2: expected rule:key-glob[:function-glob]");
    }
    EXPECT_THROW(Suppressions::load("/nonexistent/x.supp"), std::invalid_argument);
}

// A crafted trace's key, value or process name cannot forge a report line or
// reach the terminal as an escape sequence; JSON escapes them as JSON does.
TEST(TextReport, HostileTraceStringsCannotForgeLinesOrEscapes) {
    Finding f = sample();
    f.key = "a\nSUMMARY: fluxtrace: forged\x1b[2J";
    f.function = "fn\r\xc2\x9b"
                 "31m\xff"; // C1 CSI, then invalid UTF-8
    f.observed = "the lookup returned \"x\ny\"";
    f.sides[0].process = "broker\n==================";
    f.sides[0].details = {"key: k\x07"};
    std::ostringstream out;
    print_text(out, f);
    const std::string text = out.str();
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find('\r'), std::string::npos);
    EXPECT_EQ(text.find('\x07'), std::string::npos);
    EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
    // Exactly the printer's own lines: one SUMMARY, two banners.
    size_t summaries = 0, banners = 0, pos = 0;
    for (std::string line; pos < text.size();) {
        const auto end = text.find('\n', pos);
        line = text.substr(pos, end - pos);
        pos = end == std::string::npos ? text.size() : end + 1;
        summaries += line.rfind("SUMMARY:", 0) == 0;
        banners += line == "==================";
    }
    EXPECT_EQ(summaries, 1u);
    EXPECT_EQ(banners, 2u);
    EXPECT_NE(text.find("SUMMARY: fluxtrace: reactor-blocking a\\x0aSUMMARY: fluxtrace: "
                        "forged\\x1b[2J in fn\\x0d\\u009b31m\xff"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("broker\\x0a=================="), std::string::npos);

    std::ostringstream json;
    print_json(json, {f}, RunSummary{});
    const auto doc = nlohmann::json::parse(json.str());
    EXPECT_EQ(doc["findings"][0]["key"], f.key); // round-trips exactly
    // Invalid UTF-8 is replaced, not an error that loses the report.
    EXPECT_EQ(doc["findings"][0]["function"], "fn\r\u009b31m\ufffd");
    EXPECT_EQ(json.str().find('\x1b'), std::string::npos);
}

TEST(Printable, OrdinaryTextUnchangedControlsEscaped) {
    EXPECT_EQ(printable("kvs.lookup résumé"), "kvs.lookup résumé");
    EXPECT_EQ(printable("a\tb\\c"), "a\\x09b\\\\c");
    EXPECT_EQ(printable(std::string("nul\0x", 5)), "nul\\x00x");
    EXPECT_EQ(printable("\x7f"), "\\x7f");
}

} // namespace
} // namespace fluxtrace::report
