// missing-version-wait.  RFC 9, Preferred Patterns, "KVS request and response":
//
//   "If out-of-band triggers are used, kvs_get_version() SHOULD be used to
//    retrieve the KVS version in which the data is ready, and
//    kvs_wait_version() SHOULD be used by the client to wait for consistency."
//
// Reported: a commit C; a lookup L of a key C wrote, on another rank than C's
// committer; C happens before L through something other than the KVS (an
// event, a request or response: the out-of-band trigger), first reaching L's
// thread at record T; and between T and L on that thread no wait_version of
// C's version or later, and no read that returned C's value.  A wait for an
// older version is no wait (flux-core 0.88's commit_get_sequence names the
// root before the commit on follower ranks).  Lookups at a given root
// (lookupat) and watches are not lookups of the current root and are left out.
//
// A read on C's own rank is not reported: read-your-writes holds there, since
// that rank's kvs module has applied C's root by the time the commit is
// answered to anyone who could trigger the reader.
//
// Escalated to "stale read observed" when L returned another value than C's.
#include <fmt/format.h>

#include "analyzer/schema.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "../hb/payload.hpp"
#include "checker.hpp"
#include "kvs_words.hpp"
#include "watches.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "missing-version-wait";
constexpr const char *kRfc =
    "If out-of-band triggers are used, kvs_get_version() SHOULD be used to retrieve "
    "the KVS version in which the data is ready, and kvs_wait_version() SHOULD be used "
    "by the client to wait for consistency.";

// The least version that holds a commit's write: exact when rank 0 answered
// or the committer read the version back, else one past the root a follower
// named.  -1 when unknown.
struct Version {
    std::int64_t least = -1;
    bool exact = false;
};

void collect_integers(const nlohmann::json &j, std::set<std::int64_t> &out) {
    if (j.is_number_integer())
        out.insert(j.get<std::int64_t>());
    else if (j.is_object() || j.is_array())
        for (const auto &v : j)
            collect_integers(v, out);
}

class Checker {
  public:
    explicit Checker(const report::Describer &d) : d_(d), m_(d.model()) {
        const auto &kvs = m_.kvs();
        for (const hb::VersionPoint &v : kvs.versions)
            exact_[v.record] = v.version;
        for (const hb::VersionPoint &w : kvs.waits)
            waits_[w.record] = &w;
    }

    std::vector<Finding> run() {
        std::vector<Finding> out;
        const auto &kvs = m_.kvs();
        for (hb::ReadId id = 0; id < kvs.reads.size(); id++) {
            const hb::Read &rd = kvs.reads[id];
            const RecordId start = lookup_start(rd);
            if (start == hb::kNoRecord)
                continue;
            for (const hb::CommitId cid : latest_commits_before(rd, start))
                if (auto f = check(rd, start, cid))
                    out.push_back(std::move(*f));
        }
        return out;
    }

  private:
    // Where the lookup began (its request's send, or its kvs_lookup record);
    // kNoRecord for reads this rule leaves out.
    RecordId lookup_start(const hb::Read &rd) const {
        if (rd.flags & (hb::kKvsWatch | hb::kKvsStream))
            return hb::kNoRecord;
        RecordId start = hb::kNoRecord;
        const auto &messages = m_.messages().messages;
        if (rd.message != hb::kNoMessage) {
            const hb::Message &msg = messages[rd.message];
            if (msg.topic_text != "kvs.lookup" && msg.topic_text != "kvs-watch.lookup")
                return hb::kNoRecord; // kvs.lookup-plus: kvs-watch's own reads
            const LookupRequest req = decode_lookup_request(m_, msg);
            if (req.ok && (req.at_root || (req.flags & (hb::kKvsWatch | hb::kKvsStream))))
                return hb::kNoRecord;
            start = msg.send;
        }
        if (rd.api != hb::kNoRecord) {
            const hb::FutureId f = m_.runtime().future_of(rd.api);
            const RecordId lookup =
                f != hb::kNoFuture ? m_.runtime().futures[f].lookup : hb::kNoRecord;
            if (lookup != hb::kNoRecord) {
                if (m_.records()[lookup].i64(field::kvs_lookup::api) ==
                    code(LookupApi::Lookupat))
                    return hb::kNoRecord;
                if (start == hb::kNoRecord || lookup < start)
                    start = lookup;
            }
        }
        return start;
    }

    int rank_of(RecordId r) const { return m_.process_of(r).rank; }

    // Commits of the read's key, from another rank, ordered before the
    // lookup's start and not before another such commit.
    std::vector<hb::CommitId> latest_commits_before(const hb::Read &rd,
                                                    RecordId start) const {
        const auto &commits = m_.kvs().commits;
        const int reader_rank = rank_of(start);
        std::vector<hb::CommitId> before;
        for (const auto &[cid, index] : m_.kvs().writes_of(rd.key)) {
            (void)index;
            const hb::Commit &c = commits[cid];
            if (c.instance != rd.instance || c.ns != rd.ns || c.request == hb::kNoRecord)
                continue;
            if (reader_rank < 0 || rank_of(c.request) < 0 ||
                rank_of(c.request) == reader_rank)
                continue;
            if (m_.happens_before(c.request, start) &&
                (before.empty() || before.back() != cid))
                before.push_back(cid);
        }
        // Superseded: ordered before another, or in an older version than
        // another's (writers that nothing traced orders, such as two `flux
        // kvs put` commands of one shell script).
        std::vector<hb::CommitId> latest;
        for (const hb::CommitId a : before) {
            bool superseded = false;
            for (const hb::CommitId b : before)
                superseded = superseded || (a != b && newer(b, a));
            if (!superseded)
                latest.push_back(a);
        }
        return latest;
    }

    // Whether commit b is known to come after commit a.
    bool newer(hb::CommitId b, hb::CommitId a) const {
        const auto &commits = m_.kvs().commits;
        if (m_.happens_before(commits[a].request, commits[b].request))
            return true;
        const Version va = version_of(commits[a]), vb = version_of(commits[b]);
        return va.least >= 0 && vb.least >= 0 && vb.exact && vb.least > va.least;
    }

    Version version_of(const hb::Commit &c) const {
        auto it = exact_.find(c.request);
        if (it != exact_.end())
            return {it->second, true};
        if (c.rootseq >= 0)
            return c.rootseq_exact ? Version{c.rootseq, true}
                                   : Version{c.rootseq + 1, false};
        return {};
    }

    // The first record of `start`'s thread that `from` happens before.
    RecordId first_reached(RecordId from, RecordId start) const {
        const auto &mine = m_.thread_of(start).records;
        hb::Epoch lo = 1, hi = m_.relation().epoch_of(start);
        while (lo < hi) {
            const hb::Epoch mid = lo + (hi - lo) / 2;
            if (m_.happens_before(from, mine[mid - 1]))
                hi = mid;
            else
                lo = mid + 1;
        }
        return mine[lo - 1];
    }

    struct Window {
        bool synced = false;              // a sufficient wait, or a read of C's value
        std::vector<std::int64_t> short_; // waits for older versions
    };

    Window scan(RecordId trigger, RecordId start, hb::CommitId cid, const Version &v,
                const std::string &key) const {
        Window w;
        const hb::Commit &c = m_.kvs().commits[cid];
        const hb::KvsOp *op = op_on(c, key);
        const auto &mine = m_.thread_of(start).records;
        for (hb::Epoch e = m_.relation().epoch_of(trigger);
             e < m_.relation().epoch_of(start); e++) {
            const RecordId r = mine[e - 1];
            if (auto it = waits_.find(r); it != waits_.end() && it->second->ns == c.ns) {
                if (v.least < 0 || it->second->version >= v.least)
                    w.synced = true;
                else if (std::find(w.short_.begin(), w.short_.end(),
                                   it->second->version) == w.short_.end())
                    w.short_.push_back(it->second->version); // API and message: once
            }
            const hb::Read *seen = m_.read_of(r);
            if (seen && seen->record == r && seen->commit == cid)
                w.synced = true;
            if (seen && seen->record == r && op && op->has_hash && seen->has_hash &&
                seen->key == key && seen->hash == op->hash)
                w.synced = true;
        }
        return w;
    }

    // The record that sent the trigger `receipt` received: an event's
    // publication, a request's or a response's send.
    RecordId trigger_origin(RecordId receipt, std::string &words) const {
        if (const hb::Event *ev = m_.event_of(receipt)) {
            words = fmt::format("event \"{}\"", ev->topic);
            return ev->publish;
        }
        if (const hb::Message *msg = m_.message_of(receipt)) {
            if (msg->server_recv == receipt) {
                words = fmt::format("request \"{}\"", msg->topic_text);
                return msg->send;
            }
            for (const hb::Response &r : msg->responses)
                if (r.receipt == receipt) {
                    words = fmt::format("response to \"{}\"", msg->topic_text);
                    return r.server_send;
                }
            words = fmt::format("message \"{}\"", msg->topic_text);
            return hb::kNoRecord;
        }
        const Record &r = m_.records()[receipt];
        words = fmt::format("{} record", r.name());
        return hb::kNoRecord;
    }

    // How the writer learned its version, scanning its thread from the commit
    // to the trigger's send; -1 when it did not.
    std::int64_t learned_version(const hb::Commit &c, RecordId origin,
                                 std::string &how) const {
        if (origin == hb::kNoRecord || c.api == hb::kNoRecord ||
            m_.relation().thread_of(origin) != m_.relation().thread_of(c.api))
            return -1;
        const auto &mine = m_.thread_of(c.api).records;
        const hb::FutureId fut = m_.runtime().future_of(c.api);
        std::int64_t learned = -1;
        for (hb::Epoch e = m_.relation().epoch_of(c.api);
             e < m_.relation().epoch_of(origin); e++) {
            const Record &r = m_.records()[mine[e - 1]];
            if (r.kind() == EventKind::KvsResult &&
                r.i64(field::kvs_result::api) == code(ResultApi::CommitSequence) &&
                r.i64(field::kvs_result::rc) >= 0 &&
                m_.runtime().future_of(mine[e - 1]) == fut) {
                learned = r.i64(field::kvs_result::seq);
                how = "flux_kvs_commit_get_sequence()";
            } else if (r.kind() == EventKind::KvsVersion &&
                       r.i64(field::kvs_version::api) == code(VersionApi::Get) &&
                       r.i64(field::kvs_version::rc) >= 0) {
                learned = r.i64(field::kvs_version::version);
                how = "flux_kvs_get_version()";
            }
        }
        return learned;
    }

    bool payload_holds(RecordId r, std::int64_t n) const {
        if (r == hb::kNoRecord)
            return false;
        const Record &rec = m_.records()[r];
        if (!rec.has(field::msg::payload) || !rec.has(field::msg::payload_len))
            return false;
        const auto p = hb::decode_payload(rec.bytes(field::msg::payload),
                                          rec.u64(field::msg::payload_len));
        if (p.status != hb::PayloadStatus::Decoded)
            return false;
        std::set<std::int64_t> ints;
        collect_integers(p.json, ints);
        return ints.count(n) > 0;
    }

    std::string read_words(const hb::Read &rd) const {
        for (const auto &[cid, index] : m_.kvs().writes_of(rd.key)) {
            const hb::KvsOp &op = m_.kvs().commits[cid].ops[index];
            if (op.has_hash && op.hash == rd.hash)
                return value_words(op);
        }
        return value_words(rd.hash);
    }

    std::optional<Finding> check(const hb::Read &rd, RecordId start,
                                 hb::CommitId cid) const {
        const hb::Commit &c = m_.kvs().commits[cid];
        const Version v = version_of(c);
        const RecordId trigger = first_reached(c.request, start);
        if (trigger == start)
            return std::nullopt; // ordered by the lookup itself, not a trigger
        const Window w = scan(trigger, start, cid, v, rd.key);
        if (w.synced)
            return std::nullopt;

        std::string trigger_words;
        const RecordId origin = trigger_origin(trigger, trigger_words);
        std::string how;
        const std::int64_t learned = learned_version(c, origin, how);
        const hb::KvsOp *op = op_on(c, rd.key);

        Finding f;
        f.rule = kRule;
        f.rfc = kRfc;
        f.key = rd.key;
        f.title = fmt::format("lookup of \"{}\" on rank {} after an out-of-band trigger "
                              "({}), without waiting for the version of the commit on "
                              "rank {}",
                              rd.key, rank_of(start), trigger_words, rank_of(c.request));

        // The lookup's API record when there is one: its stack is the program's.
        RecordId shown = start;
        if (rd.api != hb::kNoRecord) {
            const hb::FutureId fu = m_.runtime().future_of(rd.api);
            if (fu != hb::kNoFuture && m_.runtime().futures[fu].lookup != hb::kNoRecord)
                shown = m_.runtime().futures[fu].lookup;
        }
        report::Side reader = d_.side(shown, "lookup");
        reader.details.push_back(fmt::format("key: {}", rd.key));
        if (w.short_.empty())
            reader.details.push_back("no flux_kvs_wait_version() between the trigger and "
                                     "the lookup");
        for (const std::int64_t s : w.short_)
            reader.details.push_back(fmt::format(
                "waited for version {}, older than version {}, the first to hold the "
                "write: no wait",
                s, v.least));
        reader.stack = d_.stack(shown);
        report::Side received = d_.side(trigger, "trigger received");
        received.details.push_back(trigger_words);
        received.stack = d_.stack(trigger);
        const RecordId at = c.api != hb::kNoRecord ? c.api : c.request;
        report::Side writer = d_.side(at, "commit");
        // Details name no values or versions unless they explain the finding:
        // they differ between occurrences of one pattern.
        writer.details.push_back(fmt::format("wrote \"{}\"", rd.key));
        writer.details.push_back(v.least < 0 ? "its version is unknown"
                                 : v.exact   ? "its version is known exactly"
                                             : "its version is known as a lower bound "
                                               "(a follower answered the commit)");
        if (learned >= 0) {
            writer.details.push_back(fmt::format("learned its version from {}", how));
            if (v.least >= 0 && learned < v.least)
                writer.details.push_back(fmt::format(
                    "learned version {} is older than the commit's ({}): on a follower "
                    "rank {} names the root before the commit (flux-core 0.88); use "
                    "flux_kvs_get_version() after the commit",
                    learned, v.least, how));
        } else {
            writer.details.push_back("did not learn the version its commit made (no "
                                     "flux_kvs_get_version() or "
                                     "flux_kvs_commit_get_sequence() between the commit "
                                     "and the trigger)");
        }
        writer.stack = d_.stack(at);
        f.sides = {std::move(reader), std::move(received), std::move(writer)};
        if (origin != hb::kNoRecord) {
            report::Side sent = d_.side(origin, "trigger sent");
            sent.details.push_back(trigger_words);
            if (learned >= 0)
                sent.details.push_back(payload_holds(trigger, learned) ||
                                               payload_holds(origin, learned)
                                           ? "carried the version"
                                           : "carried no version");
            sent.stack = d_.stack(origin);
            f.sides.push_back(std::move(sent));
        }
        f.function = report::Describer::blame(f.sides[0].stack);

        f.causal_path = fmt::format(
            "commit of \"{}\" -> {} -> its receipt on rank {} -> lookup; missing: "
            "flux_kvs_wait_version({}) between the receipt and the lookup",
            rd.key, trigger_words, rank_of(start),
            v.least >= 0 ? std::to_string(v.least) : std::string("V"));
        constexpr int kLookup = 0, kReceived = 1, kCommit = 2, kSent = 3;
        if (f.sides.size() > kSent) {
            f.steps.push_back(
                {kCommit, kSent, "the commit completes before the trigger"});
            f.steps.push_back({kSent, kReceived, trigger_words});
        } else {
            f.steps.push_back({kCommit, kReceived, trigger_words});
        }
        f.steps.push_back({kReceived, kLookup, fmt::format("lookup of \"{}\"", rd.key)});
        f.steps.push_back(
            {kCommit, kLookup,
             fmt::format("missing: flux_kvs_wait_version({}) before the lookup",
                         v.least >= 0 ? std::to_string(v.least) : std::string("V")),
             true});
        if (rd.has_hash && op && op->has_hash && rd.hash != op->hash &&
            !(rd.commit != hb::kNoCommit && rd.commit != cid && newer(rd.commit, cid)))
            f.observed = fmt::format("stale read observed: the lookup returned {}, not "
                                     "the committed {}",
                                     read_words(rd), value_words(*op));
        f.why = fmt::format(
            "the trigger travels outside the KVS, so it can overtake the new root: rank "
            "{}'s kvs module applies a commit only when its setroot event arrives, and "
            "until then a lookup there returns the previous value.",
            rank_of(start));
        f.fix = "the writer gets the version its commit produced "
                "(flux_kvs_get_version() after the commit completes; "
                "flux_kvs_commit_get_sequence() only on rank 0) and sends it with the "
                "trigger; the reader calls flux_kvs_wait_version(h, ns, version) before "
                "its lookup (or looks up at the commit's root with flux_kvs_lookupat()).";
        f.incomplete = d_.lossy(start) || d_.lossy(trigger) || d_.lossy(c.request);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    std::map<RecordId, std::int64_t> exact_;
    std::map<RecordId, const hb::VersionPoint *> waits_;
};

} // namespace

std::vector<Finding> check_missing_version_wait(const report::Describer &d,
                                                const CheckOptions &) {
    return Checker(d).run();
}

} // namespace fluxtrace::checkers
