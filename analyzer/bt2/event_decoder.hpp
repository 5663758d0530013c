// Turns Babeltrace2 event messages into Records.  The plan for decoding an
// event class (which payload members, their types and storage, where the
// vpid/vtid/procname contexts are) is made once, on its first event.
#pragma once

#include <babeltrace2/babeltrace.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "../record.hpp"
#include "../record_store.hpp"

namespace fluxtrace::bt2 {

class EventDecoder {
  public:
    explicit EventDecoder(RecordStore &store) : store_(store) {}

    // `msg` is an event message.
    Record decode(const bt_message *msg, std::uint16_t src);

    // Forgets every event class seen: call before decoding a new graph's
    // events.  Plans are keyed by the classes' addresses, which a later graph
    // may reuse for classes of another layout once the earlier one is freed.
    void forget_classes() {
        plans_.clear();
        last_class_ = nullptr;
        last_plan_ = nullptr;
    }

  private:
    enum class Leaf : std::uint8_t {
        Unsigned,
        Signed,
        Real32,
        Real64,
        String,
        Bytes,
        UnsignedArray,
        SignedArray,
    };
    static constexpr size_t kMaxDepth = 4;
    struct Member {
        Leaf leaf;
        std::uint8_t depth;
        std::uint16_t path[kMaxDepth]; // member indexes from the payload down
    };
    struct Plan {
        const EventClass *cls = nullptr;
        std::vector<Member> members; // one per field of cls, same order
        bool has_arrays = false;
        bool has_clock = false;
        // Indexes in the event common context; -1 when absent.
        std::int64_t vpid = -1, vtid = -1, procname = -1;
    };

    Plan &plan_for(const bt_event_class *ec);
    void plan_struct(const bt_field_class *fc, Member at, const std::string &prefix,
                     std::vector<FieldSpec> &specs, Plan &plan);
    StrId intern_procname(const bt_field *f);

    RecordStore &store_;
    std::unordered_map<const bt_event_class *, Plan> plans_;
    const bt_event_class *last_class_ = nullptr;
    Plan *last_plan_ = nullptr;
    std::vector<std::uint64_t> lengths_; // array lengths of the current event
    std::string last_procname_;
    StrId last_procname_id_ = StringPool::kEmpty;
};

} // namespace fluxtrace::bt2
