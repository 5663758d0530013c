#include "finding.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace fluxtrace::report {

const char *severity_name(Severity s) {
    return s == Severity::Note ? "note" : "finding";
}

std::string StackFrame::to_string() const {
    std::string where;
    if (!module.empty())
        where = fmt::format("{}+0x{:x}", module, offset);
    if (function.empty())
        return where.empty() ? "??" : where;
    std::string s = function;
    if (!file.empty())
        s += line > 0 ? fmt::format(" {}:{}", file, line) : " " + file;
    if (!where.empty())
        s += " (" + where + ")";
    return s;
}

bool StackFrame::in_runtime() const {
    return python_runtime || module.rfind("libflux-core", 0) == 0 ||
           module.rfind("libfluxtrace", 0) == 0 ||
           module.rfind("libflux-internal", 0) == 0;
}

const StackFrame *blamed_frame(const std::vector<StackFrame> &stack) {
    for (const auto &f : stack)
        if (!f.in_runtime() && !(f.function.empty() && f.module.empty()))
            return &f;
    return nullptr;
}

size_t main_side(const Finding &f) {
    for (size_t i = 0; i < f.sides.size(); i++) {
        const StackFrame *frame = blamed_frame(f.sides[i].stack);
        if (frame != nullptr && !f.function.empty() &&
            (frame->function == f.function || frame->to_string() == f.function))
            return i;
    }
    return 0;
}

std::string summary_place(const Finding &f) {
    if (f.sides.empty())
        return f.function;
    const StackFrame *frame = blamed_frame(f.sides[main_side(f)].stack);
    if (frame != nullptr && frame->is_python() && frame->function == f.function &&
        frame->line > 0)
        return fmt::format("{} {}:{}", f.function, frame->file, frame->line);
    return f.function;
}

std::string Finding::identity() const {
    // What was observed differs between occurrences (values, versions): it
    // does not split a report.
    std::string id = rule + '\n' + key + '\n' + function + '\n' + title + '\n';
    for (const Side &s : sides) {
        id += s.role + '|' + s.process + '|' + s.exe + '|' + s.thread + '|' + s.record;
        for (const auto &d : s.details)
            id += '|' + d;
        for (const auto &f : s.stack)
            id += '|' + f.to_string();
        id += '\n';
    }
    return id;
}

void sort_findings(std::vector<Finding> &findings) {
    std::vector<std::pair<std::string, size_t>> ids;
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding &a, const Finding &b) {
                         return std::forward_as_tuple(a.rule, a.key, a.function) <
                                    std::forward_as_tuple(b.rule, b.key, b.function) ||
                                (std::forward_as_tuple(a.rule, a.key, a.function) ==
                                     std::forward_as_tuple(b.rule, b.key, b.function) &&
                                 a.identity() < b.identity());
                     });
}

std::vector<Finding> merge_findings(std::vector<Finding> findings) {
    std::map<std::string, size_t> seen;
    std::vector<Finding> out;
    for (auto &f : findings) {
        const auto [it, fresh] = seen.emplace(f.identity(), out.size());
        if (fresh) {
            out.push_back(std::move(f));
            continue;
        }
        Finding &kept = out[it->second];
        kept.occurrences += f.occurrences;
        kept.duration_ns = std::max(kept.duration_ns, f.duration_ns);
        kept.incomplete = kept.incomplete || f.incomplete;
        // Keep one observation, the same whatever the order of occurrences.
        if (!f.observed.empty() && (kept.observed.empty() || f.observed < kept.observed))
            kept.observed = std::move(f.observed);
    }
    sort_findings(out);
    return out;
}

std::string format_duration(std::uint64_t ns) {
    if (ns >= 1'000'000'000)
        return fmt::format("{:.1f} s", ns / 1e9);
    if (ns >= 1'000'000)
        return fmt::format("{:.2f} ms", ns / 1e6);
    if (ns >= 1'000)
        return fmt::format("{} us", ns / 1000);
    return fmt::format("{} ns", ns);
}

} // namespace fluxtrace::report
