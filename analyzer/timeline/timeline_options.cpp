#include "timeline_options.hpp"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace fluxtrace::timeline {

namespace {

// One end of a window: non-negative seconds; "" = open.
std::optional<std::uint64_t> parse_seconds(const std::string &text,
                                           const std::string &window) {
    if (text.empty())
        return std::nullopt;
    char *end = nullptr;
    errno = 0;
    const double s = std::strtod(text.c_str(), &end);
    // strtod accepts "inf", "nan" and hex floats: none is a time in a trace.
    const bool plain =
        text.find_first_not_of("0123456789.") == std::string::npos && *end == '\0';
    if (!plain || errno != 0 || !std::isfinite(s) || s > 1e9)
        throw Error("--window '" + window + "': '" + text +
                    "' is not a number of seconds (e.g. --window 1.5:3)");
    return static_cast<std::uint64_t>(std::llround(s * 1e9));
}

} // namespace

Window parse_window(const std::string &text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || text.find(':', colon + 1) != std::string::npos)
        throw Error("--window '" + text +
                    "': expected START:END in seconds from the trace's first record, "
                    "either side optional (e.g. 1.5:3, 2:, :10)");
    Window w;
    w.start_ns = parse_seconds(text.substr(0, colon), text);
    w.end_ns = parse_seconds(text.substr(colon + 1), text);
    if (w.start_ns && w.end_ns && *w.start_ns > *w.end_ns)
        throw Error("--window '" + text + "': START is after END");
    return w;
}

void add_options(CLI::App &app, TimelineOptions &options) {
    auto *file = app.add_option("--timeline", options.path,
                                "Write the trace as Chrome Trace Event JSON to FILE, for "
                                "ui.perfetto.dev or chrome://tracing (callbacks, waits, "
                                "reactor runs, causal arrows, findings)")
                     ->type_name("FILE")
                     ->group("Timeline");
    auto *window =
        app.add_option("--window", options.window,
                       "--timeline: only what overlaps START:END (seconds from the "
                       "trace's first record; either side optional)")
            ->type_name("START:END")
            ->group("Timeline")
            ->needs(file);
    app.add_option("--around", options.around,
                   "--timeline: only the time around the N-th finding of the report "
                   "(1-based, in report order)")
        ->type_name("N")
        ->check(CLI::NonNegativeNumber)
        ->group("Timeline")
        ->needs(file)
        ->excludes(window);
}

std::FILE *open_output(const std::string &path) {
    std::FILE *out = std::fopen(path.c_str(), "w");
    if (!out)
        throw Error("--timeline '" + path + "': cannot write: " + std::strerror(errno));
    return out;
}

} // namespace fluxtrace::timeline
