// Reads one source (one input path: one host or recording) through one graph,
// src.ctf.fs per trace directory -> flt.utils.muxer -> a sink that turns event
// messages into Records, and reads around damage:
//
// - a trace directory src.ctf.fs refuses because a data file ends inside a
//   packet is read again with that file cut after its last complete packet;
// - when decoding stops inside the data, the graph is built again with the
//   failing directory split one data file per component (to learn which file
//   failed), then without the packet that failed.  Each stream's messages
//   already handed over are counted and skipped on the next run, so records
//   are delivered once and in order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../read_stats.hpp"
#include "../record_store.hpp"
#include "plugin.hpp"
#include "trace_reader.hpp"

namespace fluxtrace::bt2 {

struct SourceContext {
    RecordStore &store;
    bool retain_records;
    const Plugin &ctf;
    const Plugin &utils;
    const RecordSink &sink;
    ReadStats &stats;
    const std::map<std::string, ReadOptions::Damage> &damaged_files;
};

// Throws InputError when nothing usable is in the source.
void read_source(const SourceContext &ctx, std::uint16_t src, const std::string &path,
                 const std::vector<std::string> &trace_dirs);

} // namespace fluxtrace::bt2
