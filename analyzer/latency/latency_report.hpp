// What `fluxtrace-analyze --latency` reports, built by LatencyCollector and
// printed separately (so other front ends can print it differently):
//  - per process, the reactor's busy time per loop iteration (`loop`);
//  - the slowest callbacks by symbol (`cb_end` duration_ns grouped by the
//    symbolized `fn`, per process);
//  - per request topic, the delivery latency from the client's send to the
//    start of the server's handler;
//  - the streams whose responses synchronous waits requeued most (`msg`
//    op flux_requeue), per process: the cost of a stream left unconsumed
//    while blocking (the requeue-storm checker reports it);
//  - for several hosts, their clock offsets and the requests across hosts
//    (cross_host.hpp).
// Every list is in a fixed order, so a trace always prints the same report.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <tuple>
#include <string>
#include <vector>

#include "../symbolize/symbol.hpp"
#include "cross_host.hpp"
#include "distribution.hpp"

namespace fluxtrace::latency {

// A process as reports name it: its executable, and the broker rank it
// learned (its own, for a broker; the one it talks to, for a client).
struct ProcessRole {
    std::uint16_t src = 0;
    std::int32_t vpid = -1;
    std::string exe; // file name of its last executable ("" when not recorded)
    std::string procname;
    std::int64_t rank = -1; // -1: unknown

    std::string name() const { return exe.empty() ? procname : exe; }
};

// Sort order of processes in reports: source, name, rank (unknown last), pid.
bool role_less(const ProcessRole &a, const ProcessRole &b);

struct LoopLatency {
    ProcessRole process;
    DistributionSummary busy_ns;
};

struct CallbackLatency {
    ProcessRole process;
    std::string symbol;   // function, or module+0xoffset
    std::string location; // Symbol::location(): "file.c:123", "module+0x1a2b" or ""
    std::string kind;     // "msg_handler", ...; "mixed" when several
    symbolize::SymbolStatus status = symbolize::SymbolStatus::NoObject;
    DistributionSummary duration_ns;
};

struct TopicLatency {
    std::string topic;
    std::uint64_t sent = 0;         // requests sent by their origin (not forwarding hops)
    std::uint64_t received = 0;     // sends paired with a receive
    DistributionSummary latency_ns; // paired sends whose handler start was seen
};

// Responses of one stream (a process's topic and matchtag) that synchronous
// waits received and put back with flux_requeue.
struct RequeuedStream {
    ProcessRole process;
    std::string topic;
    std::uint32_t matchtag = 0;
    std::uint64_t requeues = 0;
    std::uint64_t responses = 0; // distinct (message object, payload)
};

struct LatencyReport {
    std::vector<std::string> sources; // input paths, by source index
    std::vector<LoopLatency> loops;
    // The `top` slowest (by max, then total duration), and how many there were.
    std::vector<CallbackLatency> callbacks;
    size_t callback_groups = 0;
    size_t top = 0;
    std::vector<TopicLatency> topics; // by topic
    std::uint64_t requests_sent = 0;
    std::uint64_t requests_received = 0; // paired with a receive
    std::uint64_t requests_handled = 0;  // paired, with the handler's start
    // The `top` streams by requeues (most first); empty when none was requeued.
    std::vector<RequeuedStream> requeued;
    size_t requeued_streams = 0;
    std::uint64_t requeues = 0; // of responses, in all
    // Traces of several hosts: their clocks' offsets, and the requests that
    // crossed hosts (which `topics` counts as sent but cannot time).
    ClockOffsets clocks;
    std::vector<CrossHostTopic> cross_host;
};

// A time in microseconds as the reports print it ("12.5"), and a rank ("-"
// when unknown).
std::string micros(std::uint64_t ns);
std::string rank_text(std::int64_t rank);

// Reports name processes by role, never by pid, so they compare across runs:
// processes of the same name and rank are told apart by an ordinal, in order
// of their pids (start order, within one host); "1:2" when the report covers
// several sources.
class ProcessOrdinals {
  public:
    explicit ProcessOrdinals(const LatencyReport &report);
    std::string text(const ProcessRole &p) const;

  private:
    bool several_sources_;
    std::map<std::tuple<std::uint16_t, std::string, std::int64_t>, std::set<std::int32_t>>
        seen_;
};

// The text report: three aligned tables, times in microseconds, and a fourth
// of requeued streams when there were any.
void print_text(std::ostream &out, const LatencyReport &report);

} // namespace fluxtrace::latency
