#include "clock_bounds.hpp"

#include <algorithm>

namespace fluxtrace::hb {

namespace {

// Edges that are one message's way from its sender to its receiver.
bool is_transmission(EdgeKind kind) {
    return kind == EdgeKind::Request || kind == EdgeKind::Response ||
           kind == EdgeKind::Event;
}

} // namespace

ClockBounds::ClockBounds(const Model &model, std::uint16_t sources)
    : n_(sources), upper_(size_t{sources} * sources, kNone),
      messages_(size_t{sources} * sources, 0) {
    for (std::uint16_t a = 0; a < n_; a++)
        upper_[a * n_ + a] = 0;
    const std::vector<Record> &records = model.records();
    for (const Edge &e : model.relation().edges()) {
        if (!is_transmission(e.kind))
            continue;
        const Record &from = records[e.from];
        const Record &to = records[e.to];
        const std::uint16_t a = from.src(), b = to.src();
        if (a == b || a >= n_ || b >= n_)
            continue;
        // Received after it was sent: clock(b) - clock(a) <= to - from.
        const std::int64_t bound = static_cast<std::int64_t>(to.ts_ns() - from.ts_ns());
        std::int64_t &u = upper_[a * n_ + b];
        u = std::min(u, bound);
        messages_[a * n_ + b]++;
    }
    // Tightest bounds through any chain of sources.
    for (std::uint16_t k = 0; k < n_; k++)
        for (std::uint16_t a = 0; a < n_; a++) {
            if (upper(a, k) == kNone)
                continue;
            for (std::uint16_t b = 0; b < n_; b++) {
                std::int64_t through = 0;
                if (upper(k, b) != kNone &&
                    !__builtin_add_overflow(upper(a, k), upper(k, b), &through))
                    upper_[a * n_ + b] = std::min(upper(a, b), through);
            }
        }
    for (std::uint16_t a = 0; a < n_; a++)
        consistent_ = consistent_ && upper(a, a) >= 0;
}

std::optional<ClockBounds::Interval> ClockBounds::offset(std::uint16_t a,
                                                         std::uint16_t b) const {
    if (a >= n_ || b >= n_ || !consistent_ || upper(a, b) == kNone ||
        upper(b, a) == kNone)
        return std::nullopt;
    return Interval{-upper(b, a), upper(a, b)};
}

std::optional<ClockBounds::Duration> ClockBounds::duration(const Record &from,
                                                           const Record &to) const {
    const std::int64_t raw = static_cast<std::int64_t>(to.ts_ns() - from.ts_ns());
    if (from.src() == to.src())
        return Duration{raw, 0};
    const auto off = offset(from.src(), to.src());
    if (!off)
        return std::nullopt;
    // to - from on one clock = raw - (clock(to) - clock(from)).
    return Duration{
        static_cast<std::int64_t>(static_cast<std::uint64_t>(raw) -
                                  static_cast<std::uint64_t>(off->estimate())),
        off->error()};
}

} // namespace fluxtrace::hb
