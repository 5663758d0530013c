// The LTTng session daemon a recording talks to: the one already running, or a
// private one started for this recording and stopped after it.  A private
// daemon whose recorder was killed is taken over by the next recording that
// finds it, and stopped after that one if it serves no other session then.
#ifndef FLUXTRACE_SESSION_DAEMON_H
#define FLUXTRACE_SESSION_DAEMON_H

#include "recording_marker.h"

#include <sys/types.h>

namespace fluxtrace {

class SessionDaemon {
  public:
    // Uses a reachable daemon, else starts `lttng-sessiond --no-kernel` and waits
    // until it accepts commands.  Throws RecordError when it cannot.
    static SessionDaemon reach();

    SessionDaemon(SessionDaemon &&other) noexcept;
    SessionDaemon &operator=(SessionDaemon &&) = delete;
    SessionDaemon(const SessionDaemon &) = delete;
    ~SessionDaemon();

    bool started_here() const { return pid_ > 0; }
    pid_t pid() const { return pid_; }
    // The private daemon this recording runs on (pid 0 when it is someone
    // else's): what its marker names, so that the next recorder can stop it.
    RecorderId identity() const;

    // Takes over `daemon`, the reached one, which a recorder that ended
    // (`recorder`) had started: request_stop() and release() stop it too,
    // unless it serves another session by then.
    void adopt(const RecorderId &daemon, long recorder);

    // Asks the daemon to stop if this recording started it, without waiting:
    // its own teardown (0.5 s) then overlaps what the recorder does next.
    void request_stop();

    // Stops the daemon if this recording started it, and waits until it has;
    // leaves any other alone.
    void release();

  private:
    explicit SessionDaemon(pid_t pid) : pid_(pid) {}
    void release_adopted();

    pid_t pid_;                   // of the daemon we started, else 0
    bool stop_requested_ = false; // SIGTERM sent
    RecorderId adopted_;          // a daemon taken over, not our child
    long adopted_from_ = 0;       // the pid of the recorder that started it
};

} // namespace fluxtrace

#endif
