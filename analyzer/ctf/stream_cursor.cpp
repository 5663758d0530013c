// Walking one stream file packet by packet and event by event; the check walk
// that proves a file decodes and counts what its packets say was lost.
#include "stream_cursor.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstring>

#include "bits.hpp"

namespace fluxtrace::ctf {

namespace {

constexpr std::uint64_t kPacketMagic = 0xC1FC1FC1;
constexpr std::uint64_t kReleaseChunk = 1 << 20;

} // namespace

StreamCursor::StreamCursor(const TracePlan &trace, const std::uint8_t *data,
                           std::uint64_t size, const std::string &name)
    : trace_(trace), data_(data), size_(size), name_(name),
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
}

bool StreamCursor::open_packet() {
    // Records copy what they keep: the packets before this one are done.
    release_before(next_packet_);
    if (next_packet_ >= size_)
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
    if (packet_bits == 0 || packet_bits % 8 != 0 || packet_bits > avail ||
        content_bits > packet_bits || content_bits < pos)
        bad("bad packet size");
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
    const auto on_packet = [&] {
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
        packet_seen = packet_;
    };
    for (;;) {
        // Packets without events count too.
        while (!in_packet_ || pos_ >= content_end_) {
            in_packet_ = false;
            if (!open_packet())
                break;
            on_packet();
        }
        if (!in_packet_)
            break;
        if (!next())
            break;
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
    }
    rewind();
    return loss;
}

} // namespace fluxtrace::ctf
