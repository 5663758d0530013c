#include "latency_report.hpp"

#include <fmt/format.h>

#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "text_table.hpp"

namespace fluxtrace::latency {

std::string micros(std::uint64_t ns) {
    return fmt::format("{:.1f}", static_cast<double>(ns) / 1000.0);
}

std::string rank_text(std::int64_t rank) {
    return rank < 0 ? "-" : std::to_string(rank);
}

namespace {

// Why some callbacks are only module+offset, so a reader knows what to give.
void print_unresolved(std::ostream &out, const std::vector<CallbackLatency> &callbacks) {
    using symbolize::SymbolStatus;
    std::map<SymbolStatus, size_t> why;
    size_t n = 0;
    for (const auto &c : callbacks)
        if (c.status != SymbolStatus::Resolved && c.status != SymbolStatus::SymbolOnly) {
            why[c.status]++;
            n++;
        }
    if (n == 0)
        return;
    std::string reasons;
    for (const auto &[status, count] : why)
        reasons += fmt::format("{}{} {}", reasons.empty() ? "" : ", ", count,
                               symbolize::symbol_status_name(status));
    out << fmt::format("  {} of these not symbolized ({}); --debug-dir and --sysroot "
                       "say where the binaries are\n",
                       n, reasons);
}

} // namespace

ProcessOrdinals::ProcessOrdinals(const LatencyReport &report)
    : several_sources_(report.sources.size() > 1) {
    for (const auto &l : report.loops)
        seen_[{l.process.src, l.process.name(), l.process.rank}].insert(l.process.vpid);
    for (const auto &c : report.callbacks)
        seen_[{c.process.src, c.process.name(), c.process.rank}].insert(c.process.vpid);
    for (const auto &q : report.requeued)
        seen_[{q.process.src, q.process.name(), q.process.rank}].insert(q.process.vpid);
}

std::string ProcessOrdinals::text(const ProcessRole &p) const {
    const auto &pids = seen_.at({p.src, p.name(), p.rank});
    const auto n = std::distance(pids.begin(), pids.find(p.vpid)) + 1;
    return several_sources_ ? fmt::format("{}:{}", p.src, n) : std::to_string(n);
}

bool role_less(const ProcessRole &a, const ProcessRole &b) {
    const auto rank_key = [](std::int64_t r) {
        return r < 0 ? INT64_MAX : r; // unknown ranks last
    };
    return std::make_tuple(a.src, a.name(), rank_key(a.rank), a.vpid) <
           std::make_tuple(b.src, b.name(), rank_key(b.rank), b.vpid);
}

void print_text(std::ostream &out, const LatencyReport &report) {
    const bool several = report.sources.size() > 1;
    const ProcessOrdinals ordinals(report);
    if (several)
        for (size_t i = 0; i < report.sources.size(); i++)
            out << "source " << i << ": " << report.sources[i] << '\n';

    out << "Reactor busy time per loop iteration (µs)\n";
    if (report.loops.empty()) {
        out << "  no loop records (enable fluxtrace:loop)\n";
    } else {
        TextTable t({{"process"},
                     {"rank", Align::Right},
                     {"#", Align::Right},
                     {"iterations", Align::Right},
                     {"median", Align::Right},
                     {"p99", Align::Right},
                     {"max", Align::Right}});
        for (const auto &l : report.loops)
            t.add_row({l.process.name(), rank_text(l.process.rank),
                       ordinals.text(l.process), std::to_string(l.busy_ns.count),
                       micros(l.busy_ns.median), micros(l.busy_ns.p99),
                       micros(l.busy_ns.max)});
        t.print(out, "  ");
    }

    out << '\n';
    if (report.callbacks.empty()) {
        out << "Slowest callbacks (µs)\n  no cb_end records (enable "
               "fluxtrace:cb_begin)\n";
    } else {
        out << fmt::format("Slowest callbacks: {} of {} by longest run (µs)\n",
                           report.callbacks.size(), report.callback_groups);
        TextTable t({{"process"},
                     {"rank", Align::Right},
                     {"#", Align::Right},
                     {"callback"},
                     {"kind"},
                     {"count", Align::Right},
                     {"total", Align::Right},
                     {"p99", Align::Right},
                     {"max", Align::Right}});
        for (const auto &c : report.callbacks) {
            const std::string name =
                c.location.empty() ? c.symbol : c.symbol + " (" + c.location + ")";
            t.add_row({c.process.name(), rank_text(c.process.rank),
                       ordinals.text(c.process), name, c.kind,
                       std::to_string(c.duration_ns.count), micros(c.duration_ns.total),
                       micros(c.duration_ns.p99), micros(c.duration_ns.max)});
        }
        t.print(out, "  ");
        print_unresolved(out, report.callbacks);
    }

    out << '\n';
    out << "Request latency, client send to server handler start (µs)\n";
    if (report.topics.empty()) {
        out << "  no requests sent\n";
    } else {
        TextTable t({{"topic"},
                     {"sent", Align::Right},
                     {"received", Align::Right},
                     {"handled", Align::Right},
                     {"median", Align::Right},
                     {"p99", Align::Right},
                     {"max", Align::Right}});
        for (const auto &topic : report.topics) {
            const auto &l = topic.latency_ns;
            const bool any = l.count > 0;
            t.add_row({topic.topic, std::to_string(topic.sent),
                       std::to_string(topic.received), std::to_string(l.count),
                       any ? micros(l.median) : "-", any ? micros(l.p99) : "-",
                       any ? micros(l.max) : "-"});
        }
        t.print(out, "  ");
    }
    out << fmt::format("  {} requests sent, {} of them received, {} with their handler's "
                       "start\n",
                       report.requests_sent, report.requests_received,
                       report.requests_handled);
    if (!report.clocks.hosts.empty()) {
        out << '\n';
        print_clock_offsets(out, report.clocks);
    }
    if (!report.cross_host.empty()) {
        out << '\n';
        print_cross_host(out, report.cross_host);
    }

    // Only when something was requeued: a trace without requeues prints
    // what it always printed.
    if (report.requeued.empty())
        return;
    out << '\n';
    out << fmt::format(
        "Requeued responses: {} of {} streams by requeues (received and put "
        "back by synchronous waits)\n",
        report.requeued.size(), report.requeued_streams);
    TextTable t({{"process"},
                 {"rank", Align::Right},
                 {"#", Align::Right},
                 {"topic"},
                 {"matchtag", Align::Right},
                 {"requeues", Align::Right},
                 {"responses", Align::Right}});
    for (const auto &q : report.requeued)
        t.add_row({q.process.name(), rank_text(q.process.rank), ordinals.text(q.process),
                   q.topic, std::to_string(q.matchtag), std::to_string(q.requeues),
                   std::to_string(q.responses)});
    t.print(out, "  ");
    out << fmt::format(
        "  {} responses requeued in all; a stream requeued again and again "
        "is left unconsumed while its thread blocks (see the "
        "requeue-storm checker)\n",
        report.requeues);
}

} // namespace fluxtrace::latency
