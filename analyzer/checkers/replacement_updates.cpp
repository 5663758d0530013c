// replacement-updates.  RFC 9, Anti-Patterns:
//
//   "KVS replacement updates: When keys are used as triggers that represent
//    streams of events to be read, services SHOULD NOT use replacement on the
//    value of each update. Keys for which only the most recent value is
//    useful, such as monotonically increasing counters, MAY prefer replacement
//    since their historical values can be inferred."
//
// Reported: a key watched without FLUX_KVS_WATCH_APPEND (it is read as a
// stream of updates) and replaced -- written without FLUX_KVS_APPEND -- by two
// or more commits that such a watch could have delivered as updates: not
// ordered before its start or before the commit of the first value it
// delivered (its initial state), and not after the watch was destroyed.
// Escalated to "race observed" when values so written were never delivered to
// any watcher of the key (counting only writes before a watcher's last
// delivery: later ones may yet arrive past the trace's end).
//
// Heuristics for what the RFC allows (a note, not a finding):
// - counters: every replacing value was seen and reads as an integer, and
//   they increase in the order written;
// - latest-value readers: every watch of the key asked for distinct values
//   only (FLUX_KVS_WATCH_UNIQ), which states interest in the current state
//   rather than its history.  Other latest-value keys are for suppressions:
//   nothing in a trace tells a reader of state from a reader of a stream.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "checker.hpp"
#include "kvs_words.hpp"
#include "watches.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "replacement-updates";
constexpr const char *kRfc = "When keys are used as triggers that represent streams of "
                             "events to be read, services SHOULD NOT use replacement on "
                             "the value of each update.";
constexpr std::int32_t kTxnAppend = 32;
constexpr std::int32_t kWatchUniq = 128;

std::optional<long long> as_integer(const hb::KvsOp &op) {
    if (!op.has_value)
        return std::nullopt;
    std::string_view v = op.value;
    while (!v.empty() && (v.back() == '\0' || v.back() == '\n'))
        v.remove_suffix(1);
    long long n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || v.empty())
        return std::nullopt;
    return n;
}

struct Write {
    hb::CommitId commit;
    const hb::KvsOp *op;
};

class Checker {
  public:
    explicit Checker(const report::Describer &d)
        : d_(d), m_(d.model()), watches_(d.model()) {}

    std::vector<Finding> run() {
        using Key = std::tuple<hb::InstanceId, std::string, std::string>;
        std::map<Key, std::vector<const Watch *>> watched;
        for (const Watch &w : watches_.all())
            watched[{w.instance, w.ns, w.key}].push_back(&w);
        std::vector<Finding> out;
        for (const auto &[key, list] : watched) {
            std::vector<const Watch *> streams;
            for (const Watch *w : list)
                if (!w->append())
                    streams.push_back(w);
            if (streams.empty())
                continue;
            std::vector<Write> writes = replacements(std::get<0>(key), std::get<1>(key),
                                                     std::get<2>(key), streams);
            if (writes.size() >= 2)
                out.push_back(finding(std::get<2>(key), list, streams, writes));
        }
        return out;
    }

  private:
    // Whether a stream watch could have delivered the write as an update: it
    // is not ordered before the watch's start, nor before (or as) the commit
    // whose value the watch delivered first (its initial state), and not after
    // the watch was destroyed.
    bool could_update(const hb::Commit &c, const Watch &w) const {
        if (m_.happens_before(c.request, w.start))
            return false;
        if (!w.deliveries.empty()) {
            const hb::Read &first = m_.kvs().reads[w.deliveries.front()];
            if (first.commit != hb::kNoCommit) {
                const hb::Commit &initial = m_.kvs().commits[first.commit];
                if (&initial == &c || (initial.request != hb::kNoRecord &&
                                       m_.happens_before(c.request, initial.request)))
                    return false;
            }
        }
        const RecordId end = w.future != hb::kNoFuture
                                 ? m_.runtime().futures[w.future].destroyed
                                 : hb::kNoRecord;
        return end == hb::kNoRecord || !m_.happens_before(end, c.request);
    }

    // Replacing writes of a key that some stream watch could have seen as
    // updates, in the order they were sent.
    std::vector<Write> replacements(hb::InstanceId instance, const std::string &ns,
                                    const std::string &key,
                                    const std::vector<const Watch *> &streams) const {
        std::vector<Write> out;
        const auto &commits = m_.kvs().commits;
        const auto &messages = m_.messages().messages;
        const auto writes = m_.kvs().writes_of(key);
        // A commit whose requester's send and server's receive were not paired
        // appears twice (once from each end): keep the requester's.
        std::set<std::uint64_t> unpaired_sends;
        for (const auto &[cid, index] : writes) {
            const hb::Commit &c = commits[cid];
            if (c.message != hb::kNoMessage &&
                messages[c.message].send != hb::kNoRecord &&
                messages[c.message].server_recv == hb::kNoRecord && c.ops[index].has_hash)
                unpaired_sends.insert(c.ops[index].hash);
        }
        for (const auto &[cid, index] : writes) {
            const hb::Commit &c = commits[cid];
            const hb::KvsOp &op = c.ops[index];
            if (c.instance != instance || c.ns != ns || c.request == hb::kNoRecord ||
                (op.flags & kTxnAppend) || op_on(c, key) != &op)
                continue;
            if (c.message != hb::kNoMessage &&
                messages[c.message].send == hb::kNoRecord && op.has_hash &&
                unpaired_sends.count(op.hash))
                continue;
            bool visible = false;
            for (const Watch *w : streams)
                visible = visible || could_update(c, *w);
            if (visible)
                out.push_back({cid, &op});
        }
        std::sort(out.begin(), out.end(), [&](const Write &a, const Write &b) {
            return commits[a.commit].request < commits[b.commit].request;
        });
        return out;
    }

    bool delivered(const std::vector<const Watch *> &watches, std::uint64_t hash) const {
        for (const Watch *w : watches)
            for (const hb::ReadId id : w->deliveries)
                if (m_.kvs().reads[id].has_hash && m_.kvs().reads[id].hash == hash)
                    return true;
        return false;
    }

    // Written before some watcher's last delivery: it had its chance.
    bool due(const std::vector<const Watch *> &watches, RecordId write) const {
        for (const Watch *w : watches) {
            if (w->deliveries.empty())
                continue;
            const RecordId last = m_.kvs().reads[w->deliveries.back()].record;
            if (!m_.happens_before(last, write))
                return true;
        }
        return false;
    }

    // Why the RFC allows it, or "".
    std::string allowance(const std::vector<const Watch *> &streams,
                          const std::vector<Write> &writes) const {
        bool counter = true;
        std::optional<long long> prev;
        for (const Write &w : writes) {
            const auto n = as_integer(*w.op);
            counter = counter && n && (!prev || *n > *prev);
            prev = n;
        }
        if (counter)
            return "its values only grow (a counter): the RFC allows replacement, since "
                   "values skipped can be inferred";
        bool latest = true;
        for (const Watch *w : streams)
            latest = latest && (w->flags & kWatchUniq);
        if (latest)
            return "every watch of it asks for distinct values only (WATCH_UNIQ): "
                   "readers of the latest state, for which the RFC allows replacement";
        return "";
    }

    Finding finding(const std::string &key, const std::vector<const Watch *> &all,
                    const std::vector<const Watch *> &streams,
                    const std::vector<Write> &writes) const {
        const auto &commits = m_.kvs().commits;
        Finding f;
        f.rule = kRule;
        f.rfc = kRfc;
        f.key = key;
        const std::string allowed = allowance(streams, writes);
        f.severity = allowed.empty() ? report::Severity::Finding : report::Severity::Note;
        f.title = fmt::format("\"{}\" is watched as a stream (without "
                              "FLUX_KVS_WATCH_APPEND) and replaced by {} commits",
                              key, writes.size());

        const Watch &w = *streams.front();
        report::Side watcher = d_.side(w.start, "watched");
        watcher.details.push_back(fmt::format("key: {}", key));
        watcher.details.push_back(fmt::format(
            "watches of it: {}, without WATCH_APPEND: {}", all.size(), streams.size()));
        watcher.stack = d_.stack(w.start);
        f.sides.push_back(std::move(watcher));
        const auto writer_side = [&](const Write &x, const char *role) {
            const hb::Commit &c = commits[x.commit];
            const RecordId at = c.api != hb::kNoRecord ? c.api : c.request;
            report::Side s = d_.side(at, role);
            s.details.push_back(fmt::format("value: {}", value_words(*x.op)));
            s.stack = d_.stack(at);
            return s;
        };
        f.sides.push_back(writer_side(writes.front(), "first replacement"));
        f.sides.push_back(writer_side(writes.back(), "last replacement"));
        f.function = report::Describer::blame(f.sides[1].stack);
        if (f.function.empty())
            f.function = report::Describer::blame(f.sides[0].stack);

        std::vector<std::string> lost;
        std::set<std::uint64_t> seen;
        for (const Write &x : writes)
            if (x.op->has_hash && seen.insert(x.op->hash).second &&
                !delivered(all, x.op->hash) && due(all, commits[x.commit].request))
                lost.push_back(value_words(*x.op));
        if (!lost.empty())
            f.observed = fmt::format(
                "race observed: {} value{} of \"{}\" never delivered "
                "to any watcher: {}",
                lost.size(), lost.size() == 1 ? "" : "s", key, fmt::join(lost, ", "));
        f.causal_path =
            fmt::format("nothing orders a watcher's receipt of one value before the next "
                        "replacement of \"{}\": each commit overwrites the last",
                        key);
        constexpr int kWatcher = 0, kFirst = 1, kLast = 2;
        f.steps = {
            {kFirst, kLast, fmt::format("\"{}\" is replaced again", key)},
            {kWatcher, kLast,
             "missing: the watcher's receipt of each value before the next replacement",
             true},
        };
        if (allowed.empty()) {
            f.why = fmt::format(
                "a watch without WATCH_APPEND delivers the value current when kvs-watch "
                "looks it up, and commits to one key may be merged: a watcher reading "
                "\"{}\" as a stream of updates can miss any value replaced before it "
                "was delivered (a transition that is never seen).",
                key);
            f.fix = "append each update instead of replacing the value: "
                    "flux_kvs_txn_put() with FLUX_KVS_APPEND (an eventlog), and watch it "
                    "with FLUX_KVS_WATCH | FLUX_KVS_WATCH_APPEND so every update is "
                    "delivered once, in order.";
        } else {
            f.why =
                fmt::format("\"{}\" is replaced while watched, but {}.", key, allowed);
            f.fix = "none needed; if the watchers do need every value, append "
                    "(FLUX_KVS_APPEND) and watch with FLUX_KVS_WATCH_APPEND.";
        }
        f.incomplete = d_.lossy(w.start);
        for (const Write &x : writes)
            f.incomplete = f.incomplete || d_.lossy(commits[x.commit].request);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    Watches watches_;
};

} // namespace

std::vector<Finding> check_replacement_updates(const report::Describer &d,
                                               const CheckOptions &) {
    return Checker(d).run();
}

} // namespace fluxtrace::checkers
