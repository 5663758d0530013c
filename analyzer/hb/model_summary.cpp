#include "model_summary.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <set>
#include <vector>

#include "analyzer/printable.hpp"
#include "process_ends.hpp"

namespace fluxtrace::hb {

namespace {

std::string service_of(std::string_view topic) {
    return std::string(topic.substr(0, topic.find('.')));
}

// The process's own name (a fork child of the broker is "rexec", not
// "flux-broker"), else its executable's.
std::string program_of(const Process &p) {
    if (!p.procname.empty())
        return std::string(p.procname);
    std::string_view exe = p.exe;
    const auto slash = exe.rfind('/');
    return std::string(slash == std::string_view::npos ? exe : exe.substr(slash + 1));
}

std::string counted(const std::map<std::string, std::uint64_t> &names) {
    std::string out;
    for (const auto &[name, n] : names) {
        if (!out.empty())
            out += ", ";
        // Process names and topics come from the trace: printed safely.
        out += n == 1 ? printable(name) : fmt::format("{} x{}", printable(name), n);
    }
    return out;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    return whole == 0 ? std::string("-") : fmt::format("{:.1f}%", 100.0 * part / whole);
}

void count_message(PairingRow &row, const Message &m) {
    if (m.send != kNoRecord) {
        row.requests++;
        row.paired += m.server_recv != kNoRecord;
    } else if (m.server_recv != kNoRecord) {
        const std::string_view suffix = ".disconnect";
        const bool disconnect =
            m.topic_text.size() >= suffix.size() &&
            m.topic_text.substr(m.topic_text.size() - suffix.size()) == suffix;
        (disconnect ? row.disconnects : row.server_only)++;
    }
    for (const Response &r : m.responses) {
        if (r.receipt != kNoRecord) {
            row.receipts++;
            row.requeued += r.requeued;
            if (r.server_send != kNoRecord)
                row.receipts_paired++;
        }
        if (r.server_send != kNoRecord)
            row.server_sends++;
    }
}

// Whether each message was seen (any hop) in more than one source.
std::vector<bool> crossed_sources(const Model &model) {
    const auto &msgs = model.messages();
    constexpr std::uint32_t kUnseen = ~0u;
    std::vector<std::uint32_t> first_source(msgs.messages.size(), kUnseen);
    std::vector<bool> crossed(msgs.messages.size(), false);
    for (const auto &[r, id] : msgs.message_records()) {
        const std::uint32_t src = model.records()[r].src();
        if (first_source[id] == kUnseen)
            first_source[id] = src;
        else if (first_source[id] != src)
            crossed[id] = true;
    }
    return crossed;
}

} // namespace

ModelStats model_stats(const Model &model) {
    ModelStats s;
    const auto &msgs = model.messages();
    const std::vector<bool> crossed = crossed_sources(model);
    for (MessageId id = 0; id < msgs.messages.size(); id++) {
        const Message &m = msgs.messages[id];
        const std::string requester(requester_name(m.requester));
        count_message(s.pairing[{requester, service_of(m.topic_text)}], m);
        if (crossed[id])
            count_message(s.across_sources[requester], m);
        if (m.send != kNoRecord && m.server_recv == kNoRecord &&
            m.requester == Requester::Client)
            s.unpaired_client_topics[std::string(m.topic_text)]++;
    }
    for (const Event &e : msgs.events) {
        s.events++;
        s.deliveries += e.deliveries.size();
        if (e.publish != kNoRecord) {
            s.events_published++;
            s.deliveries_linked += e.deliveries.size();
        }
    }
    for (const Edge &e : model.relation().edges())
        s.edges[static_cast<size_t>(e.kind)]++;
    return s;
}

void print_model_summary(std::ostream &out, const Model &model) {
    const ProcessTable &procs = model.processes();

    // Processes by instance and role.
    std::map<InstanceId, std::vector<ProcessId>> by_instance;
    for (ProcessId p = 0; p < procs.processes.size(); p++)
        by_instance[procs.processes[p].instance].push_back(p);
    std::uint64_t brokers = 0, clients = 0, others = 0;
    for (const Process &p : procs.processes) {
        brokers += p.role == ProcessRole::Broker;
        clients += p.role == ProcessRole::Client;
        others += p.role != ProcessRole::Broker && p.role != ProcessRole::Client;
    }
    fmt::print(out, "causal model:\n");
    fmt::print(out,
               "  processes: {} ({} brokers, {} clients, {} others) in {} instance{}\n",
               procs.processes.size(), brokers, clients, others, by_instance.size(),
               by_instance.size() == 1 ? "" : "s");
    size_t shown = 0;
    for (const auto &[instance, members] : by_instance) {
        std::map<std::int32_t, std::vector<ProcessId>> brokers_by_rank;
        std::map<std::int32_t, std::map<std::string, std::uint64_t>> clients_by_rank;
        std::map<std::string, std::uint64_t> rest;
        for (const ProcessId p : members) {
            const Process &proc = procs.processes[p];
            if (proc.role == ProcessRole::Broker)
                brokers_by_rank[proc.rank].push_back(p);
            else if (proc.role == ProcessRole::Client)
                clients_by_rank[proc.rank][program_of(proc)]++;
            else
                rest[fmt::format("{} ({})", program_of(proc),
                                 process_role_name(proc.role))]++;
        }
        if (brokers_by_rank.empty() && clients_by_rank.empty() && shown > 0)
            continue; // a lone process of its own
        shown++;
        fmt::print(out, "  instance {}:\n", shown - 1);
        for (const auto &[rank, list] : brokers_by_rank)
            for (const ProcessId p : list) {
                const Process &proc = procs.processes[p];
                std::map<ThreadRole, std::uint64_t> roles;
                std::set<std::string> services;
                for (const ThreadId t : proc.threads) {
                    roles[procs.threads[t].role]++;
                    if (!procs.threads[t].service.empty())
                        services.insert(std::string(procs.threads[t].service));
                }
                std::string modules;
                for (const auto &svc : services)
                    modules += (modules.empty() ? "" : " ") + svc;
                fmt::print(
                    out,
                    "    broker rank {} of {}: {} threads ({} main, {} routers, {} "
                    "modules, {} other){}\n",
                    rank, proc.size, proc.threads.size(), roles[ThreadRole::Main],
                    roles[ThreadRole::Router], roles[ThreadRole::Module],
                    roles[ThreadRole::Worker],
                    modules.empty() ? "" : "; serving: " + modules);
            }
        for (const auto &[rank, programs] : clients_by_rank) {
            std::uint64_t n = 0;
            for (const auto &[name, k] : programs)
                n += k;
            if (rank < 0)
                fmt::print(out, "    clients of no known rank: {} ({})\n", n,
                           counted(programs));
            else
                fmt::print(out, "    clients of rank {}: {} ({})\n", rank, n,
                           counted(programs));
        }
        if (!rest.empty())
            fmt::print(out, "    other processes: {}\n", counted(rest));
    }
    if (by_instance.size() > shown)
        fmt::print(out, "  lone processes of no known instance: {}\n",
                   by_instance.size() - shown);
    const auto unended = unended_processes(procs);
    if (!unended.empty()) // format 4 on: killed, crashed, _exit, or still running
        fmt::print(out, "  ended without exiting: {} ({})\n", unended.size(),
                   describe(procs, unended));

    const ModelStats s = model_stats(model);
    fmt::print(
        out, "  messages by requester and service (requests sent, paired with the "
             "server's receive;\n    responses received, paired with the server's send; "
             "hop-only: the requester untraced or not told apart):\n");
    fmt::print(out, "    {:<9} {:<18} {:>9} {:>9} {:>9} {:>9} {:>8} {:>11}\n",
               "requester", "service", "requests", "paired", "responses", "paired",
               "hop-only", "disconnects");
    for (const auto &[key, row] : s.pairing)
        if (row.requests + row.receipts + row.server_only + row.disconnects > 0)
            fmt::print(out, "    {:<9} {:<18} {:>9} {:>9} {:>9} {:>9} {:>8} {:>11}\n",
                       key.first, printable(key.second), row.requests, row.paired,
                       row.receipts, row.receipts_paired, row.server_only,
                       row.disconnects);
    PairingRow clients_total;
    for (const auto &[key, row] : s.pairing)
        if (key.first == "client") {
            clients_total.requests += row.requests;
            clients_total.paired += row.paired;
            clients_total.receipts += row.receipts;
            clients_total.receipts_paired += row.receipts_paired;
            clients_total.requeued += row.requeued;
        }
    fmt::print(out,
               "  client requests: {} sent, {} paired with a server-side receive ({}); "
               "responses: {} received, {} paired ({})\n",
               clients_total.requests, clients_total.paired,
               percent(clients_total.paired, clients_total.requests),
               clients_total.receipts, clients_total.receipts_paired,
               percent(clients_total.receipts_paired, clients_total.receipts));
    if (clients_total.requeued > 0)
        fmt::print(out,
                   "  client responses put back (flux_requeue) and received again: {} "
                   "times (counted above once per response)\n",
                   clients_total.requeued);
    if (!s.across_sources.empty()) {
        fmt::print(out, "  messages seen in more than one source (across hosts when each "
                        "host is a source):\n");
        fmt::print(out, "    {:<9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>11}\n", "requester",
                   "requests", "paired", "responses", "paired", "hop-only",
                   "disconnects");
        for (const auto &[requester, row] : s.across_sources)
            fmt::print(out, "    {:<9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>11}\n", requester,
                       row.requests, row.paired, row.receipts, row.receipts_paired,
                       row.server_only, row.disconnects);
    }
    if (!s.unpaired_client_topics.empty())
        fmt::print(out, "  unpaired client requests: {}\n",
                   counted(s.unpaired_client_topics));
    if (model.messages().ambiguous_connections > 0)
        fmt::print(
            out,
            "  client connections with no route uuid learned (requests unpaired): {}\n",
            model.messages().ambiguous_connections);

    fmt::print(out,
               "  events: {} sequence numbers, {} with their publication; {} deliveries, "
               "{} linked\n",
               s.events, s.events_published, s.deliveries, s.deliveries_linked);

    const KvsTable &kvs = model.kvs();
    std::uint64_t ops = 0, decoded = 0, with_request = 0;
    for (const Commit &c : kvs.commits) {
        ops += c.ops.size();
        decoded += c.payload == PayloadStatus::Decoded;
        with_request += c.request != kNoRecord;
    }
    std::map<Observed, std::uint64_t> observed;
    for (const Read &r : kvs.reads)
        observed[r.observed]++;
    fmt::print(
        out,
        "  kvs: {} commits ({} ops; {} decoded from their request, {} from the API "
        "only), {} reads and watch values\n",
        kvs.commits.size(), ops, decoded, kvs.commits.size() - with_request,
        kvs.reads.size());
    fmt::print(
        out,
        "    values tied to their commit: {} (one writer {}, several by one thread "
        "{}); ambiguous {}; no traced commit {}; value not seen {}\n",
        observed[Observed::Unique] + observed[Observed::SameWriter],
        observed[Observed::Unique], observed[Observed::SameWriter],
        observed[Observed::Ambiguous], observed[Observed::Unknown],
        observed[Observed::NoHash]);
    fmt::print(out,
               "    versions: {} commits in a known version, {} wait_version returns\n",
               kvs.versions.size(), kvs.waits.size());

    const HappensBefore &hb = model.relation();
    std::string kinds;
    std::uint64_t total = 0;
    for (size_t k = 0; k < static_cast<size_t>(EdgeKind::kCount); k++) {
        total += s.edges[k];
        if (s.edges[k] > 0)
            kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ",
                                 edge_kind_name(static_cast<EdgeKind>(k)), s.edges[k]);
    }
    fmt::print(out, "  happens-before: {} edges ({}) over {} threads\n", total,
               kinds.empty() ? "none" : kinds, hb.thread_count());
    if (!hb.dropped().empty()) {
        std::map<std::string, std::uint64_t> dropped;
        for (const Edge &e : hb.dropped())
            dropped[std::string(edge_kind_name(e.kind))]++;
        fmt::print(out, "    dropped as contradicting the rest: {}\n", counted(dropped));
    }
}

} // namespace fluxtrace::hb
