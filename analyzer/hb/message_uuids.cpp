#include "message_table.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "align.hpp"
#include "message_ops.hpp"

namespace fluxtrace::hb {

using namespace msg;

namespace {

bool is_disconnect(std::string_view topic) {
    constexpr std::string_view kSuffix = "disconnect";
    return topic.size() >= kSuffix.size() &&
           topic.substr(topic.size() - kSuffix.size()) == kSuffix &&
           (topic.size() == kSuffix.size() ||
            topic[topic.size() - kSuffix.size() - 1] == '.');
}

} // namespace

void MessageTable::learn_uuids(const std::vector<Record> &records, ProcessTable &procs,
                               const std::set<ThreadId> &relays,
                               const std::vector<bool> &lossy, UuidRoutes &uuid_processes,
                               const RequesterItems &requester_items,
                               const HopItems &hop_items) {
    // Known uuids: module connections name theirs.
    std::unordered_map<std::string_view, StrId> uuid_ids;
    for (const Sighting &s : sightings_)
        if (s.uuid != StringPool::kEmpty)
            uuid_ids.emplace(text_[s.uuid], s.uuid);
    std::set<ConnectionId> taken;
    for (ConnectionId c = 0; c < procs.connections.size(); c++) {
        Connection &conn = procs.connections[c];
        if (conn.uuid.empty())
            continue;
        if (conn.opened != kNoRecord && relays.count(procs.thread_of[conn.opened])) {
            conn.uuid = {}; // the relayed peer is known by it
            continue;
        }
        auto it = uuid_ids.find(conn.uuid);
        if (it != uuid_ids.end() && !uuid_connection_.count(it->second)) {
            uuid_connection_[it->second] = c;
            taken.insert(c);
        }
    }
    // Learn the rest: the uuid of a client's connection is the one whose first
    // hop saw the requests that connection sent.
    const auto first_process = [&](StrId uuid) {
        ProcessId best = kNoProcess;
        std::int32_t best_rc = INT32_MAX;
        for (const auto &[p, rc] : uuid_processes[uuid])
            if (rc < best_rc) {
                best = p;
                best_rc = rc;
            }
        return best;
    };
    const auto assign = [&](StrId uuid, ConnectionId c) {
        uuid_connection_[uuid] = c;
        taken.insert(c);
        Connection &conn = procs.connections[c];
        conn.uuid = text_[uuid];
        conn.uuid_learned = true;
        // A connection over an inherited fd names no broker: its first hop does.
        const ProcessId p1 = first_process(uuid);
        if (conn.broker == kNoProcess &&
            procs.processes[p1].role == ProcessRole::Broker) {
            conn.broker = p1;
            Process &proc = procs.processes[conn.process];
            if (proc.broker == kNoProcess && proc.role != ProcessRole::Broker) {
                proc.broker = p1;
                proc.rank = procs.processes[p1].rank;
                proc.size = procs.processes[p1].size;
            }
        }
    };
    std::map<std::pair<std::uint32_t, std::uint64_t>,
             std::vector<std::pair<ConnectionId, std::uint32_t>>>
        senders; // (matchtag, request key) -> connections and how often they sent it
    for (const auto &[key, items] : requester_items) {
        std::map<std::uint64_t, std::uint32_t> counts;
        for (const Item &item : items)
            if (!item.requests.empty())
                counts[item.key]++;
        for (const auto &[k, n] : counts)
            senders[{key.second, k}].push_back({key.first, n});
    }
    std::map<StrId, std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t>>
        first_hop_keys;
    for (const auto &[key, items] : hop_items) {
        const auto &[uuid, p, matchtag] = key;
        if (uuid_connection_.count(uuid) || first_process(uuid) != p)
            continue;
        for (const Item &item : items)
            if (!item.requests.empty())
                first_hop_keys[uuid][{matchtag, item.key}]++;
    }
    constexpr size_t kTooCommon = 256; // a request every client sends tells none apart
    for (bool progress = true; progress;) {
        progress = false;
        struct Proposal {
            std::uint64_t score;
            StrId uuid;
            ConnectionId connection;
        };
        std::vector<Proposal> proposals;
        for (const auto &[uuid, keys] : first_hop_keys) {
            if (uuid_connection_.count(uuid))
                continue;
            const ProcessId p1 = first_process(uuid);
            std::map<ConnectionId, std::uint64_t> score;
            for (const auto &[k, n] : keys) {
                auto it = senders.find(k);
                if (it == senders.end() || it->second.size() > kTooCommon)
                    continue;
                for (const auto &[c, m] : it->second) {
                    const Connection &conn = procs.connections[c];
                    const Process &proc = procs.processes[conn.process];
                    const bool eligible = !taken.count(c) && conn.uuid.empty() &&
                                          proc.role != ProcessRole::ExecChild &&
                                          (conn.broker == p1 || conn.process == p1 ||
                                           (conn.broker == kNoProcess &&
                                            proc.src == procs.processes[p1].src));
                    if (eligible)
                        score[c] += std::min(n, m);
                }
            }
            std::uint64_t best = 0, second = 0;
            ConnectionId best_c = kNoConnection;
            for (const auto &[c, sc] : score) {
                if (sc > best) {
                    second = best;
                    best = sc;
                    best_c = c;
                } else if (sc > second) {
                    second = sc;
                }
            }
            if (best > 0 && best > second)
                proposals.push_back({best, uuid, best_c});
        }
        std::sort(proposals.begin(), proposals.end(),
                  [](const Proposal &a, const Proposal &b) {
                      return std::tie(b.score, a.uuid, a.connection) <
                             std::tie(a.score, b.uuid, b.connection);
                  });
        for (const Proposal &pr : proposals) {
            if (taken.count(pr.connection) || uuid_connection_.count(pr.uuid))
                continue;
            assign(pr.uuid, pr.connection);
            progress = true;
        }
    }
    learn_uuids_by_time(records, procs, lossy, requester_items, hop_items, taken,
                        first_process, assign);
}

void MessageTable::learn_uuids_by_time(
    const std::vector<Record> &records, const ProcessTable &procs,
    const std::vector<bool> &lossy, const RequesterItems &requester_items,
    const HopItems &hop_items, const std::set<ConnectionId> &taken,
    const std::function<ProcessId(StrId)> &first_process,
    const std::function<void(StrId, ConnectionId)> &assign) {
    // Clients that send the very same requests (a thousand `flux kvs get`) are
    // told apart by when each could have sent and received, on the clock of
    // their host: a broker's receive of a client's request follows the start
    // of the client's send (after the client's previous record in that
    // thread), and precedes the client's receipt of the response.  A
    // connection is given a uuid when exactly one uuid fits it; each given uuid
    // is withdrawn from the others' choices, and so on.  Only connections and
    // uuids left unlearned above, of sources that lost nothing, take part.
    // `assign` is learn_uuids' own: it fills `taken`, the connection and its
    // process.
    struct Use {
        std::uint32_t matchtag;
        std::uint64_t key;
        RecordId send;    // the requester's send
        RecordId receipt; // its first response's receipt, or kNoRecord
        RecordId recv;    // the first hop: its earliest receive
    };
    const auto by_key = [](const Use &a, const Use &b) {
        return std::tie(a.matchtag, a.key, a.send, a.recv) <
               std::tie(b.matchtag, b.key, b.send, b.recv);
    };
    std::map<StrId, std::vector<Use>> uuid_uses;
    for (const auto &[key, items] : hop_items) {
        const auto &[uuid, p, matchtag] = key;
        if (uuid_connection_.count(uuid) || first_process(uuid) != p ||
            procs.processes[p].role != ProcessRole::Broker ||
            lossy[procs.processes[p].src])
            continue;
        for (const Item &item : items) {
            // What the broker sends on a client's behalf when it goes
            // ("disconnect", "<service>.disconnect"): never sent by the client.
            if (!item.requests.empty() &&
                is_disconnect(text_[sightings_[item.requests.front()].topic]))
                continue;
            RecordId recv = kNoRecord;
            for (const std::uint32_t i : item.requests)
                if (sightings_[i].op == kRecv)
                    recv = std::min(recv, sightings_[i].rid);
            if (recv != kNoRecord)
                uuid_uses[uuid].push_back(
                    {matchtag, item.key, kNoRecord, kNoRecord, recv});
        }
    }
    if (uuid_uses.empty())
        return;
    // The requester's uses: in its program order per matchtag.
    std::map<ConnectionId, std::vector<Use>> conn_uses;
    for (const auto &[key, items] : requester_items) {
        const auto &[c, matchtag] = key;
        const Connection &conn = procs.connections[c];
        const Process &proc = procs.processes[conn.process];
        if (taken.count(c) || !conn.uuid.empty() || proc.role != ProcessRole::Client ||
            lossy[proc.src])
            continue;
        for (const Item &item : items) {
            if (item.requests.empty())
                continue;
            Use u{matchtag, item.key, sightings_[item.requests.front()].rid, kNoRecord,
                  kNoRecord};
            if (!item.responses.empty())
                u.receipt = sightings_[item.responses.front().sightings.front()].rid;
            conn_uses[c].push_back(u);
        }
    }
    if (conn_uses.empty())
        return;

    // When each send began at the latest: the sender's previous record.
    std::vector<RecordId> sends;
    for (const auto &[c, uses] : conn_uses)
        for (const Use &u : uses)
            sends.push_back(u.send);
    std::sort(sends.begin(), sends.end());
    sends.erase(std::unique(sends.begin(), sends.end()), sends.end());
    std::unordered_map<RecordId, std::uint64_t> began_after; // send -> ts
    {
        std::unordered_map<ThreadId, std::uint64_t> last_ts;
        size_t next = 0;
        for (RecordId rid = 0; rid < records.size() && next < sends.size(); rid++) {
            const ThreadId t = procs.thread_of[rid];
            if (rid == sends[next]) {
                auto it = last_ts.find(t);
                began_after[rid] = it == last_ts.end() ? 0 : it->second;
                next++;
            }
            if (t != kNoThread)
                last_ts[t] = records[rid].ts_ns();
        }
    }

    // Which uuids fit each connection.
    const auto ts = [&](RecordId r) { return records[r].ts_ns(); };
    const auto fits = [&](ConnectionId c, std::vector<Use> &cu, StrId uuid,
                          std::vector<Use> &uu) {
        const ProcessId p1 = first_process(uuid);
        const Connection &conn = procs.connections[c];
        const Process &proc = procs.processes[conn.process];
        if (cu.size() != uu.size() || proc.src != procs.processes[p1].src ||
            !(conn.broker == p1 || conn.broker == kNoProcess))
            return false;
        for (size_t k = 0; k < cu.size(); k++) {
            const Use &a = cu[k], &b = uu[k];
            if (a.matchtag != b.matchtag || a.key != b.key)
                return false;
            if (began_after.at(a.send) > ts(b.recv))
                return false;
            if (a.receipt != kNoRecord && ts(b.recv) > ts(a.receipt))
                return false;
        }
        return true;
    };
    for (auto &[c, uses] : conn_uses)
        std::sort(uses.begin(), uses.end(), by_key);
    for (auto &[uuid, uses] : uuid_uses)
        std::sort(uses.begin(), uses.end(), by_key);
    // Candidates without comparing every connection with every uuid: uuids
    // by first hop and sequence of requests, in the time of their first
    // receive, which must lie in the window of the connection's first use.
    const auto signature = [](const std::vector<Use> &uses) {
        std::uint64_t h = uses.size();
        for (const Use &u : uses)
            h = mix(mix(h, u.matchtag), u.key);
        return h;
    };
    std::map<std::pair<ProcessId, std::uint64_t>,
             std::vector<std::pair<std::uint64_t, StrId>>>
        by_signature; // (first hop, signature) -> (first receive's time, uuid), sorted
    std::set<ProcessId> first_hops;
    for (const auto &[uuid, uu] : uuid_uses) {
        const ProcessId p1 = first_process(uuid);
        first_hops.insert(p1);
        by_signature[{p1, signature(uu)}].push_back({ts(uu.front().recv), uuid});
    }
    for (auto &[key, list] : by_signature)
        std::sort(list.begin(), list.end());
    std::map<ConnectionId, std::set<StrId>> choices;
    std::map<StrId, std::set<ConnectionId>> chosen_by;
    for (auto &[c, cu] : conn_uses) {
        const Connection &conn = procs.connections[c];
        const std::uint64_t sig = signature(cu);
        const std::uint64_t lo = began_after.at(cu.front().send);
        const std::uint64_t hi =
            cu.front().receipt == kNoRecord ? UINT64_MAX : ts(cu.front().receipt);
        for (const ProcessId p1 : first_hops) {
            if (conn.broker != kNoProcess && conn.broker != p1)
                continue;
            auto it = by_signature.find({p1, sig});
            if (it == by_signature.end())
                continue;
            const auto &list = it->second;
            for (auto u = std::lower_bound(list.begin(), list.end(),
                                           std::make_pair(lo, StrId{0}));
                 u != list.end() && u->first <= hi; ++u)
                if (fits(c, cu, u->second, uuid_uses.at(u->second))) {
                    choices[c].insert(u->second);
                    chosen_by[u->second].insert(c);
                }
        }
    }
    for (bool progress = true; progress;) {
        progress = false;
        for (auto it = choices.begin(); it != choices.end();) {
            if (it->second.size() != 1) {
                ++it;
                continue;
            }
            const ConnectionId c = it->first;
            const StrId uuid = *it->second.begin();
            assign(uuid, c);
            for (const ConnectionId other : chosen_by[uuid])
                if (other != c)
                    choices[other].erase(uuid);
            it = choices.erase(it);
            progress = true;
        }
    }
}

} // namespace fluxtrace::hb
