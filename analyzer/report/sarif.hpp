// Findings as SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format),
// the log that CI code-scanning services read (`--format sarif`,
// docs/reports.md):
//
//   - one `result` per finding, `ruleId` its checker, `level` "error" for a
//     finding and "note" for a note;
//   - the primary location: the first frame of the program's own code (the
//     frame SUMMARY blames, libflux-core and the tracer skipped) with a file and
//     line, on the main side (the side SUMMARY blames; else the first);
//     related locations for the other sides; a code flow through every side in
//     the order of the causal path;
//   - `partialFingerprints` from the finding's stable words (rule, key,
//     function, the sides' roles, threads and functions; never lines, offsets
//     or pids), so that a service recognises the same finding in the next run
//     and after the code moved.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "finding.hpp"
#include "printer.hpp"

namespace fluxtrace::report {

// The fingerprint of `f` (hex, 16 digits): equal for the same finding across
// runs and rebuilds.
std::string stable_fingerprint(const Finding &f);

void print_sarif(std::ostream &out, const std::vector<Finding> &findings,
                 const RunSummary &run);

} // namespace fluxtrace::report
