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
// root before the commit on follower ranks).  Watches are left out.
//
// Lookups at a given root (flux_kvs_lookupat), the other way the RFC's
// pattern is kept, are checked by the root's version instead: the version a
// kvs answer or setroot event named for the root's blobref (KvsRoots).  A
// lookupat of a key C wrote, after C through an out-of-band trigger, at a
// root older than C's version is reported (on any rank: the root is a
// snapshot, no wait and no rank makes it newer), with where the root came
// from (flux-core 0.88's flux_kvs_commit_get_treeobj() names the root before
// the commit when a follower answered it).  A lookupat at C's root or a later
// one is silent, and so is one whose root's version the trace does not tell.
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
#include "kvs_roots.hpp"
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

// A read as this rule sees it: where it began, and the root it read at when
// it was a lookupat.
struct Lookup {
    RecordId start = hb::kNoRecord; // its request's send, or its kvs_lookup record
    bool at_root = false;
    std::string root; // the root's blobref ("" when not seen)
};

// The out-of-band trigger that ordered a commit before a lookup.
struct Trigger {
    RecordId received = hb::kNoRecord; // the first record of the reader's thread after C
    RecordId sent = hb::kNoRecord;     // kNoRecord when not traced
    std::string words;                 // event "x", request "y", ...
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
    explicit Checker(const report::Describer &d) : d_(d), m_(d.model()), roots_(m_) {
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
            const Lookup l = lookup_of(rd);
            if (l.start == hb::kNoRecord)
                continue;
            for (const hb::CommitId cid : latest_commits_before(rd, l))
                if (auto f =
                        l.at_root ? check_at_root(rd, l, cid) : check(rd, l.start, cid))
                    out.push_back(std::move(*f));
        }
        return out;
    }

  private:
    // Where the lookup began and the root it read at; a start of kNoRecord
    // for reads this rule leaves out.
    Lookup lookup_of(const hb::Read &rd) const {
        Lookup l;
        if (rd.flags & (hb::kKvsWatch | hb::kKvsStream))
            return {};
        const auto &messages = m_.messages().messages;
        if (rd.message != hb::kNoMessage) {
            const hb::Message &msg = messages[rd.message];
            if (msg.topic_text != "kvs.lookup" && msg.topic_text != "kvs-watch.lookup")
                return {}; // kvs.lookup-plus: kvs-watch's own reads
            const LookupRequest req = decode_lookup_request(m_, msg);
            if (req.ok && (req.flags & (hb::kKvsWatch | hb::kKvsStream)))
                return {};
            l.at_root = req.ok && req.at_root;
            l.root = req.root;
            l.start = msg.send;
        }
        if (rd.api != hb::kNoRecord) {
            const hb::FutureId f = m_.runtime().future_of(rd.api);
            const RecordId lookup =
                f != hb::kNoFuture ? m_.runtime().futures[f].lookup : hb::kNoRecord;
            if (lookup != hb::kNoRecord) {
                const Record &r = m_.records()[lookup];
                if (r.i64(field::kvs_lookup::api) == code(LookupApi::Lookupat)) {
                    l.at_root = true;
                    if (l.root.empty())
                        l.root = hb::treeobj_text_dirref_blobref(
                            r.str(field::kvs_lookup::treeobj));
                }
                if (l.start == hb::kNoRecord || lookup < l.start)
                    l.start = lookup;
            }
        }
        return l;
    }

    int rank_of(RecordId r) const { return m_.process_of(r).rank; }

    // Whether a commit's writer could read its write without a trigger: on
    // the same rank for a lookup (read-your-writes), in the same thread for
    // a lookupat (no trigger at all).
    bool own_write(const hb::Commit &c, const Lookup &l) const {
        if (l.at_root)
            return m_.relation().thread_of(c.request) == m_.relation().thread_of(l.start);
        return rank_of(l.start) < 0 || rank_of(c.request) < 0 ||
               rank_of(c.request) == rank_of(l.start);
    }

    // Commits of the read's key, not the reader's own, ordered before the
    // lookup's start and not before another such commit.
    std::vector<hb::CommitId> latest_commits_before(const hb::Read &rd,
                                                    const Lookup &l) const {
        const auto &commits = m_.kvs().commits;
        std::vector<hb::CommitId> before;
        for (const auto &[cid, index] : m_.kvs().writes_of(rd.key)) {
            (void)index;
            const hb::Commit &c = commits[cid];
            if (c.instance != rd.instance || c.ns != rd.ns || c.request == hb::kNoRecord)
                continue;
            if (own_write(c, l))
                continue;
            if (m_.happens_before(c.request, l.start) &&
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
        const auto p = payload_of(m_, r);
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

    Trigger trigger_of(const hb::Commit &c, RecordId start) const {
        Trigger t;
        t.received = first_reached(c.request, start);
        t.sent = trigger_origin(t.received, t.words);
        return t;
    }

    // The record a lookup's side rests on: its API record when there is one
    // (its stack is the program's).
    RecordId shown_record(const hb::Read &rd, RecordId start) const {
        if (rd.api != hb::kNoRecord) {
            const hb::FutureId fu = m_.runtime().future_of(rd.api);
            if (fu != hb::kNoFuture && m_.runtime().futures[fu].lookup != hb::kNoRecord)
                return m_.runtime().futures[fu].lookup;
        }
        return start;
    }

    report::Side side_at(RecordId r, const char *role) const {
        report::Side s = d_.side(r, role);
        s.stack = d_.stack(r);
        return s;
    }

    // Sides lookup, trigger received, commit (details: "wrote KEY" only),
    // then the finding's caller adds the details that explain it and, when
    // the trigger's send was traced, the side "trigger sent".
    Finding base(const hb::Read &rd, RecordId start, const hb::Commit &c,
                 const Trigger &t, const char *lookup_role) const {
        Finding f;
        f.rule = kRule;
        f.rfc = kRfc;
        f.key = rd.key;
        report::Side reader = side_at(shown_record(rd, start), lookup_role);
        reader.details.push_back(fmt::format("key: {}", rd.key));
        report::Side received = side_at(t.received, "trigger received");
        received.details.push_back(t.words);
        report::Side writer =
            side_at(c.api != hb::kNoRecord ? c.api : c.request, "commit");
        // Details name no values or versions unless they explain the finding:
        // they differ between occurrences of one pattern.
        writer.details.push_back(fmt::format("wrote \"{}\"", rd.key));
        f.sides = {std::move(reader), std::move(received), std::move(writer)};
        return f;
    }

    void add_sent(Finding &f, const Trigger &t) const {
        report::Side sent = side_at(t.sent, "trigger sent");
        sent.details.push_back(t.words);
        f.sides.push_back(std::move(sent));
    }

    // The causal path as steps (the commit completes, the trigger, the
    // lookup) and the edge that is missing.
    static void add_steps(Finding &f, const Trigger &t, std::string lookup,
                          std::string missing) {
        constexpr int kLookup = 0, kReceived = 1, kCommit = 2, kSent = 3;
        if (t.sent != hb::kNoRecord) {
            f.steps.push_back(
                {kCommit, kSent, "the commit completes before the trigger"});
            f.steps.push_back({kSent, kReceived, t.words});
        } else {
            f.steps.push_back({kCommit, kReceived, t.words});
        }
        f.steps.push_back({kReceived, kLookup, std::move(lookup)});
        f.steps.push_back({kCommit, kLookup, std::move(missing), true});
    }

    // "stale read observed: ..." when the read returned another value than
    // the commit's (and not a newer commit's).
    std::string observed(const hb::Read &rd, hb::CommitId cid) const {
        const hb::KvsOp *op = op_on(m_.kvs().commits[cid], rd.key);
        if (!rd.has_hash || !op || !op->has_hash || rd.hash == op->hash ||
            (rd.commit != hb::kNoCommit && rd.commit != cid && newer(rd.commit, cid)))
            return {};
        return fmt::format("stale read observed: the lookup returned {}, not the "
                           "committed {}",
                           read_words(rd), value_words(*op));
    }

    bool incomplete(RecordId start, const Trigger &t, const hb::Commit &c) const {
        return d_.lossy(start) || d_.lossy(t.received) || d_.lossy(c.request);
    }

    std::optional<Finding> check(const hb::Read &rd, RecordId start,
                                 hb::CommitId cid) const {
        const hb::Commit &c = m_.kvs().commits[cid];
        const Version v = version_of(c);
        const Trigger t = trigger_of(c, start);
        if (t.received == start)
            return std::nullopt; // ordered by the lookup itself, not a trigger
        const Window w = scan(t.received, start, cid, v, rd.key);
        if (w.synced)
            return std::nullopt;
        std::string how;
        const std::int64_t learned = learned_version(c, t.sent, how);

        Finding f = base(rd, start, c, t, "lookup");
        f.title = fmt::format("lookup of \"{}\" on rank {} after an out-of-band trigger "
                              "({}), without waiting for the version of the commit on "
                              "rank {}",
                              rd.key, rank_of(start), t.words, rank_of(c.request));
        auto &reader = f.sides[0].details;
        if (w.short_.empty())
            reader.push_back("no flux_kvs_wait_version() between the trigger and the "
                             "lookup");
        for (const std::int64_t s : w.short_)
            reader.push_back(fmt::format("waited for version {}, older than version {}, "
                                         "the first to hold the write: no wait",
                                         s, v.least));
        auto &writer = f.sides[2].details;
        writer.push_back(version_words(v));
        if (learned >= 0) {
            writer.push_back(fmt::format("learned its version from {}", how));
            if (v.least >= 0 && learned < v.least)
                writer.push_back(fmt::format(
                    "learned version {} is older than the commit's ({}): on a follower "
                    "rank {} names the root before the commit (flux-core 0.88); use "
                    "flux_kvs_get_version() after the commit",
                    learned, v.least, how));
        } else {
            writer.push_back("did not learn the version its commit made (no "
                             "flux_kvs_get_version() or "
                             "flux_kvs_commit_get_sequence() between the commit and the "
                             "trigger)");
        }
        if (t.sent != hb::kNoRecord) {
            add_sent(f, t);
            if (learned >= 0)
                f.sides.back().details.push_back(payload_holds(t.received, learned) ||
                                                         payload_holds(t.sent, learned)
                                                     ? "carried the version"
                                                     : "carried no version");
        }
        f.function = report::Describer::blame(f.sides[0].stack);

        const std::string wait =
            v.least >= 0 ? std::to_string(v.least) : std::string("V");
        f.causal_path = fmt::format("commit of \"{}\" -> {} -> its receipt on rank {} -> "
                                    "lookup; missing: flux_kvs_wait_version({}) between "
                                    "the receipt and the lookup",
                                    rd.key, t.words, rank_of(start), wait);
        add_steps(
            f, t, fmt::format("lookup of \"{}\"", rd.key),
            fmt::format("missing: flux_kvs_wait_version({}) before the lookup", wait));
        f.observed = observed(rd, cid);
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
        f.incomplete = incomplete(start, t, c);
        return f;
    }

    static std::string version_words(const Version &v) {
        return v.least < 0 ? "its version is unknown"
               : v.exact   ? "its version is known exactly"
                           : "its version is known as a lower bound (a follower "
                             "answered the commit)";
    }

    // Whether a root handed out by `o` is the answer to commit `c` itself.
    bool answers(const RootOrigin &o, const hb::Commit &c) const {
        const hb::FutureId f = m_.runtime().future_of(o.record);
        if (f == hb::kNoFuture)
            return false;
        const hb::Future &fu = m_.runtime().futures[f];
        return (c.message != hb::kNoMessage && fu.message == c.message) ||
               (c.api != hb::kNoRecord && fu.commit == c.api);
    }

    // Where the reader's root came from, as a detail and as the why's end.
    std::pair<std::string, std::string> root_words(const RootOrigin *o,
                                                   const hb::Commit &c) const {
        if (!o)
            return {"where its root came from is not in the trace",
                    "Where the root came from is not in the trace."};
        const std::string on = fmt::format("on rank {}", rank_of(o->record));
        if (o->from_commit && answers(*o, c))
            return {fmt::format("its root came from {} of this commit {}", o->call, on),
                    fmt::format("The root came from {} of the commit: a follower rank "
                                "answers a commit before it applies the commit's root, "
                                "so the answer names the root before the commit "
                                "(flux-core 0.88).",
                                o->call)};
        if (o->from_commit)
            return {
                fmt::format("its root came from {} of an older commit {}", o->call, on),
                fmt::format("The root came from {} of an older commit.", o->call)};
        return {fmt::format("its root came from {} {}", o->call, on),
                fmt::format("The root came from {}, answered before the commit's root "
                            "reached that rank.",
                            o->call)};
    }

    std::optional<Finding> check_at_root(const hb::Read &rd, const Lookup &l,
                                         hb::CommitId cid) const {
        const hb::Commit &c = m_.kvs().commits[cid];
        const Version v = version_of(c);
        const std::int64_t at =
            l.root.empty() ? -1 : roots_.version_of(rd.instance, c.ns, l.root);
        if (at < 0 || v.least < 0 || at >= v.least)
            return std::nullopt; // the commit's root or a later one, or not known
        const Trigger t = trigger_of(c, l.start);
        if (t.received == l.start)
            return std::nullopt; // ordered by the lookup itself, not a trigger
        const auto [origin, origin_why] =
            root_words(roots_.origin(rd.instance, l.root, l.start), c);

        Finding f = base(rd, l.start, c, t, "lookup at a root");
        f.title =
            fmt::format("lookup of \"{}\" on rank {} at a root older than the commit "
                        "on rank {}, after an out-of-band trigger ({})",
                        rd.key, rank_of(l.start), rank_of(c.request), t.words);
        auto &reader = f.sides[0].details;
        reader.push_back(fmt::format("read at the root of version {}, older than version "
                                     "{}, the first that can hold the write",
                                     at, v.least));
        reader.push_back(origin);
        f.sides[2].details.push_back(version_words(v));
        if (t.sent != hb::kNoRecord)
            add_sent(f, t);
        f.function = report::Describer::blame(f.sides[0].stack);

        f.causal_path = fmt::format(
            "commit of \"{}\" -> {} -> its receipt on rank {} -> flux_kvs_lookupat() at "
            "the root of version {}; missing: a root of version {} or later "
            "(flux_kvs_getroot() after the commit)",
            rd.key, t.words, rank_of(l.start), at, v.least);
        add_steps(
            f, t, fmt::format("flux_kvs_lookupat() of \"{}\"", rd.key),
            fmt::format("missing: the commit's root (version {} or later)", v.least));
        f.observed = observed(rd, cid);
        f.why = fmt::format("flux_kvs_lookupat() reads the snapshot its root names, "
                            "whatever rank {} holds and however long it waits: a root "
                            "older than the commit cannot hold its write.  {}",
                            rank_of(l.start), origin_why);
        f.fix = "the writer sends the commit's own root: flux_kvs_getroot() after the "
                "commit completes, then flux_kvs_getroot_get_treeobj() "
                "(flux_kvs_commit_get_treeobj() names it only when rank 0 answered the "
                "commit); or it sends the version (flux_kvs_get_version() after the "
                "commit) and the reader calls flux_kvs_wait_version(h, ns, version) "
                "before a lookup of the current root.";
        f.incomplete = incomplete(l.start, t, c);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    const KvsRoots roots_;
    std::map<RecordId, std::int64_t> exact_;
    std::map<RecordId, const hb::VersionPoint *> waits_;
};

} // namespace

std::vector<Finding> check_missing_version_wait(const report::Describer &d,
                                                const CheckOptions &) {
    return Checker(d).run();
}

} // namespace fluxtrace::checkers
