// Time across hosts, for --latency and --summary: each host's clock offset
// from the first host's, and the delivery latency of requests sent on one host
// and received on another.  Every such duration comes with the error bound
// that the offsets leave (hb::ClockBounds), and is shown only where that
// bound is narrower than the duration itself.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "../hb/clock_bounds.hpp"
#include "distribution.hpp"

namespace fluxtrace::hb {
class Model;
}

namespace fluxtrace::latency {

struct ClockOffset {
    std::string host;      // a source's host (its path when the trace names none)
    std::string reference; // the first source's
    std::optional<hb::ClockBounds::Interval> offset; // clock(host) - clock(reference)
    std::optional<hb::ClockBounds::Drift> drift;     // when the clocks drifted
    std::uint64_t messages = 0; // exchanged directly with the reference
};

struct ClockOffsets {
    std::vector<ClockOffset> hosts; // every source but the first, in source order
    bool drifting = false; // no constant offsets explain the messages: fitted with drift
    // When drifting: the two hosts whose own messages contradict one constant
    // offset the most, "A and B by N µs"; "" when only chains through others do.
    std::string contradiction;
};

// `names`: by source index.
ClockOffsets clock_offsets(const hb::ClockBounds &clocks,
                           const std::vector<std::string> &names);

// Requests whose origin's send and the server's receive were on two hosts.
struct CrossHostTopic {
    std::string topic;
    std::uint64_t requests = 0;     // paired across hosts
    std::uint64_t shown = 0;        // ... whose estimate is at least its error bound
    DistributionSummary latency_ns; // their estimates, send to the server's receive
    std::uint64_t error_ns = 0;     // the widest error bound among them
};

// By topic.
std::vector<CrossHostTopic> cross_host_requests(const hb::Model &model,
                                                const hb::ClockBounds &clocks);

// "-7200.000327 s ± 236.1 µs": an offset for people.
std::string offset_text(const hb::ClockBounds::Interval &offset);

void print_clock_offsets(std::ostream &out, const ClockOffsets &offsets);
void print_cross_host(std::ostream &out, const std::vector<CrossHostTopic> &topics);

} // namespace fluxtrace::latency
