#include "event_decoder.hpp"

#include <cstring>

#include "../record_builder.hpp"

namespace fluxtrace::bt2 {

namespace {

bool is_type(const bt_field_class *fc, bt_field_class_type type) {
    return bt_field_class_type_is(bt_field_class_get_type(fc), type);
}

std::uint8_t integer_width(const bt_field_class *fc) {
    const auto bits = bt_field_class_integer_get_field_value_range(fc);
    return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8;
}

bool is_hex(const bt_field_class *fc) {
    return bt_field_class_integer_get_preferred_display_base(fc) ==
           BT_FIELD_CLASS_INTEGER_PREFERRED_DISPLAY_BASE_HEXADECIMAL;
}

// Structure members that only hold the length of a sequence beside them (the
// `_stack_length` of `stack`): the sequence's own length says it.
std::vector<bool> length_members(const bt_field_class *st) {
    const auto n = bt_field_class_structure_get_member_count(st);
    std::vector<bool> lengths(n, false);
    for (std::uint64_t i = 0; i < n; i++) {
        const auto *fc = bt_field_class_structure_member_borrow_field_class_const(
            bt_field_class_structure_borrow_member_by_index_const(st, i));
        if (bt_field_class_get_type(fc) !=
            BT_FIELD_CLASS_TYPE_DYNAMIC_ARRAY_WITH_LENGTH_FIELD)
            continue;
        const auto *path =
            bt_field_class_array_dynamic_with_length_field_borrow_length_field_path_const(
                fc);
        const auto items = bt_field_path_get_item_count(path);
        if (items == 0)
            continue;
        const auto *last = bt_field_path_borrow_item_by_index_const(path, items - 1);
        if (bt_field_path_item_get_type(last) != BT_FIELD_PATH_ITEM_TYPE_INDEX)
            continue;
        const auto index = bt_field_path_item_index_get_index(last);
        // Only a sibling: a length elsewhere (a context) is a field of its own.
        if (items == 1 &&
            bt_field_path_get_root_scope(path) == BT_FIELD_PATH_SCOPE_EVENT_PAYLOAD &&
            index < n)
            lengths[index] = true;
    }
    return lengths;
}

// The index of member `name` of type `type` in structure `st`, or -1.
std::int64_t member_index(const bt_field_class *st, const char *name,
                          bt_field_class_type type) {
    if (!st)
        return -1;
    const auto n = bt_field_class_structure_get_member_count(st);
    for (std::uint64_t i = 0; i < n; i++) {
        const auto *m = bt_field_class_structure_borrow_member_by_index_const(st, i);
        if (std::strcmp(bt_field_class_structure_member_get_name(m), name) == 0)
            return is_type(bt_field_class_structure_member_borrow_field_class_const(m),
                           type)
                       ? static_cast<std::int64_t>(i)
                       : -1;
    }
    return -1;
}

std::int32_t context_integer(const bt_field *ctx, std::int64_t index) {
    const bt_field *f = bt_field_structure_borrow_member_field_by_index_const(
        ctx, static_cast<std::uint64_t>(index));
    if (bt_field_class_type_is(bt_field_get_class_type(f),
                               BT_FIELD_CLASS_TYPE_SIGNED_INTEGER))
        return static_cast<std::int32_t>(bt_field_integer_signed_get_value(f));
    return static_cast<std::int32_t>(bt_field_integer_unsigned_get_value(f));
}

} // namespace

void EventDecoder::plan_struct(const bt_field_class *st, Member at,
                               const std::string &prefix, std::vector<FieldSpec> &specs,
                               Plan &plan) {
    const auto lengths = length_members(st);
    const auto n = bt_field_class_structure_get_member_count(st);
    for (std::uint64_t i = 0; i < n; i++) {
        if (lengths[i])
            continue;
        const auto *m = bt_field_class_structure_borrow_member_by_index_const(st, i);
        const auto *fc = bt_field_class_structure_member_borrow_field_class_const(m);
        const std::string name = prefix + bt_field_class_structure_member_get_name(m);
        Member member = at;
        member.path[member.depth++] = static_cast<std::uint16_t>(i);

        FieldSpec spec{name, FieldType::Unsigned, 8, false};
        if (is_type(fc, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER)) {
            member.leaf = Leaf::Unsigned;
            spec = {name, FieldType::Unsigned, integer_width(fc), is_hex(fc)};
        } else if (is_type(fc, BT_FIELD_CLASS_TYPE_SIGNED_INTEGER)) {
            member.leaf = Leaf::Signed;
            spec = {name, FieldType::Signed, integer_width(fc), is_hex(fc)};
        } else if (is_type(fc, BT_FIELD_CLASS_TYPE_REAL)) {
            member.leaf =
                bt_field_class_get_type(fc) == BT_FIELD_CLASS_TYPE_SINGLE_PRECISION_REAL
                    ? Leaf::Real32
                    : Leaf::Real64;
            spec.type = FieldType::Real;
        } else if (is_type(fc, BT_FIELD_CLASS_TYPE_STRING)) {
            member.leaf = Leaf::String;
            spec.type = FieldType::String;
        } else if (is_type(fc, BT_FIELD_CLASS_TYPE_ARRAY)) {
            const auto *elem = bt_field_class_array_borrow_element_field_class_const(fc);
            if (!is_type(elem, BT_FIELD_CLASS_TYPE_INTEGER))
                continue; // no flux record has arrays of anything else
            const bool is_unsigned = is_type(elem, BT_FIELD_CLASS_TYPE_UNSIGNED_INTEGER);
            if (is_unsigned && integer_width(elem) == 1) {
                member.leaf = Leaf::Bytes;
                spec.type = FieldType::Bytes;
            } else {
                member.leaf = is_unsigned ? Leaf::UnsignedArray : Leaf::SignedArray;
                spec.type = FieldType::U64Array;
            }
            spec.hex = is_hex(elem);
            plan.has_arrays = true;
        } else if (is_type(fc, BT_FIELD_CLASS_TYPE_STRUCTURE) &&
                   member.depth < kMaxDepth) {
            plan_struct(fc, member, name + ".", specs, plan);
            continue;
        } else {
            continue; // variants, options, bit arrays: not in any provider we read
        }
        specs.push_back(std::move(spec));
        plan.members.push_back(member);
    }
}

EventDecoder::Plan &EventDecoder::plan_for(const bt_event_class *ec) {
    if (ec == last_class_)
        return *last_plan_;
    auto it = plans_.find(ec);
    if (it == plans_.end()) {
        // On some damaged metadata Babeltrace2's ctf source delivers messages
        // with an error still set on the thread, and the library aborts on the
        // next API call made with one pending: a delivered message is good, so
        // the stale error goes.
        bt_current_thread_clear_error();
        Plan plan;
        std::vector<FieldSpec> specs;
        if (const auto *payload = bt_event_class_borrow_payload_field_class_const(ec))
            plan_struct(payload, Member{Leaf::Unsigned, 0, {}}, "", specs, plan);
        const char *name = bt_event_class_get_name(ec);
        plan.cls = &store_.intern_class(name ? name : "", specs);

        const auto *sc = bt_event_class_borrow_stream_class_const(ec);
        plan.has_clock = bt_stream_class_borrow_default_clock_class_const(sc) != nullptr;
        const auto *ctx =
            bt_stream_class_borrow_event_common_context_field_class_const(sc);
        plan.vpid = member_index(ctx, "vpid", BT_FIELD_CLASS_TYPE_INTEGER);
        plan.vtid = member_index(ctx, "vtid", BT_FIELD_CLASS_TYPE_INTEGER);
        plan.procname = member_index(ctx, "procname", BT_FIELD_CLASS_TYPE_STRING);
        it = plans_.emplace(ec, std::move(plan)).first;
    }
    last_class_ = ec;
    last_plan_ = &it->second;
    return it->second;
}

StrId EventDecoder::intern_procname(const bt_field *f) {
    const std::string_view name(bt_field_string_get_value(f),
                                bt_field_string_get_length(f));
    if (name != last_procname_) {
        last_procname_.assign(name);
        last_procname_id_ = store_.strings().intern(name);
    }
    return last_procname_id_;
}

Record EventDecoder::decode(const bt_message *msg, std::uint16_t src) {
    const bt_event *event = bt_message_event_borrow_event_const(msg);
    Plan &plan = plan_for(bt_event_borrow_class_const(event));
    const bt_field *payload = bt_event_borrow_payload_field_const(event);

    const auto member_field = [&](const Member &m) {
        const bt_field *f = payload;
        for (std::uint8_t d = 0; d < m.depth; d++)
            f = bt_field_structure_borrow_member_field_by_index_const(f, m.path[d]);
        return f;
    };

    size_t var_size = 0;
    if (plan.has_arrays) {
        lengths_.clear();
        for (const Member &m : plan.members) {
            if (m.leaf != Leaf::Bytes && m.leaf != Leaf::UnsignedArray &&
                m.leaf != Leaf::SignedArray)
                continue;
            const auto n = bt_field_array_get_length(member_field(m));
            lengths_.push_back(n);
            var_size += m.leaf == Leaf::Bytes ? RecordBuilder::var_bytes(n)
                                              : RecordBuilder::var_u64s(n);
        }
    }

    RecordBuilder b(store_, *plan.cls, var_size);
    size_t array = 0;
    for (size_t i = 0; i < plan.members.size(); i++) {
        const Member &m = plan.members[i];
        const bt_field *f = member_field(m);
        switch (m.leaf) {
        case Leaf::Unsigned:
            b.set_unsigned(i, bt_field_integer_unsigned_get_value(f));
            break;
        case Leaf::Signed:
            b.set_signed(i, bt_field_integer_signed_get_value(f));
            break;
        case Leaf::Real32:
            b.set_real(i, bt_field_real_single_precision_get_value(f));
            break;
        case Leaf::Real64:
            b.set_real(i, bt_field_real_double_precision_get_value(f));
            break;
        case Leaf::String:
            b.set_string(i,
                         {bt_field_string_get_value(f), bt_field_string_get_length(f)});
            break;
        case Leaf::Bytes: {
            const auto n = static_cast<std::uint32_t>(lengths_[array++]);
            auto *out = b.reserve_bytes(i, n);
            for (std::uint32_t k = 0; k < n; k++)
                out[k] = static_cast<std::uint8_t>(bt_field_integer_unsigned_get_value(
                    bt_field_array_borrow_element_field_by_index_const(f, k)));
            break;
        }
        case Leaf::UnsignedArray:
        case Leaf::SignedArray: {
            const auto n = static_cast<std::uint32_t>(lengths_[array++]);
            auto *out = b.reserve_u64s(i, n);
            for (std::uint32_t k = 0; k < n; k++) {
                const bt_field *e =
                    bt_field_array_borrow_element_field_by_index_const(f, k);
                out[k] = m.leaf == Leaf::UnsignedArray
                             ? bt_field_integer_unsigned_get_value(e)
                             : static_cast<std::uint64_t>(
                                   bt_field_integer_signed_get_value(e));
            }
            break;
        }
        }
    }

    std::int32_t vpid = -1, vtid = -1;
    StrId procname = StringPool::kEmpty;
    if (const bt_field *ctx = bt_event_borrow_common_context_field_const(event)) {
        if (plan.vpid >= 0)
            vpid = context_integer(ctx, plan.vpid);
        if (plan.vtid >= 0)
            vtid = context_integer(ctx, plan.vtid);
        if (plan.procname >= 0)
            procname =
                intern_procname(bt_field_structure_borrow_member_field_by_index_const(
                    ctx, plan.procname));
    }

    std::uint64_t ts = 0;
    if (plan.has_clock) {
        const bt_clock_snapshot *cs =
            bt_message_event_borrow_default_clock_snapshot_const(msg);
        std::int64_t ns = 0;
        if (bt_clock_snapshot_get_ns_from_origin(cs, &ns) ==
            BT_CLOCK_SNAPSHOT_GET_NS_FROM_ORIGIN_STATUS_OK)
            ts = static_cast<std::uint64_t>(ns);
        else
            ts = bt_clock_snapshot_get_value(cs);
    }
    return b.finish(ts, vpid, vtid, procname, src);
}

} // namespace fluxtrace::bt2
