// A flux_future_t from creation to destruction (its address may come back as
// another future afterwards), and what it stands for: an RPC, a KVS lookup or
// watch, a commit.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "ids.hpp"

namespace fluxtrace::hb {

inline constexpr std::int32_t kKvsWatch = 4;
inline constexpr std::int32_t kKvsWaitCreate = 8;
inline constexpr std::int32_t kKvsWatchAppend = 256;
inline constexpr std::int32_t kKvsStream = 512;

struct Future { // 88 bytes
    std::uint64_t address = 0;
    ProcessId process = kNoProcess;
    RecordId created = kNoRecord;
    RecordId destroyed = kNoRecord;
    RecordId rpc = kNoRecord;       // the flux_rpc* that returned it
    RecordId lookup = kNoRecord;    // the flux_kvs_lookup* that returned it
    RecordId commit = kNoRecord;    // the flux_kvs_commit that returned it
    RecordId then = kNoRecord;      // its last flux_future_then
    MessageId message = kNoMessage; // the request it waits on
    std::string_view key;           // lookups
    std::int32_t lookup_flags = 0;
    std::vector<RecordId> fulfilments; // flux_future_fulfill / _error, in order

    bool watch() const { return lookup != kNoRecord && (lookup_flags & kKvsWatch); }
};

} // namespace fluxtrace::hb
