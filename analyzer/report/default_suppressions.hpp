// The suppression files installed with fluxtrace, one per flux-core release
// (`flux-core-0.88.supp`: what that release's own code does that the rules
// flag and flux-core accepts), and the choice of file for the flux-core a
// trace ran: the file of its major.minor release, else the nearest older one
// (said so), else none.  The version comes from the `process` records
// (`flux_core_version`, format 2 on); a trace without it gets none.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fluxtrace::report {

struct FluxCoreVersion {
    int major = 0, minor = 0, patch = 0;

    // "0.88.0", "0.88.0-12-gdeadbee", "0.88": nullopt when not a version.
    static std::optional<FluxCoreVersion> parse(std::string_view text);
    // Major and minor only: a release's file covers its patch releases.
    bool operator<(const FluxCoreVersion &o) const {
        return major != o.major ? major < o.major : minor < o.minor;
    }
    bool same_release(const FluxCoreVersion &o) const {
        return major == o.major && minor == o.minor;
    }
};

struct DefaultFile {
    FluxCoreVersion release;
    std::string path;
};

struct DefaultChoice {
    std::string path;    // the file to apply; "" when none applies
    std::string version; // the flux-core version the trace ran
    bool exact = false;  // the file is that version's own release's
    std::string why;     // why not exact, or why none ("" when exact)
};

// Where the installed files are: FLUXTRACE_SUPPRESSIONS_DIR when set, else
// <directory of this executable>/../share/fluxtrace/suppressions (the build
// tree copies them to the same place beside its bin/).
std::string default_suppressions_dir();

// The `flux-core-X.Y.supp` files of `dir`, oldest release first; none when
// `dir` does not exist.
std::vector<DefaultFile> list_default_files(const std::string &dir);

// The file for a trace that ran `version` (as recorded).
DefaultChoice choose_default_file(const std::vector<DefaultFile> &files,
                                  const std::string &version);

} // namespace fluxtrace::report
