// The LTTng session daemon a recording talks to: the one already running, or a
// private one started for this recording and stopped after it.  A private
// daemon whose recorder was killed is taken over by the next recording that
// finds it, and stopped after that one if it serves no other session then.
//
// Which recorder owns a private daemon is kept in a note beside the daemon's
// sockets, in LTTng's run directory: RUNDIR/fluxtrace-sessiond, in the
// recording marker's format (recording_marker.h; no session).  It is written
// as soon as the daemon is forked, so that a recorder killed at any moment
// after leaves a daemon the next one can find; it names the recorder that
// took the daemon over after that, and is removed with the daemon.  A daemon
// the user started has no note and is never stopped.
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
    ProcessIdentity identity() const;

    // Takes over the reached daemon if its note names a recorder `self` can
    // see that ended (after stop_orphaned_sessions() stopped the sessions it
    // left): request_stop() and release() stop it too, unless it serves
    // another session by then.
    void adopt_abandoned(const ProcessIdentity &self);

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
    ProcessIdentity adopted_;     // a daemon taken over, not our child
    long adopted_from_ = 0;       // the pid of the recorder that started it
};

} // namespace fluxtrace

#endif
