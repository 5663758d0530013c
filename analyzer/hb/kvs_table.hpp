// Commits, reads and version waits, and the KVS edges: commit -> each read or
// watch delivery that returned one of its values (by key and value hash), and
// a commit known to be in version V -> every wait_version(V' >= V) returning.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "../record.hpp"
#include "edge.hpp"
#include "fields.hpp"
#include "kvs.hpp"
#include "message_table.hpp"
#include "process_table.hpp"
#include "runtime_table.hpp"

namespace fluxtrace::hb {

class KvsTable {
  public:
    void build(const std::vector<Record> &records, Fields &fields,
               const ProcessTable &procs, const MessageTable &msgs,
               const RuntimeTable &runtime, std::vector<Edge> &edges);

    // The commit a record belongs to (its send, server receive, kvs_commit).
    CommitId commit_of(RecordId r) const;
    // The read a record is (the value's receipt or its kvs_value record).
    ReadId read_of(RecordId r) const;
    // Writes of a key (commit, op index) and its reads, in record order.
    std::vector<std::pair<CommitId, size_t>> writes_of(std::string_view key) const;
    std::vector<ReadId> reads_of(std::string_view key) const;

    std::vector<Commit> commits;
    std::vector<Read> reads;
    std::vector<VersionPoint> versions; // commits known to be in a version
    std::vector<VersionPoint> waits;    // wait_version returns

  private:
    std::vector<std::pair<RecordId, CommitId>> commit_of_;
    std::vector<std::pair<RecordId, ReadId>> read_of_;
};

} // namespace fluxtrace::hb
