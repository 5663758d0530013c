#include "runtime_table.hpp"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "analyzer/hb/message_ops.hpp"

namespace fluxtrace::hb {

std::string_view callback_kind_name(CallbackKind kind) {
    const std::string_view name = what(kind);
    return name.empty() ? "unknown" : name;
}

namespace {

constexpr int kLookBack = 64; // records an rpc record may follow its request by

// Records of a call that returns or waits on a future, naming it in `f`.
bool names_future(EventKind kind) {
    switch (kind) {
    case EventKind::Rpc:
    case EventKind::KvsLookup:
    case EventKind::KvsCommit:
    case EventKind::KvsValue:
    case EventKind::KvsResult:
    case EventKind::FutureWait:
    case EventKind::EventPub:
    case EventKind::EventSub:
        return true;
    default:
        return false;
    }
}

} // namespace

void RuntimeTable::build(const std::vector<Record> &records, Fields &fields,
                         const ProcessTable &procs, const MessageTable &msgs,
                         std::vector<Edge> &edges) {
    by_thread_.assign(procs.threads.size(), {});
    // Each record names at most one future: future_of_ is reserved, not regrown.
    size_t naming = 0;
    for (const Record &r : records)
        naming += r.kind() == EventKind::Future || r.kind() == EventKind::CbBegin ||
                  names_future(r.kind());
    future_of_.reserve(naming);
    std::map<std::pair<ProcessId, std::uint64_t>, FutureId> live;
    std::vector<std::vector<CallbackId>> stack(procs.threads.size());
    std::unordered_map<std::uint64_t, RecordId> last_recv; // (thread, m)
    const auto recv_key = [](ThreadId t, std::uint64_t m) {
        return (m * 0x9e3779b97f4a7c15ull) ^ t;
    };

    // What armed each future's and watcher's next run, until that run takes it
    // (Callback::armed).
    std::unordered_map<FutureId, RecordId> then_pending;
    std::map<std::pair<ThreadId, std::uint64_t>, RecordId> start_pending;

    const auto future_for = [&](ProcessId p, std::uint64_t f, RecordId rid,
                                bool fresh) -> FutureId {
        auto it = live.find({p, f});
        if (it == live.end() || fresh) {
            const auto id = static_cast<FutureId>(futures.size());
            Future fu;
            fu.process = p;
            fu.address = f;
            futures.push_back(fu);
            live[{p, f}] = id;
            (void)rid;
            return id;
        }
        return it->second;
    };

    for (RecordId rid = 0; rid < records.size(); rid++) {
        const Record &r = records[rid];
        const ThreadId t = procs.thread_of[rid];
        const ProcessId p = procs.threads[t].process;
        switch (r.kind()) {
        case EventKind::Future: {
            const std::uint64_t f = fields.u64(r, field::future::f);
            if (f == 0)
                break;
            const std::int64_t op = fields.i64(r, field::future::op);
            const FutureId id = future_for(p, f, rid, op == code(FutureOp::Create));
            future_of_.push_back({rid, id});
            Future &fu = futures[id];
            if (op == code(FutureOp::Create))
                fu.created = rid;
            else if (op == code(FutureOp::Fulfill) || op == code(FutureOp::FulfillError))
                fu.fulfilments.push_back(rid);
            else if (op == code(FutureOp::Then)) {
                fu.then = rid;
                then_pending[id] = rid;
            } else if (op == code(FutureOp::AndThen) || op == code(FutureOp::OrThen)) {
                then_pending[id] = rid; // the program's step runs as a continuation
            } else if (op == code(FutureOp::Destroy)) {
                fu.destroyed = rid;
                live.erase({p, f}); // recorded before the call: the address may come back
            }
            break;
        }
        case EventKind::Watcher: {
            const auto key = std::make_pair(t, fields.u64(r, field::watcher::w));
            if (fields.i64(r, field::watcher::op) == code(WatcherOp::Start))
                start_pending[key] = rid;
            else
                start_pending.erase(key);
            break;
        }
        case EventKind::Msg:
            if (fields.i64(r, field::msg::op) == code(MsgOp::Recv))
                last_recv[recv_key(t, fields.u64(r, field::msg::m))] = rid;
            break;
        case EventKind::CbBegin: {
            const auto id = static_cast<CallbackId>(callbacks.size());
            Callback cb;
            cb.thread = t;
            const std::int64_t kind = fields.i64(r, field::cb_begin::kind);
            cb.kind = kind >= 0 && kind < static_cast<std::int64_t>(CallbackKind::Unknown)
                          ? static_cast<CallbackKind>(kind)
                          : CallbackKind::Unknown;
            cb.begin = rid;
            cb.obj = fields.u64(r, field::cb_begin::obj);
            cb.fn = fields.u64(r, field::cb_begin::fn);
            cb.parent = stack[t].empty() ? kNoCallback : stack[t].back();
            if (cb.kind == CallbackKind::Continuation && cb.obj != 0) {
                cb.future = future_for(p, cb.obj, rid, false);
                future_of_.push_back({rid, cb.future});
                if (auto it = then_pending.find(cb.future); it != then_pending.end()) {
                    if (procs.thread_of[it->second] == t)
                        cb.armed = it->second;
                    then_pending.erase(it);
                }
            } else if (cb.kind != CallbackKind::MsgHandler) {
                if (auto it = start_pending.find({t, cb.obj});
                    it != start_pending.end()) {
                    cb.armed = it->second;
                    start_pending.erase(it);
                }
            } else {
                auto it =
                    last_recv.find(recv_key(t, fields.u64(r, field::cb_begin::msg)));
                if (it != last_recv.end()) {
                    cb.message_record = it->second;
                    cb.message = msgs.message_of(it->second);
                    cb.event = msgs.event_of(it->second);
                    // A message this thread sent itself.
                    RecordId sent = kNoRecord;
                    if (cb.message != kNoMessage)
                        sent = msgs.messages[cb.message].send;
                    else if (cb.event != kNoEvent)
                        sent = msgs.events[cb.event].publish;
                    if (sent != kNoRecord && sent < rid && procs.thread_of[sent] == t)
                        cb.armed = sent;
                }
            }
            callbacks.push_back(cb);
            stack[t].push_back(id);
            by_thread_[t].push_back(id);
            break;
        }
        case EventKind::CbEnd: {
            auto &s = stack[t];
            if (s.empty())
                break;
            // Its begin is the innermost open run.  Formats up to 2 name the
            // object too: then runs above the one of the same object lost
            // their end.
            size_t k = s.size() - 1;
            if (fields.has(r, field::cb_end::obj)) {
                const std::uint64_t obj = fields.u64(r, field::cb_end::obj);
                while (k > 0 && callbacks[s[k]].obj != obj)
                    k--;
                if (callbacks[s[k]].obj != obj)
                    break;
            }
            callbacks[s[k]].end = rid;
            s.resize(k);
            break;
        }
        default: {
            // The calls that return or take a future (names_future), in `f`.
            if (!names_future(r.kind()))
                break;
            const std::uint64_t f = fields.u64(r, field::rpc::f);
            if (f == 0)
                break;
            const FutureId id = future_for(p, f, rid, false);
            future_of_.push_back({rid, id});
            Future &fu = futures[id];
            if (r.kind() == EventKind::Rpc) {
                fu.rpc = rid;
                // Its request went out just before, on the same thread.
                const StrId topic = fields.str_id(r, field::rpc::topic);
                const std::uint64_t matchtag = fields.u64(r, field::rpc::matchtag);
                const auto &mine = procs.threads[t].records;
                const Epoch e = procs.epoch_of[rid];
                for (Epoch k = e - 1; k >= 1 && static_cast<int>(e - k) <= kLookBack;
                     k--) {
                    const Record &m = records[mine[k - 1]];
                    if (m.kind() != EventKind::Msg ||
                        !msg::is_send(fields.i64(m, field::msg::op)) ||
                        fields.i64(m, field::msg::type) != kRequest)
                        continue;
                    if (fields.str_id(m, field::msg::topic) == topic &&
                        fields.u64(m, field::msg::matchtag) == matchtag) {
                        fu.message = msgs.message_of(mine[k - 1]);
                        break;
                    }
                }
            } else if (r.kind() == EventKind::KvsLookup &&
                       fields.i64(r, field::kvs_lookup::api) != code(LookupApi::Cancel)) {
                fu.lookup = rid;
                fu.key = fields.str(r, field::kvs_lookup::key);
                fu.lookup_flags =
                    static_cast<std::int32_t>(fields.i64(r, field::kvs_lookup::flags));
            } else if (r.kind() == EventKind::KvsCommit) {
                fu.commit = rid;
            }
            break;
        }
        }
    }
    std::sort(future_of_.begin(), future_of_.end());

    // Continuations: the response that fulfilled the future, and the fulfilment
    // itself when another thread made it.
    for (Callback &cb : callbacks) {
        if (cb.kind != CallbackKind::Continuation || cb.future == kNoFuture)
            continue;
        const Future &fu = futures[cb.future];
        cb.message = fu.message;
        if (fu.message != kNoMessage)
            for (const Response &resp : msgs.messages[fu.message].responses)
                if (resp.receipt != kNoRecord && resp.receipt < cb.begin &&
                    (cb.message_record == kNoRecord || resp.receipt > cb.message_record))
                    cb.message_record = resp.receipt;
        RecordId fulfilled = kNoRecord;
        for (const RecordId f : fu.fulfilments)
            if (f < cb.begin)
                fulfilled = f;
        if (fulfilled != kNoRecord && procs.thread_of[fulfilled] != cb.thread)
            edges.push_back({fulfilled, cb.begin, EdgeKind::FutureThen});
    }
}

FutureId RuntimeTable::future_of(RecordId r) const {
    auto it = std::lower_bound(future_of_.begin(), future_of_.end(),
                               std::make_pair(r, FutureId{0}));
    return it != future_of_.end() && it->first == r ? it->second : kNoFuture;
}

CallbackId RuntimeTable::callback_of(RecordId r, const ProcessTable &procs) const {
    const ThreadId t = procs.thread_of[r];
    const auto &list = by_thread_[t];
    const Epoch e = procs.epoch_of[r];
    auto it = std::upper_bound(list.begin(), list.end(), e, [&](Epoch x, CallbackId c) {
        return x < procs.epoch_of[callbacks[c].begin];
    });
    if (it == list.begin())
        return kNoCallback;
    for (CallbackId c = *std::prev(it); c != kNoCallback; c = callbacks[c].parent) {
        const Callback &cb = callbacks[c];
        if (cb.end == kNoRecord || procs.epoch_of[cb.end] >= e)
            return c;
    }
    return kNoCallback;
}

} // namespace fluxtrace::hb
