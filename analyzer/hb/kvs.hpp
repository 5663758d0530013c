// KVS operations as the model sees them, at either layer: the API records
// (kvs_txn, kvs_commit, kvs_value, kvs_version) and the kvs.* messages whose
// payloads carry the same keys and values (a private libkvs, pack, treeobj).
// Values are identified by the XXH3-64 hash of their raw bytes at both layers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ids.hpp"
#include "payload.hpp"

namespace fluxtrace::hb {

struct KvsOp {
    std::string key; // normalised
    std::int32_t flags = 0;
    bool has_hash = false; // a value whose bytes were seen (not a valref, dir, unlink)
    std::uint64_t hash = 0;
    // The value's bytes when the commit's payload was decoded and they are
    // short (kMaxKeptValue): reports quote them, heuristics read them.
    bool has_value = false;
    std::string value;

    static constexpr size_t kMaxKeptValue = 64;
};

struct Commit {
    ProcessId process = kNoProcess;
    InstanceId instance = kNoInstance;
    std::string ns;
    RecordId request = kNoRecord; // the kvs.commit send (else the server's receive)
    RecordId api = kNoRecord;     // its kvs_commit record
    MessageId message = kNoMessage;
    std::vector<KvsOp> ops;
    PayloadStatus payload = PayloadStatus::Empty; // of the request
    std::int64_t rootseq = -1;                    // as the response named it
    bool rootseq_exact = false;     // rank 0 answered: followers name the root before it
    RecordId completed = kNoRecord; // the requester's receipt of the response
    std::vector<ReadId> observers;  // reads that returned one of its values
};

enum class Observed : std::uint8_t {
    NoHash,     // the value's bytes were not seen (valref, hash not kept)
    Unknown,    // no traced commit wrote this value
    Unique,     // exactly one commit wrote it
    SameWriter, // several, all by one thread: the first of them is certainly before
    Ambiguous   // several writers: no edge
};

struct Read {
    ProcessId process = kNoProcess;
    InstanceId instance = kNoInstance;
    std::string ns;
    std::string key;
    std::int32_t flags = 0;
    RecordId record = kNoRecord; // the receipt of the value (or its kvs_value record)
    RecordId api = kNoRecord;    // its kvs_value record
    MessageId message = kNoMessage;
    bool has_hash = false;
    std::uint64_t hash = 0;
    Observed observed = Observed::NoHash;
    CommitId commit = kNoCommit; // with Unique or SameWriter
};

// A record known to precede the creation of KVS version `version`, or a
// wait_version(version) returning.
struct VersionPoint {
    RecordId record = kNoRecord;
    InstanceId instance = kNoInstance;
    std::string ns;
    std::int64_t version = -1;
};

} // namespace fluxtrace::hb
