// Walking one stream file packet by packet and event by event; the check walk
// that proves a file decodes and counts what its packets say was lost.
#include "stream_cursor.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "bits.hpp"

namespace fluxtrace::ctf {

namespace {

constexpr std::uint64_t kPacketMagic = 0xC1FC1FC1;
constexpr std::uint64_t kReleaseChunk = 1 << 20;

} // namespace

StreamCursor::StreamCursor(const TracePlan &trace, const std::uint8_t *data,
                           std::uint64_t size, const std::string &name)
    : trace_(trace), data_(data), size_(size), limit_(size), name_(name),
      packet_values_(trace.max_ops) {}

void StreamCursor::bad(const std::string &what) const {
    throw Unsupported(name_ + ": " + what + " (packet at byte " +
                      std::to_string(packet_) + ")");
}

void StreamCursor::open() {
    if (size_ == 0)
        throw Unsupported(name_ + ": empty stream file");
    rewind();
    if (!open_packet())
        bad("no packet");
    rewind();
}

void StreamCursor::release_before(std::uint64_t offset) {
    if (!release_)
        return;
    static const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t end = offset / page * page;
    if (end <= released_)
        return;
    // Only whole pages of the mapping, which starts page-aligned.
    ::madvise(const_cast<std::uint8_t *>(data_) + released_, end - released_,
              MADV_DONTNEED);
    released_ = end;
}

void StreamCursor::rewind() {
    release_before(size_);
    released_ = 0;
    next_packet_ = 0;
    packet_ = 0;
    pos_ = content_end_ = 0;
    in_packet_ = false;
    clock_ = 0;
    next_damage_ = 0;
    packets_opened_ = 0;
    cut_packet_bytes_ = 0;
}

bool StreamCursor::open_packet() {
    // Records copy what they keep: the packets before this one are done.
    release_before(next_packet_);
    // Damaged packets found by validate() are stepped over.
    while (next_damage_ < damage_.size() && damage_[next_damage_].begin <= next_packet_) {
        if (damage_[next_damage_].begin == next_packet_)
            next_packet_ = damage_[next_damage_].end;
        next_damage_++;
    }
    if (next_packet_ >= limit_)
        return false;
    packet_ = next_packet_;
    const std::uint8_t *base = data_ + packet_;
    const std::uint64_t avail = (size_ - packet_) * 8;
    std::uint64_t pos = 0;
    Value *v = packet_values_.data();
    if (!trace_.packet_header.run(base, pos, avail, v))
        bad("truncated packet header");
    if (trace_.magic >= 0 && v[trace_.magic].bits != kPacketMagic)
        bad("bad packet magic");
    if (trace_.uuid >= 0 && trace_.has_uuid &&
        std::memcmp(v[trace_.uuid].p, trace_.uuid_bytes, 16) != 0)
        bad("packet of another trace (uuid)");
    const std::uint64_t sid = trace_.stream_id >= 0 ? v[trace_.stream_id].bits : 0;
    const std::uint64_t instance = v[trace_.stream_instance_id].bits;
    if (!stream_) {
        if (trace_.stream_id < 0 && trace_.streams.size() != 1)
            bad("packets without a stream class id");
        stream_ =
            trace_.stream_id < 0 ? &trace_.streams.begin()->second : trace_.stream(sid);
        if (!stream_)
            bad("unknown stream class " + std::to_string(sid));
        instance_id_ = instance;
    } else if ((trace_.stream_id >= 0 && sid != stream_->id) ||
               instance != instance_id_) {
        bad("packet of another stream");
    }
    const StreamPlan &s = *stream_;
    if (!s.packet_context.run(base, pos, avail, v))
        bad("truncated packet context");
    const std::uint64_t packet_bits = v[s.packet_size].bits;
    const std::uint64_t content_bits = v[s.content_size].bits;
    if (packet_bits == 0 || packet_bits % 8 != 0 || content_bits > packet_bits ||
        content_bits < pos)
        bad("bad packet size");
    if (packet_bits > avail) {
        cut_packet_bytes_ = packet_bits / 8;
        bad("the file ends inside the packet");
    }
    ts_begin_ = v[s.ts_begin].bits;
    ts_end_ = s.ts_end >= 0 ? v[s.ts_end].bits : UINT64_MAX;
    seq_num_ = s.seq_num >= 0 ? v[s.seq_num].bits : 0;
    discarded_ = s.events_discarded >= 0 ? v[s.events_discarded].bits : 0;
    // Only the beginning time sets the clock (Babeltrace2 unmaps the end time).
    clock_ = update_clock(clock_, ts_begin_, 64);
    pos_ = pos;
    content_end_ = content_bits;
    next_packet_ = packet_ + packet_bits / 8;
    in_packet_ = true;
    packets_opened_++;
    return true;
}

bool StreamCursor::next() {
    while (!in_packet_ || pos_ >= content_end_) {
        in_packet_ = false;
        if (!open_packet())
            return false;
    }
    // Large packets (LTTng sub-buffers can be many MiB) are handed back as
    // they are read, a MiB at a time.
    if (release_ && packet_ + pos_ / 8 - released_ > kReleaseChunk)
        release_before(packet_ + pos_ / 8);
    const HeaderPlan &h = stream_->header;
    const std::uint8_t *base = data_ + packet_;
    std::uint64_t at = align_up(pos_, h.align);
    const auto read = [&](const HeaderInt &f) {
        at = align_up(at, f.align);
        if (content_end_ < at || content_end_ - at < f.size)
            bad("event header past the packet's content");
        const std::uint64_t x = read_bits_le(base, at, f.size);
        at += f.size;
        return x;
    };
    std::uint64_t id = read(h.id);
    if (h.has_variant && id == h.extended_id) {
        at = align_up(at, h.extended_align);
        id = read(h.ext_id);
        clock_ = update_clock(clock_, read(h.ext_ts), h.ext_ts.size);
    } else {
        if (h.has_variant)
            at = align_up(at, h.compact_align);
        clock_ = update_clock(clock_, read(h.ts), h.ts.size);
    }
    if (id >= stream_->events.size() || !stream_->has_event[id])
        bad("unknown event id " + std::to_string(id));
    event_id_ = static_cast<std::uint32_t>(id);
    event_ = &stream_->events[id];
    pos_ = at;
    return true;
}

void StreamCursor::body(Value *context, Value *payload) {
    const std::uint8_t *base = data_ + packet_;
    if (!stream_->context.run(base, pos_, content_end_, context))
        bad("event context past the packet's content");
    if (!event_->payload.run(base, pos_, content_end_, payload))
        bad("`" + event_->name + "` payload past the packet's content");
}

LossCounts StreamCursor::validate(std::vector<Value> &scratch) {
    rewind();
    LossCounts loss;
    event_count_ = 0;
    bool first = true;
    std::uint64_t prev_seq = 0, prev_discarded = 0, prev_end = 0, last = 0;
    std::uint64_t packet_seen = UINT64_MAX;
    Value *ctx = scratch.data();
    Value *payload = scratch.data() + stream_->context.ops().size();
    // The walk's state when the current packet began: what it returns to when
    // the packet turns out damaged.
    struct State {
        std::uint64_t events, prev_seq, prev_discarded, prev_end, last;
        bool first;
        LossCounts loss;
    } before{};
    const auto on_packet = [&] {
        before = {event_count_, prev_seq, prev_discarded, prev_end, last, first, loss};
        packet_seen = packet_;
        // Babeltrace2 (src.ctf.fs): no count for the stream's first packet
        // unless it already says events were lost (then "at least one");
        // afterwards the differences between consecutive packets.
        if (first) {
            if (discarded_ != 0)
                loss.discarded_events += 1;
        } else {
            if (discarded_ < prev_discarded ||
                (stream_->seq_num >= 0 && seq_num_ <= prev_seq))
                bad("packet counters going backwards");
            if (stream_->events_discarded >= 0)
                loss.discarded_events += discarded_ - prev_discarded;
            if (stream_->seq_num >= 0)
                loss.discarded_packets += seq_num_ - prev_seq - 1;
            if (ts_begin_ < prev_end)
                bad("packet beginning before the previous packet's end");
        }
        if (ts_end_ < ts_begin_)
            bad("packet ending before it begins");
        first = false;
        prev_seq = seq_num_;
        prev_discarded = discarded_;
        prev_end = ts_end_;
        last = ts_begin_;
    };
    // One step: the next event (opening packets as needed); false at the end.
    const auto step = [&] {
        // Packets without events count too.
        while (!in_packet_ || pos_ >= content_end_) {
            in_packet_ = false;
            if (!open_packet())
                return false;
            on_packet();
        }
        if (!next())
            return false;
        if (packet_ != packet_seen)
            on_packet();
        if (clock_ < last || clock_ > ts_end_)
            bad("event time outside its packet's or before the previous event's");
        last = clock_;
        event_count_++;
        const std::uint8_t *base = data_ + packet_;
        if (!stream_->context.check(base, pos_, content_end_, ctx))
            bad("event context past the packet's content");
        if (!event_->payload.check(base, pos_, content_end_, payload))
            bad("`" + event_->name + "` payload past the packet's content");
        return true;
    };
    for (;;) {
        try {
            while (step()) {
            }
            break;
        } catch (const Unsupported &e) {
            std::string cause = e.what();
            // The reports name the file and the packet.
            if (cause.compare(0, name_.size() + 2, name_ + ": ") == 0)
                cause.erase(0, name_.size() + 2);
            cause.erase(std::min(cause.size(), cause.rfind(" (packet at byte ")));
            // What this packet counted goes (it is reported as skipped, not
            // as lost while recording).
            if (packet_ == packet_seen) {
                event_count_ = before.events;
                prev_seq = before.prev_seq + 1;
                prev_discarded = before.prev_discarded;
                prev_end = before.prev_end;
                last = before.last;
                first = before.first;
                loss = before.loss;
            } else {
                prev_seq += 1; // its sequence number is the next one
            }
            if (!in_packet_) {
                // Its header is damaged: where the next packet starts is unknown.
                const std::uint64_t left = size_ - packet_;
                if (cut_packet_bytes_ > 0) // the usual end of a file cut short
                    damage_.push_back(
                        {packet_, size_,
                         "the last " + std::to_string(left) + " bytes (after " +
                             std::to_string(packets_opened_) + " complete packets)",
                         "it ends inside packet " + std::to_string(packets_opened_ + 1) +
                             " (" + std::to_string(left) + " of its " +
                             std::to_string(cut_packet_bytes_) + " bytes present)"});
                else
                    damage_.push_back(
                        {packet_, size_,
                         "the packets from byte " + std::to_string(packet_) + " on",
                         cause});
                limit_ = packet_;
                break;
            }
            damage_.push_back({packet_, next_packet_,
                               "the packet at bytes " + std::to_string(packet_) + ".." +
                                   std::to_string(next_packet_),
                               cause});
            in_packet_ = false;
        }
    }
    rewind();
    return loss;
}

} // namespace fluxtrace::ctf
