#include "process_ends.hpp"

#include <fmt/format.h>

namespace fluxtrace::hb {

namespace {

constexpr std::uint64_t kFirstFormatWithExit = 4;

} // namespace

std::vector<ProcessId> unended_processes(const ProcessTable &table) {
    std::vector<ProcessId> out;
    for (ProcessId p = 0; p < table.processes.size(); p++) {
        const Process &proc = table.processes[p];
        if (proc.format >= kFirstFormatWithExit && !proc.ended)
            out.push_back(p);
    }
    return out; // processes are numbered in order of their first record
}

std::string describe(const ProcessTable &table, const std::vector<ProcessId> &which,
                     std::size_t shown) {
    std::string text;
    for (std::size_t k = 0; k < which.size() && k < shown; k++) {
        const Process &proc = table.processes[which[k]];
        text += fmt::format("{}{} (pid {})", k == 0 ? "" : ", ",
                            proc.procname.empty() ? "?" : proc.procname, proc.vpid);
    }
    if (which.size() > shown)
        text += fmt::format(" and {} more", which.size() - shown);
    return text;
}

} // namespace fluxtrace::hb
