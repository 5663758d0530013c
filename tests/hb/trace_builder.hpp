// Hand-built fluxtrace records for happens-before tests: one call per record,
// field names and values as the tracer writes them (docs/events.md), records
// numbered in the order they are added.  Timestamps advance by 1 us per record
// plus a per-source offset, so tests can give hosts clocks that disagree.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzer/hb/ids.hpp"
#include "analyzer/hb/payload.hpp"
#include "analyzer/record_store.hpp"

namespace fluxtrace::hb::test {

inline constexpr std::uint32_t kAny = 0xFFFFFFFF;

struct Msg {
    std::int64_t type = 1; // 1 request, 2 response, 4 event
    std::string topic;
    std::uint32_t matchtag = 1;
    std::string route_first;
    std::int64_t route_count = 0;
    std::string payload; // JSON text; sent with its NUL when non-empty
    std::int64_t errnum = 0;
    std::uint32_t seq = 0;
    std::uint32_t nodeid = kAny;
    std::uint32_t msgflags = 0;
    std::uint64_t m = 0; // message object, for cb_begin.msg
    bool kept = true;    // false: only its hash and length (FLUXTRACE_PAYLOAD=hash)
};

class TraceBuilder {
  public:
    // Records added from now on come from `src`, its clock off by `offset_ns`.
    void source(std::uint16_t src, std::int64_t offset_ns) {
        src_ = src;
        offset_ = offset_ns;
    }

    // Moves every source's clock on by `ns`, as time passing between records.
    void advance(std::uint64_t ns) { ts_ += ns; }

    RecordId add(std::string_view name, int vpid, int vtid,
                 std::initializer_list<NamedValue> fields) {
        ts_ += 1000;
        RecordHeader h;
        h.ts_ns = static_cast<std::uint64_t>(static_cast<std::int64_t>(ts_) + offset_);
        h.vpid = vpid;
        h.vtid = vtid;
        h.procname = "test";
        h.src = src_;
        records.push_back(store.add(name, h, fields));
        return static_cast<RecordId>(records.size() - 1);
    }

    RecordId process(int vpid, std::string_view exe, std::string_view flux_uri = "",
                     int ppid = 1, std::uint64_t format_version = 1) {
        return add("process", vpid, vpid,
                   {{"format_version", format_version},
                    {"ppid", std::int64_t{ppid}},
                    {"exe", exe},
                    {"flux_uri", flux_uri},
                    {"payload_mode", std::string_view("decoded")},
                    {"stack_depth", std::uint64_t{0}}});
    }
    RecordId attr(int vpid, int vtid, std::uint64_t h, std::string_view name,
                  std::string_view value, std::int64_t source = 1) {
        return add(
            "attr", vpid, vtid,
            {{"source", source}, {"h", h, true}, {"attr", name}, {"value", value}});
    }
    RecordId handle(int vpid, int vtid, std::int64_t op, std::uint64_t h,
                    std::string_view uri = "", std::uint64_t orig = 0) {
        return add("handle", vpid, vtid,
                   {{"op", op},
                    {"h", h, true},
                    {"orig", orig, true},
                    {"uri", uri},
                    {"flags", std::int64_t{0}},
                    {"err", std::int64_t{0}}});
    }
    // op: 0 flux_send (recorded after), 1 flux_send_new (before), 2 recv, 3 requeue.
    RecordId msg(int vpid, int vtid, std::int64_t op, std::uint64_t h, const Msg &m) {
        std::string bytes = m.payload;
        if (!bytes.empty())
            bytes.push_back('\0');
        const auto *data = reinterpret_cast<const std::uint8_t *>(bytes.data());
        return add("msg", vpid, vtid,
                   {{"op", op},
                    {"h", h, true},
                    {"m", m.m, true},
                    {"rc", std::int64_t{0}},
                    {"err", std::int64_t{0}},
                    {"type", m.type},
                    {"topic", std::string_view(m.topic)},
                    {"nodeid", std::uint64_t{m.nodeid}},
                    {"matchtag", std::uint64_t{m.matchtag}},
                    {"msgflags", std::uint64_t{m.msgflags}},
                    {"route_first", std::string_view(m.route_first)},
                    {"route_count", m.route_count},
                    {"seq", std::uint64_t{m.seq}},
                    {"errnum", m.errnum},
                    {"payload_len", std::uint64_t{bytes.size()}},
                    {"has_hash", std::uint64_t{1}},
                    {"payload_hash", value_hash(bytes), true},
                    {"payload", Bytes(data, m.kept ? bytes.size() : 0)}});
    }
    RecordId life(int vpid, int vtid, std::int64_t op, std::int64_t pid,
                  std::uint64_t token = 0) {
        return add("life", vpid, vtid,
                   {{"op", op},
                    {"pid", pid},
                    {"path", std::string_view("")},
                    {"token", token, true},
                    {"rc", std::int64_t{0}},
                    {"err", std::int64_t{0}}});
    }
    RecordId cb_begin(int vpid, int vtid, std::int64_t kind, std::uint64_t obj,
                      std::uint64_t msg = 0) {
        return add("cb_begin", vpid, vtid,
                   {{"kind", kind},
                    {"obj", obj, true},
                    {"fn", std::uint64_t{0x401000}, true},
                    {"msg", msg, true}});
    }
    RecordId cb_end(int vpid, int vtid, std::int64_t kind, std::uint64_t obj) {
        return add("cb_end", vpid, vtid,
                   {{"kind", kind},
                    {"obj", obj, true},
                    {"fn", std::uint64_t{0x401000}, true},
                    {"msg", std::uint64_t{0}, true},
                    {"duration_ns", std::uint64_t{10}}});
    }
    // Format 3's cb_end: it closes the innermost open run of its thread.
    RecordId cb_end_v3(int vpid, int vtid) {
        return add("cb_end", vpid, vtid, {{"duration_ns", std::uint64_t{10}}});
    }
    RecordId future(int vpid, int vtid, std::int64_t op, std::uint64_t f) {
        return add("future", vpid, vtid,
                   {{"op", op},
                    {"f", f, true},
                    {"fn", std::uint64_t{0}, true},
                    {"timeout", 0.0},
                    {"errnum", std::int64_t{0}},
                    {"rc", std::int64_t{0}}});
    }
    RecordId rpc(int vpid, int vtid, std::uint64_t f, std::uint64_t h,
                 std::string_view topic, std::uint32_t matchtag) {
        return add("rpc", vpid, vtid,
                   {{"api", std::int64_t{1}},
                    {"f", f, true},
                    {"h", h, true},
                    {"topic", topic},
                    {"nodeid", std::uint64_t{kAny}},
                    {"flags", std::int64_t{0}},
                    {"matchtag", std::uint64_t{matchtag}},
                    {"err", std::int64_t{0}}});
    }
    RecordId kvs_lookup(int vpid, int vtid, std::uint64_t f, std::uint64_t h,
                        std::string_view key, std::int64_t flags) {
        return add("kvs_lookup", vpid, vtid,
                   {{"api", std::int64_t{0}},
                    {"f", f, true},
                    {"h", h, true},
                    {"ns", std::string_view("")},
                    {"key", key},
                    {"flags", flags},
                    {"treeobj", std::string_view("")},
                    {"rc", std::int64_t{0}},
                    {"err", std::int64_t{0}}});
    }
    RecordId kvs_value(int vpid, int vtid, std::uint64_t f, std::string_view value) {
        return add("kvs_value", vpid, vtid,
                   {{"api", std::int64_t{0}},
                    {"f", f, true},
                    {"rc", std::int64_t{0}},
                    {"err", std::int64_t{0}},
                    {"len", std::uint64_t{value.size()}},
                    {"has_hash", std::uint64_t{1}},
                    {"value_hash", value_hash(value), true}});
    }
    RecordId kvs_txn(int vpid, int vtid, std::int64_t op, std::uint64_t txn,
                     std::string_view key = "", std::string_view value = "") {
        const bool hashed = op == 2;
        return add("kvs_txn", vpid, vtid,
                   {{"op", op},
                    {"txn", txn, true},
                    {"flags", std::int64_t{0}},
                    {"key", key},
                    {"len", std::uint64_t{value.size()}},
                    {"has_hash", std::uint64_t{hashed ? 1u : 0u}},
                    {"value_hash", hashed ? value_hash(value) : 0, true},
                    {"rc", std::int64_t{0}},
                    {"err", std::int64_t{0}}});
    }
    RecordId kvs_commit(int vpid, int vtid, std::uint64_t f, std::uint64_t h,
                        std::uint64_t txn) {
        return add("kvs_commit", vpid, vtid,
                   {{"f", f, true},
                    {"h", h, true},
                    {"ns", std::string_view("")},
                    {"flags", std::int64_t{0}},
                    {"txn", txn, true},
                    {"err", std::int64_t{0}}});
    }
    RecordId kvs_version(int vpid, int vtid, std::int64_t api, std::uint64_t h,
                         std::int64_t version) {
        return add("kvs_version", vpid, vtid,
                   {{"api", api},
                    {"h", h, true},
                    {"ns", std::string_view("")},
                    {"version", version},
                    {"rc", std::int64_t{0}},
                    {"err", std::int64_t{0}},
                    {"blocked_ns", std::uint64_t{0}}});
    }

    RecordStore store;
    std::vector<Record> records;

  private:
    std::uint16_t src_ = 0;
    std::int64_t offset_ = 0;
    std::uint64_t ts_ = 1000000;
};

// JSON payloads the KVS sends.
std::string base64(std::string_view raw);
std::string commit_payload(std::string_view key, std::string_view value);
std::string lookup_payload(std::string_view key, std::int64_t flags = 0);
std::string value_payload(std::string_view value);

} // namespace fluxtrace::hb::test
