// What the KVS's and the event service's messages say, read from their decoded
// JSON payloads (decode_payload): the keys and values a commit writes, what a
// lookup or watch asks and answers, the version a commit, getroot or
// wait-version names, the sequence number event.pub gave.  Members that are
// missing or of the wrong type count as absent: a payload is the traced
// program's data, never trusted to have flux's shape.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvs.hpp"

namespace fluxtrace::hb {

// The KVS calls the namespace "" primary.
std::string namespace_name(std::string_view ns);

// kvs.commit request: {"namespace", "flags", "ops": [{"key", "flags", "dirent"}]}.
struct CommitRequest {
    std::string ns;
    std::vector<KvsOp> ops;
};
CommitRequest commit_request(const nlohmann::json &payload);

// kvs.lookup / kvs-watch.lookup request: {"key", "namespace", "flags"}.
struct LookupRequest {
    std::string key;
    std::string ns;
    std::int32_t flags = 0;
};
LookupRequest lookup_request(const nlohmann::json &payload);

// A lookup or watch response {"val": treeobj}: has_value false when it
// carries none (lookup-plus), hash set when the value's bytes are in it.
struct LookupValue {
    bool has_value = false;
    std::optional<std::uint64_t> hash;
};
LookupValue lookup_value(const nlohmann::json &payload);

// "namespace" and "rootseq" (-1 when absent) of a commit or getroot
// response, or of a wait-version request.
struct RootVersion {
    std::string ns;
    std::int64_t rootseq = -1;
};
RootVersion root_version(const nlohmann::json &payload);

// The "seq" of an event.pub response: flux's event sequence numbers are
// 32-bit and start at 1; anything else is absent.
std::optional<std::uint32_t> event_sequence(const nlohmann::json &payload);

} // namespace fluxtrace::hb
