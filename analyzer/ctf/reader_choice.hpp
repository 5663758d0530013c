// Which decoder reads the traces: the fast one (this folder) when it accepts
// them, Babeltrace2 otherwise (`fluxtrace-analyze --reader`).
//
//     ctf::ChoosingReader reader(store, options, ctf::ReaderChoice::Auto);
//     const ReadStats &stats = reader.read(paths, sink);
//
// With Auto, a trace the fast reader refuses is read by Babeltrace2 as a whole
// (every path: sources are numbered across them), before any record is
// delivered, so the choice cannot be seen in the records.  With Fast, a
// refused trace is an InputError that says why.
//
// A trace whose recording did not end cleanly (the recorder's marker,
// record/recording_marker.h, in PATH or in a directory between PATH and a
// trace directory) gets a skipped part saying why: warned of, and its source
// counted as one that lost records.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "../bt2/trace_reader.hpp"
#include "fast_reader.hpp"

namespace fluxtrace::ctf {

enum class ReaderChoice { Auto, Fast, Bt2 };

class ChoosingReader {
  public:
    ChoosingReader(RecordStore &store, bt2::ReadOptions options, ReaderChoice choice)
        : store_(store), options_(options), choice_(choice) {}

    const ReadStats &read(const std::vector<std::string> &paths,
                          const bt2::RecordSink &sink);
    // The same, with the sources already split from `paths` (split_by_host).
    const ReadStats &read(const std::vector<std::string> &paths,
                          const std::vector<bt2::SourceSpec> &sources,
                          const bt2::RecordSink &sink);
    // Why the fast reader refused the traces (empty when it read them, or
    // was not asked to).
    const std::string &fallback_reason() const { return reason_; }
    bool used_fast() const { return used_fast_; }

  private:
    RecordStore &store_;
    bt2::ReadOptions options_;
    ReaderChoice choice_;
    std::unique_ptr<FastReader> fast_;
    std::unique_ptr<bt2::TraceReader> bt2_;
    std::string reason_;
    bool used_fast_ = false;
    ReadStats stats_; // the reader's, with unfinished recordings added
};

} // namespace fluxtrace::ctf
