// Stands in for a recorder killed after it started its private session daemon
// and before it created its session (a window `fluxtrace record` cannot be
// stopped in from outside): starts the daemon as the recorder does,
// SessionDaemon::reach(), prints its pid, and kills itself with SIGKILL.
// tests/record/faults.sh, case 5.
#include "session_daemon.h"

#include <csignal>
#include <cstdio>

int main() {
    fluxtrace::SessionDaemon daemon = fluxtrace::SessionDaemon::reach();
    if (!daemon.started_here()) {
        std::fprintf(stderr, "killed_daemon_starter: a session daemon already ran\n");
        return 1;
    }
    std::printf("%d\n", static_cast<int>(daemon.pid()));
    std::fflush(stdout);
    std::raise(SIGKILL);
}
