// What the timeline calls things: tracks by role (as reports do), slices by
// what they serve (the topic handled, the key watched, what a wait waits for)
// rather than by function, which goes into their args.
#pragma once

#include <string>

#include "analyzer/hb/edge.hpp"
#include "analyzer/hb/model.hpp"

namespace fluxtrace::timeline {

// "kvs.lookup", "event kvs.namespace-primary-setroot", "watch a.b",
// "continuation of kvs.getroot", "timer".
std::string callback_name(const hb::Model &m, const hb::Callback &cb);
// What a blocking wait (future_wait or kvs_version record) waits for:
// "kvs.getroot", "a.b", "kvs.wait-version".
std::string waited_for(const hb::Model &m, hb::RecordId wait);
// The call a future_wait or kvs_version record stands for.
std::string wait_call(const Record &r);
// A record that an arrow starts or ends at: "send request kvs.lookup",
// "recv event heartbeat.pulse", "fulfil future", "callback start", ...
std::string marker_name(const hb::Model &m, hb::RecordId r);
// An arrow of the happens-before model: "request kvs.lookup", "response
// kvs.lookup", "event kvs.namespace-primary-setroot", "future-then", ...
std::string flow_name(const hb::Model &m, const hb::Edge &e);

} // namespace fluxtrace::timeline
