// The checks as fluxtrace-analyze runs them: options, record collection while
// the trace streams by, then model -> checkers -> suppressions -> report.
//
//     CheckCommand checks;
//     checks.add_options(app);                  // before parsing
//     reader.read(paths, [&](const Record &r) { checks.add(r); });
//     int status = checks.run(std::cout, stats, search_paths, progress);
//
// Records are kept when the checks are requested or another output needs the
// model and findings (add() is then called all the same).
#pragma once

#include <functional>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

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
    // --check, --format, --error-exitcode, --suppressions, --slow-callback,
    // --fanout-ranks, --fanout-window, --scatter-keys.
    void add_options(CLI::App &app);

    bool requested() const { return check_; }
    void set_requested(bool on) { check_ = on; }
    bool json() const { return format_ == "json"; }

    // Throws std::invalid_argument for an unreadable or malformed
    // suppressions file (a usage error).  Call after parsing.
    void load_suppressions();

    void add(const Record &r);
    // Room for this many records (see bt2::ReadOptions::on_record_count).
    void reserve(std::uint64_t records) { records_.reserve(records); }

    // What the checks found, in report order (after suppressions), for
    // another output made from the same model (--timeline).  Called before
    // the report is printed, so that its errors come first.
    using FindingsHook = std::function<void(const report::Describer &,
                                            const std::vector<report::Finding> &)>;

    // Builds the model and runs the checkers; prints the report when the
    // checks were requested.  Returns the exit status: 0 clean (or not
    // printed), --error-exitcode when findings remain after suppressions.
    int run(std::ostream &out, const ReadStats &stats,
            const symbolize::SearchPaths &search, report::Progress &progress,
            const FindingsHook &hook = {});

  private:
    bool check_ = false;
    std::string format_ = "text";
    int error_exitcode_ = 1;
    std::string suppressions_path_;
    double slow_callback_ms_ = 100;
    size_t fanout_ranks_ = CheckOptions{}.fanout_ranks;
    double fanout_window_ms_ = 1000;
    size_t scatter_keys_ = CheckOptions{}.scatter_keys;
    std::vector<Record> records_;
    symbolize::ObjectMap objects_;
    struct Loaded;
    std::shared_ptr<Loaded> loaded_;
};

} // namespace fluxtrace::checkers
