// Pairs message records across processes into Messages and Events, learns the
// route uuid of each client connection, marks the router threads, and emits
// the request, response and event edges.
//
//     MessageTable msgs;
//     msgs.build_requests(records, fields, procs, lossy, edges);
//     procs.assign_instances(msgs.broker_links());
//     msgs.build_events(records, fields, procs, lossy, edges);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <absl/container/inlined_vector.h>

#include "../record.hpp"
#include "edge.hpp"
#include "fields.hpp"
#include "message.hpp"
#include "process_table.hpp"

namespace fluxtrace::hb {

class MessageTable {
  public:
    // `lossy[src]`: that source lost records, so only unambiguous pairings count.
    void build_requests(const std::vector<Record> &records, Fields &fields,
                        ProcessTable &procs, const std::vector<bool> &lossy,
                        std::vector<Edge> &edges);
    void build_events(const std::vector<Record> &records, Fields &fields,
                      const ProcessTable &procs, const std::vector<bool> &lossy,
                      std::vector<Edge> &edges);

    // Broker processes that handled the same message: one instance.
    const std::vector<std::pair<ProcessId, ProcessId>> &broker_links() const {
        return broker_links_;
    }
    // The message or event a `msg` record saw (any hop), if any.
    MessageId message_of(RecordId r) const;
    // Every msg record that saw a message (any hop), with it, sorted by record.
    const std::vector<std::pair<RecordId, MessageId>> &message_records() const {
        return message_of_;
    }
    EventId event_of(RecordId r) const;

    std::vector<Message> messages;
    std::vector<Event> events;
    // Client connections whose uuid could not be learned (their requests stay unpaired).
    std::uint64_t ambiguous_connections = 0;

  private:
    // One per msg record: 64 bytes (its process is its thread's).
    struct Sighting {
        std::uint64_t h;
        std::uint64_t hash;
        RecordId rid;
        ThreadId thread;
        ConnectionId connection;
        StrId topic;
        StrId uuid;
        std::uint32_t matchtag;
        std::uint32_t nodeid;
        std::uint32_t msgflags;
        std::uint32_t seq;
        std::int32_t route_count;
        std::int32_t errnum;
        std::uint8_t op;
        std::uint8_t type;
        bool has_hash;
    };
    static_assert(sizeof(Sighting) == 64);
    // Items are made by the million, mostly of one request and one response
    // seen once each: inline vectors keep those out of the heap.
    struct ResponseGroup {
        absl::InlinedVector<std::uint32_t, 2> sightings;
    };
    struct Item {
        absl::InlinedVector<std::uint32_t, 2> requests;
        absl::InlinedVector<ResponseGroup, 1> responses;
        std::uint64_t key = 0;
    };
    static std::uint64_t request_key(const Sighting &s);
    static std::uint64_t response_key(const Sighting &s);
    // Splits one connection's sightings of one matchtag into its uses (at the
    // requester every send and receipt is its own), or one process's
    // sightings of one uuid's matchtag (the hops of each use).
    std::vector<Item> itemize_requester(const std::vector<std::uint32_t> &list) const;
    std::vector<Item> itemize_hops(const std::vector<std::uint32_t> &list,
                                   const ProcessTable &procs) const;
    using UuidRoutes =
        std::map<StrId, std::map<ProcessId, std::int32_t>>; // min route count
    using RequesterItems =
        std::map<std::pair<ConnectionId, std::uint32_t>, std::vector<Item>>;
    using HopItems =
        std::map<std::tuple<StrId, ProcessId, std::uint32_t>, std::vector<Item>>;
    // Which connection each uuid is: modules name theirs, clients' are learned
    // from what their first hop saw.
    void learn_uuids(const std::vector<Record> &records, ProcessTable &procs,
                     const std::set<ThreadId> &relays, const std::vector<bool> &lossy,
                     UuidRoutes &uuid_processes, const RequesterItems &requester_items,
                     const HopItems &hop_items);
    // The uuids of identical clients, told apart by when they could have
    // sent and received (docs/happens-before.md, "Request send").
    void learn_uuids_by_time(const std::vector<Record> &records,
                             const ProcessTable &procs, const std::vector<bool> &lossy,
                             const RequesterItems &requester_items,
                             const HopItems &hop_items,
                             const std::set<ConnectionId> &taken,
                             const std::function<ProcessId(StrId)> &first_process,
                             const std::function<void(StrId, ConnectionId)> &assign);
    MessageId add_message(const Item *origin, ConnectionId connection,
                          const std::vector<const Item *> &hops,
                          const ProcessTable &procs, bool strict,
                          std::vector<Edge> &edges);

    // Every msg record of a request, response or event; with text_, only
    // between build_requests and the end of build_events, which frees both.
    std::vector<Sighting> sightings_;
    std::unordered_map<StrId, ConnectionId> uuid_connection_;
    std::unordered_map<StrId, std::string_view> text_;
    std::vector<std::pair<ProcessId, ProcessId>> broker_links_;
    std::vector<std::pair<RecordId, MessageId>> message_of_;
    std::vector<std::pair<RecordId, EventId>> event_of_;
    struct Scratch { // add_message's
        std::vector<const ResponseGroup *> sent, received;
        std::vector<std::uint64_t> ks, kr;
        std::vector<bool> got;
    } scratch_;
};

} // namespace fluxtrace::hb
