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

// Field 22 of /proc/PID/stat (after the parenthesised command name, which may
// hold spaces and parentheses: counted from the last ')').
std::uint64_t start_time(long pid) {
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; i++)
        if (i == 22)
            return std::strtoull(field.c_str(), nullptr, 10);
    return 0;
}

} // namespace

RecorderId this_recorder() {
    const long pid = static_cast<long>(getpid());
    std::error_code ec;
    const fs::path ns = fs::read_symlink("/proc/self/ns/pid", ec);
    return {pid, start_time(pid), ec ? std::string() : ns.string()};
}

bool recorder_visible(const RecorderId &id) {
    return !id.pid_ns.empty() && id.pid_ns == this_recorder().pid_ns;
}

bool recorder_alive(const RecorderId &id) {
    if (id.pid <= 0 || (kill(static_cast<pid_t>(id.pid), 0) != 0 && errno == ESRCH))
        return false;
    return id.start == 0 || start_time(id.pid) == id.start;
}

void write_marker(const fs::path &dir, const RecordingMarker &marker) {
    const fs::path file = dir / kMarkerName;
    const fs::path tmp = dir / (std::string(kMarkerName) + ".new");
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << kHeader << "\n"
            << "recorder-pid " << marker.recorder.pid << "\n"
            << "recorder-start " << marker.recorder.start << "\n"
            << "recorder-pid-ns " << marker.recorder.pid_ns << "\n"
            << "session " << marker.session << "\n"
            << "why " << marker.why << "\n";
        if (!out)
            return;
    }
    std::error_code ec;
    fs::rename(tmp, file, ec);
    if (ec)
        fs::remove(tmp, ec);
}

std::optional<RecordingMarker> read_marker(const fs::path &dir) {
    std::ifstream in(dir / kMarkerName);
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
    }
    return m;
}

void remove_marker(const fs::path &dir) {
    std::error_code ec;
    fs::remove(dir / kMarkerName, ec);
}

} // namespace fluxtrace
