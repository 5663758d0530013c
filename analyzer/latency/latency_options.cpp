#include "latency_options.hpp"

#include <CLI/CLI.hpp>

namespace fluxtrace::latency {

void add_options(CLI::App &app, LatencyOptions &options) {
    app.add_flag("--latency", options.enabled,
                 "Print reactor busy time per loop iteration, the slowest callbacks and "
                 "request latency per topic");
    app.add_option("--top", options.top, "--latency: how many of the slowest callbacks")
        ->check(CLI::Range(1, 1000000))
        ->capture_default_str();
    app.add_option("--debug-dir", options.search.debug_dirs,
                   "Look for the traced binaries and their debug files here first (by "
                   "build-id, recorded path or file name); repeatable")
        ->group("Symbolization")
        ->allow_extra_args(false);
    app.add_option("--sysroot", options.search.sysroot,
                   "Read recorded paths (and /usr/lib/debug) under this directory, for "
                   "traces recorded on another machine")
        ->group("Symbolization");
    app.add_option("--symbols", options.search.symbol_files,
                   "Saved symbols (as --write-symbols writes them) to use before any "
                   "file; repeatable.  PATH/fluxtrace-symbols.json is read too")
        ->group("Symbolization")
        ->allow_extra_args(false);
    app.add_flag(
           "--no-system-debug-dir",
           [&options](std::int64_t) { options.search.system_debug_dir = false; },
           "Do not search /usr/lib/debug for debug files")
        ->group("Symbolization");
}

} // namespace fluxtrace::latency
