// Messages as exchanges between endpoints.  Brokers route a request through
// several hops (the connector, the broker's main thread, the overlay to another
// rank); the model pairs its ends only: the requester's send with the server's
// receive, and each response the server sent with the requester's receipt.
// Routers forward every message of a rank in one thread: counting their hops as
// synchronisation would order everything that merely shared a broker.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "../string_pool.hpp"
#include "ids.hpp"

namespace fluxtrace::hb {

// flux message types and the recorded msgflags bits.
inline constexpr std::int64_t kRequest = 1;
inline constexpr std::int64_t kResponse = 2;
inline constexpr std::int64_t kEvent = 4;
inline constexpr std::uint32_t kFlagNoResponse = 0x04;
inline constexpr std::uint32_t kFlagStreaming = 0x40;

enum class Requester : std::uint8_t {
    Unknown, // not traced, or not told apart from other processes
    Client,  // a process connected to a broker
    Module,  // a broker module's thread
    Broker   // a broker's own thread (main, router)
};

std::string_view requester_name(Requester r);

struct Response {
    RecordId server_send = kNoRecord; // the server's send of it
    RecordId receipt = kNoRecord;     // the requester's receive (the first)
    std::int32_t errnum = 0;
    // Times the requester put it back (flux_requeue) and received it again.
    std::uint32_t requeued = 0;
};

// One use of a matchtag: a request and its responses.  (Members ordered for
// size: 88 bytes, one per message.)
struct Message {
    std::string_view topic_text;
    StrId topic = StringPool::kEmpty;
    std::uint32_t matchtag = 0;
    std::uint32_t msgflags = 0;
    Requester requester = Requester::Unknown;
    std::string_view uuid;                   // the requester's route uuid, when known
    ConnectionId connection = kNoConnection; // the requester's
    RecordId send = kNoRecord;               // the requester's send (route count 0)
    RecordId server_recv = kNoRecord;        // the last hop's receive
    // A record whose payload is the request's (the send, else a hop).
    RecordId request_payload = kNoRecord;
    std::vector<Response> responses;

    bool streaming() const { return msgflags & kFlagStreaming; }
    bool no_response() const { return msgflags & kFlagNoResponse; }
    bool paired() const { return send != kNoRecord && server_recv != kNoRecord; }
};

// One published event: its sequence number is global in its instance.
struct Event {
    InstanceId instance = kNoInstance;
    std::uint32_t seq = 0;
    std::string_view topic;
    RecordId publish = kNoRecord; // the publisher's send (event or event.pub request)
    std::vector<RecordId> deliveries;
};

} // namespace fluxtrace::hb
