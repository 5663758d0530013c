// The causal model in a few lines, for `fluxtrace-analyze --summary`: the role
// of every process, how many messages were paired end to end, the edges of each
// rule, and what the KVS records tied together.  Names roles and services,
// never pids or uuids, so the text compares across runs.
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <tuple>

#include "model.hpp"

namespace fluxtrace::hb {

// Message pairing counts for one (requester kind, service) row.
struct PairingRow {
    std::uint64_t requests = 0;        // sent by a traced requester
    std::uint64_t paired = 0;          // ... and received by the server
    std::uint64_t server_only = 0;     // received, sender not traced or not told apart
    std::uint64_t disconnects = 0;     // X.disconnect a broker sent for a requester
    std::uint64_t receipts = 0;        // responses the requester received
    std::uint64_t requeued = 0;        // ... received again after a flux_requeue
    std::uint64_t receipts_paired = 0; // ... paired with the server's send
    std::uint64_t server_sends = 0;    // responses the server sent
};

struct ModelStats {
    // (requester, service) -> counts
    std::map<std::pair<std::string, std::string>, PairingRow> pairing;
    // requester -> counts of the messages seen in more than one source (one
    // source per host when the input holds several hosts)
    std::map<std::string, PairingRow> across_sources;
    std::map<std::string, std::uint64_t> unpaired_client_topics;
    std::uint64_t events = 0, events_published = 0, deliveries = 0, deliveries_linked = 0;
    std::uint64_t edges[static_cast<size_t>(EdgeKind::kCount)] = {};
};

ModelStats model_stats(const Model &model);
void print_model_summary(std::ostream &out, const Model &model);

} // namespace fluxtrace::hb
