// A happens-before edge between records of two threads, and the rule that made
// it.  docs/happens-before.md gives the Flux behaviour each rule rests on.
// Program order within a thread is implicit and never stored as edges.
#pragma once

#include <cstdint>
#include <string_view>

#include "ids.hpp"

namespace fluxtrace::hb {

// Ordered from the most certain to the least: when pairings contradict each
// other (a cycle), the least certain edge in the way is dropped.
enum class EdgeKind : std::uint8_t {
    Fork,         // life fork_parent / spawn -> the child's first record
    Exec,         // life exec -> the new program image's first record
    ThreadCreate, // life thread_create -> thread_start (same token)
    Request,      // request send -> the server-side receive
    Response,     // response send (by the server) -> its receipt by the requester
    Event,        // event publish -> each delivery (same sequence number)
    FutureThen,   // future fulfilment -> its continuation on another thread
    KvsVersion,   // commit included in version V -> wait_version(V) returning
    KvsValue,     // commit -> a read or watch delivery that returned its value
    kCount
};

std::string_view edge_kind_name(EdgeKind kind);

struct Edge {
    RecordId from = kNoRecord;
    RecordId to = kNoRecord;
    EdgeKind kind = EdgeKind::Request;
};

} // namespace fluxtrace::hb
