// How each traced process of a trace ended.  From format 4 on, a process that
// ends through exit() writes a `life` exit record; one that wrote neither that
// nor an `exec` was killed, crashed, ended through _exit, or was still running
// when the recording stopped.  Its records stop early: what it was asked and
// never answered is not a finding's proof, so reports say so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "analyzer/record.hpp"

namespace fluxtrace::hb {

struct UnendedProcess {
    std::uint16_t src = 0; // the trace it is in
    std::int32_t vpid = 0;
    std::string procname;
    std::size_t last = 0; // index of its last record
};

// The program images (a `process` record up to the next, or the end) of
// format 4 or later that have records but no exit or exec record, in order of
// their first record.  Images of older formats are never listed.
std::vector<UnendedProcess> unended_processes(const std::vector<Record> &records);

// "flux-broker (pid 12), kvs-load (pid 40)": at most `shown`, then "and N more".
std::string describe(const std::vector<UnendedProcess> &unended, std::size_t shown = 4);

} // namespace fluxtrace::hb
