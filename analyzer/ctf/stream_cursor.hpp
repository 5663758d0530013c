// Walks one mapped stream data file event by event: packet header and context
// at each packet boundary (which reset the stream clock to the packet's
// beginning time), then per event the header (id and timestamp, the clock
// rebuilt from its low bits) and, on demand, the context and payload.
//
// Any inconsistency (a bad magic or uuid, a packet running past the file, an
// event past its packet's content, an unknown event id, time going backwards)
// is damage.  The check walk (validate) leaves damaged packets out: a packet
// whose header and context decode but whose events do not is skipped alone
// (its header says where the next one starts); a damaged header ends the
// stream there (nothing says where the next packet starts).  The loss is
// reported; nothing damaged reaches a decoder, and no length read from the
// file is trusted before it is checked against it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "trace_plan.hpp"

namespace fluxtrace::ctf {

// What a stream's packets say about lost data, in Babeltrace2's terms.
struct LossCounts {
    std::uint64_t discarded_events = 0;
    std::uint64_t discarded_packets = 0;
};

class StreamCursor {
  public:
    StreamCursor(const TracePlan &trace, const std::uint8_t *data, std::uint64_t size,
                 const std::string &name);

    // Reads the first packet's header (the stream's identity).  Throws.
    void open();
    std::uint64_t instance_id() const { return instance_id_; }
    const TracePlan &trace() const { return trace_; }
    const StreamPlan &stream() const { return *stream_; }

    // Moves to the next event and reads its header; false at the end.
    bool next();
    std::uint64_t clock() const { return clock_; }
    std::uint32_t event_id() const { return event_id_; }
    // The current event's context and payload values (positions inside
    // packet_base()); moves past the event.
    void body(Value *context, Value *payload);
    const std::uint8_t *packet_base() const { return data_ + packet_; }

    // Checks every event and packet of the file from the start, and counts
    // lost data.  Leaves the cursor at the start.
    LossCounts validate(std::vector<Value> &scratch);
    // After validate(): the damaged parts left out, in file order; the first
    // one's offset is where a reader that cannot skip packets must stop.
    struct Damage {
        std::uint64_t begin; // byte offset of the packet
        std::uint64_t end; // of the next packet; the file's size when it ends the stream
        std::string what;  // what was left out, for a report
        std::string cause;
    };
    const std::vector<Damage> &damage() const { return damage_; }
    // The events validate() walked.
    std::uint64_t event_count() const { return event_count_; }
    void rewind();

    // The data is a private file mapping: hand its pages back to the kernel
    // once their packet is done, so a trace of any size is not counted in the
    // reader's resident memory.  (Records copy what they keep.)
    void release_consumed_pages() { release_ = true; }

  private:
    bool open_packet();
    void release_before(std::uint64_t offset);
    [[noreturn]] void bad(const std::string &what) const;

    const TracePlan &trace_;
    const std::uint8_t *data_;
    std::uint64_t size_;
    std::uint64_t limit_; // packets starting at or past it are not read
    std::vector<Damage> damage_;
    size_t next_damage_ = 0; // the first damaged packet not passed yet
    std::uint64_t packets_opened_ = 0;
    std::uint64_t cut_packet_bytes_ = 0; // the size of a packet the file ends inside
    std::string name_;
    const StreamPlan *stream_ = nullptr;
    std::uint64_t instance_id_ = 0;
    std::vector<Value> packet_values_;

    std::uint64_t event_count_ = 0;
    bool release_ = false;
    std::uint64_t released_ = 0;    // bytes [0, released_) handed back
    std::uint64_t next_packet_ = 0; // byte offset
    std::uint64_t packet_ = 0;      // byte offset of the current packet
    std::uint64_t pos_ = 0;         // bits from packet_
    std::uint64_t content_end_ = 0; // bits from packet_
    bool in_packet_ = false;
    std::uint64_t clock_ = 0;
    std::uint32_t event_id_ = 0;
    const EventPlan *event_ = nullptr;

    // Packet context values of the packet just opened.
    std::uint64_t ts_begin_ = 0, ts_end_ = 0, seq_num_ = 0, discarded_ = 0;
};

} // namespace fluxtrace::ctf
