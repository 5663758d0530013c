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
};

std::vector<report::Finding> check_reactor_blocking(const report::Describer &d,
                                                    const CheckOptions &options);
std::vector<report::Finding> check_watch_chaining(const report::Describer &d,
                                                  const CheckOptions &options);

// Names of the checkers run_all runs, in order.
std::vector<std::string> checker_names();
// Every checker; findings merged (equal reports counted once) and sorted.
std::vector<report::Finding> run_all(const report::Describer &d,
                                     const CheckOptions &options);

} // namespace fluxtrace::checkers
