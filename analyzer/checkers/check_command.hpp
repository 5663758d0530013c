// The checks as fluxtrace-analyze runs them: options, record collection while
// the trace streams by, then model -> checkers -> suppressions -> report.
//
//     CheckCommand checks;
//     checks.add_options(app);                  // before parsing
//     reader.read(paths, [&](const Record &r) { checks.add(r); });
//     int status = checks.run(std::cout, stats, model, search_paths, progress);
//
// add() sees every record (loaded objects, flux-core versions); the model
// (tool/shared_model.hpp) is made of the same records by the caller.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "../hb/model.hpp"
#include "../latency/latency_report.hpp"
#include "../read_stats.hpp"
#include "../record.hpp"
#include "../report/progress.hpp"
#include "../symbolize/object_map.hpp"
#include "../symbolize/search_paths.hpp"
#include "checker.hpp"

namespace CLI {
class App;
}

namespace fluxtrace::checkers {

class CheckCommand {
  public:
    // --check, --format (text, json, sarif, html), --error-exitcode,
    // --suppressions, --no-default-suppressions, --slow-callback,
    // --fanout-ranks, --fanout-window, --scatter-keys.
    void add_options(CLI::App &app);

    bool requested() const { return check_; }
    void set_requested(bool on) { check_ = on; }
    // The report is one document (JSON, SARIF, HTML): nothing else on stdout.
    bool structured() const { return format_ != "text"; }
    bool html() const { return format_ == "html"; }
    // Where remarks about the run go (the choice of default suppressions);
    // none by default.
    void set_warn(std::function<void(const std::string &)> warn) {
        warn_ = std::move(warn);
    }
    void set_tool_version(std::string version) { tool_version_ = std::move(version); }

    // Throws std::invalid_argument for an unreadable or malformed
    // suppressions file (a usage error).  Call after parsing.
    void load_suppressions();

    void add(const Record &r);

    // What the checks found, in report order (after suppressions), for
    // another output made from the same model (--timeline).  Called before
    // the report is printed, so that its errors come first.
    using FindingsHook = std::function<void(const report::Describer &,
                                            const std::vector<report::Finding> &)>;

    // Runs the checkers on `model`; prints the report when the checks were
    // requested.  Returns the exit status: 0 clean (or not printed),
    // --error-exitcode when findings remain after suppressions.  `latency`,
    // when given, goes into the same HTML page (--format html).
    int run(std::ostream &out, const ReadStats &stats, const hb::Model &model,
            const symbolize::SearchPaths &search, report::Progress &progress,
            const latency::LatencyReport *latency = nullptr,
            const FindingsHook &hook = {});

  private:
    bool check_ = false;
    std::string format_ = "text";
    int error_exitcode_ = 1;
    std::string suppressions_path_;
    bool no_default_suppressions_ = false;
    std::set<std::string> flux_core_versions_; // as the process records name them
    std::function<void(const std::string &)> warn_ = [](const std::string &) {};
    std::string tool_version_;
    double slow_callback_ms_ = 100;
    size_t fanout_ranks_ = CheckOptions{}.fanout_ranks;
    double fanout_window_ms_ = 1000;
    size_t scatter_keys_ = CheckOptions{}.scatter_keys;
    std::uint64_t requeue_storm_ = CheckOptions{}.requeue_storm;
    symbolize::ObjectMap objects_;
    struct Loaded;
    std::shared_ptr<Loaded> loaded_;

    // Adds the default file for each flux-core version the trace ran.
    void load_default_suppressions();
};

} // namespace fluxtrace::checkers
