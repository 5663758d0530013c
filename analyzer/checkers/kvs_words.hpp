// Small helpers the KVS checkers share: which op of a commit wrote a key, how
// a value is named in a report (its bytes when short and printable, else its
// content hash, which is stable across runs), and a message record's payload.
#pragma once

#include <string>

#include "../hb/kvs.hpp"
#include "../hb/model.hpp"

namespace fluxtrace::checkers {

// The last op of `c` on `key` (normalised), or nullptr.
const hb::KvsOp *op_on(const hb::Commit &c, const std::string &key);

// "\"running\"", or "value#1a2b3c4d5e6f7a8b" when the bytes were not kept.
std::string value_words(const hb::KvsOp &op);
std::string value_words(std::uint64_t hash);

// The payload a msg record kept, decoded (Empty when the record has none).
hb::DecodedPayload payload_of(const hb::Model &m, hb::RecordId r);

} // namespace fluxtrace::checkers
