// The RFC 9 checkers: each reads the causal model and returns findings as
// report data (analyzer/report/finding.hpp); printing is the caller's.
//
//     report::Describer d(model, &symbols, lossy);
//     std::vector<report::Finding> found = checkers::run_all(d, options);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../report/describer.hpp"
#include "../report/finding.hpp"

namespace fluxtrace::checkers {

struct CheckOptions {
    // reactor-blocking: callbacks running longer than this are reported
    // (--slow-callback, in ms; 0 disables).
    std::uint64_t slow_callback_ns = 100'000'000;
    // rpc-fanout: one topic to this many distinct ranks (--fanout-ranks; 0
    // disables) within this window (--fanout-window, in ms).
    size_t fanout_ranks = 4;
    std::uint64_t fanout_window_ns = 1'000'000'000;
    // scattered-triggers: watches in this many unrelated directories from one
    // process (--scatter-keys; 0 disables).
    size_t scatter_keys = 4;
    // requeue-storm: one stream's responses requeued this many times
    // (--requeue-storm; 0 disables).
    std::uint64_t requeue_storm = 100;
};

std::vector<report::Finding> check_reactor_blocking(const report::Describer &d,
                                                    const CheckOptions &options);
std::vector<report::Finding> check_watch_chaining(const report::Describer &d,
                                                  const CheckOptions &options);
std::vector<report::Finding> check_replacement_updates(const report::Describer &d,
                                                       const CheckOptions &options);
std::vector<report::Finding> check_missing_version_wait(const report::Describer &d,
                                                        const CheckOptions &options);
std::vector<report::Finding> check_rpc_fanout(const report::Describer &d,
                                              const CheckOptions &options);
std::vector<report::Finding> check_scattered_triggers(const report::Describer &d,
                                                      const CheckOptions &options);
std::vector<report::Finding> check_requeue_storm(const report::Describer &d,
                                                 const CheckOptions &options);

// Names of the checkers run_all runs, in order.
std::vector<std::string> checker_names();
// Every checker; findings merged (equal reports counted once) and sorted.
std::vector<report::Finding> run_all(const report::Describer &d,
                                     const CheckOptions &options);

} // namespace fluxtrace::checkers
