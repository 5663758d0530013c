#include "printer.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

#include "analyzer/printable.hpp"

namespace fluxtrace::report {

namespace {

constexpr const char *kBanner = "==================";

std::string plural(std::uint64_t n, const char *one, const char *many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

// " by a.supp", ": 2 by a.supp, 5 by b.supp", or "" when no file is named.
std::string suppressed_by(const RunSummary &run) {
    if (run.suppressed_by.size() == 1)
        return " by " + run.suppressed_by[0].first;
    std::string out;
    for (const auto &[file, n] : run.suppressed_by)
        out += fmt::format("{}{} by {}", out.empty() ? ": " : ", ", n, file);
    return out;
}

} // namespace

// Every string from the trace goes through printable(): a crafted key or
// value cannot forge a line of the report or send escapes to a terminal.
void print_text(std::ostream &out, const Finding &f) {
    fmt::print(out, "{}\n", kBanner);
    fmt::print(out, "{}: fluxtrace: {} (RFC 9: \"{}\")\n",
               f.severity == Severity::Note ? "NOTE" : "WARNING", f.rule,
               printable(f.rfc));
    std::string title = printable(f.title);
    if (f.duration_ns > 0)
        title += fmt::format(" ({}{})", f.occurrences > 1 ? "longest " : "",
                             format_duration(f.duration_ns));
    if (f.occurrences > 1)
        title += fmt::format(", seen {} times", f.occurrences);
    fmt::print(out, "  {}\n", title);
    for (const Side &s : f.sides) {
        fmt::print(out, "\n  {} ({}) in {}, {}, {}:\n", printable(s.role),
                   printable(s.record), printable(s.process), printable(s.thread),
                   printable(s.exe));
        for (const auto &d : s.details)
            fmt::print(out, "    {}\n", printable(d));
        if (s.stack.empty())
            fmt::print(out, "    (no stack recorded)\n");
        for (size_t i = 0; i < s.stack.size(); i++)
            fmt::print(out, "    #{} {}\n", i, printable(s.stack[i].to_string()));
    }
    fmt::print(out, "\n");
    if (!f.causal_path.empty())
        fmt::print(out, "  Causal path: {}\n", printable(f.causal_path));
    if (!f.observed.empty())
        fmt::print(out, "  Observed: {}\n", printable(f.observed));
    if (!f.why.empty())
        fmt::print(out, "  Why: {}\n", printable(f.why));
    if (!f.fix.empty())
        fmt::print(out, "  Fix: {}\n", printable(f.fix));
    if (f.incomplete)
        fmt::print(out, "  Incomplete: the trace lost records where this evidence lies; "
                        "the finding may be missing a side or a causal edge.\n");
    fmt::print(out, "\nSUMMARY: fluxtrace: {} {} in {}\n", f.rule, printable(f.key),
               printable(summary_place(f)));
    fmt::print(out, "{}\n", kBanner);
}

std::string summary_line(const std::vector<Finding> &findings, const RunSummary &run) {
    std::uint64_t n = 0, notes = 0;
    for (const auto &f : findings)
        (f.severity == Severity::Note ? notes : n)++;
    std::string line = fmt::format("fluxtrace: {}, {}", plural(n, "finding", "findings"),
                                   plural(notes, "note", "notes"));
    if (run.suppressed > 0)
        line += fmt::format(" ({} suppressed{})", run.suppressed, suppressed_by(run));
    line += fmt::format(" in {} of {} ({})", plural(run.records, "record", "records"),
                        plural(run.processes, "process", "processes"),
                        plural(run.brokers, "broker", "brokers"));
    if (run.lossy)
        line += "; the trace lost records, see warnings";
    if (run.unended > 0)
        line += fmt::format("; {} ended without exiting, see warnings",
                            plural(run.unended, "process", "processes"));
    return line;
}

void print_text(std::ostream &out, const std::vector<Finding> &findings,
                const RunSummary &run) {
    for (const auto &f : findings)
        print_text(out, f);
    fmt::print(out, "{}\n", summary_line(findings, run));
}

void print_json(std::ostream &out, const std::vector<Finding> &findings,
                const RunSummary &run) {
    using json = nlohmann::ordered_json;
    const auto suppressed_by_json = [](const RunSummary &r) {
        json files = json::array();
        for (const auto &[file, n] : r.suppressed_by)
            files.push_back({{"file", file}, {"suppressed", n}});
        return files;
    };
    json doc;
    doc["schema"] = kSchema;
    json list = json::array();
    std::uint64_t n = 0, notes = 0;
    for (const auto &f : findings) {
        (f.severity == Severity::Note ? notes : n)++;
        json sides = json::array();
        for (const auto &s : f.sides) {
            json stack = json::array();
            for (const auto &fr : s.stack) {
                json frame;
                frame["function"] = fr.function;
                frame["file"] = fr.file;
                frame["line"] = fr.line;
                frame["module"] = fr.module;
                frame["offset"] =
                    fr.module.empty() ? "" : fmt::format("0x{:x}", fr.offset);
                stack.push_back(std::move(frame));
            }
            sides.push_back({{"role", s.role},
                             {"process", s.process},
                             {"exe", s.exe},
                             {"thread", s.thread},
                             {"record", s.record},
                             {"details", s.details},
                             {"stack", std::move(stack)}});
        }
        list.push_back({{"rule", f.rule},
                        {"severity", severity_name(f.severity)},
                        {"title", f.title},
                        {"rfc", f.rfc},
                        {"key", f.key},
                        {"function", f.function},
                        {"summary_place", summary_place(f)},
                        {"sides", std::move(sides)},
                        {"causal_path", f.causal_path},
                        {"observed", f.observed},
                        {"why", f.why},
                        {"fix", f.fix},
                        {"incomplete", f.incomplete},
                        {"occurrences", f.occurrences},
                        {"duration_ns", f.duration_ns}});
    }
    doc["findings"] = std::move(list);
    doc["summary"] = {{"findings", n},
                      {"notes", notes},
                      {"suppressed", run.suppressed},
                      {"suppressed_by", suppressed_by_json(run)},
                      {"records", run.records},
                      {"processes", run.processes},
                      {"brokers", run.brokers},
                      {"checkers", run.checkers},
                      {"hosts", run.hosts},
                      {"lossy", run.lossy}};
    if (run.unended > 0) // absent otherwise, as in reports made before format 4
        doc["summary"]["unended_processes"] = run.unended;
    // Invalid UTF-8 from a crafted trace becomes U+FFFD rather than an error.
    out << doc.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
}

} // namespace fluxtrace::report
