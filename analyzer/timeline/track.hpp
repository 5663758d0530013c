// The slices of one thread's track, made to nest.  Trace viewers need every
// slice of a track either inside or after another; the trace gives most
// bounds exactly (cb_begin / cb_end, reactor_run entry / return) but some only
// as a duration before a record (a wait's blocked_ns, a loop iteration's
// busy_ns), measured by the shim around the call, not at the record.  nest()
// reconciles them, and places the short markers that arrows attach to.
#pragma once

#include <cstdint>
#include <vector>

namespace fluxtrace::timeline {

// One end of an arrow: "s" on the record it leaves, "f" on the one it reaches.
struct FlowEnd {
    bool start = true;
    std::uint64_t id = 0;
    // What the arrow stands for (the caller's number), named when written.
    std::uint32_t source = 0;
    // Whether the other end is written too (a window may cut it off).
    bool other_end_shown = true;
};

// Slices hold no text: the caller names them from what they stand for when
// it writes them, so a track's slices stay a few words each however long
// their names and args are.
struct Slice {
    std::uint64_t start_ns = 0;
    std::uint64_t end_ns = 0;
    std::uint32_t record = 0; // the record it stands for
    std::uint8_t kind = 0;    // the caller's kind of slice
    // start_ns came from a duration: it may move earlier to take in a slice it
    // cuts (the callback that started as the iteration's poll returned).
    bool loose_start = false;
    // A marker (a message send, a finding's side): it holds no slice, its end
    // shrinks (down to its start) to where the next slice starts.
    bool marker = false;
    std::vector<FlowEnd> flows; // markers: arrows attached at their middle

    // Where its arrows attach: strictly inside when it lasts 2 ns or more, so
    // viewers that sort by time find it open there.
    std::uint64_t flow_ts() const { return start_ns + (end_ns - start_ns) / 2; }
};

// Orders `slices` by start (longest first among equal starts) and adjusts
// bounds until every two slices are disjoint or one contains the other: a
// loose start moves back to the start of a slice it cuts, a marker ends where
// the next slice starts, and any other slice that still crosses its parent's
// end is cut at it.
void nest(std::vector<Slice> &slices);

// Whether `slices` (as nest() leaves them) nest properly.
bool nests(const std::vector<Slice> &slices);

} // namespace fluxtrace::timeline
