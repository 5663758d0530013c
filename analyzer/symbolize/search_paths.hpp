// Where to look for the files of a traced process's objects, so that a trace
// read on another machine (or after a rebuild) still symbolizes when it is
// given the binaries or their debug files.  Every file found is checked
// against the recorded build-id before it is used (see Symbolizer).
#pragma once

#include <string>
#include <vector>

#include "loaded_object.hpp"

namespace fluxtrace::symbolize {

struct SearchPaths {
    // Prefixed to every recorded path, as a debugger's sysroot: "/mnt/node7"
    // reads /usr/lib/libc.so.6 as /mnt/node7/usr/lib/libc.so.6, and the
    // system debug directory as /mnt/node7/usr/lib/debug.  "" is "/".
    std::string sysroot;
    // Searched before the recorded path, in order: DIR/.build-id/xx/yyyy (a
    // binary, as debuginfod caches keep them), DIR/.build-id/xx/yyyy.debug,
    // DIR/<recorded path>, DIR/<file name>.  Also searched for separate debug
    // files (by build-id and .gnu_debuglink).
    std::vector<std::string> debug_dirs;
    // Search <sysroot>/usr/lib/debug (build-id and debuglink) as well.
    bool system_debug_dir = true;
    // Saved symbols (SymbolCache files, "fluxtrace-symbols/1"), consulted
    // before any file for the build-ids they hold; the first file holding an
    // address wins.
    std::vector<std::string> symbol_files;

    // Files that may hold the object's code or its debug information, in the
    // order to try them; each at most once.
    std::vector<std::string> candidates(const LoadedObject &object) const;
    // The search path for separate debug files, in libdwfl's syntax.
    std::string debuginfo_path() const;
};

// "deadbeef..." for the raw bytes of a build-id.
std::string build_id_hex(const std::string &raw);

} // namespace fluxtrace::symbolize
