#include "names.hpp"

#include "analyzer/schema.hpp"

namespace fluxtrace::timeline {

namespace {

std::string message_topic(const hb::Model &m, hb::RecordId r) {
    if (const hb::Message *msg = m.message_of(r))
        return std::string(msg->topic_text);
    if (const hb::Event *ev = m.event_of(r))
        return std::string(ev->topic);
    return "";
}

std::string with(std::string what, const std::string &detail) {
    return detail.empty() ? what : what + " " + detail;
}

} // namespace

std::string callback_name(const hb::Model &m, const hb::Callback &cb) {
    if (cb.message != hb::kNoMessage)
        return std::string(m.messages().messages[cb.message].topic_text);
    if (cb.event != hb::kNoEvent)
        return "event " + std::string(m.messages().events[cb.event].topic);
    if (cb.kind == hb::CallbackKind::Continuation && cb.future != hb::kNoFuture) {
        const hb::Future &f = m.runtime().futures[cb.future];
        if (f.lookup != hb::kNoRecord)
            return (f.watch() ? "watch " : "lookup ") + std::string(f.key);
        if (f.message != hb::kNoMessage)
            return "continuation of " +
                   std::string(m.messages().messages[f.message].topic_text);
        if (f.commit != hb::kNoRecord)
            return "continuation of kvs.commit";
    }
    return std::string(hb::callback_kind_name(cb.kind));
}

std::string waited_for(const hb::Model &m, hb::RecordId wait) {
    const std::string what = m.waited_for(wait);
    return what.empty() ? "future" : what;
}

std::string wait_call(const Record &r) {
    const std::string_view call =
        r.kind() == EventKind::KvsVersion
            ? what(static_cast<VersionApi>(r.i64(field::kvs_version::api)))
            : what(static_cast<WaitApi>(r.i64(field::future_wait::api)));
    return call.empty() ? std::string(r.name()) : std::string(call);
}

std::string marker_name(const hb::Model &m, hb::RecordId r) {
    const Record &rec = m.records()[r];
    switch (rec.kind()) {
    case EventKind::Msg: {
        const auto op = static_cast<MsgOp>(rec.i64(field::msg::op));
        const std::int64_t type = rec.i64(field::msg::type);
        const char *verb = op == MsgOp::Recv ? "recv" : "send";
        const char *noun = type == hb::kRequest    ? "request"
                           : type == hb::kResponse ? "response"
                           : type == hb::kEvent    ? "event"
                                                   : "message";
        return with(std::string(verb) + " " + noun,
                    std::string(rec.str(field::msg::topic)));
    }
    case EventKind::Future:
        return std::string(what(static_cast<FutureOp>(rec.i64(field::future::op))));
    case EventKind::CbBegin:
        return "callback start";
    case EventKind::KvsCommit:
        return "flux_kvs_commit";
    case EventKind::EventPub:
        return with("publish", std::string(rec.str(field::event_pub::topic)));
    case EventKind::Life:
        return std::string(what(static_cast<LifeOp>(rec.i64(field::life::op))));
    case EventKind::Watcher:
        return std::string(what(static_cast<WatcherOp>(rec.i64(field::watcher::op))));
    case EventKind::FutureWait:
    case EventKind::KvsVersion:
        return wait_call(rec) + " returns";
    default:
        return with(std::string(rec.name()), message_topic(m, r));
    }
}

std::string flow_name(const hb::Model &m, const hb::Edge &e) {
    const std::string kind(hb::edge_kind_name(e.kind));
    switch (e.kind) {
    case hb::EdgeKind::Request:
    case hb::EdgeKind::Response:
    case hb::EdgeKind::Event:
        return with(kind, message_topic(m, e.from));
    case hb::EdgeKind::KvsValue:
        if (const hb::Read *rd = m.read_of(e.to))
            return with(kind, rd->key);
        return kind;
    default:
        return kind;
    }
}

} // namespace fluxtrace::timeline
