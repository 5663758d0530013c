// Every KVS watch of a trace, at either layer, for the checkers that reason
// about watches: a `kvs_lookup` record with FLUX_KVS_WATCH (the API), or a
// `kvs-watch.lookup` request with WATCH in its payload flags that no API
// record stands for (private libkvs copies, bindings that build the request).
//
//     Watches w(model);
//     for (const Watch &x : w.all()) ... x.deliveries ...
//     const Watch *outer = w.of_future(cb.future);
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../hb/model.hpp"

namespace fluxtrace::checkers {

struct Watch {
    hb::RecordId start = hb::kNoRecord; // the kvs_lookup record, or the request's send
    hb::ProcessId process = hb::kNoProcess;
    hb::InstanceId instance = hb::kNoInstance;
    std::string ns;  // "primary" unless named
    std::string key; // normalised
    std::int32_t flags = 0;
    hb::FutureId future = hb::kNoFuture;
    hb::MessageId message = hb::kNoMessage;
    std::vector<hb::ReadId> deliveries; // in record order

    bool append() const { return flags & hb::kKvsWatchAppend; }
};

// A kvs-watch.lookup (or kvs.lookup) request's key, namespace and flags, from
// the record that carries its payload; `ok` false when it was not kept.
struct LookupRequest {
    bool ok = false;
    std::string key;
    std::string ns;
    std::int32_t flags = 0;
    bool at_root = false; // names a root to look up at (lookupat)
    std::string root;     // that root's blobref, when it is a dirref
};
LookupRequest decode_lookup_request(const hb::Model &m, const hb::Message &msg);

// A record's way back to a watch delivery on its thread: the callback runs
// from the delivery to the run the record is in, each run nested in or armed
// by the one before it (hb::Callback::armed: a flux_future_then, a
// flux_watcher_start, a message the thread sent itself).
struct WatchChain {
    const Watch *outer = nullptr;           // nullptr: no delivery upstream
    std::vector<const hb::Callback *> runs; // front: the delivery; back: the record's
};

class Watches {
  public:
    explicit Watches(const hb::Model &m);

    const std::vector<Watch> &all() const { return watches_; }
    // The watch a record starts, or nullptr.
    const Watch *started_by(hb::RecordId r) const;
    // The watch a future (a continuation's) stands for, or nullptr.
    const Watch *of_future(hb::FutureId f) const;
    // The innermost watch continuation a record runs in (directly or in a
    // callback nested inside it) and that callback; {nullptr, nullptr} if none.
    std::pair<const Watch *, const hb::Callback *> enclosing(hb::RecordId r) const;

    // The nearest watch delivery a record is causally downstream of, through
    // asynchronous steps (at most kMaxChainRuns runs); none when
    // enclosing() finds one (the direct case) or there is none.
    WatchChain downstream(hb::RecordId r) const;
    static constexpr size_t kMaxChainRuns = 16;

  private:
    const hb::Model &m_;
    std::vector<Watch> watches_; // sorted by start
    std::map<hb::FutureId, size_t> by_future_;
};

// "primary" for the default namespace.
std::string namespace_name(std::string_view ns);

} // namespace fluxtrace::checkers
