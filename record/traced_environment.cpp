#include "traced_environment.h"

#include "record_error.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <unordered_set>

#include <unistd.h>

extern char **environ;

namespace fluxtrace {

namespace fs = std::filesystem;

static const char kShimName[] = "libfluxtrace.so";

// Without this, LTTng-UST waits 3 s for a session daemon at start-up and then
// runs untraced; a loaded machine can be slower than that.
static const char kRegisterTimeout[] = "LTTNG_UST_REGISTER_TIMEOUT=30000";

// LTTng-UST's base-address statedump reads every loaded object's ELF file
// (section headers one read at a time) when a process registers, and again
// when a session starts: 9-17 ms of every traced process's start-up, 2-3 s of
// a Flux instance's (docs/performance.md, "Fixed costs").  The shim's own
// `dso` records carry what the analyzer uses from it (base, size, path,
// build-id), read from memory.
static const char kNoBaddrStatedump[] = "LTTNG_UST_WITHOUT_BADDR_STATEDUMP=1";

// flux-core loads broker modules with RTLD_DEEPBIND unless this is set, and a
// module's own flux_* calls then bind to libflux-core directly, past the shim.
static const char kNoDeepbind[] = "FLUX_LOAD_WITH_DEEPBIND=0";

static std::string name_of(const std::string &entry) {
    return entry.substr(0, entry.find('='));
}

std::vector<std::string> changed_entries(const std::vector<std::string> &parent,
                                         const std::vector<std::string> &env) {
    const std::unordered_set<std::string> before(parent.begin(), parent.end());
    std::vector<std::string> changed;
    for (const std::string &entry : env)
        if (before.count(entry) == 0)
            changed.push_back(entry);
    return changed;
}

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char **entry = environ; *entry != nullptr; entry++)
        env.emplace_back(*entry);
    return env;
}

std::vector<std::string> traced_environment(const std::vector<std::string> &parent,
                                            const TracingSettings &settings) {
    std::vector<std::string> env;
    std::string preload = settings.shim_path;
    if (!settings.sanitizer_runtime.empty())
        preload = settings.sanitizer_runtime + ":" + preload;
    bool has_timeout = false, has_deepbind = false, has_statedump = false;
    for (const std::string &entry : parent) {
        std::string name = name_of(entry);
        if (name == "LD_PRELOAD") {
            std::string existing = entry.substr(name.size() + 1);
            if (!existing.empty())
                preload += ":" + existing;
            continue;
        }
        if ((name == "FLUXTRACE_STACK" && settings.stack) ||
            (name == "FLUXTRACE_PAYLOAD" && settings.payload))
            continue;
        has_timeout |= name == "LTTNG_UST_REGISTER_TIMEOUT";
        has_deepbind |= name == "FLUX_LOAD_WITH_DEEPBIND";
        has_statedump |= name == "LTTNG_UST_WITHOUT_BADDR_STATEDUMP";
        env.push_back(entry);
    }
    env.push_back("LD_PRELOAD=" + preload);
    if (!has_timeout)
        env.push_back(kRegisterTimeout);
    if (!has_deepbind)
        env.push_back(kNoDeepbind);
    if (!has_statedump)
        env.push_back(kNoBaddrStatedump);
    if (settings.stack)
        env.push_back("FLUXTRACE_STACK=" + *settings.stack);
    if (settings.payload)
        env.push_back("FLUXTRACE_PAYLOAD=" + *settings.payload);
    return env;
}

std::string sanitizer_runtime() {
#ifdef FLUXTRACE_SANITIZER_RUNTIME
    return FLUXTRACE_SANITIZER_RUNTIME;
#else
    return {};
#endif
}

// Where the shim lies relative to the directory of the fluxtrace executable:
// where `cmake --install` and the package put it (the build sets the path from
// the install layout), then in a build tree (bin/ beside lib/).
#ifndef FLUXTRACE_SHIM_RELDIR
#define FLUXTRACE_SHIM_RELDIR "../lib/fluxtrace"
#endif
static const char *const kShimDirsFromExe[] = {FLUXTRACE_SHIM_RELDIR, "../lib"};

static bool usable(const fs::path &path, fs::path &canonical) {
    std::error_code ec;
    canonical = fs::canonical(path, ec);
    return !ec && fs::is_regular_file(canonical, ec);
}

std::string find_shim() {
    std::vector<fs::path> candidates;
    if (const char *libdir = std::getenv("FLUXTRACE_LIBDIR"); libdir && *libdir) {
        candidates.push_back(fs::path(libdir) / kShimName);
    } else {
        std::error_code ec;
        fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        if (ec)
            throw RecordError(
                fmt::format("cannot find the preload library: reading /proc/self/exe "
                            "failed ({}); set FLUXTRACE_LIBDIR",
                            ec.message()));
        for (const char *dir : kShimDirsFromExe)
            candidates.push_back(exe.parent_path() / dir / kShimName);
    }
    fs::path canonical;
    std::string tried;
    for (const fs::path &path : candidates) {
        if (usable(path, canonical))
            return canonical.string();
        tried += (tried.empty() ? "" : " or ") + path.lexically_normal().string();
    }
    throw RecordError(fmt::format("preload library not found: {} (build it, or set "
                                  "FLUXTRACE_LIBDIR to the directory that holds it)",
                                  tried));
}

} // namespace fluxtrace
