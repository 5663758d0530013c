#include "cross_host.hpp"

#include <cstdlib>
#include <map>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "../hb/model.hpp"
#include "analyzer/printable.hpp"
#include "latency_report.hpp"
#include "text_table.hpp"

namespace fluxtrace::latency {

ClockOffsets clock_offsets(const hb::ClockBounds &clocks,
                           const std::vector<std::string> &names) {
    ClockOffsets out;
    out.drifting = clocks.drifting();
    if (const auto worst = clocks.worst_contradiction())
        out.contradiction =
            fmt::format("{} and {} by {} µs", printable(names.at(worst->a)),
                        printable(names.at(worst->b)), micros(worst->by_ns));
    for (std::uint16_t s = 1; s < clocks.sources(); s++)
        out.hosts.push_back({names.at(s), names.at(0), clocks.offset(0, s),
                             clocks.drift(0, s), clocks.messages(0, s)});
    return out;
}

std::vector<CrossHostTopic> cross_host_requests(const hb::Model &model,
                                                const hb::ClockBounds &clocks) {
    struct Topic {
        std::uint64_t requests = 0;
        Distribution shown;
        std::uint64_t error_ns = 0;
    };
    std::map<std::string_view, Topic> topics;
    const std::vector<Record> &records = model.records();
    for (const hb::Message &m : model.messages().messages) {
        if (!m.paired())
            continue;
        const Record &send = records[m.send];
        const Record &recv = records[m.server_recv];
        if (send.src() == recv.src())
            continue;
        Topic &t = topics[m.topic_text];
        t.requests++;
        const auto d = clocks.duration(send, recv);
        // Received after it was sent, so the estimate is never negative; one
        // no larger than its own error bound says nothing.
        if (!d || d->estimate_ns < 0 ||
            static_cast<std::uint64_t>(d->estimate_ns) < d->error_ns)
            continue;
        t.shown.add(static_cast<std::uint64_t>(d->estimate_ns));
        t.error_ns = std::max(t.error_ns, d->error_ns);
    }
    std::vector<CrossHostTopic> out;
    for (const auto &[topic, t] : topics)
        out.push_back({std::string(topic), t.requests, t.shown.count(), t.shown.summary(),
                       t.error_ns});
    return out;
}

std::string offset_text(const hb::ClockBounds::Interval &offset) {
    // To the nearest µs, rounding half up on the signed value, so that a
    // clock moved by a whole second prints exactly a second apart.
    const std::int64_t e = offset.estimate();
    std::int64_t us = e / 1000, rest = e % 1000;
    if (rest < 0) {
        us--;
        rest += 1000;
    }
    if (rest >= 500)
        us++;
    const std::uint64_t magnitude =
        us < 0 ? 0 - static_cast<std::uint64_t>(us) : static_cast<std::uint64_t>(us);
    return fmt::format("{}{}.{:06} s ± {} µs", us < 0 ? '-' : '+', magnitude / 1'000'000,
                       magnitude % 1'000'000, micros(offset.error()));
}

void print_clock_offsets(std::ostream &out, const ClockOffsets &offsets) {
    if (offsets.hosts.empty())
        return;
    fmt::print(out, "clock offsets (bounded by the messages between hosts; they "
                    "order nothing, they only turn durations across hosts into "
                    "estimates):\n");
    if (!offsets.drifting) {
        TextTable t({{"host"}, {"from"}, {"clock offset"}, {"messages", Align::Right}});
        for (const ClockOffset &c : offsets.hosts)
            t.add_row({printable(c.host), printable(c.reference),
                       c.offset ? offset_text(*c.offset)
                                : "not bounded (no messages both ways)",
                       std::to_string(c.messages)});
        t.print(out, "  ");
        return;
    }
    fmt::print(
        out,
        "  the clocks ran at different rates: no constant offsets explain the "
        "messages ({}), so each is fitted with a drift, and given at the middle of "
        "the messages between the two hosts\n",
        offsets.contradiction.empty()
            ? "only through third hosts"
            : "most contradicted by the messages of " + offsets.contradiction);
    TextTable t(
        {{"host"}, {"from"}, {"clock offset"}, {"drift"}, {"messages", Align::Right}});
    for (const ClockOffset &c : offsets.hosts) {
        if (!c.offset || !c.drift) {
            t.add_row(
                {printable(c.host), printable(c.reference),
                 "none (no messages both ways, or none that a steady drift explains)", "",
                 std::to_string(c.messages)});
            continue;
        }
        t.add_row({printable(c.host), printable(c.reference), offset_text(*c.offset),
                   fmt::format("{:+.2f} ppm ± {:.2f}", c.drift->ppm, c.drift->error_ppm),
                   std::to_string(c.messages)});
    }
    t.print(out, "  ");
}

void print_cross_host(std::ostream &out, const std::vector<CrossHostTopic> &topics) {
    if (topics.empty())
        return;
    fmt::print(out, "Requests across hosts, client send to server receive (µs, "
                    "estimated: each within its error bound)\n");
    TextTable t({{"topic"},
                 {"requests", Align::Right},
                 {"shown", Align::Right},
                 {"median", Align::Right},
                 {"p99", Align::Right},
                 {"max", Align::Right},
                 {"error ±", Align::Right}});
    for (const CrossHostTopic &c : topics) {
        const bool any = c.shown > 0;
        t.add_row({printable(c.topic), std::to_string(c.requests),
                   std::to_string(c.shown), any ? micros(c.latency_ns.median) : "-",
                   any ? micros(c.latency_ns.p99) : "-",
                   any ? micros(c.latency_ns.max) : "-", any ? micros(c.error_ns) : "-"});
    }
    t.print(out, "  ");
    fmt::print(out, "  a request is shown only when its estimate is at least its error "
                    "bound (the clocks' offset is known no better)\n");
}

} // namespace fluxtrace::latency
