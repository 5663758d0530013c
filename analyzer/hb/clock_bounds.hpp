// How far apart the hosts' clocks were, bounded by the trace's own messages.
//
// Every source (one host's traces) has its own clock.  A message sent on host
// A at a_send (A's clock) and received on host B at b_recv (B's clock) was
// received after it was sent, so B's clock offset from A's is at most
// b_recv - a_send; a message the other way bounds it from below.  Every
// request, response and event delivery that the model paired across two
// sources is such a bound (Cristian's and NTP's reasoning, with all messages
// instead of one round trip).  The bounds are difference constraints, so the
// tightest bound between any two sources, also through third ones, is a
// shortest path (Floyd-Warshall over the sources).
//
// A negative cycle means no constant offset explains the messages: the clocks
// ran at different rates (real clocks drift by up to tens of ppm, so a long
// run between close hosts always ends here).  Then each pair of hosts with
// messages both ways gets a line instead, offset(t) = c + d t, fitted the
// same way: every message bounds the line at its time, and the lines that
// every bound allows form a convex polygon in (c, d) (DriftFit).  The offset
// is given at the middle of the pair's messages, where the fit is tightest,
// with the drift d; a pair whose messages no line explains (a clock that
// jumped) gets none.  Drifts beyond 500 ppm, NTP's frequency tolerance, are
// not considered: such a clock is broken, not drifting.
//
// These estimates are for people only: they turn a duration between records
// of two hosts into an estimate with an error bound.  They never order two
// records; happens-before comes from the pairings alone.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "model.hpp"

namespace fluxtrace::hb {

// The clock offset between two hosts as a line over time, off(t) = c + d (t -
// t0), t on the first host's clock in ns: the set of lines that every bound
// allows, a convex polygon in (c, d), clipped by each bound as it comes.
class DriftFit {
  public:
    static constexpr double kMaxDrift = 500e-6; // NTP's frequency tolerance

    // off(t) <= v, or off(t) >= v.
    void add_upper(std::int64_t t, std::int64_t v) { add(t, v, +1); }
    void add_lower(std::int64_t t, std::int64_t v) { add(t, v, -1); }

    // Bounded both ways by lines that agree: some upper and some lower bound,
    // and a line within all of them.
    bool bounded() const { return uppers_ > 0 && lowers_ > 0 && !polygon_.empty(); }
    // Every offset at time t that some allowed line gives (needs bounded()).
    std::pair<std::int64_t, std::int64_t> at(std::int64_t t) const;
    // Every drift d of an allowed line, dimensionless (1e-6 is 1 ppm).
    std::pair<double, double> drift() const;
    // The middle of the bounds' times, where the fit is tightest.
    std::int64_t middle() const;

  private:
    void add(std::int64_t t, std::int64_t v, int sign);

    // Coordinates: x = c - base_ (ns), y = d; t0_ and base_ from the first
    // bound, so that doubles keep their precision whatever the clocks read.
    struct Point {
        double x, y;
    };
    std::vector<Point> polygon_;
    std::int64_t t0_ = 0, base_ = 0;
    std::int64_t first_ = 0, last_ = 0;
    std::uint64_t uppers_ = 0, lowers_ = 0;
};

class ClockBounds {
  public:
    // `sources`: how many sources the trace has (Record::src() < sources).
    ClockBounds(const Model &model, std::uint16_t sources);

    // The closed interval that holds the offset clock(b) - clock(a), in ns.
    struct Interval {
        std::int64_t lo = 0;
        std::int64_t hi = 0;
        std::uint64_t width() const {
            return static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
        }
        // The middle, and the most it can be off by.
        std::int64_t estimate() const {
            return lo + static_cast<std::int64_t>(width() / 2);
        }
        std::uint64_t error() const { return width() - width() / 2; }
    };
    // Empty when no chain of messages runs both ways between a and b, or when
    // the bounds contradict each other.  offset(a, a) is [0, 0].  When the
    // clocks drifted (drifting()): the offset at the middle of the messages
    // between a and b, which must then have exchanged messages directly.
    std::optional<Interval> offset(std::uint16_t a, std::uint16_t b) const;
    // When drifting(): the offset at time t of a's clock.
    std::optional<Interval> offset_at(std::uint16_t a, std::uint16_t b,
                                      std::int64_t t) const;
    // When drifting(): how fast b's clock ran ahead of a's, in ppm, as an
    // estimate and its error bound.
    struct Drift {
        double ppm = 0, error_ppm = 0;
    };
    std::optional<Drift> drift(std::uint16_t a, std::uint16_t b) const;

    // The true time from one record to another: `to - from` with the clocks'
    // offset taken out, as an estimate and its error bound.  Exact (error 0)
    // within one source; empty when their sources' offset is not bounded.
    struct Duration {
        std::int64_t estimate_ns = 0;
        std::uint64_t error_ns = 0;
    };
    std::optional<Duration> duration(const Record &from, const Record &to) const;

    // Whether one constant offset per pair explains every message (no
    // negative cycle); otherwise offsets are fitted with drift.
    bool consistent() const { return consistent_; }
    bool drifting() const { return !consistent_; }
    // When drifting(): the two sources whose direct messages contradict one
    // constant offset the most, and by how much (ns); none when only chains
    // through third sources contradict.
    struct Contradiction {
        std::uint16_t a = 0, b = 0;
        std::uint64_t by_ns = 0;
    };
    std::optional<Contradiction> worst_contradiction() const;
    // Messages paired between a and b, either way (what bounded them directly).
    std::uint64_t messages(std::uint16_t a, std::uint16_t b) const {
        return messages_[a * n_ + b] + messages_[b * n_ + a];
    }
    std::uint16_t sources() const { return n_; }

  private:
    static constexpr std::int64_t kNone = INT64_MAX;
    std::int64_t upper(std::uint16_t a, std::uint16_t b) const {
        return upper_[a * n_ + b];
    }
    void fit_drift(const Model &model);
    const DriftFit *fit(std::uint16_t a, std::uint16_t b) const;

    std::uint16_t n_;
    // upper_[a * n + b]: the least upper bound of clock(b) - clock(a), kNone if
    // none; direct_: the same from a's and b's own messages only.
    std::vector<std::int64_t> upper_, direct_;
    std::vector<std::uint64_t> messages_; // a -> b, paired directly
    bool consistent_ = true;
    // When !consistent_: (a, b) -> the lines clock(b) - clock(a), t on a's clock.
    std::map<std::pair<std::uint16_t, std::uint16_t>, DriftFit> fits_;
};

} // namespace fluxtrace::hb
