// scattered-triggers.  RFC 9, Preferred Patterns:
//
//   "Centralize update triggers: Services may notify completion or transition
//    events through watches on known points in the KVS. Services that use this
//    form of notification SHOULD group the points to be watched and/or retain
//    the updates made by appending to rather than replacing values."
//
// A note (a heuristic): one thread (a client, or one broker module) watching
// keys in at least --scatter-keys different directories without
// FLUX_KVS_WATCH_APPEND (appended updates are retained, which the RFC accepts
// in place of grouping).  Keys are compared by shape, with path components
// that look like identifiers (all digits, hex of 8 or more or of 4 -- a
// dothex job id's groups --, F58 job ids starting with "ƒ" or "f") replaced
// by "*", so one watch per job of
// `job.<id>.eventlog` counts once: watching the same point of many jobs is a
// grouped pattern, watching many unrelated points is not.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "checker.hpp"
#include "watches.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "scattered-triggers";
constexpr const char *kRfc = "Services that use this form of notification SHOULD group "
                             "the points to be watched and/or retain the updates made by "
                             "appending to rather than replacing values.";

bool identifier_like(std::string_view c) {
    if (c.empty())
        return false;
    if (std::all_of(c.begin(), c.end(),
                    [](char x) { return std::isdigit((unsigned char)x); }))
        return true;
    // Hex of 8 or more, or the 4-digit groups of a job id in "dothex" form
    // (job.0000.0123.4567.89ab).
    if ((c.size() >= 8 || c.size() == 4) && std::all_of(c.begin(), c.end(), [](char x) {
            return std::isxdigit((unsigned char)x);
        }))
        return true;
    if (c.rfind("\xc6\x92", 0) == 0 ||
        (c.size() > 4 && c[0] == 'f' &&
         std::any_of(c.begin() + 1, c.end(),
                     [](char x) { return std::isdigit((unsigned char)x); }) &&
         std::all_of(c.begin() + 1, c.end(),
                     [](char x) { return std::isalnum((unsigned char)x); })))
        return true;
    return false;
}

// The key's directory with identifier-like components as "*".
std::string directory_shape(std::string_view key) {
    std::string out;
    size_t begin = 0;
    std::vector<std::string_view> parts;
    while (begin <= key.size()) {
        const size_t dot = key.find('.', begin);
        const size_t end = dot == std::string_view::npos ? key.size() : dot;
        parts.push_back(key.substr(begin, end - begin));
        begin = end + 1;
    }
    parts.pop_back(); // the key's own name
    for (const auto p : parts) {
        if (!out.empty())
            out += '.';
        out += identifier_like(p) ? std::string("*") : std::string(p);
    }
    return out.empty() ? std::string(".") : out;
}

// A job's namespace ("job-<id>") counts as one shape whatever the job.
std::string namespace_shape(const std::string &ns) {
    const size_t dash = ns.rfind('-');
    if (dash != std::string::npos &&
        identifier_like(std::string_view(ns).substr(dash + 1)))
        return ns.substr(0, dash + 1) + "*";
    return ns;
}

std::string common_prefix(const std::vector<std::string> &keys) {
    std::string prefix = keys.front();
    for (const auto &k : keys) {
        size_t n = 0;
        while (n < prefix.size() && n < k.size() && prefix[n] == k[n])
            n++;
        prefix.resize(n);
    }
    const size_t dot = prefix.rfind('.');
    return dot == std::string::npos ? std::string("*") : prefix.substr(0, dot + 1) + "*";
}

class Checker {
  public:
    Checker(const report::Describer &d, const CheckOptions &o)
        : d_(d), m_(d.model()), watches_(d.model()), o_(o) {}

    std::vector<Finding> run() {
        std::map<hb::ThreadId, std::map<std::string, const Watch *>> by_thread;
        for (const Watch &w : watches_.all()) {
            if (w.append())
                continue; // appended updates are retained: grouped by the RFC's "or"
            auto &dirs = by_thread[m_.relation().thread_of(w.start)];
            // The first watch of each directory (namespace included).
            dirs.emplace(namespace_shape(w.ns) + ":" + directory_shape(w.key), &w);
        }
        std::vector<Finding> out;
        for (const auto &[thread, dirs] : by_thread) {
            (void)thread;
            if (o_.scatter_keys > 0 && dirs.size() >= o_.scatter_keys)
                out.push_back(finding(dirs));
        }
        return out;
    }

  private:
    Finding finding(const std::map<std::string, const Watch *> &dirs) const {
        std::vector<const Watch *> list;
        std::vector<std::string> keys;
        for (const auto &[dir, w] : dirs) {
            (void)dir;
            list.push_back(w);
            keys.push_back(w->key);
        }
        std::sort(keys.begin(), keys.end());
        Finding f;
        f.rule = kRule;
        f.severity = report::Severity::Note;
        f.rfc = kRfc;
        f.key = common_prefix(keys);
        f.title = fmt::format("one thread watches {} keys in {} unrelated directories "
                              "for its triggers",
                              keys.size(), dirs.size());
        for (const Watch *w : list) {
            report::Side s = d_.side(w->start, "watch started");
            s.details.push_back(fmt::format("key: {}", w->key));
            s.stack = d_.stack(w->start);
            f.sides.push_back(std::move(s));
        }
        f.function = report::Describer::blame(f.sides.front().stack);
        f.causal_path = "each watch is delivered on its own: nothing orders the updates "
                        "of different keys as the watcher receives them";
        for (size_t i = 1; i < f.sides.size(); i++)
            f.steps.push_back({static_cast<int>(i - 1), static_cast<int>(i),
                               fmt::format("then watches \"{}\"", list[i]->key)});
        f.steps.push_back({static_cast<int>(f.sides.size() - 1), 0,
                           fmt::format("missing: one order over the updates of the {} "
                                       "keys (one eventlog)",
                                       keys.size()),
                           true});
        f.why = fmt::format("triggers spread over {} unrelated keys arrive in no defined "
                            "order and each can be replaced before it is seen; the "
                            "watcher must reassemble one service's transitions from "
                            "several streams.",
                            dirs.size());
        f.fix = "group the points: have the service append its transitions to one "
                "eventlog (flux_kvs_txn_put() with FLUX_KVS_APPEND) watched once with "
                "FLUX_KVS_WATCH | FLUX_KVS_WATCH_APPEND, or keep them under one "
                "directory.";
        for (const Watch *w : list)
            f.incomplete = f.incomplete || d_.lossy(w->start);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    Watches watches_;
    const CheckOptions &o_;
};

} // namespace

std::vector<Finding> check_scattered_triggers(const report::Describer &d,
                                              const CheckOptions &options) {
    return Checker(d, options).run();
}

} // namespace fluxtrace::checkers
