#include "kvs_table.hpp"

#include "kvs_payloads.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace fluxtrace::hb {

namespace {

bool is_lookup(std::string_view topic) {
    return topic == "kvs.lookup" || topic == "kvs-watch.lookup" ||
           topic == "kvs.lookup-plus";
}

} // namespace

void KvsTable::build(const std::vector<Record> &records, Fields &fields,
                     const ProcessTable &procs, const MessageTable &msgs,
                     const RuntimeTable &runtime, std::vector<Edge> &edges) {
    const auto decode = [&](RecordId rid) {
        const Record &r = records[rid];
        return decode_payload(fields.bytes(r, field::msg::payload),
                              fields.u64(r, field::msg::payload_len));
    };
    const auto instance_of = [&](RecordId rid) {
        return procs.processes[procs.process_of(rid)].instance;
    };
    std::map<MessageId, CommitId> commit_by_message;

    // Commits and reads seen as messages.
    for (MessageId id = 0; id < msgs.messages.size(); id++) {
        const Message &m = msgs.messages[id];
        if (m.request_payload == kNoRecord)
            continue;
        if (m.topic_text == "kvs.commit") {
            Commit c;
            c.message = id;
            c.request = m.send != kNoRecord ? m.send : m.server_recv;
            if (c.request == kNoRecord)
                continue;
            c.process = procs.process_of(c.request);
            c.instance = procs.processes[c.process].instance;
            const auto payload = decode(m.request_payload);
            c.payload = payload.status;
            if (payload.status == PayloadStatus::Decoded) {
                auto request = commit_request(payload.json);
                c.ns = std::move(request.ns);
                c.ops = std::move(request.ops);
            }
            for (const Response &r : m.responses) {
                if (r.errnum != 0)
                    continue;
                if (c.completed == kNoRecord)
                    c.completed = r.receipt;
                const RecordId at = r.receipt != kNoRecord ? r.receipt : r.server_send;
                if (at == kNoRecord)
                    continue;
                const auto resp = decode(at);
                if (resp.status == PayloadStatus::Decoded)
                    c.rootseq = root_version(resp.json).rootseq;
                break;
            }
            const ProcessId server =
                m.server_recv != kNoRecord ? procs.process_of(m.server_recv) : kNoProcess;
            c.rootseq_exact = server != kNoProcess
                                  ? procs.processes[server].role == ProcessRole::Broker &&
                                        procs.processes[server].rank == 0
                                  : procs.processes[c.process].rank == 0;
            commit_by_message[id] = static_cast<CommitId>(commits.size());
            commits.push_back(std::move(c));
        } else if (is_lookup(m.topic_text)) {
            const auto request = decode(m.request_payload);
            for (const Response &r : m.responses) {
                if (r.receipt == kNoRecord || r.errnum != 0)
                    continue;
                Read rd;
                rd.message = id;
                rd.record = r.receipt;
                rd.process = procs.process_of(r.receipt);
                rd.instance = procs.processes[rd.process].instance;
                rd.ns = "primary"; // until the request or the API says otherwise
                if (request.status == PayloadStatus::Decoded) {
                    auto asked = lookup_request(request.json);
                    rd.key = std::move(asked.key);
                    rd.ns = std::move(asked.ns);
                    rd.flags = asked.flags;
                }
                const auto response = decode(r.receipt);
                if (response.status == PayloadStatus::Decoded) {
                    const LookupValue value = lookup_value(response.json);
                    if (!value.has_value)
                        continue; // lookup-plus answers without a value
                    rd.has_hash = value.hash.has_value();
                    rd.hash = value.hash.value_or(0);
                }
                reads.push_back(std::move(rd));
            }
        }
    }

    // The API's view: transactions, commits, values, versions.
    std::map<std::pair<ProcessId, std::uint64_t>, std::vector<KvsOp>> txns;
    std::map<MessageId, std::vector<ReadId>> reads_by_message;
    for (ReadId id = 0; id < reads.size(); id++)
        reads_by_message[reads[id].message].push_back(id);
    for (RecordId rid = 0; rid < records.size(); rid++) {
        const Record &r = records[rid];
        const ProcessId p = procs.process_of(rid);
        switch (r.kind()) {
        case EventKind::KvsTxn: {
            const std::pair<ProcessId, std::uint64_t> key{
                p, fields.u64(r, field::kvs_txn::txn)};
            const std::int64_t op = fields.i64(r, field::kvs_txn::op);
            if (fields.i64(r, field::kvs_txn::rc) < 0)
                break;
            if (op == code(TxnOp::Create) || op == code(TxnOp::Clear))
                txns[key].clear();
            else if (op == code(TxnOp::Destroy))
                txns.erase(key);
            else if (op >= code(TxnOp::Put) && op <= code(TxnOp::Symlink)) {
                KvsOp o;
                o.key = normalize_key(fields.str(r, field::kvs_txn::key));
                o.flags = static_cast<std::int32_t>(fields.i64(r, field::kvs_txn::flags));
                o.has_hash = fields.u64(r, field::kvs_txn::has_hash) != 0 &&
                             op != code(TxnOp::Pack) && op != code(TxnOp::PutTreeobj) &&
                             op != code(TxnOp::Mkdir) && op != code(TxnOp::Unlink);
                o.hash = o.has_hash ? fields.u64(r, field::kvs_txn::value_hash) : 0;
                txns[key].push_back(std::move(o));
            }
            break;
        }
        case EventKind::KvsCommit: {
            const FutureId f = runtime.future_of(rid);
            const MessageId m = f == kNoFuture ? kNoMessage : runtime.futures[f].message;
            auto it = commit_by_message.find(m);
            CommitId id;
            if (it == commit_by_message.end()) {
                // Its request was not recorded: no edge can start from it.
                Commit c;
                c.process = p;
                c.instance = procs.processes[p].instance;
                c.ns = namespace_name(fields.str(r, field::kvs_commit::ns));
                c.payload = PayloadStatus::NotKept;
                id = static_cast<CommitId>(commits.size());
                commits.push_back(std::move(c));
                if (m != kNoMessage)
                    commit_by_message[m] = id;
            } else {
                id = it->second;
            }
            Commit &c = commits[id];
            c.api = rid;
            if (c.payload != PayloadStatus::Decoded) {
                auto t = txns.find({p, fields.u64(r, field::kvs_commit::txn)});
                if (t != txns.end())
                    c.ops = t->second;
                if (c.ns.empty())
                    c.ns = namespace_name(fields.str(r, field::kvs_commit::ns));
            }
            break;
        }
        case EventKind::KvsResult: {
            if (fields.i64(r, field::kvs_result::api) !=
                    code(ResultApi::CommitSequence) ||
                fields.i64(r, field::kvs_result::rc) < 0)
                break;
            const FutureId f = runtime.future_of(rid);
            if (f == kNoFuture)
                break;
            auto it = commit_by_message.find(runtime.futures[f].message);
            if (it != commit_by_message.end() && commits[it->second].rootseq < 0)
                commits[it->second].rootseq = fields.i64(r, field::kvs_result::seq, -1);
            break;
        }
        case EventKind::KvsValue: {
            const FutureId f = runtime.future_of(rid);
            if (f == kNoFuture || fields.i64(r, field::kvs_value::rc) < 0)
                break;
            const Future &fu = runtime.futures[f];
            // The receipt it read: the last one before it on its thread.
            ReadId target = kNoRead;
            auto it = reads_by_message.find(fu.message);
            if (fu.message != kNoMessage && it != reads_by_message.end())
                for (const ReadId id : it->second)
                    if (procs.thread_of[reads[id].record] == procs.thread_of[rid] &&
                        reads[id].record < rid && reads[id].api == kNoRecord)
                        target = id;
            if (target == kNoRead) {
                Read rd;
                rd.process = p;
                rd.instance = procs.processes[p].instance;
                rd.message = fu.message;
                rd.record = rid;
                rd.key = normalize_key(fu.key);
                rd.flags = fu.lookup_flags;
                rd.ns = "primary";
                if (fu.lookup != kNoRecord)
                    rd.ns = namespace_name(
                        fields.str(records[fu.lookup], field::kvs_lookup::ns));
                target = static_cast<ReadId>(reads.size());
                reads.push_back(std::move(rd));
            }
            Read &rd = reads[target];
            rd.api = rid;
            if (!rd.has_hash && fields.u64(r, field::kvs_value::has_hash) != 0) {
                rd.has_hash = true;
                rd.hash = fields.u64(r, field::kvs_value::value_hash);
            }
            if (rd.key.empty()) {
                rd.key = normalize_key(fu.key);
                if (fu.lookup != kNoRecord)
                    rd.ns = namespace_name(
                        fields.str(records[fu.lookup], field::kvs_lookup::ns));
            }
            break;
        }
        case EventKind::KvsVersion: {
            if (fields.i64(r, field::kvs_version::rc) < 0)
                break;
            VersionPoint v;
            v.record = rid;
            v.instance = procs.processes[p].instance;
            v.ns = namespace_name(fields.str(r, field::kvs_version::ns));
            v.version = fields.i64(r, field::kvs_version::version, -1);
            if (fields.i64(r, field::kvs_version::api) == code(VersionApi::Wait))
                waits.push_back(std::move(v));
            else
                versions.push_back(std::move(v)); // resolved to a commit below
            break;
        }
        default:
            break;
        }
    }

    // Version observations from messages (a private libkvs): getroot answers
    // after a commit, wait-version requests.
    for (const Message &m : msgs.messages) {
        if (m.topic_text != "kvs.getroot" && m.topic_text != "kvs.wait-version")
            continue;
        if (m.send == kNoRecord || m.request_payload == kNoRecord)
            continue;
        for (const Response &r : m.responses) {
            if (r.receipt == kNoRecord || r.errnum != 0)
                continue;
            VersionPoint v;
            v.record = r.receipt;
            v.instance = instance_of(r.receipt);
            if (m.topic_text == "kvs.wait-version") {
                const auto req = decode(m.request_payload);
                if (req.status != PayloadStatus::Decoded)
                    break;
                auto named = root_version(req.json);
                v.ns = std::move(named.ns);
                v.version = named.rootseq;
                waits.push_back(std::move(v));
            } else {
                const auto resp = decode(r.receipt);
                if (resp.status != PayloadStatus::Decoded)
                    break;
                auto named = root_version(resp.json);
                v.ns = std::move(named.ns);
                v.version = named.rootseq;
                versions.push_back(std::move(v));
            }
            break;
        }
    }
    // A version read back by the committer after its commit completed contains
    // that commit (read-your-writes on the committing rank); a rank-0 answer
    // to a commit names its version exactly.
    {
        std::map<ThreadId, std::vector<CommitId>> by_thread; // completed commits
        for (CommitId id = 0; id < commits.size(); id++)
            if (commits[id].request != kNoRecord && commits[id].completed != kNoRecord)
                by_thread[procs.thread_of[commits[id].completed]].push_back(id);
        std::vector<VersionPoint> known;
        for (const VersionPoint &v : versions) {
            auto it = by_thread.find(procs.thread_of[v.record]);
            if (it == by_thread.end() || v.version < 0)
                continue;
            CommitId last = kNoCommit;
            for (const CommitId id : it->second)
                if (procs.epoch_of[commits[id].completed] < procs.epoch_of[v.record] &&
                    commits[id].ns == v.ns)
                    last = id;
            if (last != kNoCommit)
                known.push_back({commits[last].request, v.instance, v.ns, v.version});
        }
        for (const Commit &c : commits)
            if (c.rootseq_exact && c.rootseq >= 0 && c.request != kNoRecord)
                known.push_back({c.request, c.instance, c.ns, c.rootseq});
        versions = std::move(known);
    }
    // commit in version V -> wait_version(V' >= V): per writing thread, the last
    // commit (in its program order) known to be in a version <= V'.
    {
        using Group = std::tuple<InstanceId, std::string, ThreadId>;
        std::map<Group, std::vector<std::pair<std::int64_t, RecordId>>> marks;
        for (const VersionPoint &v : versions)
            marks[{v.instance, v.ns, procs.thread_of[v.record]}].push_back(
                {v.version, v.record});
        for (auto &[g, list] : marks) {
            (void)g;
            std::sort(list.begin(), list.end());
            for (size_t i = 1; i < list.size(); i++) // keep the latest in program order
                if (procs.epoch_of[list[i - 1].second] > procs.epoch_of[list[i].second])
                    list[i].second = list[i - 1].second;
        }
        for (const VersionPoint &w : waits)
            for (auto it = marks.lower_bound({w.instance, w.ns, 0});
                 it != marks.end() && std::get<0>(it->first) == w.instance &&
                 std::get<1>(it->first) == w.ns;
                 ++it) {
                const auto &list = it->second;
                auto upto = std::upper_bound(
                    list.begin(), list.end(), w.version,
                    [](std::int64_t v, const std::pair<std::int64_t, RecordId> &m) {
                        return v < m.first;
                    });
                if (upto != list.begin())
                    edges.push_back(
                        {std::prev(upto)->second, w.record, EdgeKind::KvsVersion});
            }
    }

    // commit -> read, by key and value hash.
    std::map<std::tuple<InstanceId, std::string, std::string, std::uint64_t>,
             std::vector<CommitId>>
        writers;
    for (CommitId id = 0; id < commits.size(); id++)
        for (const KvsOp &op : commits[id].ops)
            if (op.has_hash) {
                auto &w =
                    writers[{commits[id].instance, commits[id].ns, op.key, op.hash}];
                if (w.empty() || w.back() != id)
                    w.push_back(id);
            }
    for (ReadId id = 0; id < reads.size(); id++) {
        Read &rd = reads[id];
        if (!rd.has_hash) {
            rd.observed = Observed::NoHash;
            continue;
        }
        auto it = writers.find({rd.instance, rd.ns, rd.key, rd.hash});
        if (it == writers.end()) {
            rd.observed = Observed::Unknown;
            continue;
        }
        const auto &cands = it->second;
        CommitId pick = kNoCommit;
        if (cands.size() == 1) {
            rd.observed = Observed::Unique;
            pick = cands.front();
        } else {
            // Several commits wrote it.  If one thread made them all, the read
            // saw one of them, so it is after the first.
            const ThreadId t = commits[cands.front()].request == kNoRecord
                                   ? kNoThread
                                   : procs.thread_of[commits[cands.front()].request];
            bool same = t != kNoThread;
            for (const CommitId c : cands)
                same = same && commits[c].request != kNoRecord &&
                       procs.thread_of[commits[c].request] == t;
            if (same) {
                rd.observed = Observed::SameWriter;
                pick = *std::min_element(cands.begin(), cands.end(),
                                         [&](CommitId a, CommitId b) {
                                             return procs.epoch_of[commits[a].request] <
                                                    procs.epoch_of[commits[b].request];
                                         });
            } else {
                rd.observed = Observed::Ambiguous;
            }
        }
        rd.commit = pick;
        if (pick != kNoCommit) {
            commits[pick].observers.push_back(id);
            if (commits[pick].request != kNoRecord)
                edges.push_back({commits[pick].request, rd.record, EdgeKind::KvsValue});
        }
    }

    for (CommitId id = 0; id < commits.size(); id++) {
        const Commit &c = commits[id];
        for (const RecordId r : {c.request, c.api})
            if (r != kNoRecord)
                commit_of_.push_back({r, id});
        if (c.message != kNoMessage &&
            msgs.messages[c.message].server_recv != kNoRecord &&
            msgs.messages[c.message].server_recv != c.request)
            commit_of_.push_back({msgs.messages[c.message].server_recv, id});
    }
    for (ReadId id = 0; id < reads.size(); id++)
        for (const RecordId r : {reads[id].record, reads[id].api})
            if (r != kNoRecord)
                read_of_.push_back({r, id});
    std::sort(commit_of_.begin(), commit_of_.end());
    std::sort(read_of_.begin(), read_of_.end());
    read_of_.erase(std::unique(read_of_.begin(), read_of_.end()), read_of_.end());
}

CommitId KvsTable::commit_of(RecordId r) const {
    auto it = std::lower_bound(commit_of_.begin(), commit_of_.end(),
                               std::make_pair(r, CommitId{0}));
    return it != commit_of_.end() && it->first == r ? it->second : kNoCommit;
}

ReadId KvsTable::read_of(RecordId r) const {
    auto it =
        std::lower_bound(read_of_.begin(), read_of_.end(), std::make_pair(r, ReadId{0}));
    return it != read_of_.end() && it->first == r ? it->second : kNoRead;
}

std::vector<std::pair<CommitId, size_t>> KvsTable::writes_of(std::string_view key) const {
    const std::string k = normalize_key(key);
    std::vector<std::pair<CommitId, size_t>> out;
    for (CommitId id = 0; id < commits.size(); id++)
        for (size_t i = 0; i < commits[id].ops.size(); i++)
            if (commits[id].ops[i].key == k)
                out.push_back({id, i});
    return out;
}

std::vector<ReadId> KvsTable::reads_of(std::string_view key) const {
    const std::string k = normalize_key(key);
    std::vector<ReadId> out;
    for (ReadId id = 0; id < reads.size(); id++)
        if (reads[id].key == k)
            out.push_back(id);
    return out;
}

} // namespace fluxtrace::hb
