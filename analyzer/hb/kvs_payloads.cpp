#include "kvs_payloads.hpp"

namespace fluxtrace::hb {

namespace {

std::string json_string(const nlohmann::json &j, const char *name) {
    auto it = j.find(name);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t json_int(const nlohmann::json &j, const char *name, std::int64_t def) {
    auto it = j.find(name);
    return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : def;
}

KvsOp commit_op(const nlohmann::json &op) {
    KvsOp o;
    o.key = normalize_key(json_string(op, "key"));
    o.flags = static_cast<std::int32_t>(json_int(op, "flags", 0));
    auto dirent = op.find("dirent");
    if (dirent == op.end())
        return o;
    if (auto raw = treeobj_value_bytes(*dirent)) {
        o.has_hash = true;
        o.hash = value_hash(*raw);
        if (raw->size() <= KvsOp::kMaxKeptValue) {
            o.has_value = true;
            o.value = std::move(*raw);
        }
    }
    return o;
}

} // namespace

std::string namespace_name(std::string_view ns) {
    return ns.empty() ? std::string("primary") : std::string(ns);
}

CommitRequest commit_request(const nlohmann::json &payload) {
    CommitRequest c;
    c.ns = namespace_name(json_string(payload, "namespace"));
    auto ops = payload.find("ops");
    if (ops != payload.end() && ops->is_array())
        for (const auto &op : *ops)
            if (op.is_object())
                c.ops.push_back(commit_op(op));
    return c;
}

LookupRequest lookup_request(const nlohmann::json &payload) {
    return {normalize_key(json_string(payload, "key")),
            namespace_name(json_string(payload, "namespace")),
            static_cast<std::int32_t>(json_int(payload, "flags", 0))};
}

LookupValue lookup_value(const nlohmann::json &payload) {
    LookupValue v;
    auto val = payload.find("val");
    if (val == payload.end())
        return v;
    v.has_value = true;
    v.hash = treeobj_value_hash(*val);
    return v;
}

RootVersion root_version(const nlohmann::json &payload) {
    return {namespace_name(json_string(payload, "namespace")),
            json_int(payload, "rootseq", -1)};
}

std::optional<std::uint32_t> event_sequence(const nlohmann::json &payload) {
    auto seq = payload.find("seq");
    if (seq == payload.end() || !seq->is_number_integer())
        return std::nullopt;
    const std::int64_t n = seq->get<std::int64_t>();
    if (n <= 0 || n > std::int64_t{UINT32_MAX})
        return std::nullopt;
    return static_cast<std::uint32_t>(n);
}

} // namespace fluxtrace::hb
