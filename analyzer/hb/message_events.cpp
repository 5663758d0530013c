#include "message_table.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "align.hpp"
#include "kvs_payloads.hpp"
#include "message_ops.hpp"
#include "payload.hpp"

namespace fluxtrace::hb {

using namespace msg;

void MessageTable::build_events(const std::vector<Record> &records, Fields &fields,
                                const ProcessTable &procs, const std::vector<bool> &lossy,
                                std::vector<Edge> &edges) {
    std::map<std::pair<InstanceId, std::uint32_t>, EventId> ids;
    const auto event = [&](InstanceId instance, std::uint32_t seq) -> Event & {
        auto it = ids.find({instance, seq});
        if (it == ids.end()) {
            it = ids.emplace(std::make_pair(instance, seq),
                             static_cast<EventId>(events.size()))
                     .first;
            events.emplace_back();
            events.back().instance = instance;
            events.back().seq = seq;
        }
        return events[it->second];
    };
    const auto instance_of = [&](const Sighting &s) {
        return procs.processes[procs.threads[s.thread].process].instance;
    };

    // Sequence numbers rank 0 assigned, with the publisher's uuid; and direct
    // publications (an event message sent with no sequence yet) per connection.
    std::map<EventId, std::pair<StrId, std::uint64_t>> content; // topic, payload hash
    std::map<StrId, std::vector<std::uint32_t>> assigned;
    std::map<ConnectionId, std::vector<std::uint32_t>> published;
    std::set<std::pair<InstanceId, std::uint32_t>> seen_assigned;
    for (std::uint32_t i = 0; i < sightings_.size(); i++) {
        const Sighting &s = sightings_[i];
        if (s.type != kEvent)
            continue;
        if (s.seq > 0) {
            Event &e = event(instance_of(s), s.seq);
            if (e.topic.empty())
                e.topic = text_[s.topic];
            content.emplace(ids[{instance_of(s), s.seq}],
                            std::make_pair(s.topic, s.has_hash ? s.hash : 0));
            const ThreadRole role = procs.threads[s.thread].role;
            if (s.op == kRecv && role != ThreadRole::Main && role != ThreadRole::Router) {
                e.deliveries.push_back(s.rid);
                event_of_.push_back({s.rid, ids[{instance_of(s), s.seq}]});
            }
            if (s.uuid != StringPool::kEmpty &&
                seen_assigned.insert({instance_of(s), s.seq}).second)
                assigned[s.uuid].push_back(i);
        } else if (is_send(s.op) && s.route_count == 0 && s.uuid == StringPool::kEmpty &&
                   s.connection != kNoConnection) {
            published[s.connection].push_back(i);
        }
    }
    const auto key_of = [](const Sighting &s) { return request_key(s); };
    for (auto &[uuid, list] : assigned) {
        auto c = uuid_connection_.find(uuid);
        if (c == uuid_connection_.end())
            continue;
        auto pub = published.find(c->second);
        if (pub == published.end())
            continue;
        std::sort(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
            return sightings_[a].seq < sightings_[b].seq;
        });
        std::vector<std::uint64_t> ka, kp;
        for (const std::uint32_t i : list)
            ka.push_back(key_of(sightings_[i]));
        for (const std::uint32_t i : pub->second)
            kp.push_back(key_of(sightings_[i]));
        const bool strict =
            lossy[procs.processes[procs.connections[c->second].process].src];
        for (const auto &[i, j] : align(kp, ka, strict)) {
            const Sighting &a = sightings_[list[j]];
            Event &e = event(instance_of(a), a.seq);
            e.publish = sightings_[pub->second[i]].rid;
        }
    }
    // A client's event sent with plain flux_send reaches the broker through its
    // connector, which sends it on as its own: the publication found above is
    // then the connector's send.  Give it back to the client: the first direct
    // send of the same topic and payload by a client of that broker not given
    // to an earlier event (in sequence order).
    using ContentKey = std::tuple<InstanceId, StrId, std::uint64_t>;
    std::map<ContentKey, std::vector<RecordId>> instance_sends; // clients' direct sends
    std::set<RecordId> used;
    {
        using Key = std::tuple<ProcessId, StrId, std::uint64_t>;
        std::map<Key, std::vector<RecordId>> client_sends;
        std::map<RecordId, const Sighting *> by_record;
        for (const Sighting &s : sightings_) {
            if (s.type != kEvent || !is_send(s.op) || s.seq != 0)
                continue;
            by_record[s.rid] = &s;
            if (s.route_count != 0 || s.uuid != StringPool::kEmpty ||
                s.connection == kNoConnection ||
                procs.processes[procs.threads[s.thread].process].role !=
                    ProcessRole::Client)
                continue;
            const ProcessId broker = procs.connections[s.connection].broker;
            if (broker != kNoProcess)
                client_sends[{broker, s.topic, s.has_hash ? s.hash : 0}].push_back(s.rid);
            instance_sends[{instance_of(s), s.topic, s.has_hash ? s.hash : 0}].push_back(
                s.rid);
        }
        std::vector<EventId> order(events.size());
        for (EventId id = 0; id < events.size(); id++)
            order[id] = id;
        std::sort(order.begin(), order.end(), [&](EventId a, EventId b) {
            return std::tie(events[a].instance, events[a].seq) <
                   std::tie(events[b].instance, events[b].seq);
        });
        for (const EventId id : order) {
            Event &e = events[id];
            auto it = by_record.find(e.publish);
            if (it == by_record.end())
                continue;
            const Sighting &s = *it->second;
            const Thread &t = procs.threads[s.thread];
            if (t.role != ThreadRole::Router && t.service != "connector-local")
                continue;
            auto c = client_sends.find(
                {procs.threads[s.thread].process, s.topic, s.has_hash ? s.hash : 0});
            if (c == client_sends.end())
                continue;
            // First come, first served: the client's record is written after
            // its send returns, so it may come after the connector's.
            for (const RecordId r : c->second)
                if (used.insert(r).second) {
                    e.publish = r;
                    break;
                }
        }
    }
    // event.pub requests: the response names the sequence number.
    for (const Message &m : messages) {
        if (m.topic_text != "event.publish" && m.topic_text != "event.pub")
            continue;
        for (const Response &r : m.responses) {
            const RecordId at = r.receipt != kNoRecord ? r.receipt : r.server_send;
            if (at == kNoRecord || r.errnum != 0)
                continue;
            const Record &rec = records[at];
            const auto payload = decode_payload(fields.bytes(rec, field::msg::payload),
                                                fields.u64(rec, field::msg::payload_len));
            if (payload.status != PayloadStatus::Decoded)
                continue;
            const auto seq = event_sequence(payload.json);
            if (!seq)
                continue;
            const RecordId from = m.send != kNoRecord ? m.send : m.request_payload;
            if (from == kNoRecord)
                continue;
            Event &e = event(procs.processes[procs.process_of(from)].instance, *seq);
            if (m.send != kNoRecord)
                e.publish = m.send;
        }
    }
    // An event whose publication is still unknown: a client on another rank
    // sent it with plain flux_send, and it reached rank 0 up the overlay,
    // where no connector names its client.  The client's direct send of the
    // same topic and payload in that instance, when it is the only one not
    // yet given to an event and the event the only one of that content
    // without a publication: several would be a guess.
    {
        for (const Event &e : events)
            if (e.publish != kNoRecord)
                used.insert(e.publish);
        std::map<ContentKey, std::vector<EventId>> orphans;
        for (const auto &[id, key] : content)
            if (events[id].publish == kNoRecord)
                orphans[{events[id].instance, key.first, key.second}].push_back(id);
        for (const auto &[key, list] : orphans) {
            auto it = instance_sends.find(key);
            if (list.size() != 1 || it == instance_sends.end())
                continue;
            std::vector<RecordId> unused;
            for (const RecordId r : it->second)
                if (!used.count(r))
                    unused.push_back(r);
            if (unused.size() == 1)
                events[list.front()].publish = unused.front();
        }
    }
    for (EventId id = 0; id < events.size(); id++) {
        Event &e = events[id];
        if (e.publish == kNoRecord)
            continue;
        event_of_.push_back({e.publish, id});
        for (const RecordId d : e.deliveries)
            edges.push_back({e.publish, d, EdgeKind::Event});
    }
    std::sort(event_of_.begin(), event_of_.end());
    event_of_.shrink_to_fit();
    // Only the build needed the sightings: give their memory back.
    std::vector<Sighting>().swap(sightings_);
    std::unordered_map<StrId, std::string_view>().swap(text_);
}

} // namespace fluxtrace::hb
