#include "check_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "../hb/model.hpp"
#include "../hb/process_ends.hpp"
#include "../report/default_suppressions.hpp"
#include "../report/html.hpp"
#include "../report/printer.hpp"
#include "../report/sarif.hpp"
#include "../report/suppressions.hpp"
#include "../schema.hpp"
#include "../symbolize/symbolizer.hpp"

namespace fluxtrace::checkers {

namespace {

std::string file_name(const std::string &path) {
    return std::filesystem::path(path).filename().string();
}

} // namespace

// Each suppressions file in the order applied: --suppressions first, then
// the defaults.
struct CheckCommand::Loaded {
    struct File {
        std::string name; // file name, for the summary line
        report::Suppressions suppressions;
    };
    std::vector<File> files;
};

void CheckCommand::add_options(CLI::App &app) {
    app.add_flag("--check", check_,
                 "Run the RFC 9 checkers (the default when no other report is asked "
                 "for)")
        ->group("Checks");
    app.add_option(
           "--format", format_,
           "Report format: text, json, sarif (SARIF 2.1.0, for code scanning), or "
           "html (one self-contained page, with --latency's distributions when "
           "given)")
        ->check(CLI::IsMember({"text", "json", "sarif", "html"}))
        ->capture_default_str()
        ->group("Checks");
    app.add_option("--error-exitcode", error_exitcode_,
                   "Exit status when findings remain after suppressions")
        ->check(CLI::Range(0, 255))
        ->capture_default_str()
        ->group("Checks");
    app.add_option("--suppressions", suppressions_path_,
                   "File of rule:key-glob:function-glob lines silencing accepted "
                   "patterns")
        ->group("Checks");
    app.add_flag("--no-default-suppressions", no_default_suppressions_,
                 "Do not apply the suppressions installed for the flux-core release the "
                 "trace ran (flux-core's own accepted behaviour)")
        ->group("Checks");
    app.add_option("--slow-callback", slow_callback_ms_,
                   "reactor-blocking: report callbacks running longer than this many "
                   "ms (0: never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str()
        ->group("Checks");
    app.add_option("--fanout-ranks", fanout_ranks_,
                   "rpc-fanout: report one topic sent to this many distinct ranks "
                   "(0: never)")
        ->check(CLI::Range(0, 1 << 30))
        ->capture_default_str()
        ->group("Checks");
    app.add_option("--fanout-window", fanout_window_ms_,
                   "rpc-fanout: the window (ms) those requests must fall within")
        ->check(CLI::PositiveNumber)
        ->capture_default_str()
        ->group("Checks");
    app.add_option("--scatter-keys", scatter_keys_,
                   "scattered-triggers: note a thread watching keys in this many "
                   "unrelated directories (0: never)")
        ->check(CLI::Range(0, 1 << 30))
        ->capture_default_str()
        ->group("Checks");
    app.add_option("--requeue-storm", requeue_storm_,
                   "requeue-storm: report a stream whose responses synchronous waits "
                   "requeued this many times (0: never)")
        ->check(CLI::Range(0, 1 << 30))
        ->capture_default_str()
        ->group("Checks");
}

void CheckCommand::load_suppressions() {
    loaded_ = std::make_shared<Loaded>();
    if (!suppressions_path_.empty())
        loaded_->files.push_back({file_name(suppressions_path_),
                                  report::Suppressions::load(suppressions_path_)});
}

void CheckCommand::load_default_suppressions() {
    if (no_default_suppressions_)
        return;
    if (flux_core_versions_.empty()) {
        warn_("no default suppressions: the trace does not name its flux-core version "
              "(recorded before fluxtrace format 2, or no process used libflux-core)");
        return;
    }
    const std::string dir = report::default_suppressions_dir();
    const auto files = report::list_default_files(dir);
    std::set<std::string> chosen;
    for (const auto &version : flux_core_versions_) {
        const auto choice = report::choose_default_file(files, version);
        if (choice.path.empty()) {
            warn_("no default suppressions for flux-core " + version + " in " + dir +
                  ": " + choice.why);
            continue;
        }
        if (!choice.exact)
            warn_("default suppressions for flux-core " + version + ": " +
                  file_name(choice.path) + " (" + choice.why + ")");
        if (chosen.insert(choice.path).second)
            loaded_->files.push_back(
                {file_name(choice.path), report::Suppressions::load(choice.path)});
    }
}

void CheckCommand::add(const Record &r) {
    objects_.add(r);
    if (!r.is_fluxtrace())
        return;
    if (r.kind() == EventKind::Process && r.has(field::process::flux_core_version)) {
        const auto version = r.str(field::process::flux_core_version);
        if (!version.empty())
            flux_core_versions_.emplace(version);
    }
}

int CheckCommand::run(std::ostream &out, const ReadStats &stats, const hb::Model &model,
                      const symbolize::SearchPaths &search, report::Progress &progress,
                      const latency::LatencyReport *latency, const FindingsHook &hook) {
    if (!loaded_)
        load_suppressions();
    const std::vector<bool> lossy = stats.lossy_sources();
    progress.phase("checking");
    symbolize::Symbolizer symbols(objects_, search);
    const report::Describer describer(model, &symbols, lossy);
    CheckOptions check;
    check.slow_callback_ns = static_cast<std::uint64_t>(slow_callback_ms_ * 1e6);
    check.fanout_ranks = fanout_ranks_;
    check.fanout_window_ns = static_cast<std::uint64_t>(fanout_window_ms_ * 1e6);
    check.scatter_keys = scatter_keys_;
    check.requeue_storm = requeue_storm_;
    std::vector<report::Finding> findings = run_all(describer, check);
    progress.clear();

    load_default_suppressions();
    report::RunSummary run;
    for (const auto &file : loaded_->files)
        if (const auto n = report::apply(file.suppressions, findings); n > 0) {
            run.suppressed += n;
            run.suppressed_by.emplace_back(file.name, n);
        }
    run.tool_version = tool_version_;
    for (const auto &s : stats.sources)
        if (!s.host.empty())
            run.hosts.push_back(s.host);
    std::sort(run.hosts.begin(), run.hosts.end());
    run.hosts.erase(std::unique(run.hosts.begin(), run.hosts.end()), run.hosts.end());
    run.records = model.records().size();
    run.processes = model.processes().processes.size();
    for (const auto &p : model.processes().processes)
        if (p.role == hb::ProcessRole::Broker)
            run.brokers++;
    run.checkers = checker_names();
    for (bool l : lossy)
        run.lossy = run.lossy || l;
    const auto unended = hb::unended_processes(model.processes());
    run.unended = unended.size();
    if (!unended.empty())
        warn_(fmt::format(
            "{} ended without exiting (killed, crashed, ended by _exit, or "
            "still running when the recording stopped), so {} records stop early: {}",
            unended.size() == 1 ? "1 traced process"
                                : fmt::format("{} traced processes", unended.size()),
            unended.size() == 1 ? "its" : "their",
            hb::describe(model.processes(), unended)));
    if (hook)
        hook(describer, findings);
    if (!check_)
        return 0;
    if (format_ == "json")
        report::print_json(out, findings, run);
    else if (format_ == "sarif")
        report::print_sarif(out, findings, run);
    else if (html())
        report::print_html(out, {&findings, &run, latency});
    else
        report::print_text(out, findings, run);
    for (const auto &f : findings)
        if (f.severity == report::Severity::Finding)
            return error_exitcode_;
    return 0;
}

} // namespace fluxtrace::checkers
