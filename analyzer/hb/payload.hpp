// Message payloads as the model reads them: JSON (flux sends it with its NUL),
// and RFC 11 tree objects whose value is hashed the way the tracer hashes values
// at the API (XXH3-64 over the raw bytes, i.e. the base64-decoded "data").
// A payload cut at the tracer's prefix cap is never decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "../field_value.hpp"

namespace fluxtrace::hb {

enum class PayloadStatus : std::uint8_t {
    Empty,     // the message has no payload
    NotKept,   // the policy kept none of it (only its hash, or nothing)
    Truncated, // cut at the prefix cap: not decoded
    Invalid,   // not JSON
    Decoded,
};

std::string_view payload_status_name(PayloadStatus status);

struct DecodedPayload {
    PayloadStatus status = PayloadStatus::Empty;
    nlohmann::json json; // an object when Decoded
};

// `kept` is the recorded prefix, `full_length` the payload's whole length.
DecodedPayload decode_payload(Bytes kept, std::uint64_t full_length);

std::uint64_t value_hash(std::string_view raw_bytes);
std::optional<std::string> base64_decode(std::string_view text);

// The hash of a tree object's value: only "val" objects carry their bytes; a
// "valref", a directory or a symlink gives none.
std::optional<std::uint64_t> treeobj_value_hash(const nlohmann::json &treeobj);
// The raw bytes of a "val" tree object's value.
std::optional<std::string> treeobj_value_bytes(const nlohmann::json &treeobj);

// The blobref a "dirref" tree object (a KVS root, as flux_kvs_lookupat takes
// it) points to, from the object or from its JSON text; "" for anything else.
std::string treeobj_dirref_blobref(const nlohmann::json &treeobj);
std::string treeobj_text_dirref_blobref(std::string_view treeobj_text);

// KVS keys as the KVS normalises them: no leading, trailing or doubled dots.
std::string normalize_key(std::string_view key);

} // namespace fluxtrace::hb
