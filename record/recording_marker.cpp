#include "recording_marker.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fluxtrace {

namespace fs = std::filesystem;

namespace {

constexpr const char *kHeader = "fluxtrace recording marker 1";

struct ProcStat {
    char state = '?';        // field 3: 'Z' for a zombie
    std::uint64_t start = 0; // field 22: clock ticks after boot
};

// Fields of /proc/PID/stat, counted after the parenthesised command name
// (which may hold spaces and parentheses: from the last ')').
ProcStat proc_stat(long pid) {
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    ProcStat out;
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return out;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; i++) {
        if (i == 3)
            out.state = field[0];
        else if (i == 22)
            out.start = std::strtoull(field.c_str(), nullptr, 10);
    }
    return out;
}

} // namespace

ProcessIdentity identify(long pid) {
    std::error_code ec;
    const fs::path ns = fs::read_symlink("/proc/self/ns/pid", ec);
    return {pid, proc_stat(pid).start, ec ? std::string() : ns.string()};
}

ProcessIdentity this_process() {
    return identify(static_cast<long>(getpid()));
}

bool process_visible(const ProcessIdentity &id) {
    return !id.pid_ns.empty() && id.pid_ns == this_process().pid_ns;
}

bool process_alive(const ProcessIdentity &id) {
    if (id.pid <= 0 || (kill(static_cast<pid_t>(id.pid), 0) != 0 && errno == ESRCH))
        return false;
    const ProcStat stat = proc_stat(id.pid);
    return stat.state != 'Z' && (id.start == 0 || stat.start == id.start);
}

void write_marker(const fs::path &dir, const RecordingMarker &marker) {
    write_marker_file(dir / kMarkerName, marker);
}

void write_marker_file(const fs::path &file, const RecordingMarker &marker) {
    fs::path tmp = file;
    tmp += ".new";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << kHeader << "\n"
            << "recorder-pid " << marker.recorder.pid << "\n"
            << "recorder-start " << marker.recorder.start << "\n"
            << "recorder-pid-ns " << marker.recorder.pid_ns << "\n"
            << "session " << marker.session << "\n";
        if (marker.daemon.pid > 0)
            out << "daemon-pid " << marker.daemon.pid << "\n"
                << "daemon-start " << marker.daemon.start << "\n";
        out << "why " << marker.why << "\n";
        if (!out)
            return;
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec)
        fs::remove(tmp, ec);
}

std::optional<RecordingMarker> read_marker(const fs::path &dir) {
    return read_marker_file(dir / kMarkerName);
}

std::optional<RecordingMarker> read_marker_file(const fs::path &file) {
    std::ifstream in(file);
    std::string line;
    if (!std::getline(in, line) || line != kHeader)
        return std::nullopt;
    RecordingMarker m;
    while (std::getline(in, line)) {
        const auto space = line.find(' ');
        if (space == std::string::npos)
            continue;
        const std::string key = line.substr(0, space), value = line.substr(space + 1);
        if (key == "recorder-pid")
            m.recorder.pid = std::strtol(value.c_str(), nullptr, 10);
        else if (key == "recorder-start")
            m.recorder.start = std::strtoull(value.c_str(), nullptr, 10);
        else if (key == "recorder-pid-ns")
            m.recorder.pid_ns = value;
        else if (key == "session")
            m.session = value;
        else if (key == "why")
            m.why = value;
        else if (key == "daemon-pid")
            m.daemon.pid = std::strtol(value.c_str(), nullptr, 10);
        else if (key == "daemon-start")
            m.daemon.start = std::strtoull(value.c_str(), nullptr, 10);
    }
    m.daemon.pid_ns = m.daemon.pid > 0 ? m.recorder.pid_ns : ""; // its child
    return m;
}

void remove_marker(const fs::path &dir) {
    std::error_code ec;
    fs::remove(dir / kMarkerName, ec);
}

} // namespace fluxtrace
