#include "check_command.hpp"

#include <CLI/CLI.hpp>

#include <memory>

#include "../hb/model.hpp"
#include "../report/printer.hpp"
#include "../report/suppressions.hpp"
#include "../symbolize/symbolizer.hpp"

namespace fluxtrace::checkers {

struct CheckCommand::Loaded {
    report::Suppressions suppressions;
};

void CheckCommand::add_options(CLI::App &app) {
    app.add_flag("--check", check_,
                 "Run the RFC 9 checkers (the default when no other report is asked "
                 "for)")
        ->group("Checks");
    app.add_option("--format", format_, "Report format")
        ->check(CLI::IsMember({"text", "json"}))
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
}

void CheckCommand::load_suppressions() {
    loaded_ = std::make_shared<Loaded>();
    if (!suppressions_path_.empty())
        loaded_->suppressions = report::Suppressions::load(suppressions_path_);
}

void CheckCommand::add(const Record &r) {
    objects_.add(r);
    if (r.is_fluxtrace())
        records_.push_back(r);
}

int CheckCommand::run(std::ostream &out, const ReadStats &stats,
                      const symbolize::SearchPaths &search, report::Progress &progress,
                      const FindingsHook &hook) {
    if (!loaded_)
        load_suppressions();
    std::vector<bool> lossy(stats.sources.size(), false);
    for (const auto &st : stats.streams)
        if ((st.discarded_events > 0 || st.discarded_packets > 0) &&
            st.src < lossy.size())
            lossy[st.src] = true;
    // A damaged part left out is lost data too.
    for (const auto &k : stats.skipped)
        if (k.src < lossy.size())
            lossy[k.src] = true;
    progress.phase("building the causal model");
    hb::ModelOptions options;
    options.lossy_sources = lossy;
    const hb::Model model(records_, options);
    progress.phase("checking");
    symbolize::Symbolizer symbols(objects_, search);
    const report::Describer describer(model, &symbols, lossy);
    CheckOptions check;
    check.slow_callback_ns = static_cast<std::uint64_t>(slow_callback_ms_ * 1e6);
    check.fanout_ranks = fanout_ranks_;
    check.fanout_window_ns = static_cast<std::uint64_t>(fanout_window_ms_ * 1e6);
    check.scatter_keys = scatter_keys_;
    std::vector<report::Finding> findings = run_all(describer, check);
    progress.clear();

    report::RunSummary run;
    run.suppressed = report::apply(loaded_->suppressions, findings);
    run.records = records_.size();
    run.processes = model.processes().processes.size();
    for (const auto &p : model.processes().processes)
        if (p.role == hb::ProcessRole::Broker)
            run.brokers++;
    run.checkers = checker_names();
    for (bool l : lossy)
        run.lossy = run.lossy || l;
    if (hook)
        hook(describer, findings);
    if (!check_)
        return 0;
    if (json())
        report::print_json(out, findings, run);
    else
        report::print_text(out, findings, run);
    for (const auto &f : findings)
        if (f.severity == report::Severity::Finding)
            return error_exitcode_;
    return 0;
}

} // namespace fluxtrace::checkers
