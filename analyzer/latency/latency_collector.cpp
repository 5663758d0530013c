#include "latency_collector.hpp"

#include <algorithm>
#include <charconv>
#include <tuple>

#include "analyzer/schema.hpp"

namespace fluxtrace::latency {

namespace {

constexpr std::int64_t kTypeRequest = 1;  // FLUX_MSGTYPE_REQUEST
constexpr std::int64_t kTypeResponse = 2; // FLUX_MSGTYPE_RESPONSE

std::string kind_text(std::uint32_t kinds) {
    std::string out;
    for (std::uint32_t k = 0; k < 32; k++)
        if (kinds & (1u << k)) {
            if (!out.empty())
                return "mixed";
            const std::string_view kind = what(static_cast<CbKind>(k));
            out = kind.empty() ? "kind " + std::to_string(k) : std::string(kind);
        }
    return out;
}

std::string file_name(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

symbolize::ProcessKey key_of(const Record &r) {
    return {r.src(), r.vpid()};
}

std::uint64_t thread_id(std::int32_t vpid, std::int32_t vtid) {
    return (std::uint64_t{static_cast<std::uint32_t>(vpid)} << 32) |
           static_cast<std::uint32_t>(vtid);
}

} // namespace

void LatencyCollector::add(const Record &r) {
    objects_.add(r);
    if (!r.is_fluxtrace())
        return;
    Process &p = processes_[key_of(r)];
    if (!p.main_thread_named && (p.procname.empty() || r.vtid() == r.vpid())) {
        p.procname = std::string(r.procname());
        p.main_thread_named = r.vtid() == r.vpid();
    }
    switch (r.kind()) {
    case EventKind::Process:
        add_process(r, p);
        break;
    case EventKind::Life:
        if (r.i64(field::life::op) == code(LifeOp::Exec))
            p.execs++;
        break;
    case EventKind::Attr:
        if (r.str(field::attr::attr) == "rank") {
            const std::string_view v = r.str(field::attr::value);
            std::int64_t rank = -1;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), rank);
            if (ec == std::errc() && end == v.data() + v.size() && rank >= 0)
                p.rank = rank;
        }
        break;
    case EventKind::Loop:
        add_loop(r, p);
        break;
    case EventKind::CbBegin:
        open_callbacks_[{key_of(r), r.vtid()}].push_back(
            {r.u64(field::cb_begin::fn), r.u64(field::cb_begin::kind)});
        if (r.i64(field::cb_begin::kind) == code(CbKind::MsgHandler) &&
            r.u64(field::cb_begin::msg) != 0)
            add_handler_start(r);
        break;
    case EventKind::CbEnd: {
        // It closes the innermost open run of its thread.
        auto open = open_callbacks_.find({key_of(r), r.vtid()});
        if (open == open_callbacks_.end() || open->second.empty())
            break;
        const OpenCallback run = open->second.back();
        open->second.pop_back();
        Callbacks &c = callbacks_[{key_of(r), p.execs, run.fn}];
        c.duration.add(r.u64(field::cb_end::duration_ns));
        if (run.kind < 32)
            c.kinds |= 1u << run.kind;
        c.last_ts = r.ts_ns();
        break;
    }
    case EventKind::Msg:
        add_msg(r);
        break;
    default:
        break;
    }
}

void LatencyCollector::add_loop(const Record &r, Process &p) {
    // Format 3 writes only the iterations that ran callbacks (prepare, check
    // and idle watchers aside), each with the ones before it that ran none as
    // a count, sum and maximum; format 2 wrote every iteration.
    if (!r.has(field::loop::callbacks)) {
        p.loop_busy.add(r.u64(field::loop::busy_ns));
        return;
    }
    if (r.u64(field::loop::callbacks) > 0)
        p.loop_busy.add(r.u64(field::loop::busy_ns));
    p.loop_busy.add_aggregate(r.u64(field::loop::idle_iterations),
                              r.u64(field::loop::idle_busy_ns),
                              r.u64(field::loop::idle_max_ns));
}

void LatencyCollector::add_process(const Record &r, Process &p) {
    // After an exec the process is its new program.
    const std::string exe = file_name(r.str(field::process::exe));
    if (!exe.empty())
        p.exe = exe;
}

std::uint32_t LatencyCollector::topic_index(const Record &r) {
    const StrId id = r.str_id(field::msg::topic);
    auto [it, fresh] =
        topic_ids_.try_emplace(id, static_cast<std::uint32_t>(topics_.size()));
    if (fresh)
        topics_.emplace_back(r.str(field::msg::topic));
    return it->second;
}

void LatencyCollector::add_requeued_response(const Record &r) {
    Requeues &q = requeues_[{key_of(r), topic_index(r),
                             static_cast<std::uint32_t>(r.u64(field::msg::matchtag))}];
    q.count++;
    q.responses.insert({r.u64(field::msg::m), r.u64(field::msg::has_hash)
                                                  ? r.u64(field::msg::payload_hash)
                                                  : 0});
}

void LatencyCollector::add_msg(const Record &r) {
    if (r.i64(field::msg::type) == kTypeResponse &&
        r.i64(field::msg::op) == code(MsgOp::Requeue)) {
        add_requeued_response(r);
        return;
    }
    if (r.i64(field::msg::type) != kTypeRequest)
        return;
    const std::int64_t op = r.i64(field::msg::op);
    const ProcessKey process = key_of(r);
    const std::uint64_t m = r.u64(field::msg::m);
    if (op == code(MsgOp::Requeue)) {
        // Received again later: that is the same delivery, not a new one.
        auto it = pending_.find({process, r.vtid(), m});
        if (it != pending_.end())
            requeued_[{process, -1, m}] = it->second;
        return;
    }
    if (op != code(MsgOp::Send) && op != code(MsgOp::SendNew) && op != code(MsgOp::Recv))
        return;
    if (r.i64(field::msg::rc) < 0)
        return;
    const bool has_hash = r.u64(field::msg::has_hash) != 0;
    const RequestKey key{r.src(), topic_index(r),
                         static_cast<std::uint32_t>(r.u64(field::msg::matchtag)),
                         has_hash, has_hash ? r.u64(field::msg::payload_hash) : 0};
    if (op != code(MsgOp::Recv)) {
        auto received = received_.find({process, r.vtid(), m});
        if (received != received_.end() && !(received->second.key < key) &&
            !(key < received->second.key)) {
            if (received->second.receive != kNoReceive)
                receives_[received->second.receive].forwarded = true;
            received_.erase(received);
            return;
        }
        if (r.i64(field::msg::route_count) == 0)
            sends_[key].push_back(
                {r.ts_ns(), r.vpid(), r.vtid(), op == code(MsgOp::Send)});
        return;
    }
    // A request that did not come through a broker is no delivery to pair.
    if (r.i64(field::msg::route_count) < 1) {
        received_[{process, r.vtid(), m}] = {key, kNoReceive};
        return;
    }
    auto requeued = requeued_.find({process, -1, m});
    if (requeued != requeued_.end()) {
        pending_[{process, r.vtid(), m}] = requeued->second;
        received_[{process, r.vtid(), m}] = {key, requeued->second};
        requeued_.erase(requeued);
        return;
    }
    received_[{process, r.vtid(), m}] = {key, receives_.size()};
    pending_[{process, r.vtid(), m}] = receives_.size();
    receives_.push_back(
        {key, r.vpid(), r.vtid(), r.ts_ns(), r.str_id(field::msg::route_first)});
}

void LatencyCollector::add_handler_start(const Record &r) {
    auto it = pending_.find({key_of(r), r.vtid(), r.u64(field::cb_begin::msg)});
    if (it == pending_.end())
        return;
    Receive &recv = receives_[it->second];
    if (recv.handler_ts == 0)
        recv.handler_ts = r.ts_ns();
    pending_.erase(it);
}

ProcessRole LatencyCollector::role(ProcessKey key) const {
    ProcessRole role;
    role.src = key.src;
    role.vpid = key.vpid;
    auto it = processes_.find(key);
    if (it != processes_.end()) {
        role.exe = it->second.exe;
        role.procname = it->second.procname;
        role.rank = it->second.rank;
    }
    return role;
}

LatencyReport LatencyCollector::report(symbolize::Symbolizer &symbols, size_t top) const {
    LatencyReport out;
    out.top = top;

    for (const auto &[key, p] : processes_)
        if (!p.loop_busy.empty())
            out.loops.push_back({role(key), p.loop_busy.summary()});
    std::sort(out.loops.begin(), out.loops.end(), [](const auto &a, const auto &b) {
        return role_less(a.process, b.process);
    });

    // Callbacks by function: one group per code address of an object file,
    // whatever image or record placed it (names alone are not unique).
    struct CallbackGroup {
        Distribution duration;
        std::uint32_t kinds = 0;
        std::string symbol, location;
        symbolize::SymbolStatus status;
    };
    using GroupKey = std::tuple<ProcessKey, std::string, std::uint64_t>;
    std::map<GroupKey, CallbackGroup> groups;
    for (const auto &[key, c] : callbacks_) {
        const symbolize::Symbol &s = symbols.resolve(key.process, key.fn, c.last_ts);
        CallbackGroup &g = groups[{key.process, s.module_path, s.offset}];
        g.duration.merge(c.duration);
        g.kinds |= c.kinds;
        g.symbol = s.name();
        g.location = s.location();
        g.status = s.status;
    }
    out.callback_groups = groups.size();
    std::vector<CallbackLatency> callbacks;
    for (const auto &[key, g] : groups)
        callbacks.push_back({role(std::get<0>(key)), g.symbol, g.location,
                             kind_text(g.kinds), g.status, g.duration.summary()});
    std::sort(callbacks.begin(), callbacks.end(), [](const auto &a, const auto &b) {
        if (a.duration_ns.max != b.duration_ns.max)
            return a.duration_ns.max > b.duration_ns.max;
        if (a.duration_ns.total != b.duration_ns.total)
            return a.duration_ns.total > b.duration_ns.total;
        if (role_less(a.process, b.process) || role_less(b.process, a.process))
            return role_less(a.process, b.process);
        return std::tie(a.symbol, a.location) < std::tie(b.symbol, b.location);
    });
    if (callbacks.size() > top)
        callbacks.resize(top);
    out.callbacks = std::move(callbacks);

    // Requests.
    std::vector<TopicLatency> topics(topics_.size());
    std::vector<Distribution> latency(topics_.size());
    for (size_t i = 0; i < topics_.size(); i++)
        topics[i].topic = topics_[i];
    struct SendQueue {
        const std::vector<Send> *sends;
        std::vector<bool> used;
        size_t begin = 0; // sends before it are all used
    };
    std::map<RequestKey, SendQueue> open;
    for (const auto &[key, sends] : sends_) {
        open[key] = {&sends, std::vector<bool>(sends.size()), 0};
        topics[key.topic].sent += sends.size();
        out.requests_sent += sends.size();
    }
    std::map<std::pair<std::uint16_t, StrId>, std::uint64_t> sender_of_route;
    // Receives that ran a handler first, each group in time order: a request
    // that leaves a broker through its overlay (not through libflux-core) is
    // also received where it leaves, and that hop cannot be told from a
    // delivery except by the handler that did not run.
    std::vector<const Receive *> order;
    order.reserve(receives_.size());
    for (const bool handled : {true, false})
        for (const Receive &recv : receives_)
            if (!recv.forwarded && (recv.handler_ts != 0) == handled)
                order.push_back(&recv);
    for (const Receive *recv : order) {
        auto g = open.find(recv->key);
        if (g == open.end())
            continue;
        const auto &sends = *g->second.sends;
        auto &used = g->second.used;
        // Per sending thread (a broker module is a thread with its own
        // handle), its candidate send (index).
        std::vector<std::pair<std::uint64_t, size_t>> candidates;
        const bool unique_tags = recv->key.matchtag != 0;
        for (size_t i = g->second.begin; i < sends.size(); i++) {
            const Send &s = sends[i];
            if (s.ts > recv->ts &&
                (!s.after_call || s.ts - recv->ts > kSendAfterReceiveTolerance_ns))
                break;
            // The receive came through a broker (route_count >= 1), so even a
            // send of its own thread may be it: a module calling itself.
            if (used[i])
                continue;
            const std::uint64_t sender = thread_id(s.vpid, s.vtid);
            auto c = std::find_if(candidates.begin(), candidates.end(),
                                  [&](const auto &x) { return x.first == sender; });
            if (c == candidates.end())
                candidates.emplace_back(sender, i);
            else if (unique_tags)
                c->second = i; // the older one was not received before this one was sent
        }
        const std::pair<std::uint16_t, StrId> route{recv->key.src, recv->route_first};
        const auto bound = sender_of_route.find(route);
        const std::pair<std::uint64_t, size_t> *chosen = nullptr;
        for (const auto &c : candidates) {
            if (bound != sender_of_route.end() && c.first == bound->second) {
                chosen = &c;
                break;
            }
            if (!chosen || sends[c.second].ts < sends[chosen->second].ts)
                chosen = &c;
        }
        if (!chosen)
            continue;
        if (candidates.size() == 1 && recv->route_first != StringPool::kEmpty)
            sender_of_route.emplace(route, chosen->first);
        used[chosen->second] = true;
        while (g->second.begin < sends.size() && used[g->second.begin])
            g->second.begin++;
        topics[recv->key.topic].received++;
        out.requests_received++;
        if (recv->handler_ts != 0) {
            const std::uint64_t sent = sends[chosen->second].ts;
            latency[recv->key.topic].add(recv->handler_ts > sent ? recv->handler_ts - sent
                                                                 : 0);
            out.requests_handled++;
        }
    }
    for (size_t i = 0; i < topics.size(); i++) {
        topics[i].latency_ns = latency[i].summary();
        if (topics[i].sent > 0 || topics[i].received > 0)
            out.topics.push_back(std::move(topics[i]));
    }
    std::sort(out.topics.begin(), out.topics.end(),
              [](const auto &a, const auto &b) { return a.topic < b.topic; });

    // Requeued streams: most requeues first, then by process and topic.
    std::vector<RequeuedStream> requeued;
    for (const auto &[key, q] : requeues_) {
        requeued.push_back({role(key.process), topics_[key.topic], key.matchtag, q.count,
                            q.responses.size()});
        out.requeues += q.count;
    }
    std::sort(requeued.begin(), requeued.end(), [](const auto &a, const auto &b) {
        if (a.requeues != b.requeues)
            return a.requeues > b.requeues;
        if (role_less(a.process, b.process) != role_less(b.process, a.process))
            return role_less(a.process, b.process);
        return std::tie(a.topic, a.matchtag) < std::tie(b.topic, b.matchtag);
    });
    out.requeued_streams = requeued.size();
    if (requeued.size() > top)
        requeued.resize(top);
    out.requeued = std::move(requeued);
    return out;
}

} // namespace fluxtrace::latency
