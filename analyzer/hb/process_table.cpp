#include "process_table.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>

namespace fluxtrace::hb {

std::string_view process_role_name(ProcessRole role) {
    switch (role) {
    case ProcessRole::Broker:
        return "broker";
    case ProcessRole::Client:
        return "client";
    case ProcessRole::ExecChild:
        return "exec child";
    case ProcessRole::Unknown:
        break;
    }
    return "unknown";
}

std::string_view thread_role_name(ThreadRole role) {
    switch (role) {
    case ThreadRole::Main:
        return "main";
    case ThreadRole::Router:
        return "router";
    case ThreadRole::Module:
        return "module";
    case ThreadRole::Worker:
        break;
    }
    return "worker";
}

namespace {

std::uint64_t key2(std::uint64_t a, std::uint32_t b) {
    return (a << 32) | b;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36)
        return false;
    for (size_t i = 0; i < s.size(); i++) {
        const char c = s[i];
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? c != '-' : !std::isxdigit(static_cast<unsigned char>(c)))
            return false;
    }
    return true;
}

std::string_view basename(std::string_view path) {
    const auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

struct ImageState {
    bool has_fluxtrace = false;
    bool has_attr_rank = false;
    bool opens_broker_handle = false;
    bool opens_handle = false;
    RecordId exec = kNoRecord; // its last successful-looking exec (pid == vpid)
    std::unordered_map<std::uint64_t, ConnectionId> handles;
};

struct LifeRecord {
    RecordId rid;
    ProcessId process;
    std::int64_t op;
    std::int64_t pid;
    std::uint64_t token;
};

class UnionFind {
  public:
    explicit UnionFind(size_t n) : parent_(n) {
        std::iota(parent_.begin(), parent_.end(), 0);
    }
    size_t find(size_t x) {
        while (parent_[x] != x)
            x = parent_[x] = parent_[parent_[x]];
        return x;
    }
    void unite(size_t a, size_t b) {
        a = find(a);
        b = find(b);
        if (a != b)
            parent_[std::max(a, b)] = std::min(a, b);
    }

  private:
    std::vector<size_t> parent_;
};

} // namespace

void ProcessTable::build(const std::vector<Record> &records, Fields &fields,
                         std::vector<Edge> &edges) {
    const auto n = static_cast<RecordId>(records.size());
    thread_of.assign(n, kNoThread);
    epoch_of.assign(n, 0);
    std::vector<ImageState> state;
    std::unordered_map<std::uint64_t, ProcessId> current;       // (src, vpid)
    std::unordered_map<std::uint64_t, ProcessId> exec_children; // (src, pid), pending
    std::unordered_map<std::uint64_t, std::vector<ProcessId>> images; // (src, vpid)
    std::unordered_map<std::uint64_t, ThreadId> thread_ids;           // (process, vtid)
    std::vector<LifeRecord> life;
    std::vector<Epoch> length; // per thread: its records so far

    const auto new_process = [&](std::uint16_t src, std::int32_t vpid, RecordId rid) {
        const auto id = static_cast<ProcessId>(processes.size());
        Process p;
        p.src = src;
        p.vpid = vpid;
        p.first = rid;
        p.procname = records[rid].procname();
        processes.push_back(p);
        state.emplace_back();
        return id;
    };
    const auto connection_for = [&](ProcessId p, std::uint64_t h) {
        auto &handles = state[p].handles;
        auto it = handles.find(h);
        if (it != handles.end())
            return it->second;
        const auto id = static_cast<ConnectionId>(connections.size());
        Connection c;
        c.process = p;
        c.h = h;
        connections.push_back(c);
        handles.emplace(h, id);
        return id;
    };

    for (RecordId rid = 0; rid < n; rid++) {
        const Record &r = records[rid];
        const std::uint16_t src = r.src();
        const std::int32_t vpid = r.vpid();
        const std::uint64_t key = key2(src, static_cast<std::uint32_t>(vpid));
        const EventKind kind = r.kind();
        ProcessId p = kNoProcess;
        std::int32_t vtid = r.vtid();

        if (kind == EventKind::Life &&
            fields.i64(r, field::life::op) == code(LifeOp::Exec) &&
            fields.i64(r, field::life::pid) > 0 &&
            fields.i64(r, field::life::pid) != vpid) {
            // A fork child that kept its parent's vpid (the fork bypassed the
            // hooks): its exec attempts are its own, not its parent's thread's.
            const auto pid = static_cast<std::int32_t>(fields.i64(r, field::life::pid));
            const std::uint64_t child_key = key2(src, static_cast<std::uint32_t>(pid));
            auto it = exec_children.find(child_key);
            if (it == exec_children.end()) {
                p = new_process(src, pid, rid);
                processes[p].role = ProcessRole::ExecChild;
                processes[p].ppid = vpid;
                auto parent = current.find(key);
                if (parent != current.end())
                    processes[p].parent = parent->second;
                it = exec_children.emplace(child_key, p).first;
            }
            p = it->second;
            vtid = pid;
            state[p].exec = rid;
        } else {
            auto it = current.find(key);
            const bool after_exec =
                it != current.end() && state[it->second].exec != kNoRecord &&
                !(kind == EventKind::Life &&
                  fields.i64(r, field::life::op) == code(LifeOp::Exec));
            if (kind == EventKind::Process || it == current.end() || after_exec) {
                const ProcessId prev = it == current.end() ? kNoProcess : it->second;
                const bool adopt = kind == EventKind::Process && prev != kNoProcess &&
                                   processes[prev].process_record == kNoRecord &&
                                   !state[prev].has_fluxtrace;
                if (adopt) {
                    p = prev; // records of the same image that came before its `process`
                } else {
                    p = new_process(src, vpid, rid);
                    images[key].push_back(p);
                    current[key] = p;
                    RecordId exec = prev == kNoProcess ? kNoRecord : state[prev].exec;
                    ProcessId from = prev;
                    auto child = exec_children.find(key);
                    if (child != exec_children.end()) {
                        exec = state[child->second].exec;
                        from = child->second;
                        processes[p].parent = processes[from].parent;
                        exec_children.erase(child);
                    }
                    if (exec != kNoRecord) {
                        processes[p].previous_image = from;
                        if (processes[p].parent == kNoProcess)
                            processes[p].parent = processes[from].parent;
                        edges.push_back({exec, rid, EdgeKind::Exec});
                    }
                }
                if (kind == EventKind::Process) {
                    Process &proc = processes[p];
                    proc.process_record = rid;
                    proc.ppid = static_cast<std::int32_t>(
                        fields.i64(r, field::process::ppid, -1));
                    proc.exe = fields.str(r, field::process::exe);
                    proc.flux_uri = fields.str(r, field::process::flux_uri);
                    proc.procname = r.procname();
                    proc.format = fields.u64(r, field::process::format_version);
                }
            } else {
                p = it->second;
            }
        }

        ImageState &st = state[p];
        if (r.is_fluxtrace() && kind != EventKind::Foreign)
            st.has_fluxtrace = true;
        const std::uint64_t tkey = key2(p, static_cast<std::uint32_t>(vtid));
        auto t = thread_ids.find(tkey);
        if (t == thread_ids.end()) {
            const auto id = static_cast<ThreadId>(threads.size());
            Thread th;
            th.process = p;
            th.vtid = vtid;
            threads.push_back(th);
            length.push_back(0);
            processes[p].threads.push_back(id);
            t = thread_ids.emplace(tkey, id).first;
        }
        Thread &th = threads[t->second];
        thread_of[rid] = t->second;
        epoch_of[rid] = ++length[t->second];

        switch (kind) {
        case EventKind::Handle: {
            const std::int64_t op = fields.i64(r, field::handle::op);
            const std::uint64_t h = fields.u64(r, field::handle::h);
            if (h == 0)
                break;
            if (op == code(HandleOp::Open)) {
                const auto id = static_cast<ConnectionId>(connections.size());
                Connection c;
                c.process = p;
                c.opened = rid;
                c.h = h;
                c.uri = fields.str(r, field::handle::uri);
                constexpr std::string_view kInterthread = "interthread://";
                if (c.uri.substr(0, kInterthread.size()) == kInterthread) {
                    const auto name = c.uri.substr(kInterthread.size());
                    if (is_uuid(name))
                        c.uuid = name;
                    else if (name == "broker")
                        st.opens_broker_handle = true;
                    else if (name == "overlay")
                        th.role = ThreadRole::Router;
                }
                connections.push_back(c);
                st.handles[h] = id;
                st.opens_handle = true;
            } else if (op == code(HandleOp::Clone)) {
                const ConnectionId orig =
                    connection_for(p, fields.u64(r, field::handle::orig));
                st.handles[h] = orig;
            } else if (op == code(HandleOp::Close)) {
                // flux_close only drops a reference (clones and flux_incref hold
                // others): the connection may live on under the same address, and
                // a new one there starts with its own open record.
                connection_for(p, h);
            }
            break;
        }
        case EventKind::Attr: {
            const auto name = fields.str(r, field::attr::attr);
            const auto value = fields.str(r, field::attr::value);
            Process &proc = processes[p];
            if (name == "rank" && !value.empty()) {
                proc.rank = static_cast<std::int32_t>(
                    std::strtol(std::string(value).c_str(), nullptr, 10));
                st.has_attr_rank = true;
            } else if (name == "size" && !value.empty()) {
                proc.size = static_cast<std::int32_t>(
                    std::strtol(std::string(value).c_str(), nullptr, 10));
            } else if (name == "local-uri") {
                proc.local_uri = value;
            }
            break;
        }
        case EventKind::Life: {
            const LifeRecord l{rid, p, fields.i64(r, field::life::op),
                               fields.i64(r, field::life::pid, -1),
                               fields.u64(r, field::life::token)};
            life.push_back(l);
            if (l.op == code(LifeOp::Exec) && l.pid == vpid) {
                st.exec = rid;
                processes[p].ended = true;
            }
            if (l.op == code(LifeOp::Exit))
                processes[p].ended = true;
            break;
        }
        default:
            break;
        }
        if (kind != EventKind::Handle && kind != EventKind::Foreign) {
            // Every record that names a handle calls it `h`.
            const std::uint64_t h = fields.u64(r, field::msg::h);
            if (h != 0) {
                const ConnectionId c = connection_for(p, h);
                if (kind == EventKind::Msg) // only those are asked for
                    connection_of_.push_back({rid, c});
            }
        }
    }
    connection_of_.shrink_to_fit(); // in record order already

    // Brokers, and where everyone else connects.
    std::unordered_map<std::string, ProcessId> by_local_uri; // "src:uri"
    const auto uri_key = [](std::uint16_t src, std::string_view uri) {
        return std::to_string(src) + ":" + std::string(uri);
    };
    for (ProcessId p = 0; p < processes.size(); p++) {
        Process &proc = processes[p];
        const ImageState &st = state[p];
        if (proc.role == ProcessRole::ExecChild)
            continue;
        if (st.opens_broker_handle || (basename(proc.exe) == "flux-broker" &&
                                       st.has_attr_rank && !proc.local_uri.empty()))
            proc.role = ProcessRole::Broker;
        if (proc.role == ProcessRole::Broker && !proc.local_uri.empty())
            by_local_uri.emplace(uri_key(proc.src, proc.local_uri), p);
    }
    const auto broker_at = [&](std::uint16_t src, std::string_view uri) {
        if (uri.empty())
            return kNoProcess;
        auto it = by_local_uri.find(uri_key(src, uri));
        return it == by_local_uri.end() ? kNoProcess : it->second;
    };
    for (Connection &c : connections) {
        const Process &proc = processes[c.process];
        if (proc.role == ProcessRole::Broker && c.uri.substr(0, 14) == "interthread://")
            c.broker = c.process;
        else
            c.broker = broker_at(proc.src, c.uri.empty() ? proc.flux_uri : c.uri);
    }
    for (ProcessId p = 0; p < processes.size(); p++) {
        Process &proc = processes[p];
        if (proc.role == ProcessRole::Broker) {
            for (const ThreadId t : proc.threads)
                if (threads[t].vtid == proc.vpid)
                    threads[t].role = ThreadRole::Main;
            continue;
        }
        proc.broker = broker_at(proc.src, proc.flux_uri);
        if (proc.broker == kNoProcess)
            for (const auto &[h, c] : state[p].handles) {
                (void)h;
                if (connections[c].broker != kNoProcess) {
                    proc.broker = connections[c].broker;
                    break;
                }
            }
        if (proc.broker != kNoProcess) {
            proc.rank = processes[proc.broker].rank;
            proc.size = processes[proc.broker].size;
        }
        if (proc.role == ProcessRole::Unknown &&
            (proc.broker != kNoProcess || !proc.flux_uri.empty() ||
             state[p].opens_handle))
            proc.role = ProcessRole::Client;
    }
    // Module threads: those that opened a module's end of an interthread
    // connection.  The broker opens the other end under the same name, from its
    // main thread: that end only routes, and is not known by the uuid.
    for (Connection &c : connections) {
        if (c.uuid.empty() || c.opened == kNoRecord)
            continue;
        Thread &th = threads[thread_of[c.opened]];
        if (th.role == ThreadRole::Main)
            c.uuid = {};
        else if (processes[c.process].role == ProcessRole::Broker &&
                 th.role == ThreadRole::Worker)
            th.role = ThreadRole::Module;
    }

    // Fork, spawn and thread edges.
    std::map<std::pair<ProcessId, std::uint64_t>, RecordId> created; // (process, token)
    for (const LifeRecord &l : life)
        if (l.op == code(LifeOp::ThreadCreate))
            created.emplace(std::make_pair(l.process, l.token), l.rid);
    for (const LifeRecord &l : life) {
        if (l.op == code(LifeOp::ThreadStart)) {
            auto it = created.find(std::make_pair(l.process, l.token));
            if (it != created.end())
                edges.push_back({it->second, l.rid, EdgeKind::ThreadCreate});
        } else if ((l.op == code(LifeOp::ForkParent) || l.op == code(LifeOp::Spawn)) &&
                   l.pid > 0) {
            const std::uint64_t key =
                key2(processes[l.process].src, static_cast<std::uint32_t>(l.pid));
            auto it = images.find(key);
            if (it == images.end())
                continue;
            // The child's first image is the first one after the call; with the
            // pid reused later, later images are other processes.
            for (const ProcessId child : it->second)
                if (processes[child].first > l.rid) {
                    if (processes[child].previous_image == kNoProcess)
                        processes[child].parent = l.process;
                    edges.push_back({l.rid, processes[child].first, EdgeKind::Fork});
                    break;
                }
        }
    }
    for (ProcessId p = 0; p < processes.size(); p++) {
        Process &proc = processes[p];
        if (proc.parent != kNoProcess || proc.ppid <= 0)
            continue;
        auto it = images.find(key2(proc.src, static_cast<std::uint32_t>(proc.ppid)));
        if (it == images.end())
            continue;
        for (const ProcessId q : it->second)
            if (processes[q].first < proc.first)
                proc.parent = q;
    }
}

void ProcessTable::assign_instances(
    const std::vector<std::pair<ProcessId, ProcessId>> &linked) {
    UnionFind uf(processes.size());
    for (const auto &[a, b] : linked)
        uf.unite(a, b);
    for (ProcessId p = 0; p < processes.size(); p++) {
        const Process &proc = processes[p];
        if (proc.broker != kNoProcess)
            uf.unite(p, proc.broker);
    }
    // Processes with no broker of their own join their source's only instance.
    std::unordered_map<std::uint16_t, std::vector<size_t>> broker_roots;
    for (ProcessId p = 0; p < processes.size(); p++)
        if (processes[p].role == ProcessRole::Broker) {
            auto &roots = broker_roots[processes[p].src];
            const size_t root = uf.find(p);
            if (std::find(roots.begin(), roots.end(), root) == roots.end())
                roots.push_back(root);
        }
    std::unordered_map<std::uint16_t, size_t> lone; // per source without brokers
    for (ProcessId p = 0; p < processes.size(); p++) {
        const Process &proc = processes[p];
        if (proc.role == ProcessRole::Broker || proc.broker != kNoProcess)
            continue;
        auto it = broker_roots.find(proc.src);
        if (it == broker_roots.end()) {
            auto l = lone.emplace(proc.src, p).first;
            uf.unite(p, l->second);
        } else if (it->second.size() == 1) {
            uf.unite(p, it->second.front());
        }
    }
    std::unordered_map<size_t, InstanceId> ids;
    for (ProcessId p = 0; p < processes.size(); p++) {
        auto it = ids.emplace(uf.find(p), static_cast<InstanceId>(ids.size())).first;
        processes[p].instance = it->second;
    }
    instance_count = ids.size();
}

void ProcessTable::list_thread_records() {
    std::vector<Epoch> length(threads.size(), 0);
    for (const ThreadId t : thread_of)
        length[t]++;
    for (ThreadId t = 0; t < threads.size(); t++)
        threads[t].records.reserve(length[t]);
    for (RecordId rid = 0; rid < thread_of.size(); rid++)
        threads[thread_of[rid]].records.push_back(rid);
}

ConnectionId ProcessTable::connection_of(RecordId r) const {
    auto it = std::lower_bound(connection_of_.begin(), connection_of_.end(),
                               std::make_pair(r, ConnectionId{0}));
    return it != connection_of_.end() && it->first == r ? it->second : kNoConnection;
}

ThreadId ProcessTable::main_thread(ProcessId p) const {
    for (const ThreadId t : processes[p].threads)
        if (threads[t].vtid == processes[p].vpid)
            return t;
    return kNoThread;
}

} // namespace fluxtrace::hb
