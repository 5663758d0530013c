#include "watches.hpp"

#include "analyzer/schema.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "../hb/payload.hpp"
#include "kvs_words.hpp"

namespace fluxtrace::checkers {

using hb::RecordId;

namespace {

constexpr std::string_view kWatchTopic = "kvs-watch.lookup";

} // namespace

std::string namespace_name(std::string_view ns) {
    return ns.empty() ? std::string("primary") : std::string(ns);
}

LookupRequest decode_lookup_request(const hb::Model &m, const hb::Message &msg) {
    LookupRequest out;
    if (msg.request_payload == hb::kNoRecord)
        return out;
    const auto p = payload_of(m, msg.request_payload);
    if (p.status != hb::PayloadStatus::Decoded)
        return out;
    const auto key = p.json.find("key");
    const auto ns = p.json.find("namespace");
    const auto flags = p.json.find("flags");
    out.ok = true;
    if (key != p.json.end() && key->is_string())
        out.key = hb::normalize_key(key->get<std::string>());
    out.ns = namespace_name(ns != p.json.end() && ns->is_string()
                                ? ns->get_ref<const std::string &>()
                                : std::string());
    if (flags != p.json.end() && flags->is_number_integer())
        out.flags = static_cast<std::int32_t>(flags->get<std::int64_t>());
    const auto rootdir = p.json.find("rootdir");
    out.at_root = rootdir != p.json.end();
    if (out.at_root)
        out.root = hb::treeobj_dirref_blobref(*rootdir);
    return out;
}

Watches::Watches(const hb::Model &m) : m_(m) {
    const auto &runtime = m.runtime();
    const auto &messages = m.messages().messages;
    std::unordered_set<hb::MessageId> api_messages;
    std::map<hb::MessageId, size_t> by_message;

    // The API's watches.
    for (hb::FutureId id = 0; id < runtime.futures.size(); id++) {
        const hb::Future &f = runtime.futures[id];
        if (f.message != hb::kNoMessage && f.lookup != hb::kNoRecord)
            api_messages.insert(f.message);
        if (!f.watch())
            continue;
        Watch w;
        w.start = f.lookup;
        w.process = m.processes().process_of(f.lookup);
        w.instance = m.processes().processes[w.process].instance;
        w.ns = namespace_name(m.records()[f.lookup].str(field::kvs_lookup::ns));
        w.key = hb::normalize_key(f.key);
        w.flags = f.lookup_flags;
        w.future = id;
        w.message = f.message;
        watches_.push_back(std::move(w));
    }
    // Watches seen only as requests.
    for (hb::MessageId id = 0; id < messages.size(); id++) {
        const hb::Message &msg = messages[id];
        if (msg.topic_text != kWatchTopic || msg.send == hb::kNoRecord ||
            api_messages.count(id))
            continue;
        const LookupRequest req = decode_lookup_request(m, msg);
        if (!req.ok || !(req.flags & hb::kKvsWatch))
            continue;
        Watch w;
        w.start = msg.send;
        w.process = m.processes().process_of(msg.send);
        w.instance = m.processes().processes[w.process].instance;
        w.ns = req.ns;
        w.key = req.key;
        w.flags = req.flags;
        w.message = id;
        watches_.push_back(std::move(w));
    }
    // The RPC future of a request-only watch, so its continuations are known.
    for (hb::FutureId id = 0; id < runtime.futures.size(); id++) {
        const hb::Future &f = runtime.futures[id];
        if (f.lookup == hb::kNoRecord && f.message != hb::kNoMessage)
            for (Watch &w : watches_)
                if (w.future == hb::kNoFuture && w.message == f.message)
                    w.future = id;
    }
    std::sort(watches_.begin(), watches_.end(),
              [](const Watch &a, const Watch &b) { return a.start < b.start; });
    for (size_t i = 0; i < watches_.size(); i++) {
        if (watches_[i].future != hb::kNoFuture)
            by_future_[watches_[i].future] = i;
        if (watches_[i].message != hb::kNoMessage)
            by_message[watches_[i].message] = i;
    }
    // What each delivered: reads of its request's responses, or values read
    // through its future.
    const auto &reads = m.kvs().reads;
    for (hb::ReadId id = 0; id < reads.size(); id++) {
        const hb::Read &rd = reads[id];
        size_t w = watches_.size();
        if (rd.message != hb::kNoMessage) {
            auto it = by_message.find(rd.message);
            if (it != by_message.end())
                w = it->second;
        }
        if (w == watches_.size() && rd.api != hb::kNoRecord) {
            auto it = by_future_.find(runtime.future_of(rd.api));
            if (it != by_future_.end())
                w = it->second;
        }
        if (w < watches_.size())
            watches_[w].deliveries.push_back(id);
    }
}

const Watch *Watches::started_by(RecordId r) const {
    auto it = std::lower_bound(watches_.begin(), watches_.end(), r,
                               [](const Watch &w, RecordId x) { return w.start < x; });
    return it != watches_.end() && it->start == r ? &*it : nullptr;
}

const Watch *Watches::of_future(hb::FutureId f) const {
    auto it = by_future_.find(f);
    return it != by_future_.end() ? &watches_[it->second] : nullptr;
}

std::pair<const Watch *, const hb::Callback *> Watches::enclosing(RecordId r) const {
    const auto &callbacks = m_.runtime().callbacks;
    for (const hb::Callback *cb = m_.callback_of(r); cb;
         cb = cb->parent == hb::kNoCallback ? nullptr : &callbacks[cb->parent])
        if (cb->kind == hb::CallbackKind::Continuation)
            if (const Watch *w = of_future(cb->future))
                return {w, cb};
    return {nullptr, nullptr};
}

WatchChain Watches::downstream(RecordId r) const {
    // Breadth first from the record's run, over the runs each is nested in or
    // armed by, to the nearest watch delivery.
    const auto &callbacks = m_.runtime().callbacks;
    const auto id_of = [&](const hb::Callback *cb) {
        return static_cast<hb::CallbackId>(cb - callbacks.data());
    };
    const hb::Callback *start = m_.callback_of(r);
    if (!start || enclosing(r).first)
        return {};
    std::map<hb::CallbackId, hb::CallbackId> came_from{{id_of(start), hb::kNoCallback}};
    std::vector<std::pair<hb::CallbackId, size_t>> queue{{id_of(start), 1}};
    for (size_t next = 0; next < queue.size(); next++) {
        const auto [id, runs] = queue[next];
        const hb::Callback &cb = callbacks[id];
        if (runs > 1 && cb.kind == hb::CallbackKind::Continuation)
            if (const Watch *w = of_future(cb.future)) {
                WatchChain chain{w, {}};
                for (hb::CallbackId c = id; c != hb::kNoCallback; c = came_from[c])
                    chain.runs.push_back(&callbacks[c]);
                return chain;
            }
        if (runs == kMaxChainRuns)
            continue;
        hb::CallbackId from[2] = {cb.parent, hb::kNoCallback};
        if (cb.armed != hb::kNoRecord)
            if (const hb::Callback *a = m_.callback_of(cb.armed))
                from[1] = id_of(a);
        for (const hb::CallbackId f : from)
            if (f != hb::kNoCallback && came_from.emplace(f, id).second)
                queue.push_back({f, runs + 1});
    }
    return {};
}

} // namespace fluxtrace::checkers
