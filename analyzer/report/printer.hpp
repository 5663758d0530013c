// Prints findings: a text report modeled on ThreadSanitizer's (banner,
// WARNING line with the rule and the RFC sentence, each side with its numbered
// stack, the causal path, why and the fix, a SUMMARY line, the banner again),
// or one JSON document (schema "fluxtrace-report/1", docs/reports.md).
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "finding.hpp"

namespace fluxtrace::report {

inline constexpr const char *kSchema = "fluxtrace-report/1";

// What the run covered, for the closing line and the JSON "summary".
struct RunSummary {
    std::uint64_t records = 0;
    std::uint64_t processes = 0;
    std::uint64_t brokers = 0;
    std::uint64_t suppressed = 0; // findings and notes silenced by suppressions
    // How many each suppressions file silenced (by file name), in the order
    // they were applied; a file that silenced none is left out.
    std::vector<std::pair<std::string, std::uint64_t>> suppressed_by;
    std::vector<std::string> checkers;
    bool lossy = false;        // some input lost records
    std::uint64_t unended = 0; // processes whose records stop early (process_ends.hpp)
    std::string tool_version;  // fluxtrace's, for SARIF's tool descriptor
    std::vector<std::string> hosts; // the hosts the traces name, sorted
};

void print_text(std::ostream &out, const Finding &f);
// Every finding, then one line: "fluxtrace: N findings, M notes (...)".
void print_text(std::ostream &out, const std::vector<Finding> &findings,
                const RunSummary &run);
void print_json(std::ostream &out, const std::vector<Finding> &findings,
                const RunSummary &run);

std::string summary_line(const std::vector<Finding> &findings, const RunSummary &run);

} // namespace fluxtrace::report
