#include "html_latency.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>

#include "finding.hpp"
#include "html.hpp"

namespace fluxtrace::report {

using latency::micros;
using latency::rank_text;

namespace {

std::string esc(std::string_view s) {
    return html_escape(s);
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

} // namespace

void print_latency_html(std::ostream &out, const latency::LatencyReport &r) {
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

} // namespace fluxtrace::report
