// watch-chaining.  RFC 9, Anti-Patterns:
//
//   "Watch chaining: The KVS provides the capability to watch keys for changes
//    in value, receiving a callback or value on change. It is tempting to chain
//    these events together, adding a new watch inside the callback from an
//    event in order to catch the next action of a remote service. This is
//    extremely likely to result in race-conditions unless additional external
//    synchronization is employed. Flux services SHOULD NOT employ a pattern of
//    chained watches."
//
// Reported: a watch started (a `kvs_lookup` with FLUX_KVS_WATCH, or a
// `kvs-watch.lookup` request seen only on the message layer whose payload
// flags hold WATCH) while a continuation of another watch runs on the same
// thread -- directly or through callbacks nested in it.  Watches are either
// flux_kvs_lookup futures (Model::watch_of) or RPC futures of a
// kvs-watch.lookup request with WATCH in its payload (bindings that build the
// request themselves).
#include <fmt/format.h>

#include <unordered_set>

#include "../hb/payload.hpp"
#include "checker.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "watch-chaining";
constexpr const char *kRfc = "Flux services SHOULD NOT employ a pattern of chained "
                             "watches.";
constexpr std::string_view kWatchTopic = "kvs-watch.lookup";

// A kvs-watch.lookup request's key and flags, from a record carrying its payload.
struct WatchRequest {
    bool watch = false;
    std::string key;
};

WatchRequest decode_watch(const hb::Model &m, const hb::Message &msg) {
    WatchRequest w;
    if (msg.topic_text != kWatchTopic || msg.request_payload == hb::kNoRecord)
        return w;
    const Record &r = m.records()[msg.request_payload];
    if (!r.has("payload") || !r.has("payload_len"))
        return w;
    const auto p = hb::decode_payload(r.bytes("payload"), r.u64("payload_len"));
    if (p.status != hb::PayloadStatus::Decoded)
        return w;
    const auto flags = p.json.find("flags");
    const auto key = p.json.find("key");
    if (flags != p.json.end() && flags->is_number_integer())
        w.watch = (flags->get<std::int64_t>() & hb::kKvsWatch) != 0;
    if (key != p.json.end() && key->is_string())
        w.key = key->get<std::string>();
    return w;
}

// A watch as the checker sees it: where it started and what it watches.
struct Watch {
    RecordId start = hb::kNoRecord; // kvs_lookup, or the request's send
    std::string key;
};

class Checker {
  public:
    explicit Checker(const report::Describer &d) : d_(d), m_(d.model()) {
        // Requests already represented by a kvs_lookup record.
        for (const hb::Future &f : m_.runtime().futures)
            if (f.lookup != hb::kNoRecord && f.message != hb::kNoMessage)
                lookup_messages_.insert(f.message);
    }

    std::vector<Finding> run() {
        std::vector<Finding> out;
        const auto &records = m_.records();
        for (RecordId rid = 0; rid < records.size(); rid++) {
            const Watch inner = watch_started(rid);
            if (inner.start == hb::kNoRecord)
                continue;
            const hb::Callback *cb = enclosing_watch_callback(rid);
            if (!cb)
                continue;
            out.push_back(finding(inner, *cb));
        }
        return out;
    }

  private:
    // The watch `rid` starts, if it starts one.
    Watch watch_started(RecordId rid) const {
        const Record &r = m_.records()[rid];
        Watch w;
        if (r.kind() == EventKind::KvsLookup) {
            if (r.i64("api") == 0 && (r.i64("flags") & hb::kKvsWatch)) {
                w.start = rid;
                w.key = std::string(r.str("key"));
            }
        } else if (r.kind() == EventKind::Msg && r.i64("type") == hb::kRequest &&
                   r.i64("op") <= 1 && r.i64("route_count") == 0 &&
                   r.str("topic") == kWatchTopic) {
            const hb::Message *msg = m_.message_of(rid);
            if (!msg || msg->send != rid)
                return w;
            const auto id =
                static_cast<hb::MessageId>(msg - m_.messages().messages.data());
            if (lookup_messages_.count(id))
                return w;
            const WatchRequest req = decode_watch(m_, *msg);
            if (req.watch) {
                w.start = rid;
                w.key = req.key;
            }
        }
        return w;
    }

    // Whether a continuation's future is a watch, by API or on the wire.
    bool is_watch(const hb::Future &f) const {
        if (f.watch())
            return true;
        if (f.lookup != hb::kNoRecord || f.message == hb::kNoMessage)
            return false;
        return decode_watch(m_, m_.messages().messages[f.message]).watch;
    }

    const hb::Callback *enclosing_watch_callback(RecordId rid) const {
        const auto &callbacks = m_.runtime().callbacks;
        for (const hb::Callback *cb = m_.callback_of(rid); cb;
             cb = cb->parent == hb::kNoCallback ? nullptr : &callbacks[cb->parent])
            if (cb->kind == hb::CallbackKind::Continuation &&
                cb->future != hb::kNoFuture && is_watch(m_.runtime().futures[cb->future]))
                return cb;
        return nullptr;
    }

    Watch outer_watch(const hb::Future &f) const {
        Watch w;
        if (f.lookup != hb::kNoRecord) {
            w.start = f.lookup;
            w.key = std::string(f.key);
        } else if (f.message != hb::kNoMessage) {
            const hb::Message &msg = m_.messages().messages[f.message];
            w.start = msg.send != hb::kNoRecord ? msg.send : f.rpc;
            w.key = decode_watch(m_, msg).key;
        }
        return w;
    }

    Finding finding(const Watch &inner, const hb::Callback &cb) const {
        const Watch outer = outer_watch(m_.runtime().futures[cb.future]);
        Finding f;
        f.rule = kRule;
        f.rfc = kRfc;
        f.key = inner.key;
        f.title = fmt::format("watch of \"{}\" started inside the callback of the watch "
                              "of \"{}\"",
                              inner.key, outer.key);

        report::Side second = d_.side(inner.start, "watch started");
        second.details.push_back(fmt::format("key: {}", inner.key));
        second.stack = d_.stack(inner.start);
        report::Side inside = d_.side(cb.begin, "inside callback of watch");
        inside.details.push_back(
            fmt::format("callback: {}", d_.function_at(cb.begin, cb.fn)));
        inside.details.push_back(fmt::format("watched key: {}", outer.key));
        inside.stack = d_.callback_stack(cb);
        f.function = report::Describer::blame(second.stack);
        if (f.function.empty())
            f.function = d_.function_at(cb.begin, cb.fn);
        f.sides = {std::move(second), std::move(inside)};
        if (outer.start != hb::kNoRecord) {
            report::Side first = d_.side(outer.start, "first watch started");
            first.details.push_back(fmt::format("key: {}", outer.key));
            first.stack = d_.stack(outer.start);
            f.sides.push_back(std::move(first));
        }

        f.causal_path = fmt::format(
            "a value of \"{}\" delivered to the callback happens before the watch of "
            "\"{}\" starts; no path orders the writer's next updates of \"{}\" after "
            "that start",
            outer.key, inner.key, inner.key);
        f.why = fmt::format(
            "the first watch reports a step of a remote service, which goes on "
            "without waiting for this watcher: whatever it writes to \"{}\" before the "
            "second watch is registered is seen only as the value current then, so "
            "intermediate values (transitions) are lost, and a value replaced before "
            "the watch starts is never delivered.",
            inner.key);
        f.fix =
            "do not chain watches: have the service append its transitions to one key "
            "(flux_kvs_txn_put() with FLUX_KVS_APPEND) and watch that key once with "
            "FLUX_KVS_WATCH | FLUX_KVS_WATCH_APPEND (an eventlog); or start every "
            "watch up front, outside callbacks; or synchronize explicitly (the "
            "service publishes the version, the watcher calls "
            "flux_kvs_wait_version()).";
        f.incomplete = d_.lossy(inner.start) || d_.lossy(cb.begin) ||
                       (outer.start != hb::kNoRecord && d_.lossy(outer.start));
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    std::unordered_set<hb::MessageId> lookup_messages_;
};

} // namespace

std::vector<Finding> check_watch_chaining(const report::Describer &d,
                                          const CheckOptions &) {
    return Checker(d).run();
}

} // namespace fluxtrace::checkers
