// fluxtrace-analyze: reads fluxtrace LTTng traces and runs the RFC 9 checkers
// on them (the default), or prints them (--dump), says what they hold
// (--summary) or how long the reactors were busy (--latency), or saves their
// symbols beside them (--write-symbols); --timeline writes the trace for
// Perfetto / chrome://tracing, beside any of these.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <malloc.h>
#include <exception>
#include <optional>
#include <filesystem>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "../bt2/trace_dirs.hpp"
#include "../bt2/trace_reader.hpp"
#include "../ctf/hosts.hpp"
#include "../ctf/reader_choice.hpp"
#include "../hb/clock_bounds.hpp"
#include "../hb/model.hpp"
#include "../checkers/check_command.hpp"
#include "../input_error.hpp"
#include "../latency/latency_collector.hpp"
#include "../latency/latency_options.hpp"
#include "../parallel.hpp"
#include "../record_store.hpp"
#include "../report/html.hpp"
#include "../symbolize/symbol_writer.hpp"
#include "../timeline/timeline.hpp"
#include "json_dump.hpp"
#include "shared_model.hpp"
#include "summary.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2; // and unusable input

constexpr const char *kProgram = "fluxtrace-analyze";

void warn(const std::string &message) {
    std::fprintf(stderr, "%s: warning: %s\n", kProgram, message.c_str());
}

// The saved symbols (as `fluxtrace record` writes them) of each PATH and of
// each host's recording under it (trace/%h/fluxtrace-symbols.json: every
// node saves its own, and they are keyed by build-id, so nodes running
// different builds each resolve from theirs), after those given with
// --symbols, which win.
void add_trace_symbol_files(const std::vector<std::string> &paths,
                            std::vector<std::string> &symbol_files) {
    namespace fs = std::filesystem;
    std::set<std::string> seen;
    const auto add_from = [&](const fs::path &dir) {
        std::error_code ec;
        const fs::path file = dir / fluxtrace::symbolize::SymbolCache::kFileName;
        if (fs::is_regular_file(file, ec) && seen.insert(file.string()).second)
            symbol_files.push_back(file.string());
    };
    for (const auto &path : paths) {
        std::error_code ec;
        if (!fs::is_directory(path, ec))
            continue; // the reader says what is wrong with it
        const fs::path top = fs::path(path).lexically_normal();
        add_from(top);
        std::vector<std::string> dirs;
        try {
            dirs = fluxtrace::bt2::find_trace_dirs(path);
        } catch (const fluxtrace::InputError &) {
            continue; // likewise
        }
        // From each trace directory up to PATH: a recording's top directory.
        for (const auto &d : dirs)
            for (fs::path up = fs::path(d).lexically_normal().parent_path();
                 up.string().size() > top.string().size(); up = up.parent_path())
                add_from(up);
    }
}

} // namespace

int main(int argc, char **argv) {
    // For a build with glibc's malloc (mimalloc, when linked, ignores this):
    // buffers of 1 MiB and more in mappings of their own (glibc would raise
    // this threshold as they are freed, up to 32 MiB), so a vector that grows,
    // or a table built and dropped, gives its old memory back to the system
    // instead of leaving it resident in the heap.  That keeps the peak of
    // --summary and the checks near what the model holds
    // (docs/analyzer-performance.md).
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
    CLI::App app{"Read fluxtrace LTTng traces (one PATH per host or recording)."};
    app.name(kProgram);
    bool dump = false, summary = false, quiet = false;
    std::vector<std::string> paths;
    std::string write_symbols;
    app.add_flag("--dump", dump,
                 "Print every fluxtrace record as one JSON object per line");
    app.add_flag("--summary", summary,
                 "Print counts of records, processes and lost events");
    app.add_option("--write-symbols", write_symbols,
                   "Resolve every stack and callback address from the binaries and save "
                   "the symbols to FILE, for analysing the trace where they are missing")
        ->type_name("FILE")
        ->group("Symbolization");
    fluxtrace::latency::LatencyOptions latency;
    fluxtrace::latency::add_options(app, latency);
    fluxtrace::checkers::CheckCommand checks;
    checks.add_options(app);
    fluxtrace::timeline::TimelineOptions timeline;
    fluxtrace::timeline::add_options(app, timeline);
    std::string reader_name = "auto";
    app.add_option("--reader", reader_name,
                   "Trace decoder: fast (fluxtrace's own), bt2 (Babeltrace2), or auto: "
                   "fast when it reads the trace, else bt2")
        ->check(CLI::IsMember({"auto", "fast", "bt2"}));
    unsigned jobs = 0;
    app.add_option("-j,--jobs", jobs,
                   "Threads for the fast reader's check of the data files (0, the "
                   "default: one per CPU this process may use); the results do not "
                   "depend on it")
        ->type_name("N")
        ->check(CLI::Range(0u, 4096u));
    app.add_flag("-q,--quiet", quiet,
                 "Do not warn about lost events or skipped data; no progress line");
    app.add_option("PATH", paths,
                   "Directory holding CTF traces (searched for `metadata` files); "
                   "give each host's traces as its own PATH")
        ->required();
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success &e) {
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        std::fprintf(stderr, "%s: %s (see --help)\n", kProgram, e.what());
        return kExitUsage;
    }
    if (checks.html() && (dump || summary || !write_symbols.empty())) {
        std::fprintf(stderr,
                     "%s: --format html makes one page of the checks and --latency; it "
                     "does not combine with --dump, --summary or --write-symbols (see "
                     "--help)\n",
                     kProgram);
        return kExitUsage;
    }
    // Without another report the checks run (docs/reports.md).
    if (!dump && !latency.enabled && !summary && write_symbols.empty())
        checks.set_requested(true);
    add_trace_symbol_files(paths, latency.search.symbol_files);
    try {
        checks.load_suppressions();
        // Read now, so that a bad file is told before the trace is read.
        for (const auto &file : latency.search.symbol_files)
            fluxtrace::symbolize::SymbolCache::load(file);
    } catch (const std::invalid_argument &e) {
        std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
        return kExitUsage;
    } catch (const fluxtrace::InputError &e) {
        std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
        return kExitUsage;
    }
    if (!quiet)
        checks.set_warn(warn);
    checks.set_tool_version(FLUXTRACE_VERSION);
    // The timeline's own mistakes are told before the trace is read: its
    // window, and whether FILE can be written.  The file is removed again if
    // the run fails before it is complete.
    std::FILE *timeline_out = nullptr;
    if (timeline.enabled()) {
        try {
            if (!timeline.window.empty())
                fluxtrace::timeline::parse_window(timeline.window);
            timeline_out = fluxtrace::timeline::open_output(timeline.path);
        } catch (const fluxtrace::timeline::Error &e) {
            std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
            return kExitUsage;
        }
    }
    const auto drop_timeline = [&] {
        if (timeline_out) {
            std::fclose(timeline_out);
            timeline_out = nullptr;
            std::remove(timeline.path.c_str());
        }
    };
    // The timeline is drawn from the checks' model and findings.
    const bool model_needed = checks.requested() || timeline.enabled();
    fluxtrace::report::Progress progress(!quiet);
    int status = kExitOk;

    fluxtrace::RecordStore store;
    fluxtrace::bt2::ReadOptions options;
    options.jobs = jobs == 0 ? fluxtrace::available_cpus() : jobs;
    // --latency times requests across hosts from the causal model's pairings
    // (known once the paths are split into sources, below).
    bool latency_across_hosts = false;
    // One model for every report that needs it.
    bool keep_model_records = false;
    fluxtrace::tool::Summary counts;
    fluxtrace::tool::SharedModel shared_model;
    options.on_record_count = [&](std::uint64_t n) {
        if (keep_model_records)
            shared_model.reserve(n);
    };
    fluxtrace::latency::LatencyCollector latency_records;
    std::optional<fluxtrace::latency::LatencyReport> latency_report; // --format html
    fluxtrace::symbolize::SymbolWriter symbol_writer;
    std::string out;
    out.reserve(1 << 20);
    const auto flush = [&] {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    };

    try {
        const std::vector<fluxtrace::bt2::SourceSpec> sources =
            fluxtrace::ctf::split_by_host(paths);
        latency_across_hosts = latency.enabled && sources.size() > 1;
        keep_model_records = summary || model_needed || latency_across_hosts;
        options.retain_records = keep_model_records;
        fluxtrace::ctf::ChoosingReader reader(
            store, options,
            reader_name == "fast"  ? fluxtrace::ctf::ReaderChoice::Fast
            : reader_name == "bt2" ? fluxtrace::ctf::ReaderChoice::Bt2
                                   : fluxtrace::ctf::ReaderChoice::Auto);
        const auto &stats = reader.read(paths, sources, [&](const fluxtrace::Record &r) {
            progress.record();
            if (model_needed)
                checks.add(r);
            if (summary)
                counts.add(r);
            if (latency.enabled)
                latency_records.add(r);
            if (keep_model_records)
                shared_model.add(r);
            if (!write_symbols.empty())
                symbol_writer.add(r);
            if (dump && r.is_fluxtrace()) {
                fluxtrace::tool::append_json(r, out);
                if (out.size() > (1 << 20) - 4096)
                    flush();
            }
        });
        flush();
        progress.clear();
        if (!quiet) {
            for (const auto &k : stats.skipped)
                warn(stats.sources[k.src].path + ": skipped " + k.what + " of " + k.path +
                     ": " + k.cause);
            for (const auto &s : stats.streams)
                if (s.discarded_events > 0 || s.discarded_packets > 0)
                    warn(stats.sources[s.src].path + ": " + s.name + ": " +
                         std::to_string(s.discarded_events) + " events and " +
                         std::to_string(s.discarded_packets) +
                         " packets lost while recording");
        }
        if (summary) {
            std::fflush(stdout);
            counts.print(std::cout, stats, store, shared_model.get(stats, progress),
                         stats.sources.size() > 1 ? &shared_model.clocks(stats, progress)
                                                  : nullptr);
            std::cout.flush();
        }
        if (latency.enabled) {
            fluxtrace::symbolize::Symbolizer symbols(latency_records.objects(),
                                                     latency.search);
            auto report = latency_records.report(symbols, latency.top);
            for (const auto &s : stats.sources)
                report.sources.push_back(s.path);
            if (stats.sources.size() > 1 && latency_across_hosts) {
                const fluxtrace::hb::Model &model = shared_model.get(stats, progress);
                const fluxtrace::hb::ClockBounds &clocks =
                    shared_model.clocks(stats, progress);
                progress.phase("timing requests across hosts");
                report.clocks =
                    fluxtrace::latency::clock_offsets(clocks, stats.source_names());
                report.cross_host =
                    fluxtrace::latency::cross_host_requests(model, clocks);
                progress.clear();
            }
            if (checks.html()) {
                latency_report = std::move(report); // printed in the page below
            } else {
                std::fflush(stdout);
                if (summary)
                    std::cout << '\n';
                fluxtrace::latency::print_text(std::cout, report);
                std::cout.flush();
            }
        }
        if (!write_symbols.empty()) {
            progress.phase("resolving symbols");
            const auto saved = symbol_writer.resolve(latency.search);
            progress.clear();
            saved.save(write_symbols);
            std::fflush(stdout);
            std::cout << "symbols written to " << write_symbols << " ("
                      << saved.object_count() << " objects, " << saved.symbol_count()
                      << " addresses)\n";
            std::cout.flush();
        }
        const fluxtrace::latency::LatencyReport *latency_page =
            latency_report ? &*latency_report : nullptr;
        if (model_needed) {
            std::fflush(stdout);
            if ((summary || latency.enabled || !write_symbols.empty()) &&
                checks.requested() && !checks.structured())
                std::cout << '\n';
            fluxtrace::checkers::CheckCommand::FindingsHook write_timeline;
            if (timeline_out)
                write_timeline = [&](const fluxtrace::report::Describer &d,
                                     const std::vector<fluxtrace::report::Finding> &f) {
                    progress.phase("writing the timeline");
                    // Processes are named by host where the traces name one.
                    const std::vector<std::string> sources = stats.source_names();
                    std::FILE *out = timeline_out;
                    timeline_out = nullptr; // write_timeline closes it
                    try {
                        fluxtrace::timeline::write_timeline(out, timeline, d, f, sources);
                    } catch (...) {
                        std::remove(timeline.path.c_str());
                        throw;
                    }
                    progress.clear();
                };
            status = checks.run(std::cout, stats, shared_model.get(stats, progress),
                                latency.search, progress, latency_page, write_timeline);
            std::cout.flush();
        }
        if (!checks.requested() && latency_page) {
            std::fflush(stdout);
            fluxtrace::report::print_html(std::cout, {nullptr, nullptr, latency_page});
            std::cout.flush();
        }
    } catch (const fluxtrace::timeline::Error &e) {
        progress.clear();
        flush();
        std::fflush(stdout);
        drop_timeline();
        std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
        return kExitUsage;
    } catch (const fluxtrace::InputError &e) {
        drop_timeline();
        progress.clear();
        flush();
        std::fflush(stdout);
        std::fprintf(stderr, "%s: %s\n", kProgram, e.what());
        return kExitUsage;
    } catch (const std::exception &e) {
        drop_timeline();
        progress.clear();
        flush();
        std::fflush(stdout);
        std::fprintf(stderr, "%s: error: %s\n", kProgram, e.what());
        return kExitFailure;
    }
    return status;
}
