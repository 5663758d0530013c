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

} // namespace fluxtrace::bt2
