// The environment a traced command runs in, and where the shim is found.
// traced_environment is pure: unit tested alone.
#ifndef FLUXTRACE_TRACED_ENVIRONMENT_H
#define FLUXTRACE_TRACED_ENVIRONMENT_H

#include <optional>
#include <string>
#include <vector>

namespace fluxtrace {

struct TracingSettings {
    std::string shim_path;              // absolute path of libfluxtrace.so
    std::optional<std::string> stack;   // FLUXTRACE_STACK when given
    std::optional<std::string> payload; // FLUXTRACE_PAYLOAD when given
    std::string sanitizer_runtime;      // preloaded before the shim when not empty
};

// `parent` holds NAME=VALUE strings.  The shim goes first in LD_PRELOAD so its
// wrappers win over any other preload (only a sanitizer build's runtime comes
// before it); the user's own settings of LTTNG_UST_REGISTER_TIMEOUT and
// FLUX_LOAD_WITH_DEEPBIND are kept.
std::vector<std::string> traced_environment(const std::vector<std::string> &parent,
                                            const TracingSettings &settings);

// What `env` sets or changes over `parent`, in env's order: what `fluxtrace
// env` prints, for a session started by other means.
std::vector<std::string> changed_entries(const std::vector<std::string> &parent,
                                         const std::vector<std::string> &env);

// This process's environment, as NAME=VALUE strings.
std::vector<std::string> current_environment();

// In a sanitizer build, the sanitizer's runtime library (libasan.so, libtsan.so):
// the instrumented shim needs it loaded first in programs that are not
// instrumented themselves.  Empty in a plain build.
std::string sanitizer_runtime();

// $FLUXTRACE_LIBDIR/libfluxtrace.so, else the installed one relative to this
// executable (<bindir>/../<libdir>/fluxtrace/libfluxtrace.so), else a build
// tree's <dir of this executable>/../lib/libfluxtrace.so; canonical.  Throws
// RecordError when none is there.
std::string find_shim();

} // namespace fluxtrace

#endif
