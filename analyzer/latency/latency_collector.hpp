// Gathers what --latency reports while a trace streams by, then pairs
// requests, symbolizes callbacks and builds the LatencyReport.
//
//     LatencyCollector latency;
//     reader.read(paths, [&](const Record &r) { latency.add(r); });
//     symbolize::Symbolizer symbols(latency.objects(), search_paths);
//     LatencyReport report = latency.report(symbols, 10);
//
// Records need not be retained: the collector copies what it needs.
//
// Request pairing is deliberately simple (the happens-before engine does it
// fully).  A request's origin is a send (msg op 0/1, type 1) with route_count
// 0 of a message the thread did not receive: the broker adds the route, and
// the broker (or a connector module) forwards what it received, sometimes
// before adding a hop.  Its delivery is a receive (op 2, type 1, route_count
// >= 1) in the same source with the same topic, matchtag and payload hash --
// in any process or thread, since broker modules are threads of the broker
// and may call their own services -- that the thread did not send on
// unchanged.  Receives that started a handler (cb_begin kind msg_handler with
// `msg` = the receive's `m`) are paired first, then the others, each in time
// order: a request leaving a broker through its overlay is also received
// there, and only the missing handler tells that hop from a delivery.
// Among several candidate sends it takes, per sending thread, the latest
// before the receive (a client has at most one request in flight per
// matchtag, so older ones were never received) -- or the earliest for
// matchtag 0, which is not unique -- and among threads the one already seen
// behind the receive's route uuid, else the earliest.  The latency is
// measured from the send to the handler's start.  Times are only ever
// subtracted within one source: hosts' clocks differ.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "../record.hpp"
#include "../symbolize/object_map.hpp"
#include "../symbolize/symbolizer.hpp"
#include "distribution.hpp"
#include "latency_report.hpp"

namespace fluxtrace::latency {

class LatencyCollector {
  public:
    // A send recorded after flux_send returned (op 0) may carry a later time
    // than the receive it caused.
    static constexpr std::uint64_t kSendAfterReceiveTolerance_ns = 1'000'000;

    // Records of one source must come in time order.
    void add(const Record &r);

    // The objects of every process, for the Symbolizer given to report().
    const symbolize::ObjectMap &objects() const { return objects_; }

    // `top`: how many of the slowest callbacks to keep.
    LatencyReport report(symbolize::Symbolizer &symbols, size_t top) const;

  private:
    using ProcessKey = symbolize::ProcessKey;

    struct Process {
        std::string exe;
        std::string procname;
        bool main_thread_named = false;
        std::int64_t rank = -1;
        std::uint32_t execs = 0;
        Distribution loop_busy;
    };
    struct CallbackKey {
        ProcessKey process;
        std::uint32_t image;
        std::uint64_t fn;
        bool operator<(const CallbackKey &o) const {
            return std::tie(process, image, fn) < std::tie(o.process, o.image, o.fn);
        }
    };
    struct Callbacks {
        Distribution duration;
        std::uint32_t kinds = 0; // bit per kind
        std::uint64_t last_ts = 0;
    };
    // Requests that may pair: same source, topic, matchtag and payload hash.
    struct RequestKey {
        std::uint16_t src;
        std::uint32_t topic; // index into topics_
        std::uint32_t matchtag;
        bool has_hash;
        std::uint64_t hash;
        bool operator<(const RequestKey &o) const {
            return std::tie(src, topic, matchtag, has_hash, hash) <
                   std::tie(o.src, o.topic, o.matchtag, o.has_hash, o.hash);
        }
    };
    struct Send {
        std::uint64_t ts;
        std::int32_t vpid;
        std::int32_t vtid;
        bool after_call; // op 0: recorded when flux_send returned
    };
    struct Receive {
        RequestKey key;
        std::int32_t vpid;
        std::int32_t vtid;
        std::uint64_t ts;
        StrId route_first;
        std::uint64_t handler_ts = 0; // 0: no handler start seen
        bool forwarded = false;       // a hop, not the delivery
    };
    // A received message waiting for its handler, by process, thread and `m`.
    struct PendingKey {
        ProcessKey process;
        std::int32_t vtid;
        std::uint64_t m;
        bool operator<(const PendingKey &o) const {
            return std::tie(process, vtid, m) < std::tie(o.process, o.vtid, o.m);
        }
    };

    void add_process(const Record &r, Process &p);
    void add_loop(const Record &r, Process &p);
    void add_msg(const Record &r);
    void add_requeued_response(const Record &r);
    void add_handler_start(const Record &r);
    std::uint32_t topic_index(const Record &r);
    ProcessRole role(ProcessKey key) const;

    symbolize::ObjectMap objects_;
    std::map<ProcessKey, Process> processes_;
    // The callback runs begun and not yet ended, per thread, innermost last.
    struct OpenCallback {
        std::uint64_t fn;
        std::uint64_t kind;
    };
    std::map<std::pair<ProcessKey, std::int32_t>, std::vector<OpenCallback>>
        open_callbacks_;
    std::map<CallbackKey, Callbacks> callbacks_;
    std::unordered_map<StrId, std::uint32_t> topic_ids_;
    std::vector<std::string> topics_;
    std::map<RequestKey, std::vector<Send>> sends_;
    std::vector<Receive> receives_;
    std::map<PendingKey, size_t> pending_;  // -> receives_ index
    std::map<PendingKey, size_t> requeued_; // vtid -1; -> receives_ index
    // Responses put back by flux_requeue, per process, topic and matchtag.
    struct StreamKey {
        ProcessKey process;
        std::uint32_t topic; // index into topics_
        std::uint32_t matchtag;
        bool operator<(const StreamKey &o) const {
            return std::tie(process, topic, matchtag) <
                   std::tie(o.process, o.topic, o.matchtag);
        }
    };
    struct Requeues {
        std::uint64_t count = 0;
        std::set<std::pair<std::uint64_t, std::uint64_t>> responses; // (m, hash)
    };
    std::map<StreamKey, Requeues> requeues_;
    // Requests received, by thread and `m`: the same thread sending one of
    // these unchanged is forwarding it.  (Another thread sending the same `m`
    // is a new message at a reused address: messages cross threads of one
    // process by pointer.)  The receive's index, or kNoReceive for those received
    // without a route.
    struct Received {
        RequestKey key;
        size_t receive;
    };
    static constexpr size_t kNoReceive = SIZE_MAX;
    std::map<PendingKey, Received> received_;
};

} // namespace fluxtrace::latency
