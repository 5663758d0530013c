// The LTTng session daemon a recording talks to: the one already running, or a
// private one started for this recording and stopped after it.
#ifndef FLUXTRACE_SESSION_DAEMON_H
#define FLUXTRACE_SESSION_DAEMON_H

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

    // Asks the daemon to stop if this recording started it, without waiting:
    // its own teardown (0.5 s) then overlaps what the recorder does next.
    void request_stop();

    // Stops the daemon if this recording started it, and waits until it has;
    // leaves any other alone.
    void release();

  private:
    explicit SessionDaemon(pid_t pid) : pid_(pid) {}
    pid_t pid_;                   // of the daemon we started, else 0
    bool stop_requested_ = false; // SIGTERM sent
};

} // namespace fluxtrace

#endif
