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
// shortest path (Floyd-Warshall over the sources); a negative cycle means the
// clocks drifted or ran at different rates during the run, and then no bound
// is given.
//
// These estimates are for people only: they turn a duration between records
// of two hosts into an estimate with an error bound.  They never order two
// records; happens-before comes from the pairings alone.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "model.hpp"

namespace fluxtrace::hb {

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
    // the bounds contradict each other.  offset(a, a) is [0, 0].
    std::optional<Interval> offset(std::uint16_t a, std::uint16_t b) const;

    // The true time from one record to another: `to - from` with the clocks'
    // offset taken out, as an estimate and its error bound.  Exact (error 0)
    // within one source; empty when their sources' offset is not bounded.
    struct Duration {
        std::int64_t estimate_ns = 0;
        std::uint64_t error_ns = 0;
    };
    std::optional<Duration> duration(const Record &from, const Record &to) const;

    // Whether the bounds were consistent (no negative cycle).
    bool consistent() const { return consistent_; }
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

    std::uint16_t n_;
    // upper_[a * n + b]: the least upper bound of clock(b) - clock(a), kNone if none.
    std::vector<std::int64_t> upper_;
    std::vector<std::uint64_t> messages_; // a -> b, paired directly
    bool consistent_ = true;
};

} // namespace fluxtrace::hb
