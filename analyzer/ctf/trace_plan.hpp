// Everything the fast reader needs to decode one trace directory, compiled
// once from its metadata: the packet header and context programs and which of
// their members mean what, each stream class's event header layout and event
// context, and one payload program per event class.  Throws Unsupported for a
// trace outside what LTTng-UST 2.13 writes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "../event_class.hpp"
#include "event_program.hpp"
#include "metadata.hpp"

namespace fluxtrace::ctf {

// One integer of an event header: where it is relative to the header's start.
struct HeaderInt {
    unsigned size = 0;
    unsigned align = 8;
};

// The event header: `id`, then either a timestamp of `ts.size` bits, or (the
// id equal to `extended_id`) a full id and a full timestamp.  LTTng's compact
// header is a 5-bit id + 27-bit timestamp with 31 as the escape; the large one
// a 16-bit id + 32-bit timestamp with 65535.
struct HeaderPlan {
    unsigned align = 8;
    HeaderInt id;
    bool has_variant = false;
    std::uint64_t extended_id = 0;
    unsigned compact_align = 1;
    HeaderInt ts;
    unsigned extended_align = 8;
    HeaderInt ext_id;
    HeaderInt ext_ts;
};

struct EventPlan {
    std::string name;
    EventProgram payload;
    mutable const EventClass *cls = nullptr; // interned on its first record
};

struct StreamPlan {
    std::uint64_t id = 0;
    EventProgram packet_context;
    int ts_begin = -1, ts_end = -1, content_size = -1, packet_size = -1;
    int seq_num = -1, events_discarded = -1;
    HeaderPlan header;
    EventProgram context;
    int vpid = -1, vtid = -1, procname = -1; // ops of the event context
    std::vector<EventPlan> events;           // by id
    std::vector<bool> has_event;
};

struct TracePlan {
    EventProgram packet_header;
    int magic = -1, uuid = -1, stream_id = -1, stream_instance_id = -1;
    std::uint8_t uuid_bytes[16] = {};
    bool has_uuid = false;
    std::map<std::uint64_t, StreamPlan> streams;
    std::int64_t clock_offset_ns = 0;   // of the one clock, in ns from the origin
    std::string clock_name, clock_uuid; // which clock: directories merge only on one
    size_t max_ops = 0;                 // values any program needs

    const StreamPlan *stream(std::uint64_t id) const {
        const auto it = streams.find(id);
        return it == streams.end() ? nullptr : &it->second;
    }
    // ns from the clock's origin, as Babeltrace2 computes it; false on
    // overflow (Babeltrace2 then gives the raw value).
    bool ns_from_origin(std::uint64_t cycles, std::uint64_t &ns) const {
        if (cycles > static_cast<std::uint64_t>(INT64_MAX))
            return false;
        std::int64_t sum;
        if (__builtin_add_overflow(clock_offset_ns, static_cast<std::int64_t>(cycles),
                                   &sum))
            return false;
        ns = static_cast<std::uint64_t>(sum);
        return true;
    }
};

TracePlan make_trace_plan(const Metadata &md);

} // namespace fluxtrace::ctf
