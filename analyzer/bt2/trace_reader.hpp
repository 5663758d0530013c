// Reads LTTng CTF traces into Records.
//
//     fluxtrace::RecordStore store;
//     fluxtrace::bt2::TraceReader reader(store);
//     std::vector<fluxtrace::Record> records;
//     reader.read({"host-a/trace", "host-b/trace"},
//                 [&](const fluxtrace::Record &r) { records.push_back(r); });
//     const fluxtrace::ReadStats &stats = reader.stats();
//
// Each input path is one source (Record::src() is its index): every trace
// directory under it is read through one graph (src.ctf.fs -> flt.utils.muxer ->
// a sink handing records over), in time order within the source.  Sources are
// read one after the other and never merged: traces of different hosts have
// clocks that disagree, which Babeltrace2's muxer refuses, and happens-before
// needs no global time order.
//
// Throws InputError ("PATH: cause") for an input it cannot use: missing path,
// no CTF trace under it, no events, no fluxtrace records, a fluxtrace format
// version other than the one it reads, or nothing readable.  Every path is
// checked to exist and to hold a trace before any record is delivered; the
// other checks need the records, so a source's records may have been delivered
// when they fail.  A damaged trace is read as far as it goes and the parts
// left out are listed in ReadStats::skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../read_stats.hpp"
#include "../record.hpp"
#include "../record_store.hpp"
#include "trace_dirs.hpp"

namespace fluxtrace::bt2 {

struct ReadOptions {
    // false: each record is valid only during the callback, and the store's
    // memory stays flat (for streaming consumers such as --dump).
    bool retain_records = true;
    // Called once before the first record with the number of records the
    // reader will deliver, by readers that know it (the fast reader, not
    // Babeltrace2's), so that consumers keeping every record reserve their
    // memory once instead of growing it (and touching it) several times.
    std::function<void(std::uint64_t records)> on_record_count;
    // Data files (by path) found damaged from a byte offset on, by a check the
    // caller made (the fast decoder's): Babeltrace2 is given them only up to
    // there.  Its own ctf source can abort the process or allocate without
    // bound on damaged packets, so damage must not reach it.
    struct Damage {
        std::uint64_t offset = 0;
        std::string what; // what is left out from there, for a report
        std::string cause;
    };
    std::map<std::string, Damage> damaged_files;
    // Threads for the work that can be split without changing its result:
    // the fast reader's check walk of the data files (Babeltrace2's decoding
    // stays on one).
    unsigned jobs = 1;
};

using RecordSink = std::function<void(const Record &)>;

class TraceReader {
  public:
    explicit TraceReader(RecordStore &store, ReadOptions options = {});
    ~TraceReader();
    TraceReader(const TraceReader &) = delete;
    TraceReader &operator=(const TraceReader &) = delete;

    // Reads `paths` in order; their sources are numbered from the number of
    // sources this reader has read before.
    const ReadStats &read(const std::vector<std::string> &paths, const RecordSink &sink);
    // The same, with the sources given (ctf::split_by_host makes one per host).
    const ReadStats &read(const std::vector<SourceSpec> &sources, const RecordSink &sink);
    // Also valid after read() threw: what was read until then.
    const ReadStats &stats() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace fluxtrace::bt2
