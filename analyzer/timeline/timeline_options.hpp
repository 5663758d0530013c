// The command-line options of --timeline (Chrome Trace Event JSON for
// Perfetto and chrome://tracing, docs/timeline.md), registered on
// fluxtrace-analyze's CLI11 app by one call, and their checks: everything a
// user can get wrong is told before the trace is read, except --around N, which
// needs the findings.
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

namespace CLI {
class App;
}

namespace fluxtrace::timeline {

// A usage or output error of --timeline: one line naming the input and the
// cause; fluxtrace-analyze exits 2 on it.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// A cut of the trace, in ns from its first record; either end may be open.
struct Window {
    std::optional<std::uint64_t> start_ns;
    std::optional<std::uint64_t> end_ns;

    bool contains(std::uint64_t t) const {
        return (!start_ns || t >= *start_ns) && (!end_ns || t <= *end_ns);
    }
    bool overlaps(std::uint64_t start, std::uint64_t end) const {
        return (!end_ns || start <= *end_ns) && (!start_ns || end >= *start_ns);
    }
};

// "START:END" in seconds (decimals allowed), either side optional ("2.5:",
// ":10", "1:2"); throws Error naming the text and what is wrong with it.
Window parse_window(const std::string &text);

struct TimelineOptions {
    std::string path;         // --timeline FILE; "" = no timeline
    std::string window;       // --window START:END, as given
    std::int64_t around = -1; // --around N (1-based); -1 = not given

    bool around_given() const { return around >= 0; }

    bool enabled() const { return !path.empty(); }
};

// --timeline FILE, --window START:END, --around N (the last two need the first
// and exclude each other).
void add_options(CLI::App &app, TimelineOptions &options);

// Opens FILE for writing (truncating it): throws Error when it cannot be
// written, so the user learns it before a long read.
std::FILE *open_output(const std::string &path);

} // namespace fluxtrace::timeline
