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
// `kvs-watch.lookup` request with WATCH in its payload flags that no API record
// stands for) while a continuation of another watch runs on the same thread --
// directly or through callbacks nested in it (see watches.hpp) -- or in a
// callback causally downstream of such a delivery on the same thread: armed in
// it or in a run armed in it, by flux_future_then, flux_watcher_start or a
// message the thread sent itself (Watches::downstream; the chain is cut at a
// run that is not the first after its arming, and after 16 runs).
//
// Escalated to "race observed" when the trace shows the race happen: a commit
// writing the second key is concurrent with the second watch's start (whether
// the watch sees that value depended on timing), or values of the second key
// were written before the watch's last delivery and never delivered to it.
// Writes ordered before the service step the callback reacts to (the commit
// of the value it was given) are not part of the race and are left out.
#include <fmt/format.h>

#include "checker.hpp"
#include "kvs_words.hpp"
#include "watches.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "watch-chaining";
constexpr const char *kRfc = "Flux services SHOULD NOT employ a pattern of chained "
                             "watches.";

class Checker {
  public:
    explicit Checker(const report::Describer &d)
        : d_(d), m_(d.model()), watches_(d.model()) {}

    std::vector<Finding> run() {
        std::vector<Finding> out;
        for (const Watch &inner : watches_.all()) {
            const auto [outer, cb] = watches_.enclosing(inner.start);
            if (outer)
                out.push_back(finding(inner, *outer, *cb));
            else if (const WatchChain chain = watches_.downstream(inner.start);
                     chain.outer)
                out.push_back(finding_through(inner, chain));
        }
        return out;
    }

  private:
    // What the trace shows of the race on the second key, or "".
    // The commit whose value the callback is reacting to (the service's step),
    // or nullptr.
    const hb::Commit *trigger_commit(const hb::Callback &cb) const {
        if (cb.message_record == hb::kNoRecord)
            return nullptr;
        const hb::Read *rd = m_.read_of(cb.message_record);
        return rd && rd->commit != hb::kNoCommit ? &m_.kvs().commits[rd->commit]
                                                 : nullptr;
    }

    std::string observed(const Watch &inner, const hb::Callback &cb) const {
        const auto &commits = m_.kvs().commits;
        const hb::Commit *step = trigger_commit(cb);
        std::uint64_t concurrent = 0;
        std::vector<std::string> lost;
        RecordId horizon = inner.start;
        for (const hb::ReadId id : inner.deliveries)
            horizon = m_.kvs().reads[id].record;
        for (const auto &[cid, index] : m_.kvs().writes_of(inner.key)) {
            const hb::Commit &c = commits[cid];
            if (c.instance != inner.instance || c.ns != inner.ns ||
                c.request == hb::kNoRecord)
                continue;
            // Written before the step the callback reacts to: not the race.
            if (step && step->request != hb::kNoRecord &&
                m_.happens_before(c.request, step->request))
                continue;
            const hb::KvsOp &op = c.ops[index];
            if (m_.concurrent(c.request, inner.start))
                concurrent++;
            // Written after the watch's last delivery: it may yet be delivered.
            if (!op.has_hash || m_.happens_before(horizon, c.request))
                continue;
            bool delivered = false;
            for (const hb::ReadId id : inner.deliveries)
                delivered = delivered || (m_.kvs().reads[id].has_hash &&
                                          m_.kvs().reads[id].hash == op.hash);
            if (!delivered)
                lost.push_back(value_words(op));
        }
        std::string out;
        if (concurrent > 0)
            out = fmt::format("race observed: {} write{} of \"{}\" concurrent with the "
                              "second watch's start",
                              concurrent, concurrent == 1 ? "" : "s", inner.key);
        if (!lost.empty())
            out += fmt::format("{}{} value{} of \"{}\" written but never delivered to "
                               "the second watch: {}",
                               out.empty() ? "race observed: " : "; ", lost.size(),
                               lost.size() == 1 ? "" : "s", inner.key,
                               fmt::join(lost, ", "));
        return out;
    }

    Finding finding(const Watch &inner, const Watch &outer,
                    const hb::Callback &cb) const {
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
        report::Side first = d_.side(outer.start, "first watch started");
        first.details.push_back(fmt::format("key: {}", outer.key));
        first.stack = d_.stack(outer.start);
        f.sides = {std::move(second), std::move(inside), std::move(first)};

        f.causal_path = fmt::format(
            "a value of \"{}\" delivered to the callback happens before the watch of "
            "\"{}\" starts; no path orders the writer's next updates of \"{}\" after "
            "that start",
            outer.key, inner.key, inner.key);
        constexpr int kSecond = 0, kInside = 1, kFirst = 2;
        f.steps = {
            {kFirst, kInside,
             fmt::format("a value of \"{}\" is delivered to the callback", outer.key)},
            {kInside, kSecond,
             fmt::format("the callback starts a watch of \"{}\"", inner.key)},
            {kSecond, report::Step::kParty,
             fmt::format("missing: the watch's start before the writer's next update of "
                         "\"{}\"",
                         inner.key),
             true, fmt::format("the writer of \"{}\"", inner.key)},
        };
        f.observed = observed(inner, cb);
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
            "watch up front, outside callbacks, each on such an eventlog (a watch of "
            "a replaced value loses transitions however early it starts); or "
            "synchronize explicitly (the service publishes the version, the watcher "
            "calls flux_kvs_wait_version()).";
        f.incomplete =
            d_.lossy(inner.start) || d_.lossy(cb.begin) || d_.lossy(outer.start);
        return f;
    }

    // How run `b` came from run `a` just before it in a chain.
    std::string hop_words(const hb::Callback &a, const hb::Callback &b) const {
        const auto &callbacks = m_.runtime().callbacks;
        if (b.parent != hb::kNoCallback && &callbacks[b.parent] == &a)
            return fmt::format("the callback waits, and a {} callback runs nested in it",
                               hb::callback_kind_name(b.kind));
        const Record &r = m_.records()[b.armed];
        switch (r.kind()) {
        case EventKind::Future:
            return fmt::format("the callback registers a continuation ({})",
                               what(static_cast<FutureOp>(r.i64(field::future::op))));
        case EventKind::Watcher:
            return fmt::format("the callback starts a {} watcher (flux_watcher_start)",
                               hb::callback_kind_name(b.kind));
        case EventKind::Msg:
        case EventKind::EventPub:
            return "the callback sends a message that its own thread handles";
        default:
            return fmt::format("the callback arms a {} callback",
                               hb::callback_kind_name(b.kind));
        }
    }

    // A watch started in a run causally downstream of another watch's
    // delivery, through asynchronous steps (chain.runs: the delivery first).
    Finding finding_through(const Watch &inner, const WatchChain &chain) const {
        const hb::Callback &cb = *chain.runs.front();
        Finding f = finding(inner, *chain.outer, cb);
        const size_t steps = chain.runs.size() - 1;
        f.title = fmt::format("watch of \"{}\" started {} asynchronous step{} after a "
                              "delivery of the watch of \"{}\"",
                              inner.key, steps, steps == 1 ? "" : "s", chain.outer->key);
        // Sides: the watch started, the runs in between (latest first), the
        // delivery's run, the first watch started.
        report::Side second = std::move(f.sides[0]), inside = std::move(f.sides[1]),
                     first = std::move(f.sides[2]);
        f.sides.clear();
        f.sides.push_back(std::move(second));
        for (size_t k = steps; k >= 1; k--) {
            const hb::Callback &run = *chain.runs[k];
            report::Side side =
                d_.side(run.begin, fmt::format("asynchronous step {}", k));
            side.details.push_back(fmt::format("{} callback: {}",
                                               hb::callback_kind_name(run.kind),
                                               d_.function_at(run.begin, run.fn)));
            side.stack = d_.callback_stack(run);
            f.sides.push_back(std::move(side));
            f.incomplete = f.incomplete || d_.lossy(run.begin);
        }
        inside.role = "callback of watch, where the chain starts";
        f.sides.push_back(std::move(inside));
        f.sides.push_back(std::move(first));
        const int kSecond = 0, kInside = static_cast<int>(steps) + 1,
                  kFirst = kInside + 1;
        const auto step_side = [&](size_t k) { return kInside - static_cast<int>(k); };
        std::vector<report::Step> path = {
            {kFirst, kInside,
             fmt::format("a value of \"{}\" is delivered to the callback",
                         chain.outer->key)}};
        for (size_t k = 1; k <= steps; k++)
            path.push_back({step_side(k - 1), step_side(k),
                            hop_words(*chain.runs[k - 1], *chain.runs[k])});
        path.push_back(
            {step_side(steps), kSecond,
             fmt::format("that callback starts a watch of \"{}\"", inner.key)});
        path.push_back(f.steps.back()); // the missing edge to the writer
        f.steps = std::move(path);
        f.causal_path = fmt::format(
            "a value of \"{}\" delivered to the callback happens before the watch of "
            "\"{}\" starts, through {} asynchronous step{} on the same thread; no "
            "path orders the writer's next updates of \"{}\" after that start",
            chain.outer->key, inner.key, steps, steps == 1 ? "" : "s", inner.key);
        f.why = fmt::format(
            "the first watch reports a step of a remote service, which goes on "
            "without waiting for this watcher; deferring the second watch to a later "
            "callback (an RPC's continuation, a timer, a message to itself) does not "
            "change that: whatever the service writes to \"{}\" before the second "
            "watch is registered is seen only as the value current then, so "
            "intermediate values (transitions) are lost.",
            inner.key);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    Watches watches_;
};

} // namespace

std::vector<Finding> check_watch_chaining(const report::Describer &d,
                                          const CheckOptions &) {
    return Checker(d).run();
}

} // namespace fluxtrace::checkers
