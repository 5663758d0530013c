// One LTTng recording session as `fluxtrace record` sets it up, through
// liblttng-ctl: a per-uid UST channel in discard mode with the vpid, vtid and
// procname contexts, recording the fluxtrace provider and LTTng-UST's own
// records of loaded objects (for offline symbolization).
#ifndef FLUXTRACE_TRACING_SESSION_H
#define FLUXTRACE_TRACING_SESSION_H

#include "buffer_geometry.h"
#include "recording_marker.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct lttng_handle;

namespace fluxtrace {

class TracingSession {
  public:
    static constexpr const char *kChannel = "fluxtrace";

    // Creates the session writing to url (file://ABSOLUTE_DIR, or net://HOST
    // for an lttng-relayd), configures it and starts it.  Throws RecordError;
    // a half-made session is destroyed.
    TracingSession(std::string name, const std::string &url,
                   const BufferGeometry &geometry);
    TracingSession(const TracingSession &) = delete;
    TracingSession &operator=(const TracingSession &) = delete;
    ~TracingSession(); // destroys the session if destroy() was not called

    const std::string &name() const { return name_; }

    // Stops recording and waits until everything recorded is on disk; returns
    // the events the channel discarded because its buffers were full.
    std::optional<uint64_t> stop();

    // Destroys the session; its trace stays on disk.  Waits until the daemon
    // has done so unless the session was stopped (so flushed) and writes here.
    void destroy();

    // Forgets the session without asking the daemon anything: after the daemon
    // was lost, when there is nothing left to stop or destroy.
    void abandon();

  private:
    std::string name_;
    lttng_handle *handle_ = nullptr;
    bool created_ = false;
    bool local_ = false;   // writes to a directory here, not to a relay
    bool flushed_ = false; // stopped, and the consumer wrote all it held
};

// Stops and destroys every session of the reached daemon whose trace
// directory holds the marker (recording_marker.h) of a recorder that ended,
// updating the marker.  Returns one line per session stopped, for the user.
std::vector<std::string> stop_orphaned_sessions(const ProcessIdentity &self);

} // namespace fluxtrace

#endif
