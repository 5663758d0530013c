// rpc-fanout.  RFC 9, Best-Practices, General Guidelines:
//
//   "For global notifications, prefer events."
//
// Reported: one process sending the same request (one topic, one payload) to
// at least --fanout-ranks distinct ranks (explicit node ids, not ANY or
// UPSTREAM) within --fanout-window: one request per rank where one event would
// reach them all.  Requests whose payloads differ per rank (each rank's own
// stream or share, as `flux exec` closes each remote stdin with rexec.write)
// are per-rank conversations, not one notification.  It is a finding when the requests
// are notifications (sent with FLUX_RPC_NORESPONSE, or answered with no payload at all);
// a note when the answers carry data (a gather, which an event cannot replace, though a
// reduction tree or an event plus replies may serve better).
#include <fmt/format.h>

#include "analyzer/schema.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "checker.hpp"

namespace fluxtrace::checkers {

namespace {

using hb::RecordId;
using report::Finding;

constexpr const char *kRule = "rpc-fanout";
constexpr const char *kRfc = "For global notifications, prefer events.";
constexpr std::uint32_t kNodeAny = 0xFFFFFFFF;
constexpr std::uint32_t kNodeUpstream = 0xFFFFFFFE;

struct Send {
    RecordId record;
    std::uint64_t ts;
    std::uint32_t nodeid;
    hb::MessageId message;
};

class Checker {
  public:
    Checker(const report::Describer &d, const CheckOptions &o)
        : d_(d), m_(d.model()), o_(o) {}

    std::vector<Finding> run() {
        // The same request: one process, one topic, one payload.
        std::map<std::tuple<hb::ProcessId, std::string_view, std::uint64_t>,
                 std::vector<Send>>
            groups;
        const auto &messages = m_.messages().messages;
        for (hb::MessageId id = 0; id < messages.size(); id++) {
            const hb::Message &msg = messages[id];
            if (msg.send == hb::kNoRecord)
                continue;
            const Record &r = m_.records()[msg.send];
            const auto nodeid = static_cast<std::uint32_t>(r.u64(field::msg::nodeid));
            if (nodeid == kNodeAny || nodeid == kNodeUpstream)
                continue;
            const std::uint64_t payload =
                r.u64(field::msg::has_hash) ? r.u64(field::msg::payload_hash) : 0;
            groups[{m_.processes().process_of(msg.send), msg.topic_text, payload}]
                .push_back({msg.send, r.ts_ns(), nodeid, id});
        }
        std::vector<Finding> out;
        for (auto &[group, sends] : groups) {
            std::sort(sends.begin(), sends.end(),
                      [](const Send &a, const Send &b) { return a.ts < b.ts; });
            // The widest burst: the most distinct ranks within one window.
            size_t best_begin = 0, best_end = 0, best_ranks = 0;
            std::map<std::uint32_t, int> in_window;
            for (size_t b = 0, e = 0; b < sends.size(); b++) {
                while (e < sends.size() &&
                       sends[e].ts - sends[b].ts <= o_.fanout_window_ns)
                    in_window[sends[e++].nodeid]++;
                if (in_window.size() > best_ranks) {
                    best_ranks = in_window.size();
                    best_begin = b;
                    best_end = e;
                }
                if (--in_window[sends[b].nodeid] == 0)
                    in_window.erase(sends[b].nodeid);
            }
            if (best_ranks >= o_.fanout_ranks && o_.fanout_ranks > 0)
                out.push_back(finding(std::get<1>(group),
                                      std::vector<Send>(sends.begin() + best_begin,
                                                        sends.begin() + best_end),
                                      best_ranks));
        }
        return out;
    }

  private:
    // Sent without wanting an answer, or answered with nothing.
    bool notification(const std::vector<Send> &burst) const {
        for (const Send &s : burst) {
            const hb::Message &msg = m_.messages().messages[s.message];
            if (msg.no_response())
                continue;
            if (msg.responses.empty())
                return false;
            for (const hb::Response &r : msg.responses) {
                const RecordId at =
                    r.receipt != hb::kNoRecord ? r.receipt : r.server_send;
                if (at == hb::kNoRecord || r.errnum != 0 ||
                    m_.records()[at].u64(field::msg::payload_len) > 0)
                    return false;
            }
        }
        return true;
    }

    Finding finding(std::string_view topic, const std::vector<Send> &burst,
                    size_t ranks) const {
        Finding f;
        f.rule = kRule;
        f.rfc = kRfc;
        f.key = std::string(topic);
        const bool notify = notification(burst);
        f.severity = notify ? report::Severity::Finding : report::Severity::Note;
        f.title = fmt::format("request \"{}\" sent to {} ranks one by one{}", topic,
                              ranks, notify ? " as a notification" : " (a gather)");
        std::set<std::uint32_t> nodes;
        for (const Send &s : burst)
            nodes.insert(s.nodeid);
        report::Side sender = d_.side(burst.front().record, "first request sent");
        sender.details.push_back(fmt::format("topic: {}", topic));
        sender.details.push_back(fmt::format("to ranks: {}", fmt::join(nodes, ",")));
        sender.details.push_back(
            notify ? "answers: none asked (FLUX_RPC_NORESPONSE) or empty"
                   : "answers: carry data");
        sender.stack = d_.stack(burst.front().record);
        f.sides.push_back(std::move(sender));
        f.function = report::Describer::blame(f.sides[0].stack);
        f.causal_path = fmt::format(
            "{} point-to-point requests, one per rank, each delivered on its own: "
            "nothing orders them among themselves or with the events of the instance",
            burst.size());
        const std::string ranks_words = fmt::format("ranks {}", fmt::join(nodes, ","));
        f.steps = {
            {0, report::Step::kParty,
             fmt::format("{} requests \"{}\", one per rank", burst.size(), topic), false,
             ranks_words},
            {0, report::Step::kParty,
             fmt::format("missing: one event \"{}\" ordered for every rank", topic), true,
             ranks_words},
        };
        if (notify) {
            f.why =
                "a notification sent rank by rank costs one message per rank from one "
                "sender, reaches the ranks at different times and in no defined order "
                "with respect to events, and misses ranks that join later; an event "
                "is distributed once down the overlay tree, carries a global "
                "sequence number and reaches every subscriber.";
            f.fix = fmt::format(
                "publish one event instead (flux_event_publish(h, \"{}\", 0, payload)) "
                "and have each rank subscribe to it (flux_event_subscribe() and a "
                "FLUX_MSGTYPE_EVENT handler); if an acknowledgement is needed, gather it "
                "in one request up the tree.",
                topic);
        } else {
            f.why = "requests answered with data gather something from every rank, "
                    "which an event alone cannot do; but each is its own round trip from "
                    "one sender.";
            f.fix = "if the ranks only need to be told something, publish an event; to "
                    "gather, consider a reduction up the overlay tree.";
        }
        f.incomplete = d_.lossy(burst.front().record);
        return f;
    }

    const report::Describer &d_;
    const hb::Model &m_;
    const CheckOptions &o_;
};

} // namespace

std::vector<Finding> check_rpc_fanout(const report::Describer &d,
                                      const CheckOptions &options) {
    return Checker(d, options).run();
}

} // namespace fluxtrace::checkers
