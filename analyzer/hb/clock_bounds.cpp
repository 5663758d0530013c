#include "clock_bounds.hpp"

#include <algorithm>
#include <cmath>

namespace fluxtrace::hb {

namespace {

// Edges that are one message's way from its sender to its receiver.
bool is_transmission(EdgeKind kind) {
    return kind == EdgeKind::Request || kind == EdgeKind::Response ||
           kind == EdgeKind::Event;
}

// Calls f(from, to) for each message the model paired between two of the
// first n sources.
template <typename F>
void for_each_crossing(const Model &model, std::uint16_t n, F &&f) {
    const std::vector<Record> &records = model.records();
    for (const Edge &e : model.relation().edges()) {
        if (!is_transmission(e.kind))
            continue;
        const Record &from = records[e.from];
        const Record &to = records[e.to];
        if (from.src() != to.src() && from.src() < n && to.src() < n)
            f(from, to);
    }
}

// A bound this close to holding holds: the polygon's corners are computed in
// floating point, and bounds on integer ns may meet exactly.
constexpr double kSlackNs = 1e-3;

} // namespace

void DriftFit::add(std::int64_t t, std::int64_t v, int sign) {
    if (uppers_ + lowers_ == 0) {
        // Every line within 11 days of the first bound, of any drift allowed.
        constexpr double kFar = 1e15;
        t0_ = first_ = last_ = t;
        base_ = v;
        polygon_ = {{-kFar, -kMaxDrift},
                    {kFar, -kMaxDrift},
                    {kFar, kMaxDrift},
                    {-kFar, kMaxDrift}};
    }
    (sign > 0 ? uppers_ : lowers_)++;
    first_ = std::min(first_, t);
    last_ = std::max(last_, t);
    // Keep the part of the polygon where sign * (x + y tau - k) <= 0
    // (Sutherland-Hodgman against one half-plane).
    const double tau = static_cast<double>(t - t0_);
    const double k = static_cast<double>(v - base_);
    const auto outside = [&](const Point &p) { return sign * (p.x + p.y * tau - k); };
    std::vector<Point> kept;
    kept.reserve(polygon_.size() + 1);
    for (size_t i = 0; i < polygon_.size(); i++) {
        const Point &p = polygon_[i];
        const Point &q = polygon_[(i + 1) % polygon_.size()];
        const double fp = outside(p), fq = outside(q);
        if (fp <= kSlackNs)
            kept.push_back(p);
        if ((fp <= kSlackNs) != (fq <= kSlackNs)) {
            const double s = fp / (fp - fq);
            kept.push_back({p.x + (q.x - p.x) * s, p.y + (q.y - p.y) * s});
        }
    }
    polygon_ = std::move(kept);
}

std::pair<std::int64_t, std::int64_t> DriftFit::at(std::int64_t t) const {
    const double tau = static_cast<double>(t - t0_);
    double lo = polygon_.front().x + polygon_.front().y * tau, hi = lo;
    for (const Point &p : polygon_) {
        lo = std::min(lo, p.x + p.y * tau);
        hi = std::max(hi, p.x + p.y * tau);
    }
    return {base_ + static_cast<std::int64_t>(std::floor(lo)),
            base_ + static_cast<std::int64_t>(std::ceil(hi))};
}

std::pair<double, double> DriftFit::drift() const {
    double lo = polygon_.front().y, hi = lo;
    for (const Point &p : polygon_) {
        lo = std::min(lo, p.y);
        hi = std::max(hi, p.y);
    }
    return {lo, hi};
}

std::int64_t DriftFit::middle() const {
    return first_ + (last_ - first_) / 2;
}

ClockBounds::ClockBounds(const Model &model, std::uint16_t sources)
    : n_(sources), upper_(size_t{sources} * sources, kNone),
      messages_(size_t{sources} * sources, 0) {
    for (std::uint16_t a = 0; a < n_; a++)
        upper_[a * n_ + a] = 0;
    for_each_crossing(model, n_, [&](const Record &from, const Record &to) {
        // Received after it was sent: clock(b) - clock(a) <= to - from.
        const size_t ab = size_t{from.src()} * n_ + to.src();
        upper_[ab] =
            std::min(upper_[ab], static_cast<std::int64_t>(to.ts_ns() - from.ts_ns()));
        messages_[ab]++;
    });
    direct_ = upper_;
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
    if (!consistent_)
        fit_drift(model);
}

void ClockBounds::fit_drift(const Model &model) {
    for_each_crossing(model, n_, [&](const Record &from, const Record &to) {
        const std::uint16_t a = from.src(), b = to.src();
        const auto sent = static_cast<std::int64_t>(from.ts_ns());
        const auto received = static_cast<std::int64_t>(to.ts_ns());
        // clock(b) - clock(a) <= received - sent, near the send on a's clock;
        // clock(a) - clock(b) >= sent - received, near the receipt on b's.
        fits_[{a, b}].add_upper(sent, received - sent);
        fits_[{b, a}].add_lower(received, sent - received);
    });
}

std::optional<ClockBounds::Contradiction> ClockBounds::worst_contradiction() const {
    std::optional<Contradiction> worst;
    for (std::uint16_t a = 0; a < n_; a++)
        for (std::uint16_t b = a + 1; b < n_; b++) {
            const std::int64_t there = direct_[a * n_ + b], back = direct_[b * n_ + a];
            if (consistent_ || there == kNone || back == kNone || there + back >= 0)
                continue;
            const auto by = static_cast<std::uint64_t>(-(there + back));
            if (!worst || by > worst->by_ns)
                worst = Contradiction{a, b, by};
        }
    return worst;
}

const DriftFit *ClockBounds::fit(std::uint16_t a, std::uint16_t b) const {
    const auto it = fits_.find({a, b});
    return it != fits_.end() && it->second.bounded() ? &it->second : nullptr;
}

std::optional<ClockBounds::Interval> ClockBounds::offset(std::uint16_t a,
                                                         std::uint16_t b) const {
    if (a >= n_ || b >= n_)
        return std::nullopt;
    if (a == b)
        return Interval{0, 0};
    if (!consistent_) {
        const DriftFit *f = fit(a, b);
        return f ? offset_at(a, b, f->middle()) : std::nullopt;
    }
    if (upper(a, b) == kNone || upper(b, a) == kNone)
        return std::nullopt;
    return Interval{-upper(b, a), upper(a, b)};
}

std::optional<ClockBounds::Interval>
ClockBounds::offset_at(std::uint16_t a, std::uint16_t b, std::int64_t t) const {
    if (consistent_ || a == b)
        return offset(a, b);
    const DriftFit *f = fit(a, b);
    if (f == nullptr)
        return std::nullopt;
    const auto [lo, hi] = f->at(t);
    return Interval{lo, hi};
}

std::optional<ClockBounds::Drift> ClockBounds::drift(std::uint16_t a,
                                                     std::uint16_t b) const {
    const DriftFit *f = consistent_ || a == b ? nullptr : fit(a, b);
    if (f == nullptr)
        return std::nullopt;
    const auto [lo, hi] = f->drift();
    return Drift{(lo + hi) / 2 * 1e6, (hi - lo) / 2 * 1e6};
}

std::optional<ClockBounds::Duration> ClockBounds::duration(const Record &from,
                                                           const Record &to) const {
    const std::int64_t raw = static_cast<std::int64_t>(to.ts_ns() - from.ts_ns());
    if (from.src() == to.src())
        return Duration{raw, 0};
    const auto off =
        offset_at(from.src(), to.src(), static_cast<std::int64_t>(from.ts_ns()));
    if (!off)
        return std::nullopt;
    // to - from on one clock = raw - (clock(to) - clock(from)).
    return Duration{
        static_cast<std::int64_t>(static_cast<std::uint64_t>(raw) -
                                  static_cast<std::uint64_t>(off->estimate())),
        off->error()};
}

} // namespace fluxtrace::hb
