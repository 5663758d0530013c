#include "message_table.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "align.hpp"
#include "message_ops.hpp"

namespace fluxtrace::hb {

std::string_view requester_name(Requester r) {
    switch (r) {
    case Requester::Client:
        return "client";
    case Requester::Module:
        return "module";
    case Requester::Broker:
        return "broker";
    case Requester::Unknown:
        break;
    }
    return "unknown";
}

using namespace msg;

void MessageTable::build_requests(const std::vector<Record> &records, Fields &fields,
                                  ProcessTable &procs, const std::vector<bool> &lossy,
                                  std::vector<Edge> &edges) {
    // One sighting per msg record at most: reserved at once, no regrowth.
    size_t msg_records = 0;
    for (const Record &r : records)
        msg_records += r.kind() == EventKind::Msg;
    sightings_.reserve(msg_records);
    for (RecordId rid = 0; rid < records.size(); rid++) {
        const Record &r = records[rid];
        if (r.kind() != EventKind::Msg)
            continue;
        const std::int64_t type = fields.i64(r, field::msg::type);
        const std::int64_t op = fields.i64(r, field::msg::op);
        if (type != kRequest && type != kResponse && type != kEvent)
            continue;
        if (is_send(op) && fields.i64(r, field::msg::rc) < 0)
            continue; // not sent
        Sighting s{};
        s.rid = rid;
        s.thread = procs.thread_of[rid];
        s.connection = procs.connection_of(rid);

        s.h = fields.u64(r, field::msg::h);
        s.op = static_cast<std::uint8_t>(op);
        s.type = static_cast<std::uint8_t>(type);
        s.topic = fields.str_id(r, field::msg::topic);
        s.uuid = fields.str_id(r, field::msg::route_first);
        s.matchtag = static_cast<std::uint32_t>(fields.u64(r, field::msg::matchtag));
        s.nodeid = static_cast<std::uint32_t>(fields.u64(r, field::msg::nodeid));
        s.msgflags = static_cast<std::uint32_t>(fields.u64(r, field::msg::msgflags));
        s.seq = static_cast<std::uint32_t>(fields.u64(r, field::msg::seq));
        s.route_count = static_cast<std::int32_t>(
            std::max<std::int64_t>(0, fields.i64(r, field::msg::route_count)));
        s.errnum = static_cast<std::int32_t>(fields.i64(r, field::msg::errnum));
        s.has_hash = fields.u64(r, field::msg::has_hash) != 0;
        s.hash = s.has_hash ? fields.u64(r, field::msg::payload_hash) : 0;
        text_.emplace(s.topic, fields.str(r, field::msg::topic));
        text_.emplace(s.uuid, fields.str(r, field::msg::route_first));
        sightings_.push_back(s);
    }

    // Routers forward other processes' requests and events.  Relays receive
    // requests straight from a peer (route count 0: a module run as its own
    // process, over a socketpair) and pass them on under the peer's uuid.
    std::set<ThreadId> relays;
    for (const Sighting &s : sightings_) {
        if (procs.threads[s.thread].role == ThreadRole::Main)
            continue;
        if (is_send(s.op) && (s.type == kRequest || s.type == kEvent) &&
            s.route_count >= 1)
            procs.threads[s.thread].role = ThreadRole::Router;
        if (s.op == kRecv && s.type == kRequest && s.route_count == 0 &&
            s.uuid == StringPool::kEmpty) {
            procs.threads[s.thread].role = ThreadRole::Router;
            relays.insert(s.thread);
        }
    }

    // The requester's view, per connection and matchtag; the brokers', per uuid,
    // process and matchtag.
    // A broker's own requests to a module go straight down the module's
    // interthread channel (both ends opened under one URI): the module receives
    // them at route count 1, answers at route count 1, on its end.
    std::unordered_map<ConnectionId, ConnectionId> channel_of; // module end -> broker end
    {
        std::map<std::pair<ProcessId, std::string_view>, std::vector<ConnectionId>>
            by_uri;
        for (ConnectionId c = 0; c < procs.connections.size(); c++) {
            const Connection &conn = procs.connections[c];
            if (conn.opened != kNoRecord && conn.uri.substr(0, 14) == "interthread://" &&
                procs.processes[conn.process].role == ProcessRole::Broker)
                by_uri[{conn.process, conn.uri}].push_back(c);
        }
        for (const auto &[key, list] : by_uri) {
            (void)key;
            ConnectionId broker_end = kNoConnection, module_end = kNoConnection;
            for (const ConnectionId c : list) {
                const ThreadId t = procs.thread_of[procs.connections[c].opened];
                (procs.threads[t].role == ThreadRole::Main ? broker_end : module_end) = c;
            }
            if (list.size() == 2 && broker_end != kNoConnection &&
                module_end != kNoConnection)
                channel_of[module_end] = broker_end;
        }
    }
    std::map<std::pair<ConnectionId, std::uint32_t>, std::vector<std::uint32_t>>
        at_channel;
    std::map<std::pair<ConnectionId, std::uint32_t>, std::vector<std::uint32_t>>
        at_requester;
    std::map<std::tuple<StrId, ProcessId, std::uint32_t>, std::vector<std::uint32_t>>
        at_hop;
    UuidRoutes uuid_processes;
    for (std::uint32_t i = 0; i < sightings_.size(); i++) {
        const Sighting &s = sightings_[i];
        if (s.type != kRequest && s.type != kResponse)
            continue;
        if (s.uuid == StringPool::kEmpty && s.route_count == 0) {
            if (s.connection != kNoConnection && !relays.count(s.thread) &&
                ((s.type == kRequest && is_send(s.op)) ||
                 (s.type == kResponse && (s.op == kRecv || s.op == kRequeue))))
                at_requester[{s.connection, s.matchtag}].push_back(i);
        } else if (auto ch = channel_of.find(s.connection);
                   ch != channel_of.end() && s.route_count == 1 &&
                   ((s.type == kRequest && s.op == kRecv) ||
                    (s.type == kResponse && is_send(s.op)))) {
            at_channel[{ch->second, s.matchtag}].push_back(i);
        } else if (s.uuid != StringPool::kEmpty) {
            const ProcessId process = procs.threads[s.thread].process;
            at_hop[{s.uuid, process, s.matchtag}].push_back(i);
            auto &procs_of = uuid_processes[s.uuid];
            const std::int32_t rc = s.type == kRequest ? s.route_count : INT32_MAX;
            auto it = procs_of.find(process);
            if (it == procs_of.end())
                procs_of.emplace(process, rc);
            else
                it->second = std::min(it->second, rc);
        }
    }
    for (const auto &[uuid, where] : uuid_processes) {
        (void)uuid;
        ProcessId first = kNoProcess;
        for (const auto &[p, rc] : where) {
            (void)rc;
            if (procs.processes[p].role != ProcessRole::Broker)
                continue;
            if (first == kNoProcess)
                first = p;
            else
                broker_links_.push_back({first, p});
        }
    }

    RequesterItems requester_items;
    for (const auto &[key, list] : at_requester)
        requester_items.emplace(key, itemize_requester(list));
    decltype(at_requester)().swap(at_requester); // itemized: no longer needed
    std::set<std::pair<ConnectionId, std::uint32_t>> consumed;
    for (const auto &[key, list] : at_channel) {
        // The module's end, in its thread's program order: each request its own
        // use, each answer to the request received last.
        std::vector<Item> hops;
        for (const std::uint32_t i : list) {
            const Sighting &s = sightings_[i];
            if (s.type == kRequest) {
                hops.emplace_back();
                hops.back().key = request_key(s);
                hops.back().requests.push_back(i);
            } else if (!hops.empty() &&
                       sightings_[hops.back().requests.front()].topic == s.topic) {
                hops.back().responses.push_back({{i}});
            }
        }
        static const std::vector<Item> kNone;
        auto it = requester_items.find(key);
        const std::vector<Item> &origin =
            it == requester_items.end() ? kNone : it->second;
        consumed.insert(key);
        const ConnectionId conn = key.first;
        const bool strict = lossy[procs.processes[procs.connections[conn].process].src];
        std::vector<std::uint64_t> ko, kh;
        for (const Item &item : origin)
            ko.push_back(item.key);
        for (const Item &item : hops)
            kh.push_back(item.key);
        std::vector<bool> used_o(origin.size(), false), used_h(hops.size(), false);
        for (const auto &[i, j] : align(ko, kh, strict)) {
            add_message(&origin[i], conn, {&hops[j]}, procs, strict, edges);
            used_o[i] = used_h[j] = true;
        }
        for (size_t i = 0; i < origin.size(); i++)
            if (!used_o[i])
                add_message(&origin[i], conn, {}, procs, strict, edges);
        for (size_t j = 0; j < hops.size(); j++)
            if (!used_h[j])
                add_message(nullptr, conn, {&hops[j]}, procs, strict, edges);
    }
    HopItems hop_items;
    for (const auto &[key, list] : at_hop)
        hop_items.emplace(key, itemize_hops(list, procs));
    decltype(at_hop)().swap(at_hop);
    decltype(at_channel)().swap(at_channel);

    learn_uuids(records, procs, relays, lossy, uuid_processes, requester_items,
                hop_items);

    // At most one message per item (hops of one use share one), and one
    // message_of_ entry per sighting: reserved, the vectors do not regrow.
    size_t items = 0;
    for (const auto &[key, list] : requester_items)
        items += list.size();
    for (const auto &[key, list] : hop_items)
        items += list.size();
    messages.reserve(messages.size() + items);
    message_of_.reserve(sightings_.size());

    // Messages: per uuid and matchtag, the requester's uses aligned with each
    // broker's, the first hop's as the reference.
    std::map<StrId, std::map<std::uint32_t, std::vector<ProcessId>>> uuid_tags;
    for (const auto &[key, items] : hop_items) {
        (void)items;
        const auto &[uuid, p, matchtag] = key;
        uuid_tags[uuid][matchtag].push_back(p);
    }
    static const std::vector<Item> kNoItems;
    for (auto &[uuid, tags] : uuid_tags) {
        auto conn_it = uuid_connection_.find(uuid);
        const ConnectionId conn =
            conn_it == uuid_connection_.end() ? kNoConnection : conn_it->second;
        for (auto &[matchtag, where] : tags) {
            const auto &route = uuid_processes[uuid];
            std::sort(where.begin(), where.end(), [&](ProcessId a, ProcessId b) {
                return std::make_pair(route.at(a), a) < std::make_pair(route.at(b), b);
            });
            bool strict = false;
            for (const ProcessId p : where)
                strict = strict || lossy[procs.processes[p].src];
            const std::vector<Item> *origin = &kNoItems;
            if (conn != kNoConnection) {
                strict =
                    strict || lossy[procs.processes[procs.connections[conn].process].src];
                auto it = requester_items.find({conn, matchtag});
                if (it != requester_items.end()) {
                    origin = &it->second;
                    consumed.insert({conn, matchtag});
                }
            }
            const auto keys = [](const std::vector<Item> &items) {
                std::vector<std::uint64_t> k;
                for (const Item &item : items)
                    k.push_back(item.key);
                return k;
            };
            std::vector<const std::vector<Item> *> at;
            for (const ProcessId p : where)
                at.push_back(&hop_items.at({uuid, p, matchtag}));
            const std::vector<Item> &first = *at.front();
            const auto ref = keys(first);
            std::vector<std::vector<std::int64_t>> partner(
                at.size()); // hop item -> first-hop item
            std::vector<std::vector<const Item *>> hops_of(first.size());
            for (std::uint32_t i = 0; i < first.size(); i++)
                hops_of[i].push_back(&first[i]);
            std::vector<const Item *> lone_hops;
            for (size_t k = 1; k < at.size(); k++) {
                std::vector<bool> used(at[k]->size(), false);
                for (const auto &[i, j] : align(keys(*at[k]), ref, strict)) {
                    hops_of[j].push_back(&(*at[k])[i]);
                    used[i] = true;
                }
                for (size_t i = 0; i < used.size(); i++)
                    if (!used[i])
                        lone_hops.push_back(&(*at[k])[i]);
            }
            std::vector<const Item *> origin_of(first.size(), nullptr);
            std::vector<bool> origin_used(origin->size(), false);
            for (const auto &[i, j] : align(keys(*origin), ref, strict)) {
                origin_of[j] = &(*origin)[i];
                origin_used[i] = true;
            }
            for (std::uint32_t j = 0; j < first.size(); j++)
                add_message(origin_of[j], conn, hops_of[j], procs, strict, edges);
            for (const Item *item : lone_hops)
                add_message(nullptr, conn, {item}, procs, strict, edges);
            for (size_t i = 0; i < origin->size(); i++)
                if (!origin_used[i])
                    add_message(&(*origin)[i], conn, {}, procs, strict, edges);
        }
    }
    for (const auto &[key, items] : requester_items) {
        if (consumed.count(key))
            continue;
        for (const Item &item : items)
            add_message(&item, key.first, {}, procs, false, edges);
    }
    for (ConnectionId c = 0; c < procs.connections.size(); c++) {
        const Connection &conn = procs.connections[c];
        if (conn.uuid.empty() &&
            procs.processes[conn.process].role == ProcessRole::Client) {
            bool sent = false;
            for (auto it = requester_items.lower_bound({c, 0});
                 it != requester_items.end() && it->first.first == c && !sent; ++it)
                for (const Item &item : it->second)
                    sent = sent || !item.requests.empty();
            ambiguous_connections += sent;
        }
    }
    std::sort(message_of_.begin(), message_of_.end());
    message_of_.shrink_to_fit();

    // Which service each module thread serves, for reports.
    std::map<ThreadId, std::map<std::string_view, std::uint32_t>> served;
    for (const Message &m : messages)
        if (m.server_recv != kNoRecord) {
            const auto dot = m.topic_text.find('.');
            served[procs.thread_of[m.server_recv]][m.topic_text.substr(0, dot)]++;
        }
    for (const auto &[t, services] : served) {
        if (procs.threads[t].role != ThreadRole::Module)
            continue;
        std::uint32_t best = 0;
        for (const auto &[name, n] : services)
            if (n > best && name != "disconnect") {
                best = n;
                procs.threads[t].service = name;
            }
    }
}

MessageId MessageTable::message_of(RecordId r) const {
    auto it = std::lower_bound(message_of_.begin(), message_of_.end(),
                               std::make_pair(r, MessageId{0}));
    return it != message_of_.end() && it->first == r ? it->second : kNoMessage;
}

EventId MessageTable::event_of(RecordId r) const {
    auto it = std::lower_bound(event_of_.begin(), event_of_.end(),
                               std::make_pair(r, EventId{0}));
    return it != event_of_.end() && it->first == r ? it->second : kNoEvent;
}

} // namespace fluxtrace::hb
