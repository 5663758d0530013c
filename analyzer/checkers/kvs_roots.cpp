#include "kvs_roots.hpp"

#include "analyzer/schema.hpp"

#include <algorithm>

#include "../hb/payload.hpp"
#include "kvs_words.hpp"
#include "watches.hpp"

namespace fluxtrace::checkers {

namespace {

// The answers that name a root with its sequence.
bool names_a_root(std::string_view topic) {
    return topic == "kvs.commit" || topic == "kvs.getroot" ||
           topic == "kvs.wait-version" || topic == "kvs.lookup-plus";
}

bool is_setroot(std::string_view topic) {
    constexpr std::string_view kPrefix = "kvs.namespace-", kSuffix = "-setroot";
    return topic.size() > kPrefix.size() + kSuffix.size() &&
           topic.substr(0, kPrefix.size()) == kPrefix &&
           topic.substr(topic.size() - kSuffix.size()) == kSuffix;
}

std::string json_namespace(const nlohmann::json &j) {
    const auto ns = j.find("namespace");
    return namespace_name(ns != j.end() && ns->is_string()
                              ? ns->get_ref<const std::string &>()
                              : std::string());
}

} // namespace

KvsRoots::KvsRoots(const hb::Model &m) : m_(m) {
    const auto instance_of = [&](hb::RecordId r) { return m.process_of(r).instance; };
    for (const hb::Message &msg : m.messages().messages) {
        if (!names_a_root(msg.topic_text) || msg.request_payload == hb::kNoRecord)
            continue;
        const auto request = payload_of(m, msg.request_payload);
        const std::string ns = request.status == hb::PayloadStatus::Decoded
                                   ? json_namespace(request.json)
                                   : std::string("primary");
        for (const hb::Response &r : msg.responses) {
            const hb::RecordId at =
                r.receipt != hb::kNoRecord ? r.receipt : r.server_send;
            if (r.errnum != 0 || at == hb::kNoRecord)
                continue;
            const auto answer = payload_of(m, at);
            if (answer.status == hb::PayloadStatus::Decoded)
                name(instance_of(at), ns, answer.json);
        }
    }
    for (const hb::Event &ev : m.messages().events) {
        if (!is_setroot(ev.topic))
            continue;
        std::vector<hb::RecordId> carriers = ev.deliveries;
        if (ev.publish != hb::kNoRecord)
            carriers.insert(carriers.begin(), ev.publish);
        for (const hb::RecordId r : carriers) {
            const auto p = payload_of(m, r);
            if (p.status == hb::PayloadStatus::Decoded) {
                name(ev.instance, json_namespace(p.json), p.json);
                break;
            }
        }
    }

    for (hb::RecordId r = 0; r < m.records().size(); r++) {
        const Record &rec = m.records()[r];
        if (rec.kind() != EventKind::KvsResult || rec.i64(field::kvs_result::rc) < 0)
            continue;
        const auto api = static_cast<ResultApi>(rec.i64(field::kvs_result::api));
        const bool treeobj =
            api == ResultApi::CommitTreeobj || api == ResultApi::GetrootTreeobj;
        if (!treeobj && api != ResultApi::CommitRootref &&
            api != ResultApi::GetrootBlobref)
            continue;
        const std::string_view ref = rec.str(field::kvs_result::ref);
        RootOrigin o;
        o.record = r;
        o.instance = instance_of(r);
        o.blobref = treeobj ? hb::treeobj_text_dirref_blobref(ref) : std::string(ref);
        o.from_commit =
            api == ResultApi::CommitTreeobj || api == ResultApi::CommitRootref;
        o.call = std::string(what(api)) + "()";
        if (!o.blobref.empty())
            origins_.push_back(std::move(o));
    }
}

void KvsRoots::name(hb::InstanceId instance, const std::string &ns,
                    const nlohmann::json &j) {
    const auto ref = j.find("rootref");
    const auto seq = j.find("rootseq");
    if (ref == j.end() || !ref->is_string() || seq == j.end() ||
        !seq->is_number_integer())
        return;
    // A commit that changed nothing keeps its root's blobref: the newest
    // sequence is the one a reader at that root is current with.
    std::int64_t &known =
        seq_.try_emplace({instance, ns, ref->get<std::string>()}, -1).first->second;
    known = std::max(known, seq->get<std::int64_t>());
}

std::int64_t KvsRoots::version_of(hb::InstanceId instance, const std::string &ns,
                                  const std::string &blobref) const {
    const auto it = seq_.find({instance, ns, blobref});
    return it != seq_.end() ? it->second : -1;
}

const RootOrigin *KvsRoots::origin(hb::InstanceId instance, const std::string &blobref,
                                   hb::RecordId use) const {
    const RootOrigin *found = nullptr;
    for (const RootOrigin &o : origins_)
        if (o.instance == instance && o.blobref == blobref &&
            m_.happens_before(o.record, use))
            found = &o;
    return found;
}

} // namespace fluxtrace::checkers
