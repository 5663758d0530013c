// Which host each trace directory under an input path comes from, so that one
// PATH holding a whole multi-host instance (every node's `fluxtrace record -o
// trace/%h`, or an lttng-relayd output tree) is read as one source per host,
// each its own clock domain.
//
// A directory's host is what its trace says, never its directory name: the
// CTF environment's `hostname`, else (a trace that names none) its clock's
// name and uuid.  A path whose directories all name one host stays one source
// under the path as given; a path of several hosts becomes one source per
// host, in host-name order, each under the deepest directory holding all of
// that host's traces.  Two recordings of one host under one path (different
// session names or creation times) are an InputError: their processes would be
// taken for one recording's.
#pragma once

#include <string>
#include <vector>

#include "analyzer/bt2/trace_dirs.hpp"

namespace fluxtrace::ctf {

std::vector<bt2::SourceSpec> split_by_host(const std::vector<std::string> &paths);

} // namespace fluxtrace::ctf
