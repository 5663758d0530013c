#include "sarif.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <algorithm>
#include <map>

namespace fluxtrace::report {

namespace {

using json = nlohmann::ordered_json;

constexpr const char *kSarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr const char *kInformationUri = "https://github.com/flux-framework/rfc/blob/"
                                        "master/spec_9.rst";
constexpr const char *kFingerprintName = "fluxtrace/v1";

// The first frame of the program's code with a file and line, from the blamed
// frame outward (libflux-core's dispatch frames further out are skipped).
const StackFrame *source_frame(const Side &s) {
    const StackFrame *blamed = blamed_frame(s.stack);
    if (blamed == nullptr)
        return nullptr;
    for (auto f = s.stack.begin() + (blamed - s.stack.data()); f != s.stack.end(); ++f)
        if (!f->in_runtime() && !f->file.empty() && f->line > 0)
            return &*f;
    return nullptr;
}

std::string side_words(const Side &s) {
    return fmt::format("{} ({}) in {}, {}, {}", s.role, s.record, s.process, s.thread,
                       s.exe);
}

// A location for one side: its source line when a frame has one, always the
// function (or module+offset) it blames, and what the side is.
json location(const Side &s, const std::string &what) {
    json loc;
    if (const StackFrame *f = source_frame(s))
        loc["physicalLocation"] = {
            {"artifactLocation", {{"uri", f->file}, {"uriBaseId", "SRCROOT"}}},
            {"region", {{"startLine", f->line}}}};
    if (const StackFrame *f = blamed_frame(s.stack)) {
        json logical = {{"name", f->function.empty() ? f->to_string() : f->function},
                        {"kind", "function"}};
        if (!f->module.empty())
            logical["decoratedName"] = fmt::format("{}+0x{:x}", f->module, f->offset);
        loc["logicalLocations"] = json::array({std::move(logical)});
    }
    loc["message"] = {{"text", what}};
    return loc;
}

std::string message(const Finding &f) {
    std::string text = f.title;
    if (f.duration_ns > 0)
        text += fmt::format(" ({}{})", f.occurrences > 1 ? "longest " : "",
                            format_duration(f.duration_ns));
    if (f.occurrences > 1)
        text += fmt::format(", seen {} times", f.occurrences);
    text += ".";
    if (!f.observed.empty())
        text += " Observed: " + f.observed + ".";
    if (!f.why.empty())
        text += " Why: " + f.why;
    if (!f.fix.empty())
        text += " Fix: " + f.fix;
    return text;
}

json result(const Finding &f, size_t rule_index) {
    json r;
    r["ruleId"] = f.rule;
    r["ruleIndex"] = rule_index;
    r["level"] = f.severity == Severity::Note ? "note" : "error";
    r["message"] = {{"text", message(f)}};
    const size_t primary = main_side(f);
    json locations = json::array(), related = json::array(), flow = json::array();
    for (size_t i = 0; i < f.sides.size(); i++) {
        const Side &s = f.sides[i];
        json loc = location(s, side_words(s));
        flow.push_back({{"location", loc}});
        if (i == primary) {
            locations.push_back(std::move(loc));
        } else {
            loc["id"] = related.size();
            related.push_back(std::move(loc));
        }
    }
    r["locations"] = std::move(locations);
    if (!related.empty())
        r["relatedLocations"] = std::move(related);
    if (f.sides.size() > 1) {
        json code_flow = {
            {"threadFlows", json::array({{{"locations", std::move(flow)}}})}};
        if (!f.causal_path.empty())
            code_flow["message"] = {{"text", f.causal_path}};
        r["codeFlows"] = json::array({std::move(code_flow)});
    }
    r["partialFingerprints"] = {{kFingerprintName, stable_fingerprint(f)}};
    r["properties"] = {{"key", f.key},
                       {"function", f.function},
                       {"occurrences", f.occurrences},
                       {"duration_ns", f.duration_ns},
                       {"incomplete", f.incomplete}};
    return r;
}

json rule_descriptor(const std::string &name, const Finding *example) {
    json rule = {{"id", name}, {"name", name}};
    if (example != nullptr) {
        rule["shortDescription"] = {{"text", "RFC 9: " + example->rfc}};
        rule["help"] = {{"text", example->fix}};
        rule["defaultConfiguration"] = {
            {"level", example->severity == Severity::Note ? "note" : "error"}};
    } else {
        rule["shortDescription"] = {{"text", "RFC 9 checker " + name}};
    }
    rule["helpUri"] = kInformationUri;
    return rule;
}

} // namespace

std::string stable_fingerprint(const Finding &f) {
    std::string words = f.rule + '\n' + f.key + '\n' + f.function + '\n';
    for (const Side &s : f.sides) {
        const StackFrame *frame = blamed_frame(s.stack);
        words += s.role + '|' + s.process + '|' + s.thread + '|' + s.exe + '|' +
                 s.record + '|' + (frame != nullptr ? frame->function : "") + '\n';
    }
    return fmt::format("{:016x}", XXH64(words.data(), words.size(), 0));
}

void print_sarif(std::ostream &out, const std::vector<Finding> &findings,
                 const RunSummary &run) {
    // Every checker that ran is a rule, described from its first finding.
    std::vector<std::string> names = run.checkers;
    for (const auto &f : findings)
        if (std::find(names.begin(), names.end(), f.rule) == names.end())
            names.push_back(f.rule);
    std::map<std::string, size_t> index;
    json rules = json::array();
    for (const auto &name : names) {
        const Finding *example = nullptr;
        for (const auto &f : findings)
            if (f.rule == name) {
                example = &f;
                break;
            }
        index[name] = rules.size();
        rules.push_back(rule_descriptor(name, example));
    }
    json results = json::array();
    for (const auto &f : findings)
        results.push_back(result(f, index.at(f.rule)));

    json driver = {{"name", "fluxtrace"},
                   {"informationUri", kInformationUri},
                   {"rules", std::move(rules)}};
    if (!run.tool_version.empty())
        driver["semanticVersion"] = run.tool_version;
    json invocation = {{"executionSuccessful", true},
                       {"properties",
                        {{"summary", summary_line(findings, run)},
                         {"suppressed", run.suppressed},
                         {"records", run.records},
                         {"processes", run.processes},
                         {"brokers", run.brokers},
                         {"lossy", run.lossy}}}};
    json doc = {{"$schema", kSarifSchema},
                {"version", "2.1.0"},
                {"runs", json::array({{{"tool", {{"driver", std::move(driver)}}},
                                       {"invocations", json::array({invocation})},
                                       {"results", std::move(results)}}})}};
    // Invalid UTF-8 from a crafted trace becomes U+FFFD rather than an error.
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

} // namespace fluxtrace::report
