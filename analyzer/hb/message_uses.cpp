#include "message_table.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>
#include <map>
#include <tuple>

#include "align.hpp"
#include "message_ops.hpp"

namespace fluxtrace::hb {

using namespace msg;

std::uint64_t MessageTable::response_key(const Sighting &s) {
    return mix(mix(s.has_hash ? s.hash : 0x5bd1e995, s.has_hash),
               static_cast<std::uint32_t>(s.errnum));
}

std::uint64_t MessageTable::request_key(const Sighting &s) {
    return mix(mix(mix(s.topic, s.has_hash ? s.hash : 0x5bd1e995), s.has_hash), s.nodeid);
}

std::vector<MessageTable::Item>
MessageTable::itemize_requester(const std::vector<std::uint32_t> &list) const {
    // One connection's own sends and receipts, in its program order.  A
    // response put back (flux_requeue, as every synchronous wait does with
    // the messages it does not wait for) is the same response when the handle
    // receives it again: its receipts are one group, paired once with the
    // server's send.  Identical responses (one key) cannot be told apart: a
    // receipt of one while another is put back is taken for the one put back
    // (a new identical response then finds no send to pair with: unpaired,
    // not mispaired, as align() leaves counts that disagree).
    std::vector<Item> items;
    items.reserve(list.size());                 // at most one item per sighting
    using GroupRef = std::pair<size_t, size_t>; // item, response group
    // By key: the responses received and held, and those put back; kept only
    // for the few connections that requeue.
    const bool requeues = std::any_of(list.begin(), list.end(), [&](std::uint32_t i) {
        return sightings_[i].op == kRequeue;
    });
    std::unordered_map<std::uint64_t, std::deque<GroupRef>> held, put_back;
    // A receipt of a response not put back: to the use it answers.
    const auto add_receipt = [&](std::uint32_t i) -> GroupRef {
        if (items.empty() ||
            (!items.back().requests.empty() &&
             sightings_[items.back().requests.front()].topic != sightings_[i].topic)) {
            items.emplace_back();
            items.back().key = kUnmatchable; // its request was not seen
        }
        items.back().responses.push_back({{i}});
        return {items.size() - 1, items.back().responses.size() - 1};
    };
    for (const std::uint32_t i : list) {
        const Sighting &s = sightings_[i];
        if (s.type == kRequest) {
            items.emplace_back();
            items.back().key = request_key(s);
            items.back().requests.push_back(i);
            continue;
        }
        if (!requeues) {
            add_receipt(i);
            continue;
        }
        const std::uint64_t key = response_key(s);
        auto &back = put_back[key];
        auto &hold = held[key];
        if (s.op == kRequeue) {
            if (hold.empty())
                continue; // its receipt was not seen
            // Put back right after its receipt (libflux requeues what a
            // wait received and does not want): the latest receipt.
            back.push_back(hold.back());
            hold.pop_back();
            const auto [item, group] = back.back();
            items[item].responses[group].sightings.push_back(i);
            continue;
        }
        if (!back.empty()) { // a response put back, received again (in order)
            hold.push_back(back.front());
            back.pop_front();
            const auto [item, group] = hold.back();
            items[item].responses[group].sightings.push_back(i);
            continue;
        }
        hold.push_back(add_receipt(i));
    }
    return items;
}

std::vector<MessageTable::Item>
MessageTable::itemize_hops(const std::vector<std::uint32_t> &list,
                           const ProcessTable &procs) const {
    // A process's sightings of one uuid's matchtag.  Threads record after their
    // calls return (a connector's flux_send record can follow the server's
    // receive of the same message), so the order of records across threads
    // says little.  Within one hop (thread, handle, call), sightings of
    // identical requests are in the order of their uses.
    using HopKey = std::tuple<ThreadId, std::uint64_t, std::uint8_t, std::uint64_t>;
    std::map<HopKey, std::uint32_t> seen;
    std::map<std::pair<std::uint64_t, std::uint32_t>, size_t> use_of;
    std::vector<Item> uses;
    std::vector<RecordId> anchor; // a use's first receive
    std::map<std::pair<std::uint64_t, std::uint32_t>, size_t> response_of;
    std::vector<ResponseGroup> responses;
    for (const std::uint32_t i : list) {
        const Sighting &s = sightings_[i];
        if (s.type == kRequest) {
            const std::uint64_t key = request_key(s);
            std::uint32_t j;
            if (s.op == kRequeue) {
                // Put back: the hop's next receive is this use again.
                auto &recvs = seen[{s.thread, s.h, std::uint8_t(kRecv), key}];
                j = recvs > 0 ? --recvs : 0;
            } else {
                j = seen[{s.thread, s.h, s.op, key}]++;
            }
            auto it = use_of.find({key, j});
            if (it == use_of.end()) {
                it = use_of.emplace(std::make_pair(key, j), uses.size()).first;
                uses.emplace_back();
                uses.back().key = key;
                anchor.push_back(kNoRecord);
            }
            uses[it->second].requests.push_back(i);
            if (s.op == kRecv)
                anchor[it->second] = std::min(anchor[it->second], s.rid);
        } else {
            const std::uint64_t key = response_key(s);
            const std::uint32_t j =
                seen[{s.thread, s.h, s.op, key ^ 0x2545f4914f6cdd1dull}]++;
            auto it = response_of.find({key, j});
            if (it == response_of.end()) {
                it = response_of.emplace(std::make_pair(key, j), responses.size()).first;
                responses.emplace_back();
            }
            responses[it->second].sightings.push_back(i);
        }
    }
    for (size_t u = 0; u < uses.size(); u++)
        if (anchor[u] == kNoRecord)
            for (const std::uint32_t i : uses[u].requests)
                anchor[u] = std::min(anchor[u], sightings_[i].rid);

    // Each response belongs to the use its sender had received last: the
    // server's thread answers after receiving.
    std::vector<Item> orphans;
    std::vector<std::vector<std::pair<RecordId, size_t>>> attached(uses.size());
    for (auto &g : responses) {
        std::sort(g.sightings.begin(), g.sightings.end(),
                  [&](std::uint32_t a, std::uint32_t b) {
                      const Sighting &x = sightings_[a], &y = sightings_[b];
                      return std::make_pair(-x.route_count, x.rid) <
                             std::make_pair(-y.route_count, y.rid);
                  });
    }
    std::map<ThreadId, std::vector<std::pair<Epoch, size_t>>> receives; // per thread
    for (size_t u = 0; u < uses.size(); u++)
        for (const std::uint32_t i : uses[u].requests)
            if (sightings_[i].op == kRecv)
                receives[sightings_[i].thread].push_back(
                    {procs.epoch_of[sightings_[i].rid], u});
    for (auto &[t, list] : receives) {
        (void)t;
        std::sort(list.begin(), list.end());
    }
    std::vector<std::pair<RecordId, size_t>> by_anchor;
    for (size_t u = 0; u < uses.size(); u++)
        by_anchor.push_back({anchor[u], u});
    std::sort(by_anchor.begin(), by_anchor.end());
    const auto topic_of = [&](size_t u) {
        return sightings_[uses[u].requests.front()].topic;
    };
    for (size_t r = 0; r < responses.size(); r++) {
        const Sighting &sender = sightings_[responses[r].sightings.front()];
        size_t best = SIZE_MAX;
        auto t = receives.find(sender.thread);
        if (t != receives.end()) {
            const Epoch at = procs.epoch_of[sender.rid];
            auto it = std::lower_bound(t->second.begin(), t->second.end(),
                                       std::make_pair(at, size_t{0}));
            while (it != t->second.begin() && best == SIZE_MAX) {
                --it;
                if (topic_of(it->second) == sender.topic)
                    best = it->second;
            }
        }
        if (best == SIZE_MAX) { // not answered by a thread that received it here
            RecordId first = kNoRecord;
            for (const std::uint32_t i : responses[r].sightings)
                first = std::min(first, sightings_[i].rid);
            auto it = std::lower_bound(by_anchor.begin(), by_anchor.end(),
                                       std::make_pair(first, size_t{0}));
            while (it != by_anchor.begin() && best == SIZE_MAX) {
                --it;
                if (topic_of(it->second) == sender.topic)
                    best = it->second;
            }
        }
        if (best == SIZE_MAX) {
            orphans.emplace_back();
            orphans.back().key = kUnmatchable;
            orphans.back().responses.push_back(responses[r]);
            continue;
        }
        attached[best].push_back({sender.rid, r});
    }
    for (size_t u = 0; u < uses.size(); u++) {
        std::sort(attached[u].begin(), attached[u].end());
        for (const auto &[rid, r] : attached[u]) {
            (void)rid;
            uses[u].responses.push_back(responses[r]);
        }
    }
    std::vector<size_t> order(uses.size());
    for (size_t u = 0; u < order.size(); u++)
        order[u] = u;
    std::sort(order.begin(), order.end(),
              [&](size_t a, size_t b) { return anchor[a] < anchor[b]; });
    std::vector<Item> items;
    items.reserve(uses.size() + orphans.size());
    for (const size_t u : order)
        items.push_back(std::move(uses[u]));
    for (auto &o : orphans)
        items.push_back(std::move(o));
    return items;
}

MessageId MessageTable::add_message(const Item *origin, ConnectionId connection,
                                    const std::vector<const Item *> &hops,
                                    const ProcessTable &procs, bool strict,
                                    std::vector<Edge> &edges) {
    const auto id = static_cast<MessageId>(messages.size());
    Message m;
    m.connection = connection;
    const Sighting *first = nullptr;
    if (origin && !origin->requests.empty()) {
        first = &sightings_[origin->requests.front()];
        m.send = first->rid;
    }
    // The server: the receive furthest along the route (the last of a requeue).
    const Sighting *server = nullptr;
    const Item *server_item = nullptr;
    for (const Item *item : hops)
        for (const std::uint32_t i : item->requests) {
            const Sighting &s = sightings_[i];
            if (!first)
                first = &s;
            if (s.op == kRecv &&
                (!server || std::tie(s.route_count, s.rid) >
                                std::tie(server->route_count, server->rid))) {
                server = &s;
                server_item = item;
            }
        }
    if (first) {
        m.topic = first->topic;
        m.topic_text = text_[first->topic];
        m.matchtag = first->matchtag;
        m.msgflags = first->msgflags;
        m.request_payload = first->rid;
    } else {
        const Item *any = origin ? origin : hops.front();
        const Sighting &s = sightings_[any->responses.front().sightings.front()];
        m.topic = s.topic;
        m.topic_text = text_[s.topic];
        m.matchtag = s.matchtag;
    }
    if (server)
        m.server_recv = server->rid;
    for (const Item *item : hops)
        for (const std::uint32_t i : item->requests)
            if (sightings_[i].uuid != StringPool::kEmpty) {
                m.uuid = text_[sightings_[i].uuid];
                break;
            }
    if (connection != kNoConnection) {
        const Connection &c = procs.connections[connection];
        const Process &p = procs.processes[c.process];
        if (p.role == ProcessRole::Broker) {
            const ThreadId t =
                origin && !origin->requests.empty()
                    ? sightings_[origin->requests.front()].thread
                    : (c.opened != kNoRecord ? procs.thread_of[c.opened] : kNoThread);
            m.requester = t != kNoThread && procs.threads[t].role == ThreadRole::Module
                              ? Requester::Module
                              : Requester::Broker;
        } else {
            m.requester = Requester::Client;
        }
    }

    // Responses: the server's sends paired with the requester's receipts.
    // Scratch vectors kept between calls: no allocation per message.
    auto &sent = scratch_.sent, &received = scratch_.received;
    auto &ks = scratch_.ks, &kr = scratch_.kr;
    auto &got = scratch_.got;
    sent.clear();
    received.clear();
    ks.clear();
    kr.clear();
    if (server_item)
        for (const auto &g : server_item->responses)
            sent.push_back(&g);
    if (origin)
        for (const auto &g : origin->responses)
            received.push_back(&g);
    for (const auto *g : sent)
        ks.push_back(response_key(sightings_[g->sightings.front()]));
    for (const auto *g : received)
        kr.push_back(response_key(sightings_[g->sightings.front()]));
    const auto pairs = align(ks, kr, strict);
    const auto requeues = [&](const ResponseGroup &g) {
        std::uint32_t n = 0;
        for (const std::uint32_t i : g.sightings)
            n += sightings_[i].op == kRequeue;
        return n;
    };
    got.assign(received.size(), false);
    size_t next = 0;
    for (std::uint32_t k = 0; k < sent.size(); k++) {
        Response r;
        const Sighting &s = sightings_[sent[k]->sightings.front()];
        r.errnum = s.errnum;
        if (is_send(s.op))
            r.server_send = s.rid;
        while (next < pairs.size() && pairs[next].first < k)
            next++;
        if (next < pairs.size() && pairs[next].first == k) {
            const ResponseGroup &g = *received[pairs[next].second];
            r.receipt = sightings_[g.sightings.front()].rid;
            r.requeued = requeues(g);
            got[pairs[next].second] = true;
        }
        m.responses.push_back(r);
    }
    for (std::uint32_t k = 0; k < received.size(); k++)
        if (!got[k]) {
            Response r;
            const Sighting &s = sightings_[received[k]->sightings.front()];
            r.receipt = s.rid;
            r.errnum = s.errnum;
            r.requeued = requeues(*received[k]);
            m.responses.push_back(r);
        }

    if (m.send != kNoRecord && m.server_recv != kNoRecord)
        edges.push_back({m.send, m.server_recv, EdgeKind::Request});
    for (const Response &r : m.responses)
        if (r.server_send != kNoRecord && r.receipt != kNoRecord)
            edges.push_back({r.server_send, r.receipt, EdgeKind::Response});

    const auto note = [&](const Item *item) {
        if (!item)
            return;
        for (const std::uint32_t i : item->requests)
            message_of_.push_back({sightings_[i].rid, id});
        for (const auto &g : item->responses)
            for (const std::uint32_t i : g.sightings)
                message_of_.push_back({sightings_[i].rid, id});
    };
    note(origin);
    for (const Item *item : hops)
        note(item);
    messages.push_back(std::move(m));
    return id;
}

} // namespace fluxtrace::hb
