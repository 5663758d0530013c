// How each traced process of a trace ended.  From format 4 on, a process that
// ends through exit() writes a `life` exit record; one that wrote neither that
// nor an `exec` was killed, crashed, ended through _exit, or was still running
// when the recording stopped.  Its records stop early: what it was asked and
// never answered is not a finding's proof, so reports say so.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ids.hpp"
#include "process_table.hpp"

namespace fluxtrace::hb {

// The program images of format 4 or later that have records but ended neither
// through exit nor exec, in order of their first record.  Images of older
// formats (and fork children seen only through their exec) are never listed:
// they cannot say.
std::vector<ProcessId> unended_processes(const ProcessTable &table);

// "flux-broker (pid 12), kvs-load (pid 40)": at most `shown`, then "and N more".
std::string describe(const ProcessTable &table, const std::vector<ProcessId> &which,
                     std::size_t shown = 4);

} // namespace fluxtrace::hb
