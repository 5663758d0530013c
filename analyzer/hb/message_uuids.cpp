#include "message_table.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "align.hpp"
#include "message_ops.hpp"

namespace fluxtrace::hb {

using namespace msg;

void MessageTable::learn_uuids(ProcessTable &procs, const std::set<ThreadId> &relays,
                               UuidRoutes &uuid_processes,
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
            uuid_connection_[pr.uuid] = pr.connection;
            taken.insert(pr.connection);
            Connection &conn = procs.connections[pr.connection];
            conn.uuid = text_[pr.uuid];
            conn.uuid_learned = true;
            // A connection over an inherited fd names no broker: its first hop does.
            const ProcessId p1 = first_process(pr.uuid);
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
            progress = true;
        }
    }
}

} // namespace fluxtrace::hb
