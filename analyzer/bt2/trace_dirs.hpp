// Where the CTF traces under a path are.  src.ctf.fs reads one directory
// holding a `metadata` file and does not search below it, while LTTng writes
// DIR/ust/uid/<uid>/64-bit/, DIR/ust/pid/<name>-<pid>-<date>/, DIR/kernel/ ...
#pragma once

#include <string>
#include <vector>

namespace fluxtrace::bt2 {

// Every directory at or below `path` that holds a `metadata` file, sorted;
// directories below a trace directory are not searched.  Throws InputError
// when `path` does not exist or holds no trace.
std::vector<std::string> find_trace_dirs(const std::string &path);

// One source: trace directories read as one clock domain (one host).
struct SourceSpec {
    std::string path; // for messages: the input path, or one host's part of it
    std::string host; // the host its traces name; "" when unknown
    std::vector<std::string> dirs;
};

// One source per path, of every trace directory under it (no host split:
// ctf::split_by_host does that).  Throws as find_trace_dirs.
std::vector<SourceSpec> sources_of_paths(const std::vector<std::string> &paths);

} // namespace fluxtrace::bt2
