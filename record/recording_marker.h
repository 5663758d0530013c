// The marker a recording keeps in its trace directory until it ends cleanly:
// DIR/.fluxtrace-recording (hidden, so Babeltrace2 and the analyzer's readers
// do not take it for trace data).  Its last line says why the trace may be
// incomplete; fluxtrace-analyze warns with it and treats the trace as one that
// lost records.  A recorder killed with SIGKILL leaves its session running in
// a session daemon it started; the next `fluxtrace record` on that daemon
// finds the session by its marker, stops and destroys it, and says so
// (stop_orphaned_sessions, tracing_session.h); the daemon itself is found by
// its own note (SessionDaemon::adopt_abandoned).  The marker names that daemon
// for whoever reads the trace.  The analyzer reads markers with read_marker()
// too.
//
//     fluxtrace recording marker 1
//     recorder-pid 4242
//     recorder-start 1234567       (its start time, /proc/PID/stat: pids are reused)
//     recorder-pid-ns pid:[4026531836]
//     session fluxtrace-20261207-101500-4242
//     daemon-pid 4243               (only when it started a private daemon, or
//     daemon-start 1234570           took over one left by a recorder that ended)
//     why the recording did not end: its recorder is still running or was killed
#ifndef FLUXTRACE_RECORDING_MARKER_H
#define FLUXTRACE_RECORDING_MARKER_H

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace fluxtrace {

inline constexpr const char *kMarkerName = ".fluxtrace-recording";

// A process known by its pid and start time (pids are reused).
struct ProcessIdentity {
    long pid = 0;
    std::uint64_t start = 0; // clock ticks after boot, 0 if unknown
    std::string pid_ns;      // readlink /proc/self/ns/pid: whose pids these are
};

struct RecordingMarker {
    ProcessIdentity recorder;
    std::string session;
    std::string why;
    ProcessIdentity daemon; // the private session daemon it runs on (pid 0: none)
};

// This process.
ProcessIdentity this_process();
// Process `pid` of this pid namespace, as it is now.
ProcessIdentity identify(long pid);
// Whether that process (not another one given its pid since) still runs: a
// zombie does not.
bool process_alive(const ProcessIdentity &id);
// Whether its pid and start time can be checked from here: the same pid
// namespace (a daemon may serve recorders in other containers).
bool process_visible(const ProcessIdentity &id);

// Writes DIR's marker whole (a new file renamed over the old).  Errors are
// ignored: the marker only explains a trace, it never stops a recording.
void write_marker(const std::filesystem::path &dir, const RecordingMarker &marker);
// DIR's marker, if it holds a readable one.
std::optional<RecordingMarker> read_marker(const std::filesystem::path &dir);
void remove_marker(const std::filesystem::path &dir);

// The same for a marker kept in FILE (the daemon note, session_daemon.h).
void write_marker_file(const std::filesystem::path &file, const RecordingMarker &marker);
std::optional<RecordingMarker> read_marker_file(const std::filesystem::path &file);

} // namespace fluxtrace

#endif
