#include "record_command.h"

#include "buffer_geometry.h"
#include "record_error.h"
#include "recording_marker.h"
#include "session_daemon.h"
#include "symbol_export.h"
#include "traced_command.h"
#include "traced_environment.h"
#include "tracing_session.h"

#include <fmt/format.h>

#include <ctime>
#include <sys/statvfs.h>
#include <filesystem>
#include <unistd.h>

namespace fluxtrace {

namespace fs = std::filesystem;

constexpr uint64_t kMiB = 1024 * 1024;

static std::string timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm local;
    localtime_r(&now, &local);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%d-%H%M%S", &local);
    return text;
}

// The trace directory, absolute (the session daemon does not share our working
// directory).  It may exist only if empty: an old trace in it would be mixed
// with the new one.
static fs::path output_directory(const std::string &requested, const std::string &stamp) {
    fs::path dir =
        requested.empty() ? fs::path("fluxtrace-" + stamp) : fs::path(requested);
    dir = fs::absolute(dir).lexically_normal();
    if (!dir.has_filename() && dir.has_parent_path())
        dir = dir.parent_path(); // "trace/" names "trace"
    std::error_code ec;
    fs::file_status status = fs::status(dir, ec);
    if (!fs::exists(status))
        return dir;
    if (!fs::is_directory(status))
        throw RecordError(
            fmt::format("-o {}: exists and is not a directory", dir.string()),
            kExitUsage);
    bool empty = fs::is_empty(dir, ec);
    if (ec)
        throw RecordError(
            fmt::format("-o {}: cannot read it: {}", dir.string(), ec.message()),
            kExitUsage);
    if (!empty)
        throw RecordError(
            fmt::format("-o {}: directory is not empty; choose a new one", dir.string()),
            kExitUsage);
    return dir;
}

static bool holds_metadata(const fs::path &dir) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->path().filename() == "metadata")
            return true;
    }
    return false;
}

// Makes the trace directory; returns whether it made it (rather than found it
// existing and empty).
static bool make_output_directory(const fs::path &dir) {
    std::error_code ec;
    bool made_dir = fs::create_directories(dir, ec);
    if (ec)
        throw RecordError(
            fmt::format("-o {}: cannot create it: {}", dir.string(), ec.message()));
    // A trace holds message payloads (KVS values by default): a directory this
    // recorder makes is its owner's alone.  One given, existing and empty,
    // keeps the permissions its owner chose.
    if (made_dir)
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    return made_dir;
}

// Whether less than one sub-buffer's room is left where `dir` is.
static bool file_system_full(const fs::path &dir, uint64_t subbuf_size) {
    struct statvfs vfs;
    return statvfs(dir.c_str(), &vfs) == 0 &&
           static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize < subbuf_size;
}

int run_env(const RecordOptions &options) {
    const TracingSettings settings{find_shim(), options.stack, options.payload,
                                   sanitizer_runtime()};
    const std::vector<std::string> parent = current_environment();
    for (const std::string &entry :
         changed_entries(parent, traced_environment(parent, settings)))
        fmt::print("{}\n", entry);
    return 0;
}

int run_record(const RecordOptions &options) {
    // Everything that depends only on the request is checked before LTTng is
    // touched, so a mistake costs nothing to undo.
    std::string stamp = timestamp();
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    const bool relayed = !options.relay_url.empty();
    fs::path dir;
    if (!relayed)
        dir = output_directory(
            expand_output_pattern(options.output_dir, host, static_cast<long>(getpid())),
            stamp);
    const std::string where = relayed ? options.relay_url : dir.string();
    BufferGeometry geometry =
        buffer_geometry(options.buffer_mib * kMiB, possible_cpus(),
                        static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
    TracingSettings settings{find_shim(), options.stack, options.payload,
                             sanitizer_runtime()};
    std::vector<std::string> env = traced_environment(current_environment(), settings);
    std::string session_name = options.session_name.empty()
                                   ? fmt::format("fluxtrace-{}-{}", stamp, getpid())
                                   : options.session_name;

    SignalRelay relay;
    SessionDaemon daemon = SessionDaemon::reach();
    const ProcessIdentity self = this_process();
    for (const auto &line : stop_orphaned_sessions(self))
        fmt::print(stderr, "{}\n", line);
    daemon.adopt_abandoned(self);
    const bool made_dir = !relayed && make_output_directory(dir);
    if (!relayed)
        write_marker(dir, {self, session_name,
                           "the recording did not end: its recorder is still running "
                           "or was killed, and what its buffers held was not written",
                           daemon.identity()});
    int status;
    std::optional<uint64_t> discarded;
    std::string broken; // why the recording could not be ended, once the command ran
    try {
        TracingSession session(session_name, relayed ? where : "file://" + where,
                               geometry);
        fmt::print(stderr, "fluxtrace: recording session {} to {}\n", session.name(),
                   where);
        status = relay.received() != 0 ? kExitSignalBase + relay.received()
                                       : run_traced_command(options.command, env);
        try {
            discarded = session.stop();
            session.destroy();
        } catch (const RecordError &e) {
            // The command ran to its end: its status stands, whatever became
            // of the recording (a session daemon killed, a relay gone).
            session.abandon();
            broken = e.what();
        }
    } catch (...) {
        std::error_code ec;
        if (!relayed)
            remove_marker(dir);
        if (made_dir)
            fs::remove(dir, ec); // only if still empty
        throw;
    }

    daemon.request_stop(); // nothing more to ask it; it stops while we go on

    // LTTng's consumer daemon drops what it cannot write and counts none of
    // it as discarded: a full file system is seen only from outside.
    if (broken.empty() && !relayed && file_system_full(dir, geometry.subbuf_size))
        broken = "its file system is full";
    if (!relayed && broken.empty())
        remove_marker(dir);
    else if (!relayed)
        write_marker(dir, {self, session_name,
                           "the recording broke while the command ran (" + broken + ")",
                           daemon.identity()});
    const char *verb = relayed ? "streamed" : "written";
    if (!broken.empty())
        fmt::print(stderr,
                   "fluxtrace: the recording broke while the command ran ({}); the trace "
                   "{} to {} is incomplete: it holds what reached it before (symbols "
                   "not saved)\n",
                   broken, verb, where);
    else if (!discarded)
        fmt::print(
            stderr,
            "fluxtrace: trace {} to {} (discarded events unknown: LTTng "
            "returned an invalid count; `babeltrace2 {} >/dev/null` reports losses)\n",
            verb, where, relayed ? "TRACE" : where);
    else
        fmt::print(stderr, "fluxtrace: trace {} to {} ({} events discarded)\n", verb,
                   where, *discarded);
    if (discarded.value_or(0) > 0)
        fmt::print(stderr,
                   "fluxtrace: warning: the trace buffers overflowed and the trace is "
                   "incomplete; record again with a larger --buffer-mib (now {})\n",
                   options.buffer_mib);
    if (relayed)
        fmt::print(
            stderr,
            "fluxtrace: symbols not saved: the relay holds the trace (run "
            "`fluxtrace-analyze -q --write-symbols DIR/fluxtrace-symbols.json DIR` "
            "on its copy DIR, where these binaries are)\n");
    else if (broken.empty() && !holds_metadata(dir))
        fmt::print(stderr, "fluxtrace: warning: nothing was recorded: no process of the "
                           "command loaded LTTng-UST (did it call libflux-core?)\n");
    else if (broken.empty() && options.save_symbols)
        save_symbols(sibling_analyzer(), dir.string());
    daemon.release();
    return status;
}

} // namespace fluxtrace
