// From parsed metadata to a TracePlan: which packet fields mean what, the event
// header layout, the event context and one program per event class.
#include "trace_plan.hpp"

#include <algorithm>

namespace fluxtrace::ctf {

namespace {

const Type &integer_member(const Type &st, const char *name, bool maps_clock = false) {
    const Member *m = st.member(name);
    if (!m || m->type->kind != Type::Kind::Integer ||
        (maps_clock && !m->type->maps_clock))
        throw Unsupported(std::string("event header without a plain `") + name + "`");
    return *m->type;
}

HeaderInt header_int(const Type &t) {
    return {t.size, t.align};
}

HeaderPlan make_header_plan(const TypePtr &header) {
    if (!header || header->kind != Type::Kind::Struct)
        throw Unsupported("stream class without an event header");
    HeaderPlan plan;
    plan.align = header->align;
    const Type &id = integer_member(*header, "id");
    plan.id = header_int(id);
    if (header->members.size() == 2 &&
        header->members[1].type->kind == Type::Kind::Integer) {
        // struct { id; timestamp; }
        plan.ts = header_int(integer_member(*header, "timestamp", true));
        plan.extended_id = UINT64_MAX;
        return plan;
    }
    const Member *v = header->member("v");
    if (header->members.size() != 2 || !v || v->type->kind != Type::Kind::Variant ||
        v->type->tag != "id" || !id.is_enum)
        throw Unsupported("event header of an unknown layout");
    const auto ext = id.enum_ranges.find("extended");
    const auto compact = id.enum_ranges.find("compact");
    if (ext == id.enum_ranges.end() || compact == id.enum_ranges.end() ||
        ext->second.first != ext->second.second || compact->second.first != 0 ||
        compact->second.second + 1 != ext->second.first || id.enum_ranges.size() != 2)
        throw Unsupported("event header id of an unknown layout");
    const Member *c = v->type->member("compact");
    const Member *e = v->type->member("extended");
    if (!c || !e || v->type->members.size() != 2 || c->type->kind != Type::Kind::Struct ||
        e->type->kind != Type::Kind::Struct || c->type->members.size() != 1 ||
        e->type->members.size() != 2 || e->type->members[0].name != "id")
        throw Unsupported("event header variant of an unknown layout");
    plan.has_variant = true;
    plan.extended_id = static_cast<std::uint64_t>(ext->second.first);
    plan.compact_align = c->type->align;
    plan.ts = header_int(integer_member(*c->type, "timestamp", true));
    plan.extended_align = e->type->align;
    plan.ext_id = header_int(integer_member(*e->type, "id"));
    plan.ext_ts = header_int(integer_member(*e->type, "timestamp", true));
    return plan;
}

// The op of an integer member of a packet scope, or -1 when there is none.
int integer_op(const EventProgram &p, const char *name) {
    const int op = p.op_of(name);
    if (op >= 0 && !p.is_integer(op))
        throw Unsupported(std::string("packet field `") + name + "` is not an integer");
    return op;
}

} // namespace

TracePlan make_trace_plan(const Metadata &md) {
    TracePlan plan;
    if (md.clocks.size() != 1)
        throw Unsupported(std::to_string(md.clocks.size()) + " clocks (one expected)");
    const ClockDesc &clock = md.clocks.front();
    // Babeltrace2 converts other frequencies with floating point; LTTng's
    // clocks count nanoseconds, where the conversion is exact.
    if (clock.freq != 1000000000)
        throw Unsupported("clock frequency " + std::to_string(clock.freq) + " Hz");
    if (__builtin_mul_overflow(clock.offset_s, std::int64_t{1000000000},
                               &plan.clock_offset_ns) ||
        __builtin_add_overflow(plan.clock_offset_ns, clock.offset, &plan.clock_offset_ns))
        throw Unsupported("clock offset out of range");
    plan.clock_name = clock.name;
    plan.clock_uuid = clock.uuid;

    plan.packet_header = EventProgram(md.packet_header);
    plan.magic = integer_op(plan.packet_header, "magic");
    plan.stream_id = integer_op(plan.packet_header, "stream_id");
    plan.stream_instance_id = integer_op(plan.packet_header, "stream_instance_id");
    plan.uuid = plan.packet_header.op_of("uuid");
    plan.has_uuid = md.has_uuid;
    std::copy(md.uuid, md.uuid + 16, plan.uuid_bytes);
    if (plan.uuid >= 0 &&
        (plan.packet_header.ops()[plan.uuid].code != Op::Code::IntArray ||
         !plan.packet_header.ops()[plan.uuid].bytes ||
         plan.packet_header.ops()[plan.uuid].count != 16))
        throw Unsupported("packet header uuid is not 16 bytes");
    if (plan.stream_instance_id < 0)
        throw Unsupported("packets without a stream_instance_id");
    size_t max_ops = plan.packet_header.ops().size();

    for (const auto &[id, sc] : md.streams) {
        StreamPlan &s = plan.streams[id];
        s.id = id;
        s.packet_context = EventProgram(sc.packet_context);
        s.ts_begin = integer_op(s.packet_context, "timestamp_begin");
        s.ts_end = integer_op(s.packet_context, "timestamp_end");
        s.content_size = integer_op(s.packet_context, "content_size");
        s.packet_size = integer_op(s.packet_context, "packet_size");
        s.seq_num = integer_op(s.packet_context, "packet_seq_num");
        s.events_discarded = integer_op(s.packet_context, "events_discarded");
        if (s.packet_size < 0 || s.content_size < 0 || s.ts_begin < 0)
            throw Unsupported("packet context without sizes or a beginning time");
        for (const auto &m : sc.packet_context->members)
            if (m.type->kind == Type::Kind::Integer && m.type->maps_clock &&
                m.name != "timestamp_begin" && m.name != "timestamp_end")
                throw Unsupported("clock-mapped packet field `" + m.name + "`");
        s.header = make_header_plan(sc.event_header);
        s.context = EventProgram(sc.event_context);
        s.vpid = s.context.op_of("vpid");
        s.vtid = s.context.op_of("vtid");
        s.procname = s.context.op_of("procname");
        if (s.vpid >= 0 && !s.context.is_integer(s.vpid))
            s.vpid = -1;
        if (s.vtid >= 0 && !s.context.is_integer(s.vtid))
            s.vtid = -1;
        if (s.procname >= 0 && !s.context.is_string(s.procname))
            s.procname = -1;
        if (sc.event_context)
            for (const auto &m : sc.event_context->members)
                if (m.type->maps_clock)
                    throw Unsupported("clock-mapped event context field");
        max_ops =
            std::max({max_ops, s.packet_context.ops().size(), s.context.ops().size()});
        for (const auto &[eid, ec] : sc.events) {
            if (eid > 65535)
                throw Unsupported("event id " + std::to_string(eid));
            if (eid >= s.events.size()) {
                s.events.resize(eid + 1);
                s.has_event.resize(eid + 1, false);
            }
            s.events[eid].name = ec.name;
            s.events[eid].payload = EventProgram(ec.payload);
            s.has_event[eid] = true;
            if (ec.payload)
                for (const auto &m : ec.payload->members)
                    if (m.type->maps_clock)
                        throw Unsupported("clock-mapped payload field");
            max_ops = std::max(max_ops, s.events[eid].payload.ops().size());
        }
    }
    plan.max_ops = max_ops;
    return plan;
}

} // namespace fluxtrace::ctf
