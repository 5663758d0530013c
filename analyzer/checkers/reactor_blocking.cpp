// reactor-blocking.  RFC 9, General Guidelines:
//
//   "Services SHOULD NOT block the reactor any longer than necessary. Prefer to
//    place an asynchronous request or RPC and return to the reactor rather than
//    block for a reply, co-routines in message handlers are one way to
//    accomplish this."
//
// Reported: a synchronous wait inside a reactor callback -- a `future_wait`
// record with was_ready = 0 (flux_future_get, flux_future_wait_for with a
// non-zero timeout, flux_rpc_get*, the KVS getters), or a `kvs_version` record
// (flux_kvs_get_version / flux_kvs_wait_version block internally) -- whose
// thread is inside a callback run (Model::callback_of); a flux_reactor_run
// nested inside a callback (other than the private reactor an unready future
// wait runs, which that wait's report covers; FLUX_REACTOR_NOWAIT never
// blocks); and callbacks whose cb_end duration exceeds --slow-callback, unless
// a blocking wait inside them was already reported (that wait is the
// explanation).
#include <fmt/format.h>

#include "analyzer/schema.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "checker.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "reactor-blocking";
constexpr const char *kRfc = "Services SHOULD NOT block the reactor any longer than "
                             "necessary. Prefer to place an asynchronous request or RPC "
                             "and return to the reactor rather than block for a reply";

// The call a future_wait record's `api` names.
std::string wait_call(std::int64_t api) {
    const std::string_view call = what(static_cast<WaitApi>(api));
    return call.empty() ? "a future wait" : std::string(call);
}

std::string callback_what(const hb::Model &m, const hb::Callback &cb) {
    std::string s(hb::callback_kind_name(cb.kind));
    if (cb.message != hb::kNoMessage)
        s += fmt::format(" of {}", m.messages().messages[cb.message].topic_text);
    else if (cb.event != hb::kNoEvent)
        s += fmt::format(" of event {}", m.messages().events[cb.event].topic);
    return s;
}

// What a wait waited for: the topic of its request, the key of a lookup.
std::string waited_for(const hb::Model &m, RecordId wait) {
    const std::string what = m.waited_for(wait);
    return what.empty() ? "(unknown future)" : what;
}

Finding blocking_wait(const report::Describer &d, RecordId wait, const hb::Callback &cb) {
    const hb::Model &m = d.model();
    const Record &r = m.records()[wait];
    const bool version = r.kind() == EventKind::KvsVersion;
    const std::string call =
        version
            ? std::string(what(static_cast<VersionApi>(r.i64(field::kvs_version::api))))
            : wait_call(r.i64(field::future_wait::api));
    Finding f;
    f.rule = kRule;
    f.rfc = kRfc;
    f.key = waited_for(m, wait);
    f.duration_ns =
        r.u64(version ? field::kvs_version::blocked_ns : field::future_wait::blocked_ns);
    f.title = fmt::format("{} blocked the reactor inside a {} callback", call,
                          callback_what(m, cb));

    report::Side w = d.side(wait, "synchronous wait");
    w.details.push_back(fmt::format("call: {}", call));
    w.details.push_back(fmt::format("waits for: {}", f.key));
    w.stack = d.stack(wait);
    report::Side c = d.side(cb.begin, "inside callback");
    c.details.push_back(fmt::format("callback: {} ({})", d.function_at(cb.begin, cb.fn),
                                    callback_what(m, cb)));
    c.stack = d.callback_stack(cb);
    f.function = report::Describer::blame(w.stack);
    if (f.function.empty())
        f.function = d.function_at(cb.begin, cb.fn);
    f.sides = {std::move(w), std::move(c)};

    // Who answers: the server's side of the request waited on.
    std::string server;
    const hb::FutureId fid = version ? hb::kNoFuture : m.runtime().future_of(wait);
    if (fid != hb::kNoFuture && m.runtime().futures[fid].message != hb::kNoMessage) {
        const hb::Message &msg = m.messages().messages[m.runtime().futures[fid].message];
        if (msg.server_recv != hb::kNoRecord)
            server = fmt::format("{}, {}", d.process_role(msg.server_recv),
                                 d.thread_role(msg.server_recv));
    }
    f.causal_path =
        server.empty()
            ? fmt::format("the wait returns only after the answer to {} arrives; until "
                          "then no other watcher or handler of this reactor runs",
                          f.key)
            : fmt::format("the wait returns only after {} answers {}; until then no "
                          "other watcher or handler of this reactor runs",
                          server, f.key);
    constexpr int kWait = 0, kCallback = 1;
    f.steps = {
        {kCallback, kWait,
         fmt::format("the callback calls {} and does not return", call)},
        {kWait, report::Step::kParty, fmt::format("waits for the answer to {}", f.key),
         false, server.empty() ? fmt::format("who answers {}", f.key) : server},
        {kWait, kCallback,
         "missing: return to the reactor before the answer (flux_future_then)", true},
    };
    f.why = "every message, timer and watch of this thread queues behind the wait; "
            "a reply that needs this reactor (or a peer that waits on it) deadlocks, "
            "and under load the stall spreads to every requester of this service.";
    f.fix = version
                ? (r.i64(field::kvs_version::api) == code(VersionApi::Get)
                       ? "call flux_kvs_getroot() and read the version in a "
                         "flux_future_then() continuation with "
                         "flux_kvs_getroot_get_sequence(), instead of "
                         "flux_kvs_get_version()"
                       : "send the \"kvs.wait-version\" request with flux_rpc_pack() and "
                         "continue in flux_future_then(), instead of "
                         "flux_kvs_wait_version()")
                : fmt::format("register a continuation with flux_future_then() and "
                              "return to the reactor (chain steps with "
                              "flux_future_and_then()); call {} only on a ready future",
                              call);
    f.incomplete = d.lossy(wait) || d.lossy(cb.begin);
    return f;
}

Finding nested_run(const report::Describer &d, RecordId end, const hb::Callback &cb) {
    const hb::Model &m = d.model();
    Finding f;
    f.rule = kRule;
    f.rfc = kRfc;
    f.key = "flux_reactor_run";
    f.duration_ns = m.records()[end].u64(field::reactor_run::duration_ns);
    f.title =
        fmt::format("flux_reactor_run nested inside a {} callback", callback_what(m, cb));
    report::Side c = d.side(cb.begin, "inside callback");
    c.details.push_back(fmt::format("callback: {} ({})", d.function_at(cb.begin, cb.fn),
                                    callback_what(m, cb)));
    c.details.push_back("ran a reactor of its own until it stopped");
    c.stack = d.callback_stack(cb);
    f.function = d.function_at(cb.begin, cb.fn);
    f.sides = {std::move(c)};
    f.causal_path = "the outer reactor resumes only when the nested flux_reactor_run "
                    "returns; its watchers and handlers wait until then";
    f.steps = {{0, 0, "the callback runs a reactor of its own until it stops"},
               {0, 0, "missing: return to the outer reactor first", true}};
    f.why = "a reactor run inside a callback is a synchronous wait in disguise: the "
            "callback does not return, so every other message, timer and watch of "
            "the outer reactor queues behind it (and a nested run on the same "
            "reactor re-enters callbacks that assume they are not running).";
    f.fix = "return to the reactor instead: register the work as watchers or "
            "flux_future_then() continuations on the one reactor, and stop nothing "
            "but the outermost flux_reactor_run";
    f.incomplete = d.lossy(end) || d.lossy(cb.begin);
    return f;
}

Finding slow_callback(const report::Describer &d, const hb::Callback &cb,
                      std::uint64_t duration, std::uint64_t threshold) {
    const hb::Model &m = d.model();
    Finding f;
    f.rule = kRule;
    f.rfc = kRfc;
    f.duration_ns = duration;
    f.function = d.function_at(cb.begin, cb.fn);
    f.key = cb.message != hb::kNoMessage
                ? std::string(m.messages().messages[cb.message].topic_text)
            : cb.event != hb::kNoEvent ? std::string(m.messages().events[cb.event].topic)
                                       : std::string(hb::callback_kind_name(cb.kind));
    f.title = fmt::format("a {} callback ran longer than --slow-callback ({})",
                          callback_what(m, cb), report::format_duration(threshold));
    report::Side c = d.side(cb.begin, "slow callback");
    c.details.push_back(fmt::format("callback: {}", f.function));
    c.stack = d.callback_stack(cb);
    f.sides = {std::move(c)};
    f.causal_path = "no synchronous wait was recorded inside it: the time is its own "
                    "work (or an unwrapped blocking call)";
    f.steps = {{0, 0, "the callback works without returning to the reactor"},
               {0, 0, "missing: return to the reactor between steps", true}};
    f.why = "while it runs, the reactor serves nothing else on this thread: messages "
            "and timers queue behind it.";
    f.fix = "split the work into steps run from a prepare/check/idle watcher or a "
            "zero-timeout timer, or move it to another thread, and return to the "
            "reactor between steps";
    f.incomplete = d.lossy(cb.begin);
    return f;
}

} // namespace

std::vector<Finding> check_reactor_blocking(const report::Describer &d,
                                            const CheckOptions &options) {
    const hb::Model &m = d.model();
    const auto &records = m.records();
    const auto &callbacks = m.runtime().callbacks;
    std::vector<Finding> out;
    std::set<const hb::Callback *> explained;
    // Per thread, the intervals [start, end] (ns) of unready waits: a reactor
    // run within one is that wait's private reactor.
    std::map<hb::ThreadId, std::vector<std::pair<std::uint64_t, std::uint64_t>>> waits;
    std::vector<RecordId> runs;
    for (RecordId rid = 0; rid < records.size(); rid++) {
        const Record &r = records[rid];
        if (r.kind() == EventKind::ReactorRun) {
            constexpr std::int64_t kNoWait = 1; // FLUX_REACTOR_NOWAIT
            if (r.u64(field::reactor_run::end) != 0 &&
                !(r.i64(field::reactor_run::flags) & kNoWait))
                runs.push_back(rid);
            continue;
        }
        if ((r.kind() == EventKind::FutureWait || r.kind() == EventKind::KvsVersion) &&
            r.u64(field::future_wait::blocked_ns) > 0) // kvs_version names it the same
            waits[m.relation().thread_of(rid)].push_back(
                {r.ts_ns() - std::min(r.ts_ns(), r.u64(field::future_wait::blocked_ns)),
                 r.ts_ns()});
        if (r.kind() == EventKind::FutureWait) {
            if (r.u64(field::future_wait::was_ready) != 0)
                continue;
            // flux_future_wait_for(f, 0.) polls: it never blocks.
            if (r.i64(field::future_wait::api) == code(WaitApi::FutureWaitFor) &&
                r.f64(field::future_wait::timeout) == 0.0)
                continue;
        } else if (r.kind() != EventKind::KvsVersion) {
            continue;
        }
        const hb::Callback *cb = m.callback_of(rid);
        if (!cb)
            continue;
        out.push_back(blocking_wait(d, rid, *cb));
        for (const hb::Callback *c = cb; c;
             c = c->parent == hb::kNoCallback ? nullptr : &callbacks[c->parent])
            explained.insert(c);
    }
    for (const RecordId rid : runs) {
        const Record &r = records[rid];
        const hb::Callback *cb = m.callback_of(rid);
        if (!cb)
            continue;
        // The run ended while a wait was blocked (records are stamped when
        // emitted, a little after the durations they carry end).
        bool in_wait = false;
        for (const auto &[from, to] : waits[m.relation().thread_of(rid)])
            in_wait = in_wait || (from <= r.ts_ns() && r.ts_ns() <= to);
        if (in_wait)
            continue;
        out.push_back(nested_run(d, rid, *cb));
        for (const hb::Callback *c = cb; c;
             c = c->parent == hb::kNoCallback ? nullptr : &callbacks[c->parent])
            explained.insert(c);
    }
    if (options.slow_callback_ns > 0)
        for (const hb::Callback &cb : callbacks) {
            if (cb.end == hb::kNoRecord || explained.count(&cb))
                continue;
            const Record &end = records[cb.end];
            if (!end.has(field::cb_end::duration_ns))
                continue;
            const std::uint64_t ns = end.u64(field::cb_end::duration_ns);
            if (ns > options.slow_callback_ns)
                out.push_back(slow_callback(d, cb, ns, options.slow_callback_ns));
        }
    return out;
}

} // namespace fluxtrace::checkers
