#include "html.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <map>

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

// Lanes, rows and arrows of a sequence diagram, in SVG user units.
constexpr int kLaneWidth = 210;
constexpr int kHeaderHeight = 58;
constexpr int kRowHeight = 46;
constexpr int kMargin = 10;
constexpr int kGutter = 70;        // left of the first lane: its markers' role words
constexpr size_t kLabelChars = 30; // what fits in a lane's width at 12px

std::string esc(std::string_view s) {
    return html_escape(s);
}

// At most `n` bytes of `s`, cut at a UTF-8 character boundary, "…" when cut.
std::string clip(const std::string &s, size_t n) {
    if (s.size() <= n)
        return s;
    size_t end = n - 1;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        end--;
    return s.substr(0, end) + "\u2026";
}

struct Lane {
    std::string process, thread, exe; // a side's lane
    std::string party;                // or a party's ("" for a side's lane)
};

// Rows, top to bottom: each side at the row where the path first reaches it
// (walking the steps in order), so arrows between sides join their markers;
// an arrow to or from a party gets a row of its own on the side's lifeline.
struct Diagram {
    std::vector<Lane> lanes;
    std::vector<int> side_lane;                  // per side
    std::vector<int> side_row;                   // per side: where its marker is
    std::vector<std::pair<int, int>> step_lanes; // per step: from, to
    std::vector<int> step_row;                   // per step to a party: its row; else -1
    // Per step within one lane: how far out its curve goes (0: nearest), so
    // that curves spanning the same rows do not hide each other.
    std::vector<int> curve_level;
    int rows = 0;
};

bool is_side(const Finding &f, int side) {
    return side >= 0 && static_cast<size_t>(side) < f.sides.size();
}

Diagram layout(const Finding &f) {
    Diagram d;
    std::map<std::pair<std::string, std::string>, int> by_thread;
    for (const Side &s : f.sides) {
        const auto [it, fresh] =
            by_thread.emplace(std::make_pair(s.process, s.thread), d.lanes.size());
        if (fresh)
            d.lanes.push_back({s.process, s.thread, s.exe, ""});
        d.side_lane.push_back(it->second);
    }
    std::map<std::string, int> by_party;
    const auto lane_of = [&](int side, const std::string &party) {
        if (is_side(f, side))
            return d.side_lane[side];
        const std::string name = party.empty() ? std::string("elsewhere") : party;
        const auto [it, fresh] = by_party.emplace(name, d.lanes.size());
        if (fresh)
            d.lanes.push_back({"", "", "", name});
        return it->second;
    };
    d.side_row.assign(f.sides.size(), -1);
    for (const Step &st : f.steps) {
        d.step_lanes.push_back(
            {lane_of(st.from_side, st.party), lane_of(st.to_side, st.party)});
        for (const int side : {st.from_side, st.to_side})
            if (is_side(f, side) && d.side_row[side] < 0)
                d.side_row[side] = d.rows++;
        d.step_row.push_back(
            is_side(f, st.from_side) && is_side(f, st.to_side) ? -1 : d.rows++);
    }
    for (int &row : d.side_row)
        if (row < 0)
            row = d.rows++;
    d.curve_level.assign(f.steps.size(), 0);
    const auto span = [&](size_t i) {
        const Step &st = f.steps[i];
        const int a = d.side_row[st.from_side], b = d.side_row[st.to_side];
        return std::make_pair(std::min(a, b), std::max(a, b));
    };
    for (size_t i = 0; i < f.steps.size(); i++) {
        if (d.step_row[i] >= 0 || d.step_lanes[i].first != d.step_lanes[i].second)
            continue;
        const auto [top, bottom] = span(i);
        for (size_t j = 0; j < i; j++) {
            if (d.step_row[j] >= 0 || d.step_lanes[j] != d.step_lanes[i])
                continue;
            const auto [t, b] = span(j);
            // Spans sharing more than an end row, or loops on one row.
            if ((t < bottom && top < b) || (t == b && top == bottom && t == top))
                d.curve_level[i] = std::max(d.curve_level[i], d.curve_level[j] + 1);
        }
    }
    return d;
}

int lane_x(int lane) {
    return kGutter + lane * kLaneWidth + kLaneWidth / 2;
}
int row_y(int row) {
    return kHeaderHeight + 22 + row * kRowHeight + kRowHeight / 2;
}

std::string end_name(int side) {
    return side >= 0 ? std::to_string(side) : std::string("party");
}

constexpr int kMarkerHalf = 10; // half a side marker's square

// How far right of its lane the n-th curve within one lane reaches.
int curve_bulge(int n) {
    return 40 + 30 * n;
}

void print_lane(std::ostream &out, const Lane &lane, size_t l, int height) {
    const int x = lane_x(static_cast<int>(l));
    const int left = x - kLaneWidth / 2 + 6;
    const bool party = !lane.party.empty();
    if (party)
        fmt::print(out, "<g class=\"lane party\" data-lane=\"{}\" data-party=\"{}\">", l,
                   esc(lane.party));
    else
        fmt::print(out,
                   "<g class=\"lane\" data-lane=\"{}\" data-process=\"{}\" "
                   "data-thread=\"{}\" data-exe=\"{}\">",
                   l, esc(lane.process), esc(lane.thread), esc(lane.exe));
    fmt::print(
        out, "<title>{}</title>",
        esc(party ? lane.party : lane.process + ", " + lane.thread + ", " + lane.exe));
    fmt::print(out,
               "<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\" "
               "stroke-width=\"1.5\" stroke-dasharray=\"{4}\"/>",
               x, kHeaderHeight + 4, height - 4, party ? "#9a9da5" : "#8aa4c8",
               party ? "2 4" : "6 4");
    fmt::print(out,
               "<rect x=\"{}\" y=\"6\" width=\"{}\" height=\"{}\" rx=\"5\" fill=\"{}\" "
               "stroke=\"{}\"/>",
               left, kLaneWidth - 12, kHeaderHeight - 6, party ? "#eceef1" : "#e3ecf8",
               party ? "#9a9da5" : "#2f5f9e");
    if (party) {
        fmt::print(out,
                   "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" "
                   "font-style=\"italic\" fill=\"#4a4d55\">{}</text>",
                   x, 6 + (kHeaderHeight - 6) / 2 + 4,
                   esc(clip(lane.party, kLabelChars)));
    } else {
        fmt::print(out,
                   "<text x=\"{0}\" y=\"22\" text-anchor=\"middle\" font-size=\"12\" "
                   "font-weight=\"bold\" fill=\"#1d2330\">{1}</text>"
                   "<text x=\"{0}\" y=\"37\" text-anchor=\"middle\" font-size=\"12\" "
                   "fill=\"#1d2330\">{2}</text>"
                   "<text x=\"{0}\" y=\"51\" text-anchor=\"middle\" font-size=\"11\" "
                   "fill=\"#5b6475\">{3}</text>",
                   x, esc(clip(lane.process, kLabelChars)),
                   esc(clip(lane.thread, kLabelChars)),
                   esc(clip(lane.exe, kLabelChars + 4)));
    }
    fmt::print(out, "</g>\n");
}

void print_diagram(std::ostream &out, const Finding &f, size_t index) {
    const Diagram d = layout(f);
    // The outermost curve beside the last lane may pass its edge.
    int width = kGutter + kMargin + static_cast<int>(d.lanes.size()) * kLaneWidth;
    for (size_t i = 0; i < f.steps.size(); i++)
        if (d.step_lanes[i].first == d.step_lanes[i].second)
            width = std::max(width, lane_x(d.step_lanes[i].first) +
                                        curve_bulge(d.curve_level[i]) + 16);
    const int height = row_y(std::max(d.rows, 1) - 1) + kRowHeight / 2;
    fmt::print(out,
               "<svg class=\"diagram\" "
               "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
               "aria-label=\"sequence diagram of finding {2}\">\n",
               width, height, index + 1);
    // Arrowheads: ids are per diagram, so that pages of many stay valid.
    fmt::print(out,
               "<defs><marker id=\"ah{0}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
               "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
               "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#2f5f9e\"/></marker>"
               "<marker id=\"ahm{0}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
               "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
               "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#b3261e\"/></marker></defs>\n",
               index);
    for (size_t l = 0; l < d.lanes.size(); l++)
        print_lane(out, d.lanes[l], l, height);
    for (size_t i = 0; i < f.steps.size(); i++) {
        const Step &st = f.steps[i];
        const auto [from, to] = d.step_lanes[i];
        const int x1 = lane_x(from), x2 = lane_x(to);
        const int y1 =
            d.step_row[i] >= 0 ? row_y(d.step_row[i]) : row_y(d.side_row[st.from_side]);
        const int y2 =
            d.step_row[i] >= 0 ? row_y(d.step_row[i]) : row_y(d.side_row[st.to_side]);
        const char *color = st.missing ? "#b3261e" : "#2f5f9e";
        fmt::print(
            out,
            "<g class=\"arrow{}\" data-step=\"{}\" data-from=\"{}\" data-to=\"{}\" "
            "data-from-lane=\"{}\" data-to-lane=\"{}\"><title>{}</title>",
            st.missing ? " missing" : "", i, end_name(st.from_side), end_name(st.to_side),
            from, to, esc(st.label));
        const std::string stroke =
            fmt::format("fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{} "
                        "marker-end=\"url(#{}{})\"",
                        color, st.missing ? " stroke-dasharray=\"7 5\"" : "",
                        st.missing ? "ahm" : "ah", index);
        double badge_x, badge_y;
        if (from == to) {
            // Within one thread: a curve beside the lifeline, out as far as
            // its level says.
            const int bulge = curve_bulge(d.curve_level[i]);
            const int a = x1 + kMarkerHalf, top = y1, bottom = y2;
            if (top == bottom) // from a side to itself
                fmt::print(out, "<path d=\"M{0},{1} C{2},{3} {2},{4} {0},{5}\" {6}/>", a,
                           top - 5, x1 + bulge, top - 28, top + 28, top + 6, stroke);
            else
                fmt::print(out, "<path d=\"M{0},{1} C{2},{1} {2},{3} {4},{3}\" {5}/>", a,
                           top, x1 + bulge, bottom, a + 1, stroke);
            badge_x = a + 0.75 * (x1 + bulge - a); // the curve's apex
            badge_y = (top + bottom) / 2.0;
        } else {
            // Between lanes: from marker to marker (or lifeline), straight.
            const double dx = x2 - x1, dy = y2 - y1;
            const double len = std::sqrt(dx * dx + dy * dy);
            const double cut = kMarkerHalf + 2;
            fmt::print(
                out, "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" {}/>",
                x1 + dx * cut / len, y1 + dy * cut / len, x2 - dx * (cut + 1) / len,
                y2 - dy * (cut + 1) / len, stroke);
            badge_x = (x1 + x2) / 2.0;
            badge_y = (y1 + y2) / 2.0 - (dy == 0 ? 11 : 0);
        }
        fmt::print(out,
                   "<circle cx=\"{0:.1f}\" cy=\"{1:.1f}\" r=\"8\" fill=\"#fff\" "
                   "stroke=\"{2}\"/><text x=\"{0:.1f}\" y=\"{3:.1f}\" "
                   "text-anchor=\"middle\" font-size=\"10\" font-weight=\"bold\" "
                   "fill=\"{2}\">{4}</text></g>\n",
                   badge_x, badge_y, color, badge_y + 3.5, i + 1);
    }
    for (size_t s = 0; s < f.sides.size(); s++) {
        const int x = lane_x(d.side_lane[s]);
        const int y = row_y(d.side_row[s]);
        fmt::print(
            out,
            "<g class=\"side\" data-side=\"{0}\" data-lane=\"{1}\"><title>side #{0}: "
            "{2}</title><rect x=\"{3}\" y=\"{4}\" width=\"{10}\" height=\"{10}\" "
            "rx=\"4\" fill=\"#2f5f9e\"/><text x=\"{5}\" y=\"{6}\" "
            "text-anchor=\"middle\" font-size=\"11\" font-weight=\"bold\" "
            "fill=\"#fff\">{0}</text><text x=\"{7}\" y=\"{8}\" font-size=\"10.5\" "
            "text-anchor=\"end\" fill=\"#1d2330\" stroke=\"#f6f7f9\" "
            "stroke-width=\"3\" paint-order=\"stroke\">{9}</text></g>\n",
            s, d.side_lane[s], esc(f.sides[s].role), x - kMarkerHalf, y - kMarkerHalf, x,
            y + 4, x - kMarkerHalf - 4, y + 4, esc(clip(f.sides[s].role, 24)),
            2 * kMarkerHalf);
    }
    fmt::print(out, "</svg>\n");
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
    print_diagram(out, f, index);
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
               esc(f.rule), esc(f.key), esc(f.function));
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

// The bucket of width `w` of DistributionSummary::log2_counts: [lo, hi].
std::pair<std::uint64_t, std::uint64_t> bucket_bounds(size_t w) {
    if (w == 0)
        return {0, 0};
    const std::uint64_t lo = std::uint64_t{1} << (w - 1);
    return {lo, w >= 64 ? UINT64_MAX : (lo << 1) - 1};
}

void print_histogram(std::ostream &out, const latency::DistributionSummary &d) {
    const auto &counts = d.log2_counts;
    size_t first = 0;
    while (first < counts.size() && counts[first] == 0)
        first++;
    if (first == counts.size()) {
        fmt::print(out, "<span class=\"none\">no values</span>");
        return;
    }
    const size_t n = counts.size() - first;
    const std::uint64_t top = *std::max_element(counts.begin(), counts.end());
    constexpr int kBarsWidth = 240, kBarsHeight = 40;
    const int bar = std::max(4, std::min(24, static_cast<int>(kBarsWidth / n)));
    const int width = bar * static_cast<int>(n) + 2;
    fmt::print(out,
               "<svg class=\"histogram\" "
               "width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" data-count=\"{2}\" "
               "role=\"img\" aria-label=\"distribution of {2} values\">",
               std::max(width, 120), kBarsHeight + 16, d.count);
    fmt::print(out,
               "<line x1=\"0\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#8a8f99\"/>",
               kBarsHeight + 0.5, width);
    for (size_t i = 0; i < n; i++) {
        const std::uint64_t c = counts[first + i];
        const auto [lo, hi] = bucket_bounds(first + i);
        const int h = c == 0 ? 0 : std::max(1, static_cast<int>(kBarsHeight * c / top));
        fmt::print(out,
                   "<rect class=\"bar\" data-count=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" "
                   "height=\"{}\" fill=\"#2f5f9e\"><title>{} to {}: {}</title></rect>",
                   c, 1 + bar * static_cast<int>(i), kBarsHeight - h,
                   std::max(1, bar - 1), h, format_duration(lo), format_duration(hi), c);
    }
    const auto lo = bucket_bounds(first).first;
    const auto hi = bucket_bounds(counts.size() - 1).second;
    fmt::print(out,
               "<text x=\"0\" y=\"{0}\" font-size=\"10\" fill=\"#5b6475\">{1}</text>"
               "<text x=\"{2}\" y=\"{0}\" font-size=\"10\" fill=\"#5b6475\" "
               "text-anchor=\"end\">{3}</text></svg>",
               kBarsHeight + 13, esc(format_duration(lo)), std::max(width, 120),
               esc(format_duration(hi)));
}

std::string micros(std::uint64_t ns) {
    return fmt::format("{:.1f}", static_cast<double>(ns) / 1000.0);
}

std::string rank_text(std::int64_t rank) {
    return rank < 0 ? "-" : std::to_string(rank);
}

void print_latency(std::ostream &out, const latency::LatencyReport &r) {
    const latency::ProcessOrdinals ordinals(r);
    fmt::print(out, "<section id=\"latency\">\n<h2>Latency</h2>\n");
    if (r.sources.size() > 1) {
        fmt::print(out, "<ul class=\"sources\">");
        for (size_t i = 0; i < r.sources.size(); i++)
            fmt::print(out, "<li>source {}: <code>{}</code></li>", i, esc(r.sources[i]));
        fmt::print(out, "</ul>\n");
    }
    fmt::print(out, "<p class=\"run\">Histograms in powers of two (each bar doubles the "
                    "range of the one before it); times in \u00b5s.</p>\n");

    fmt::print(out, "<h3>Reactor busy time per loop iteration</h3>\n");
    if (r.loops.empty()) {
        fmt::print(out,
                   "<p class=\"none\">no loop records (enable fluxtrace:loop)</p>\n");
    } else {
        fmt::print(out,
                   "<table class=\"latency\" id=\"latency-loops\"><tr><th>process</th>"
                   "<th>rank</th><th>#</th><th>iterations</th><th>median</th>"
                   "<th>p99</th><th>max</th><th>distribution</th></tr>\n");
        for (const auto &l : r.loops) {
            fmt::print(out,
                       "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>",
                       esc(l.process.name()), rank_text(l.process.rank),
                       esc(ordinals.text(l.process)), l.busy_ns.count,
                       micros(l.busy_ns.median), micros(l.busy_ns.p99),
                       micros(l.busy_ns.max));
            print_histogram(out, l.busy_ns);
            fmt::print(out, "</td></tr>\n");
        }
        fmt::print(out, "</table>\n");
    }

    if (r.callbacks.empty()) {
        fmt::print(out, "<h3>Slowest callbacks</h3>\n<p class=\"none\">no cb_end records "
                        "(enable fluxtrace:cb_begin)</p>\n");
    } else {
        fmt::print(out, "<h3>Slowest callbacks: {} of {} by longest run</h3>\n",
                   r.callbacks.size(), r.callback_groups);
        fmt::print(out,
                   "<table class=\"latency\" id=\"latency-callbacks\"><tr>"
                   "<th>process</th><th>rank</th><th>#</th><th>callback</th>"
                   "<th>kind</th><th>count</th><th>total</th><th>p99</th><th>max</th>"
                   "<th>distribution</th></tr>\n");
        for (const auto &c : r.callbacks) {
            const std::string name =
                c.location.empty() ? c.symbol : c.symbol + " (" + c.location + ")";
            fmt::print(out,
                       "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td>",
                       esc(c.process.name()), rank_text(c.process.rank),
                       esc(ordinals.text(c.process)), esc(name), esc(c.kind),
                       c.duration_ns.count, micros(c.duration_ns.total),
                       micros(c.duration_ns.p99), micros(c.duration_ns.max));
            print_histogram(out, c.duration_ns);
            fmt::print(out, "</td></tr>\n");
        }
        fmt::print(out, "</table>\n");
    }

    fmt::print(out, "<h3>Request latency, client send to server handler start</h3>\n");
    if (r.topics.empty()) {
        fmt::print(out, "<p class=\"none\">no requests sent</p>\n");
    } else {
        fmt::print(out,
                   "<table class=\"latency\" id=\"latency-topics\"><tr><th>topic</th>"
                   "<th>sent</th><th>received</th><th>handled</th><th>median</th>"
                   "<th>p99</th><th>max</th><th>distribution</th></tr>\n");
        for (const auto &t : r.topics) {
            const auto &l = t.latency_ns;
            const bool any = l.count > 0;
            fmt::print(out,
                       "<tr><td><code>{}</code></td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td>",
                       esc(t.topic), t.sent, t.received, l.count,
                       any ? micros(l.median) : "-", any ? micros(l.p99) : "-",
                       any ? micros(l.max) : "-");
            print_histogram(out, l);
            fmt::print(out, "</td></tr>\n");
        }
        fmt::print(out, "</table>\n");
    }
    fmt::print(out,
               "<p class=\"run\">{} requests sent, {} of them received, {} with their "
               "handler's start</p>\n</section>\n",
               r.requests_sent, r.requests_received, r.requests_handled);
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
        print_latency(out, *report.latency);
    fmt::print(out, "</main>\n</body>\n</html>\n");
}

} // namespace fluxtrace::report
