#include "traced_command.h"

#include "record_error.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <iterator>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

namespace fluxtrace {

static const int kRelayed[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction saved_actions[std::size(kRelayed)];
static volatile sig_atomic_t first_signal;
static volatile pid_t child_pid;

// A signal the terminal sent (Ctrl-C: si_code SI_KERNEL) went to the whole
// foreground process group, the command included; relaying it again would make
// a second Ctrl-C of it, which some programs take as "quit now".
static void relay(int sig, siginfo_t *info, void *) {
    if (first_signal == 0)
        first_signal = sig;
    pid_t pid = child_pid;
    if (pid > 0 && info->si_code != SI_KERNEL)
        kill(pid, sig);
}

SignalRelay::SignalRelay() {
    first_signal = 0;
    child_pid = 0;
    for (size_t i = 0; i < std::size(kRelayed); i++) {
        sigaction(kRelayed[i], nullptr, &saved_actions[i]);
        if (saved_actions[i].sa_handler == SIG_IGN)
            continue;
        struct sigaction action;
        std::memset(&action, 0, sizeof action);
        action.sa_sigaction = relay;
        action.sa_flags = SA_SIGINFO | SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(kRelayed[i], &action, nullptr);
    }
}

SignalRelay::~SignalRelay() {
    for (size_t i = 0; i < std::size(kRelayed); i++)
        sigaction(kRelayed[i], &saved_actions[i], nullptr);
}

int SignalRelay::received() const {
    return first_signal;
}

static std::vector<char *> c_strings(const std::vector<std::string> &strings) {
    std::vector<char *> out;
    for (const std::string &s : strings)
        out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

int run_traced_command(const std::vector<std::string> &argv,
                       const std::vector<std::string> &env) {
    std::vector<char *> c_argv = c_strings(argv);
    std::vector<char *> c_env = c_strings(env);

    // The relay must not see a pid before it is the command's, nor miss a
    // signal that arrives while the command starts: hold them until child_pid
    // is set.  The command starts with the mask we had before.
    sigset_t relayed, saved;
    sigemptyset(&relayed);
    for (int sig : kRelayed)
        sigaddset(&relayed, sig);
    sigprocmask(SIG_BLOCK, &relayed, &saved);
    int before_spawn = first_signal;
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &saved);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int err = posix_spawnp(&pid, c_argv[0], nullptr, &attr, c_argv.data(), c_env.data());
    posix_spawnattr_destroy(&attr);
    if (err == 0)
        child_pid = pid;
    sigprocmask(SIG_SETMASK, &saved, nullptr);
    if (err != 0) {
        fmt::print(stderr, "fluxtrace: cannot execute {}: {}\n", argv[0], strerror(err));
        return kExitCannotExecute;
    }
    // A signal that came before the command existed is passed on now; those held
    // while it started were relayed by the handler.
    if (before_spawn != 0)
        kill(pid, before_spawn);

    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            child_pid = 0;
            throw RecordError(fmt::format("cannot wait for {} (pid {}): {}", argv[0], pid,
                                          strerror(errno)));
        }
    }
    child_pid = 0;
    if (WIFSIGNALED(status)) {
        // The status a shell gives it; the trace holds what was written before.
        // Like a shell, say nothing of the signals a user sends on purpose
        // (Ctrl-C) or a closed pipe sends.
        const int sig = WTERMSIG(status);
        if (sig != SIGINT && sig != SIGPIPE)
            fmt::print(stderr, "fluxtrace: {} (pid {}) was killed by signal {} ({})\n",
                       argv[0], pid, sig, strsignal(sig));
        return kExitSignalBase + sig;
    }
    return WEXITSTATUS(status);
}

} // namespace fluxtrace
