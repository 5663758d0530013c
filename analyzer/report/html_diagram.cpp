#include "html_diagram.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "html.hpp"

namespace fluxtrace::report {

namespace {

std::string esc(std::string_view s) {
    return html_escape(s);
}

// Lanes, rows and arrows of a sequence diagram, in SVG user units.
constexpr int kLaneWidth = 210;
constexpr int kHeaderHeight = 58;
constexpr int kRowHeight = 46;
constexpr int kMargin = 10;
constexpr int kGutter = 70;        // left of the first lane: its markers' role words
constexpr size_t kLabelChars = 30; // what fits in a lane's width at 12px

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

} // namespace

void print_sequence_diagram(std::ostream &out, const Finding &f, size_t index) {
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

} // namespace fluxtrace::report
