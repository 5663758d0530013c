// Reads fluxtrace's LTTng traces without Babeltrace2: each stream data file is
// mapped and decoded by programs compiled from the metadata (trace_plan.hpp),
// and the streams of a source are merged by time as flt.utils.muxer would.
// The records, their order and the ReadStats are those of bt2::TraceReader.
//
//     FastReader fast(store, retain);
//     if (const auto why = fast.prepare(paths); why.empty())
//         fast.read(sink);
//     else
//         ... read with Babeltrace2 (why says what was not understood)
//
// prepare() parses every metadata file and walks every event of every source
// (the walks of the data files on set_jobs() threads at once, with the same
// result whatever their number) before read() delivers the first record, so a trace it
// would not read exactly like Babeltrace2 (unknown constructs) is refused whole and
// nothing has been delivered.  Damage is not refused: each data file is read up to its
// first damaged packet, and the rest is listed in ReadStats::skipped.  Several trace
// directories under one path (one per uid, or per process with per-pid buffers) on one
// clock are merged by time, ties broken as Babeltrace2's muxer breaks them (trace uuid,
// stream class, stream id).
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
#include "analyzer/bt2/trace_dirs.hpp"
#include "analyzer/bt2/trace_reader.hpp"

namespace fluxtrace::ctf {

using RecordSink = std::function<void(const Record &)>;

// The damage the fast reader's check walk finds in the data files under
// `paths` (file path -> where it starts and why), for a decoder that cannot
// survive it (Babeltrace2); the files are walked on `jobs` threads.
// Directories whose metadata the fast reader does not understand are not
// checked.
std::map<std::string, bt2::ReadOptions::Damage>
find_damage(const std::vector<std::string> &paths, unsigned jobs = 1);

class FastReader {
  public:
    FastReader(RecordStore &store, bool retain_records);
    ~FastReader();
    FastReader(const FastReader &) = delete;
    FastReader &operator=(const FastReader &) = delete;

    // Empty when read() can read all of `paths`, else why not (and
    // refused_path() says which).  Throws
    // InputError, as bt2::TraceReader does, for a path that does not exist or
    // holds no trace.
    std::string prepare(const std::vector<std::string> &paths);
    // The same, with the sources given (split_by_host makes one per host).
    std::string prepare(const std::vector<bt2::SourceSpec> &sources);
    // The prepared paths, sources numbered from 0.  Throws InputError like
    // bt2::TraceReader (no events, no fluxtrace records, format version).
    const ReadStats &read(const RecordSink &sink);
    // How many records read() will deliver (known once prepare() succeeded).
    std::uint64_t record_count() const;
    const ReadStats &stats() const { return stats_; }
    const std::string &refused_path() const { return refused_path_; }
    // Threads for prepare()'s check walks (1: this one only).
    void set_jobs(unsigned jobs) { jobs_ = jobs; }

  private:
    struct Source;
    // Parses directory `d` of `s`, and checks and orders its stream files.
    // Throws Unsupported.
    static void add_directory(Source &s, size_t d);
    // Walks every stream of every source (on jobs_ threads): counts what was
    // lost while recording and lists the damaged parts.
    void check_streams();
    void read_source(Source &s, std::uint16_t src, const RecordSink &sink);
    static std::string file_name(const std::string &dir, const std::string &name);
    static void check_process(const std::string &path, const Record &r);

    RecordStore &store_;
    bool retain_;
    std::vector<std::unique_ptr<Source>> sources_;
    ReadStats stats_;
    std::string refused_path_;
    unsigned jobs_ = 1;
};

} // namespace fluxtrace::ctf
