#include "model.hpp"

#include "fields.hpp"

namespace fluxtrace::hb {

Model::Model(const std::vector<Record> &records, ModelOptions options)
    : records_(&records) {
    std::vector<bool> lossy = std::move(options.lossy_sources);
    std::uint16_t max_src = 0;
    for (const Record &r : records)
        max_src = std::max(max_src, r.src());
    if (lossy.size() <= max_src)
        lossy.resize(max_src + 1u, false);

    Fields fields;
    std::vector<Edge> edges;
    procs_.build(records, fields, edges);
    msgs_.build_requests(records, fields, procs_, lossy, edges);
    procs_.assign_instances(msgs_.broker_links());
    msgs_.build_events(records, fields, procs_, lossy, edges);
    procs_.list_thread_records();
    runtime_.build(records, fields, procs_, msgs_, edges);
    kvs_.build(records, fields, procs_, msgs_, runtime_, edges);
    // The relation reads the process table's per-record arrays: no copy.
    hb_ = HappensBefore(&procs_.thread_of, &procs_.epoch_of, procs_.threads.size(),
                        std::move(edges));
}

const Callback *Model::callback_of(RecordId r) const {
    const CallbackId id = runtime_.callback_of(r, procs_);
    return id == kNoCallback ? nullptr : &runtime_.callbacks[id];
}

const Future *Model::watch_of(RecordId r) const {
    for (CallbackId id = runtime_.callback_of(r, procs_); id != kNoCallback;
         id = runtime_.callbacks[id].parent) {
        const Callback &cb = runtime_.callbacks[id];
        if (cb.kind == CallbackKind::Continuation && cb.future != kNoFuture &&
            runtime_.futures[cb.future].watch())
            return &runtime_.futures[cb.future];
    }
    return nullptr;
}

std::string Model::waited_for(RecordId wait) const {
    const Record &r = (*records_)[wait];
    if (r.kind() == EventKind::KvsVersion)
        return r.i64(field::kvs_version::api) == code(VersionApi::Get)
                   ? "kvs.getroot"
                   : "kvs.wait-version";
    if (const FutureId fid = runtime_.future_of(wait); fid != kNoFuture) {
        const Future &f = runtime_.futures[fid];
        if (f.message != kNoMessage)
            return std::string(msgs_.messages[f.message].topic_text);
        if (!f.key.empty())
            return std::string(f.key);
        if (f.commit != kNoRecord)
            return "kvs.commit";
    }
    if (const Message *msg = message_of(wait))
        return std::string(msg->topic_text);
    return "";
}

const Message *Model::message_of(RecordId r) const {
    MessageId id = msgs_.message_of(r);
    if (id == kNoMessage) {
        const Record &rec = (*records_)[r];
        if (rec.kind() == EventKind::CbBegin || rec.kind() == EventKind::CbEnd) {
            if (const Callback *cb = callback_of(r))
                id = cb->message;
        } else if (const ReadId rd = kvs_.read_of(r); rd != kNoRead) {
            id = kvs_.reads[rd].message;
        } else if (const FutureId f = runtime_.future_of(r); f != kNoFuture) {
            id = runtime_.futures[f].message;
        }
    }
    return id == kNoMessage ? nullptr : &msgs_.messages[id];
}

const Event *Model::event_of(RecordId r) const {
    EventId id = msgs_.event_of(r);
    if (id == kNoEvent) {
        const Record &rec = (*records_)[r];
        if (rec.kind() == EventKind::CbBegin || rec.kind() == EventKind::CbEnd)
            if (const Callback *cb = callback_of(r))
                id = cb->event;
    }
    return id == kNoEvent ? nullptr : &msgs_.events[id];
}

const Commit *Model::commit_of(RecordId r) const {
    CommitId id = kvs_.commit_of(r);
    if (id == kNoCommit)
        if (const ReadId rd = kvs_.read_of(r); rd != kNoRead)
            id = kvs_.reads[rd].commit;
    return id == kNoCommit ? nullptr : &kvs_.commits[id];
}

const Read *Model::read_of(RecordId r) const {
    const ReadId id = kvs_.read_of(r);
    return id == kNoRead ? nullptr : &kvs_.reads[id];
}

} // namespace fluxtrace::hb
