#include "symbol_export.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace fluxtrace {

namespace fs = std::filesystem;

namespace {

constexpr const char *kAnalyzerName = "fluxtrace-analyze";

// The first line of `text` that says something, without its newline.
std::string first_line(const std::string &text, bool last = false) {
    std::string found;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start) {
            found = text.substr(start, end - start);
            if (!last)
                break;
        }
        start = end + 1;
    }
    return found;
}

// Runs argv with its stdout and stderr in one pipe; returns the wait status
// (or -1 with `output` saying why it did not run).
int run_captured(const std::vector<std::string> &argv, std::string &output) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        output = fmt::format("cannot make a pipe: {}", std::strerror(errno));
        return -1;
    }
    std::vector<char *> c_argv;
    for (const auto &a : argv)
        c_argv.push_back(const_cast<char *>(a.c_str()));
    c_argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    pid_t pid;
    const int err =
        posix_spawn(&pid, c_argv[0], &actions, nullptr, c_argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    if (err != 0) {
        close(fds[0]);
        output = fmt::format("cannot execute {}: {}", argv[0], std::strerror(err));
        return -1;
    }
    char buf[4096];
    for (;;) {
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0)
            output.append(buf, static_cast<size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            output = fmt::format("cannot wait for {}: {}", argv[0], std::strerror(errno));
            return -1;
        }
    return status;
}

} // namespace

std::string sibling_analyzer() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return {};
    const fs::path analyzer = exe.parent_path() / kAnalyzerName;
    return fs::is_regular_file(analyzer, ec) ? analyzer.string() : std::string();
}

void save_symbols(const std::string &analyzer, const std::string &dir) {
    const std::string file = (fs::path(dir) / kSymbolFileName).string();
    std::string why;
    if (analyzer.empty()) {
        why = fmt::format("{} not found beside fluxtrace", kAnalyzerName);
    } else {
        std::string output;
        const int status =
            run_captured({analyzer, "-q", "--write-symbols", file, dir}, output);
        if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
            // "symbols written to FILE (N objects, M addresses)"
            fmt::print(stderr, "fluxtrace: {}\n", first_line(output, true));
            return;
        }
        // A trace of programs that load LTTng-UST but never call libflux-core:
        // fluxtrace-analyze has nothing to analyse in it, so nothing to save.
        if (status != -1 &&
            output.find(": no fluxtrace records (") != std::string::npos) {
            std::error_code ec;
            fs::remove(file, ec);
            return;
        }
        if (status == -1)
            why = output;
        else if (!first_line(output).empty())
            why = first_line(output);
        else if (WIFSIGNALED(status))
            why = fmt::format("{} ended by signal {}", kAnalyzerName, WTERMSIG(status));
        else
            why = fmt::format("{} exited with status {}", kAnalyzerName,
                              WEXITSTATUS(status));
    }
    std::error_code ec;
    fs::remove(file, ec);
    fmt::print(stderr,
               "fluxtrace: warning: symbols not saved ({}); the trace symbolizes only "
               "where its binaries are\n",
               why);
}

} // namespace fluxtrace
