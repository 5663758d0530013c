// The command-line options of --latency and of symbolization, registered on
// fluxtrace-analyze's CLI11 app by one call so the tool's main stays small.
#pragma once

#include <cstddef>

#include "../symbolize/search_paths.hpp"

namespace CLI {
class App;
}

namespace fluxtrace::latency {

struct LatencyOptions {
    bool enabled = false; // --latency
    size_t top = 10;      // --top N
    symbolize::SearchPaths search;
};

// --latency, --top N; and, in a "Symbolization" group, --debug-dir DIR
// (repeatable), --sysroot DIR, --symbols FILE (repeatable) and
// --no-system-debug-dir.
void add_options(CLI::App &app, LatencyOptions &options);

} // namespace fluxtrace::latency
