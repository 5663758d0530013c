#include "session_daemon.h"

#include "record_error.h"

#include <fmt/format.h>
#include <lttng/lttng.h>

#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace fluxtrace {

namespace fs = std::filesystem;

constexpr int kReadySeconds = 30;
constexpr int kStopSeconds = 15;

// LTTng's run directory, where its clients find the session daemon: root's
// is /var/run/lttng, another user's $LTTNG_HOME/.lttng (else $HOME/.lttng).
static fs::path lttng_rundir() {
    if (geteuid() == 0)
        return "/var/run/lttng";
    const char *home = std::getenv("LTTNG_HOME");
    if (!home || !*home)
        home = std::getenv("HOME");
    return fs::path(home ? home : "/") / ".lttng";
}

static fs::path daemon_note() {
    return lttng_rundir() / "fluxtrace-sessiond";
}

// Notes that `recorder` owns private daemon `daemon` (session_daemon.h).
static void write_daemon_note(const ProcessIdentity &recorder,
                              const ProcessIdentity &daemon) {
    std::error_code ec;
    fs::create_directories(lttng_rundir(), ec); // what the daemon makes too
    write_marker_file(daemon_note(),
                      {recorder, "", "lttng-sessiond started for a recording", daemon});
}

// Removes the note if it names `daemon`: a note written since for another
// daemon stays.
static void remove_daemon_note(const ProcessIdentity &daemon) {
    const auto note = read_marker_file(daemon_note());
    if (!note || (note->daemon.pid == daemon.pid && note->daemon.start == daemon.start)) {
        std::error_code ec;
        fs::remove(daemon_note(), ec);
    }
}

static std::string describe_status(int status) {
    if (WIFEXITED(status))
        return fmt::format("exit status {}", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return fmt::format("signal {}", strsignal(WTERMSIG(status)));
    return fmt::format("wait status {}", status);
}

// The daemon is started without --daemonize so that its pid is ours to stop, and
// with --sig-parent so it tells us with SIGUSR1 once it accepts commands (what
// --daemonize waits for too).  It gets a session of its own: a Ctrl-C meant for
// the traced command must not reach it before the recording is stopped.
static pid_t start_private_daemon() {
    sigset_t wanted, saved;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGUSR1);
    sigaddset(&wanted, SIGCHLD);
    sigprocmask(SIG_BLOCK, &wanted, &saved);

    pid_t pid = fork();
    if (pid < 0) {
        int err = errno;
        sigprocmask(SIG_SETMASK, &saved, nullptr);
        throw RecordError(
            fmt::format("cannot start lttng-sessiond: fork failed: {}", strerror(err)));
    }
    if (pid == 0) {
        setsid();
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            if (null > STDERR_FILENO)
                close(null);
        }
        // Pipes of whoever runs fluxtrace must not stay open in a daemon.
        close_range(STDERR_FILENO + 1, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execlp("lttng-sessiond", "lttng-sessiond", "--no-kernel", "--sig-parent",
               static_cast<char *>(nullptr));
        _exit(127);
    }
    const ProcessIdentity daemon = identify(pid);
    write_daemon_note(this_process(), daemon);

    std::string failure;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += kReadySeconds;
    for (;;) {
        struct timespec now, left;
        clock_gettime(CLOCK_MONOTONIC, &now);
        left.tv_sec = deadline.tv_sec - now.tv_sec;
        left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0) {
            left.tv_sec--;
            left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0) {
            failure = fmt::format("it was not ready after {} s", kReadySeconds);
            kill(pid, SIGKILL);
            waitpid(pid, nullptr, 0);
            break;
        }
        siginfo_t info;
        int sig = sigtimedwait(&wanted, &info, &left);
        if (sig == SIGUSR1 && info.si_pid == pid)
            break;
        if (sig == SIGCHLD || (sig < 0 && errno == EAGAIN)) {
            int status;
            if (waitpid(pid, &status, WNOHANG) == pid) {
                failure = WIFEXITED(status) && WEXITSTATUS(status) == 127
                              ? std::string("lttng-sessiond is not on PATH")
                              : "it ended (" + describe_status(status) +
                                    ") before it was ready";
                break;
            }
        }
    }
    sigprocmask(SIG_SETMASK, &saved, nullptr);
    if (!failure.empty()) {
        remove_daemon_note(daemon);
        throw RecordError(fmt::format("cannot start a session daemon: {} (run "
                                      "`lttng-sessiond --no-kernel -vvv` to see why)",
                                      failure));
    }
    return pid;
}

SessionDaemon SessionDaemon::reach() {
    if (lttng_session_daemon_alive() == 1)
        return SessionDaemon(0);
    SessionDaemon daemon(start_private_daemon());
    if (lttng_session_daemon_alive() != 1)
        throw RecordError(fmt::format(
            "started lttng-sessiond (pid {}) but cannot reach it", daemon.pid()));
    return daemon;
}

SessionDaemon::SessionDaemon(SessionDaemon &&other) noexcept
    : pid_(other.pid_), stop_requested_(other.stop_requested_), adopted_(other.adopted_),
      adopted_from_(other.adopted_from_) {
    other.pid_ = 0;
    other.adopted_ = {};
}

ProcessIdentity SessionDaemon::identity() const {
    return pid_ > 0 ? identify(pid_) : adopted_;
}

void SessionDaemon::adopt_abandoned(const ProcessIdentity &self) {
    if (pid_ > 0)
        return; // ours: the note names us
    const auto note = read_marker_file(daemon_note());
    if (!note || note->daemon.pid <= 0 || !process_visible(note->recorder) ||
        process_alive(note->recorder))
        return;
    if (!process_alive(note->daemon)) {
        remove_daemon_note(note->daemon); // of a daemon gone since
        return;
    }
    adopted_ = note->daemon;
    adopted_from_ = note->recorder.pid;
    // Ours now: if this recorder is killed too, the next one takes it over.
    write_daemon_note(self, adopted_);
}

SessionDaemon::~SessionDaemon() {
    release();
}

// SIGTERM lets the daemon stop its consumer daemons and remove its sockets.
void SessionDaemon::request_stop() {
    if (stop_requested_)
        return;
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        stop_requested_ = true;
        return;
    }
    if (adopted_.pid <= 0 || !process_alive(adopted_))
        return;
    // Another recorder may have found the same daemon since: it stays for them.
    struct lttng_session *sessions = nullptr;
    const int n = lttng_list_sessions(&sessions);
    free(sessions);
    if (n != 0) {
        adopted_ = {};
        return;
    }
    kill(static_cast<pid_t>(adopted_.pid), SIGTERM);
    stop_requested_ = true;
}

// Not our child: it is gone when its pid no longer names it (or a zombie).
void SessionDaemon::release_adopted() {
    const ProcessIdentity daemon = adopted_;
    adopted_ = {};
    for (int i = 0; i < kStopSeconds * 50 && process_alive(daemon); i++) {
        struct timespec tick = {0, 20 * 1000 * 1000};
        nanosleep(&tick, nullptr);
    }
    remove_daemon_note(daemon);
    if (process_alive(daemon)) {
        fmt::print(stderr,
                   "fluxtrace: warning: lttng-sessiond (pid {}) did not stop after {} "
                   "s; killing it\n",
                   daemon.pid, kStopSeconds);
        kill(static_cast<pid_t>(daemon.pid), SIGKILL);
        return;
    }
    fmt::print(stderr,
               "fluxtrace: stopped lttng-sessiond (pid {}), started by a recorder that "
               "ended (pid {})\n",
               daemon.pid, adopted_from_);
}

// A daemon that hangs is killed rather than left behind.
void SessionDaemon::release() {
    request_stop();
    if (adopted_.pid > 0) {
        if (stop_requested_)
            release_adopted();
        adopted_ = {};
        return;
    }
    if (pid_ <= 0)
        return;
    pid_t pid = pid_;
    remove_daemon_note(identify(pid));
    pid_ = 0;
    for (int i = 0; i < kStopSeconds * 50; i++) {
        pid_t r = waitpid(pid, nullptr, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return;
        struct timespec tick = {0, 20 * 1000 * 1000};
        nanosleep(&tick, nullptr);
    }
    fmt::print(stderr,
               "fluxtrace: warning: lttng-sessiond (pid {}) did not stop after {} "
               "s; killing it\n",
               pid, kStopSeconds);
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

} // namespace fluxtrace
