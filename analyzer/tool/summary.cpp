#include "summary.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ctime>
#include <map>
#include <string>

#include "../hb/model.hpp"
#include "analyzer/printable.hpp"
#include "../hb/model_summary.hpp"
#include "../latency/cross_host.hpp"

namespace fluxtrace::tool {

namespace {

std::string utc(std::uint64_t ns) {
    const std::time_t s = static_cast<std::time_t>(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    return fmt::format("{}.{:09}Z", buf, ns % 1000000000);
}

} // namespace

void Summary::print(std::ostream &out, const ReadStats &stats, const RecordStore &store,
                    const hb::Model &model, const hb::ClockBounds *clocks) const {
    for (size_t src = 0; src < stats.sources.size(); src++) {
        const SourceStats &s = stats.sources[src];
        std::uint64_t discarded_events = 0, discarded_packets = 0;
        for (const auto &st : stats.streams)
            if (st.src == src) {
                discarded_events += st.discarded_events;
                discarded_packets += st.discarded_packets;
            }
        fmt::print(out, "source {}: {}\n", src, s.path);
        if (!s.host.empty())
            fmt::print(out, "  host: {}\n", printable(s.host));
        fmt::print(out, "  trace directories: {}\n", s.trace_dirs.size());
        fmt::print(out, "  records: {} (fluxtrace {}, other providers {})\n", s.records,
                   s.fluxtrace_records, s.records - s.fluxtrace_records);
        fmt::print(out, "  processes: {}\n",
                   src < vpids_.size() ? vpids_[src].size() : 0);
        fmt::print(out, "  discarded: {} events, {} packets\n", discarded_events,
                   discarded_packets);
        if (s.records > 0)
            fmt::print(out, "  time span: {} .. {} ({:.9f} s)\n", utc(s.first_ts_ns),
                       utc(s.last_ts_ns), (s.last_ts_ns - s.first_ts_ns) / 1e9);
        for (const auto &k : stats.skipped)
            if (k.src == src)
                fmt::print(out, "  skipped: {} of {}: {}\n", k.what, k.path, k.cause);
        for (const auto &st : stats.streams)
            if (st.src == src && (st.discarded_events > 0 || st.discarded_packets > 0))
                fmt::print(out, "  lost in stream {}: {} events, {} packets\n", st.name,
                           st.discarded_events, st.discarded_packets);
    }

    // Several layouts of one record name (two provider versions) count as one.
    std::map<std::string, std::uint64_t> by_name;
    for (std::uint32_t id = 0; id < per_class_.size(); id++)
        if (per_class_[id] > 0)
            by_name[std::string(store.event_class(id).name())] += per_class_[id];
    fmt::print(out, "records by name:\n");
    for (const auto &[name, n] : by_name)
        fmt::print(out, "  {:<32} {}\n", printable(name), n);
    fmt::print(out, "total: {} records, {} discarded events, {} discarded packets\n",
               stats.records(), stats.discarded_events(), stats.discarded_packets());

    hb::print_model_summary(out, model);
    if (clocks != nullptr)
        latency::print_clock_offsets(
            out, latency::clock_offsets(*clocks, stats.source_names()));
}

} // namespace fluxtrace::tool
