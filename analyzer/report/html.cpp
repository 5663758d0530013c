#include "html.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "html_diagram.hpp"
#include "html_latency.hpp"

namespace fluxtrace::report {

namespace {

// No script runs and nothing is fetched, whatever a hostile trace managed to
// put in the page.
constexpr const char *kPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'";

constexpr const char *kStyle = R"(
:root { --ink: #1d2330; --muted: #5b6475; --line: #d5d9e0; --panel: #f6f7f9;
  --warn: #b3261e; --note: #8a6100; --lane: #2f5f9e; --party: #6c6f78; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; padding: 16px 24px 48px; max-width: 1200px; }
h1 { font-size: 22px; margin: 4px 0; }
h2 { font-size: 18px; margin: 28px 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h2 .count { font-weight: normal; color: var(--muted); font-size: 14px; }
h3 { font-size: 15px; margin: 0 0 8px; }
code, .mono, .frames { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.run { color: var(--muted); margin: 0 0 8px; }
nav ul { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px; }
nav a { display: inline-block; padding: 2px 8px; border: 1px solid var(--line); border-radius: 12px;
  text-decoration: none; color: var(--ink); background: var(--panel); }
.rfc { margin: 4px 0 10px; color: var(--muted); font-style: italic; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--warn); border-radius: 6px;
  padding: 12px 16px; margin: 12px 0 18px; background: #fff; }
.finding.note { border-left-color: var(--note); }
.sev { font-size: 11px; font-weight: bold; letter-spacing: .05em; color: #fff; background: var(--warn);
  border-radius: 3px; padding: 1px 6px; margin-right: 6px; vertical-align: 1px; }
.note .sev { background: var(--note); }
.figure { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: flex-start; margin: 6px 0 10px; }
.diagram { max-width: 100%; height: auto; background: var(--panel); border-radius: 6px; }
.steps { margin: 0; padding-left: 22px; max-width: 560px; }
.steps li { margin: 3px 0; }
.steps li.missing { color: var(--warn); }
.tag { font-size: 11px; border: 1px dashed var(--warn); border-radius: 3px; padding: 0 4px; margin-right: 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 8px 0; }
dl.facts dt { font-weight: bold; color: var(--muted); }
dl.facts dd { margin: 0; }
dd.observed { color: var(--warn); font-weight: 600; }
details.stack { margin: 4px 0; border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; background: var(--panel); }
details.stack summary { cursor: pointer; }
details.stack ul.details { margin: 4px 0; padding-left: 20px; }
ol.frames { margin: 4px 0; padding-left: 36px; }
ol.frames li::marker { color: var(--muted); }
.none { color: var(--muted); font-style: italic; }
.summary-line { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; color: var(--muted); margin: 8px 0 0; }
table.latency { border-collapse: collapse; margin: 6px 0 16px; }
table.latency th, table.latency td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
table.latency td.num { text-align: right; font-variant-numeric: tabular-nums; }
svg text { font-family: system-ui, "DejaVu Sans", sans-serif; }
)";

std::string esc(std::string_view s) {
    return html_escape(s);
}

void print_side(std::ostream &out, const Side &s, size_t index) {
    fmt::print(out,
               "<details class=\"stack\" data-side=\"{}\"><summary><b>#{}</b> {} "
               "(<code>{}</code>) in {}, {}, <code>{}</code></summary>\n",
               index, index, esc(s.role), esc(s.record), esc(s.process), esc(s.thread),
               esc(s.exe));
    if (!s.details.empty()) {
        fmt::print(out, "<ul class=\"details\">");
        for (const auto &d : s.details)
            fmt::print(out, "<li>{}</li>", esc(d));
        fmt::print(out, "</ul>\n");
    }
    if (s.stack.empty()) {
        fmt::print(out, "<p class=\"none\">no stack recorded</p>\n");
    } else {
        fmt::print(out, "<ol class=\"frames\" start=\"0\">");
        for (const auto &fr : s.stack)
            fmt::print(out, "<li>{}</li>", esc(fr.to_string()));
        fmt::print(out, "</ol>\n");
    }
    fmt::print(out, "</details>\n");
}

void print_finding(std::ostream &out, const Finding &f, size_t index) {
    const bool note = f.severity == Severity::Note;
    fmt::print(out,
               "<article class=\"finding{}\" id=\"finding-{}\" data-index=\"{}\" "
               "data-rule=\"{}\" data-severity=\"{}\" data-sides=\"{}\" "
               "data-steps=\"{}\">\n",
               note ? " note" : "", index + 1, index, esc(f.rule),
               severity_name(f.severity), f.sides.size(), f.steps.size());
    std::string extra;
    if (f.duration_ns > 0)
        extra += fmt::format(" ({}{})", f.occurrences > 1 ? "longest " : "",
                             format_duration(f.duration_ns));
    if (f.occurrences > 1)
        extra += fmt::format(", seen {} times", f.occurrences);
    fmt::print(
        out, "<h3><span class=\"sev\">{}</span><span class=\"title\">{}</span>{}</h3>\n",
        note ? "NOTE" : "WARNING", esc(f.title), esc(extra));
    fmt::print(out, "<div class=\"figure\">\n");
    print_sequence_diagram(out, f, index);
    fmt::print(out, "<ol class=\"steps\">");
    for (const Step &st : f.steps) {
        if (st.missing)
            fmt::print(
                out,
                "<li class=\"missing\"><span class=\"tag\">missing edge</span>{}</li>",
                esc(st.label));
        else
            fmt::print(out, "<li>{}</li>", esc(st.label));
    }
    fmt::print(out, "</ol>\n</div>\n<dl class=\"facts\">\n");
    if (!f.observed.empty())
        fmt::print(out, "<dt>Observed</dt><dd class=\"observed\">{}</dd>\n",
                   esc(f.observed));
    if (!f.causal_path.empty())
        fmt::print(out, "<dt>Causal path</dt><dd class=\"causal\">{}</dd>\n",
                   esc(f.causal_path));
    if (!f.why.empty())
        fmt::print(out, "<dt>Why</dt><dd class=\"why\">{}</dd>\n", esc(f.why));
    if (!f.fix.empty())
        fmt::print(out, "<dt>Fix</dt><dd class=\"fix\">{}</dd>\n", esc(f.fix));
    fmt::print(out, "<dt>RFC 9</dt><dd class=\"rfc-sentence\">\u201c{}\u201d</dd>\n",
               esc(f.rfc));
    if (f.incomplete)
        fmt::print(out,
                   "<dt>Incomplete</dt><dd class=\"incomplete\">the trace lost records "
                   "where this evidence lies; the finding may be missing a side or a "
                   "causal edge.</dd>\n");
    fmt::print(out, "</dl>\n<div class=\"sides\">\n");
    for (size_t s = 0; s < f.sides.size(); s++)
        print_side(out, f.sides[s], s);
    fmt::print(out,
               "</div>\n<p class=\"summary-line\">SUMMARY: fluxtrace: {} {} in {}</p>\n",
               esc(f.rule), esc(f.key), esc(summary_place(f)));
    fmt::print(out, "</article>\n");
}

void print_findings(std::ostream &out, const std::vector<Finding> &findings,
                    const RunSummary &run) {
    // Findings come sorted by rule: each run of one rule is its section.
    std::vector<std::pair<std::string, size_t>> rules; // rule, count
    for (const auto &f : findings) {
        if (rules.empty() || rules.back().first != f.rule)
            rules.push_back({f.rule, 0});
        rules.back().second++;
    }
    fmt::print(out, "<section id=\"checks\">\n<p class=\"run\">{}</p>\n",
               esc(summary_line(findings, run)));
    if (findings.empty()) {
        fmt::print(out,
                   "<p class=\"none\" id=\"no-findings\">No findings: the checkers "
                   "({}) found nothing to report.</p>\n",
                   esc(fmt::format("{}", fmt::join(run.checkers, ", "))));
    } else {
        fmt::print(out, "<nav><ul>");
        for (const auto &[rule, n] : rules)
            fmt::print(out, "<li><a href=\"#rule-{0}\">{0} ({1})</a></li>", esc(rule), n);
        fmt::print(out, "</ul></nav>\n");
    }
    size_t index = 0;
    for (const auto &[rule, n] : rules) {
        fmt::print(out,
                   "<section class=\"rule\" id=\"rule-{0}\" data-rule=\"{0}\">\n<h2>{0} "
                   "<span class=\"count\">{1} {2}</span></h2>\n",
                   esc(rule), n, n == 1 ? "report" : "reports");
        fmt::print(out, "<p class=\"rfc\">RFC 9: \u201c{}\u201d</p>\n",
                   esc(findings[index].rfc));
        for (size_t i = 0; i < n; i++, index++)
            print_finding(out, findings[index], index);
        fmt::print(out, "</section>\n");
    }
    fmt::print(out, "</section>\n");
}

} // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            // Control characters (NUL included) are not text in HTML.
            if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t')
                out += "\uFFFD";
            else
                out += c;
        }
    }
    return out;
}

void print_html(std::ostream &out, const HtmlReport &report) {
    fmt::print(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>fluxtrace report</title>\n<style>{}</style>\n</head>\n<body>\n"
        "<header><h1>fluxtrace report</h1></header>\n<main>\n",
        kPolicy, kStyle);
    if (report.findings && report.run)
        print_findings(out, *report.findings, *report.run);
    if (report.latency)
        print_latency_html(out, *report.latency);
    fmt::print(out, "</main>\n</body>\n</html>\n");
}

} // namespace fluxtrace::report
