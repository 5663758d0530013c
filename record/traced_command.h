// Runs the traced command and relays the signals that ask a recording to end.
#ifndef FLUXTRACE_TRACED_COMMAND_H
#define FLUXTRACE_TRACED_COMMAND_H

#include <string>
#include <vector>

namespace fluxtrace {

// While alive, SIGINT, SIGTERM and SIGHUP no longer end the recorder: they are
// noted and relayed to the traced command, so the recorder can still stop its
// session.  Signals ignored when fluxtrace started stay ignored (nohup keeps
// working), for the recorder and the command alike.
class SignalRelay {
  public:
    SignalRelay();
    SignalRelay(const SignalRelay &) = delete;
    SignalRelay &operator=(const SignalRelay &) = delete;
    ~SignalRelay();

    // The first relayed signal received so far, or 0.
    int received() const;
};

// Runs argv with env (NAME=VALUE strings), searching PATH, and waits for it.
// Returns its exit status, 128+N when signal N ended it, or 127 after printing
// why when it could not be executed.
int run_traced_command(const std::vector<std::string> &argv,
                       const std::vector<std::string> &env);

} // namespace fluxtrace

#endif
