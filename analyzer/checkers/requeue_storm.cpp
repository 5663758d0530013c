// requeue-storm.  Beyond RFC 9's list; it follows from its General Guidelines:
//
//   "Services SHOULD NOT block the reactor any longer than necessary. Prefer to
//    place an asynchronous request or RPC and return to the reactor rather than
//    block for a reply"
//
// A synchronous wait (flux_future_get, flux_rpc_get, the KVS getters) runs a
// private reactor on a clone of the handle: every message that reaches the
// handle meanwhile is received, and whatever is not the awaited response is
// put back with flux_requeue() when the wait ends (libflux future.c,
// flux_dispatch_requeue).  A stream left unconsumed -- a KVS watch, any
// streaming RPC whose responses no reactor run takes -- therefore has all of
// its pending responses received and requeued again at every wait: the cost
// grows with responses x waits, the square of the run.
//
// Reported: the responses of one stream (the requester's connection and
// matchtag, tied to the request sent last with that matchtag) requeued at
// least --requeue-storm times.  Sides: the stream's request (the watch's
// flux_kvs_lookup, or the flux_rpc) and the first blocking wait that requeued
// it; details count the requeues, the distinct responses (message object and
// payload) and the waits by the topic they waited for.
#include <fmt/format.h>

#include "analyzer/schema.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "checker.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "requeue-storm";
constexpr const char *kRfc = "Services SHOULD NOT block the reactor any longer than "
                             "necessary. Prefer to place an asynchronous request or RPC "
                             "and return to the reactor rather than block for a reply";

// The FLUX_KVS_* lookup flags a watch names, as written in C.
std::string lookup_flags_text(std::int32_t flags) {
    static constexpr std::pair<std::int32_t, const char *> kNames[] = {
        {4, "FLUX_KVS_WATCH"},          {8, "FLUX_KVS_WAITCREATE"},
        {64, "FLUX_KVS_WATCH_FULL"},    {128, "FLUX_KVS_WATCH_UNIQ"},
        {256, "FLUX_KVS_WATCH_APPEND"}, {512, "FLUX_KVS_STREAM"},
    };
    std::vector<std::string> names;
    for (const auto &[bit, name] : kNames)
        if (flags & bit)
            names.emplace_back(name);
    return names.empty() ? fmt::format("{}", flags)
                         : fmt::format("{}", fmt::join(names, "|"));
}

struct Wait {
    std::uint64_t start, end;
    RecordId record;
};

struct Stream {
    hb::ConnectionId connection = hb::kNoConnection;
    std::uint32_t matchtag = 0;
    hb::MessageId message = hb::kNoMessage;
    std::string topic; // of the responses, when no request was seen
    RecordId first = hb::kNoRecord;
    std::uint64_t requeues = 0;
    std::set<std::pair<std::uint64_t, std::uint64_t>> responses; // (m, payload hash)
    std::map<RecordId, std::uint64_t> waits; // wait record -> requeues inside it
    std::uint64_t outside = 0;               // requeues in no recorded wait
};

class Checker {
  public:
    Checker(const report::Describer &d, const CheckOptions &o)
        : d_(d), m_(d.model()), o_(o) {}

    std::vector<Finding> run() {
        if (o_.requeue_storm == 0)
            return {};
        index_requests();
        index_waits();
        const auto &records = m_.records();
        std::map<std::tuple<hb::ConnectionId, std::uint32_t, hb::MessageId>, Stream>
            streams;
        for (RecordId rid = 0; rid < records.size(); rid++) {
            const Record &r = records[rid];
            if (r.kind() != EventKind::Msg ||
                r.i64(field::msg::op) != code(MsgOp::Requeue) ||
                r.i64(field::msg::type) != hb::kResponse)
                continue;
            const hb::ConnectionId conn = m_.processes().connection_of(rid);
            const auto tag = static_cast<std::uint32_t>(r.u64(field::msg::matchtag));
            const hb::MessageId msg = request_of(conn, tag, r.ts_ns());
            Stream &s = streams[{conn, tag, msg}];
            if (s.first == hb::kNoRecord) {
                s.connection = conn;
                s.matchtag = tag;
                s.message = msg;
                s.topic = std::string(r.str(field::msg::topic));
                s.first = rid;
            }
            s.requeues++;
            s.responses.insert(
                {r.u64(field::msg::m),
                 r.u64(field::msg::has_hash) ? r.u64(field::msg::payload_hash) : 0});
            const RecordId wait = wait_around(rid);
            if (wait == hb::kNoRecord)
                s.outside++;
            else
                s.waits[wait]++;
        }
        std::vector<Finding> out;
        for (const auto &[key, s] : streams)
            if (s.requeues >= o_.requeue_storm)
                out.push_back(finding(s));
        return out;
    }

  private:
    // The requester's sends of each (connection, matchtag), by time: a
    // matchtag is reused once its final response arrived.
    void index_requests() {
        const auto &messages = m_.messages().messages;
        for (hb::MessageId id = 0; id < messages.size(); id++) {
            const hb::Message &msg = messages[id];
            if (msg.send == hb::kNoRecord || msg.connection == hb::kNoConnection)
                continue;
            requests_[{msg.connection, msg.matchtag}].push_back(
                {m_.records()[msg.send].ts_ns(), id});
        }
        for (auto &[key, list] : requests_) {
            (void)key;
            std::sort(list.begin(), list.end());
        }
        const auto &futures = m_.runtime().futures;
        for (hb::FutureId id = 0; id < futures.size(); id++)
            if (futures[id].message != hb::kNoMessage)
                future_of_.emplace(futures[id].message, id);
    }

    hb::MessageId request_of(hb::ConnectionId conn, std::uint32_t tag,
                             std::uint64_t ts) const {
        if (conn == hb::kNoConnection)
            return hb::kNoMessage;
        auto it = requests_.find({conn, tag});
        if (it == requests_.end())
            return hb::kNoMessage;
        auto after = std::upper_bound(
            it->second.begin(), it->second.end(),
            std::make_pair(ts, std::numeric_limits<hb::MessageId>::max()));
        return after == it->second.begin() ? hb::kNoMessage : std::prev(after)->second;
    }

    // Every wait that may block (an unready future, the synchronous KVS
    // version calls), per thread, as the interval it blocked.
    void index_waits() {
        const auto &records = m_.records();
        for (RecordId rid = 0; rid < records.size(); rid++) {
            const Record &r = records[rid];
            std::uint64_t blocked = 0;
            if (r.kind() == EventKind::FutureWait) {
                if (r.u64(field::future_wait::was_ready) != 0)
                    continue;
                blocked = r.u64(field::future_wait::blocked_ns);
            } else if (r.kind() == EventKind::KvsVersion) {
                blocked = r.u64(field::kvs_version::blocked_ns);
            } else {
                continue;
            }
            waits_[m_.relation().thread_of(rid)].push_back(
                {r.ts_ns() - std::min(r.ts_ns(), blocked), r.ts_ns(), rid});
        }
        for (auto &[thread, list] : waits_) {
            (void)thread;
            std::sort(list.begin(), list.end(), [](const Wait &a, const Wait &b) {
                return std::tie(a.end, a.record) < std::tie(b.end, b.record);
            });
        }
    }

    // The innermost wait of the requeue's thread that it lies in: of the waits
    // that began before it, the first to return after it (a wait's record is
    // stamped when it returns, after its requeues; a nested wait returns
    // before the one around it).
    RecordId wait_around(RecordId rid) const {
        auto it = waits_.find(m_.relation().thread_of(rid));
        if (it == waits_.end())
            return hb::kNoRecord;
        const std::uint64_t ts = m_.records()[rid].ts_ns();
        const auto &list = it->second; // by end
        auto w =
            std::lower_bound(list.begin(), list.end(), ts,
                             [](const Wait &x, std::uint64_t t) { return x.end < t; });
        // Later waits that began after it are skipped; a few suffice (waits
        // that end after it and began after it are sequential ones).
        for (int n = 0; w != list.end() && n < 64; ++w, ++n)
            if (w->start <= ts)
                return w->record;
        return hb::kNoRecord;
    }

    // What a wait waited for: its request's topic, the lookup's key.
    std::string waited_for(RecordId wait) const {
        const std::string what = m_.waited_for(wait);
        return what.empty() ? "(unknown future)" : what;
    }

    std::string wait_call(RecordId wait) const {
        const Record &r = m_.records()[wait];
        const std::string_view call =
            r.kind() == EventKind::KvsVersion
                ? what(static_cast<VersionApi>(r.i64(field::kvs_version::api)))
                : what(static_cast<WaitApi>(r.i64(field::future_wait::api)));
        return call.empty() ? "a future wait" : std::string(call);
    }

    const hb::Future *future_of(hb::MessageId msg) const {
        auto it = future_of_.find(msg);
        return it == future_of_.end() ? nullptr : &m_.runtime().futures[it->second];
    }

    Finding finding(const Stream &s) const {
        Finding f;
        f.rule = kRule;
        f.rfc = kRfc;
        const hb::Message *msg =
            s.message != hb::kNoMessage ? &m_.messages().messages[s.message] : nullptr;
        const hb::Future *fut = msg ? future_of(s.message) : nullptr;
        const std::string topic = msg ? std::string(msg->topic_text) : s.topic;
        const bool watch = fut && fut->lookup != hb::kNoRecord;
        f.key = watch ? std::string(fut->key) : topic;

        // The stream's start: the watch's lookup, the rpc call, the send.
        const RecordId start = fut && fut->lookup != hb::kNoRecord ? fut->lookup
                               : fut && fut->rpc != hb::kNoRecord  ? fut->rpc
                               : msg                               ? msg->send
                                                                   : s.first;
        const std::string what_stream = watch
                                            ? fmt::format("the watch of \"{}\"", fut->key)
                                            : fmt::format("the stream of {}", topic);
        std::map<std::string, std::uint64_t> by_topic; // waits per topic waited for
        for (const auto &[wait, n] : s.waits) {
            (void)n;
            by_topic[fmt::format("{} ({})", waited_for(wait), wait_call(wait))]++;
        }
        const auto plural = [](std::uint64_t n, const char *one, const char *many) {
            return fmt::format("{} {}", n, n == 1 ? one : many);
        };
        f.title =
            fmt::format("{} of {} requeued {} at {}",
                        plural(s.responses.size(), "response", "responses"), what_stream,
                        plural(s.requeues, "time", "times"),
                        plural(s.waits.size(), "synchronous wait", "synchronous waits"));

        report::Side st =
            d_.side(start, watch ? "stream started (watch)" : "stream started");
        if (watch) {
            st.details.push_back(fmt::format("key: {}", fut->key));
            st.details.push_back(
                fmt::format("flags: {}", lookup_flags_text(fut->lookup_flags)));
        }
        st.details.push_back(fmt::format("topic: {}", topic));
        st.details.push_back(fmt::format("requeued: {} times, {} distinct responses",
                                         s.requeues, s.responses.size()));
        st.details.push_back(
            fut && fut->then != hb::kNoRecord
                ? "continuation: flux_future_then registered, but its reactor did not "
                  "run between the waits"
                : "continuation: none (no flux_future_then on the stream's future)");
        st.stack = d_.stack(start);
        f.function = report::Describer::blame(st.stack);
        f.sides.push_back(std::move(st));

        if (!s.waits.empty()) {
            const RecordId first = s.waits.begin()->first;
            report::Side w = d_.side(first, "synchronous wait");
            w.details.push_back(fmt::format("call: {}", wait_call(first)));
            w.details.push_back(fmt::format("waits for: {}", waited_for(first)));
            w.details.push_back(fmt::format("requeued here: {} responses of the stream",
                                            s.waits.begin()->second));
            std::vector<std::string> parts;
            for (const auto &[what, n] : by_topic)
                parts.push_back(fmt::format("{} x {}", n, what));
            w.details.push_back(fmt::format("waits that requeued it: {} ({})",
                                            s.waits.size(), fmt::join(parts, ", ")));
            w.stack = d_.stack(first);
            if (f.function.empty())
                f.function = report::Describer::blame(w.stack);
            f.sides.push_back(std::move(w));
        }
        if (s.outside > 0)
            f.sides.front().details.push_back(
                fmt::format("requeued outside a recorded wait: {} times", s.outside));

        // The diagram: who keeps answering, the waits that put the answers
        // back, and the consumer that is missing.
        const std::string server =
            msg && msg->server_recv != hb::kNoRecord
                ? fmt::format("{}, {}", d_.process_role(msg->server_recv),
                              d_.thread_role(msg->server_recv))
                : fmt::format("who answers {}", topic);
        constexpr int kStream = 0, kWait = 1;
        const int waiter = f.sides.size() > 1 ? kWait : kStream;
        f.steps = {
            {kStream, report::Step::kParty,
             fmt::format("{} keeps answering: {}", topic,
                         plural(s.responses.size(), "response", "responses")),
             false, server},
            {waiter, kStream,
             fmt::format("{} receive and requeue them: {}",
                         plural(s.waits.size(), "wait", "waits"),
                         plural(s.requeues, "time", "times"))},
            {waiter, kStream,
             "missing: a continuation taking each response as it comes "
             "(flux_future_then), or the stream cancelled before blocking",
             true},
        };
        f.causal_path = fmt::format(
            "each synchronous wait receives every message reaching the handle and "
            "requeues those it does not wait for: the {} pending responses of the "
            "stream were received and put back {} times in all",
            s.responses.size(), s.requeues);
        f.why = "nothing consumes the stream while the thread blocks outside its "
                "reactor, so its responses pile up in the handle's queue and every "
                "further wait moves all of them again: the cost grows with responses "
                "times waits (the square of the run), and each wait is slowed by it.";
        f.fix = watch ? "consume the watch with a continuation (flux_future_then() and "
                        "flux_future_reset() in it) and let the reactor run between "
                        "the synchronous calls, or make those calls asynchronous too; "
                        "or cancel the watch (flux_kvs_lookup_cancel()) before "
                        "blocking and drain it to ENODATA"
                      : "consume the stream with a continuation (flux_future_then() "
                        "and flux_future_reset() in it) and let the reactor run "
                        "between the synchronous calls, or make those calls "
                        "asynchronous too; or cancel the stream before blocking";
        f.incomplete = d_.lossy(start) || d_.lossy(s.first);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    const CheckOptions &o_;
    std::map<std::pair<hb::ConnectionId, std::uint32_t>,
             std::vector<std::pair<std::uint64_t, hb::MessageId>>>
        requests_;
    std::map<hb::MessageId, hb::FutureId> future_of_;
    std::map<hb::ThreadId, std::vector<Wait>> waits_;
};

} // namespace

std::vector<Finding> check_requeue_storm(const report::Describer &d,
                                         const CheckOptions &options) {
    return Checker(d, options).run();
}

} // namespace fluxtrace::checkers
