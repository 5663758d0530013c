// fluxtrace-analyze --timeline FILE: the trace as Chrome Trace Event JSON,
// which ui.perfetto.dev and chrome://tracing open as it is (docs/timeline.md).
//
// A process per traced process image, its threads as tracks; slices for
// reactor runs, reactor busy periods, callbacks and blocking waits; counters
// for the reactor's busy fraction and the requests a thread is serving; arrows
// for every happens-before edge of the model (request, response, event,
// future-then, KVS value and version, fork, exec, thread creation); and each
// finding as instants on its sides, joined by arrows in side order.
//
//     write_timeline(file, options, describer, findings, source_paths);
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "analyzer/report/describer.hpp"
#include "analyzer/report/finding.hpp"
#include "timeline_options.hpp"

namespace fluxtrace::timeline {

// Writes the timeline of the describer's model into `out` (already open, see
// open_output) and closes it.  `findings` in report order (--around counts in
// it); `sources`: each source's host (its input path when the trace names
// no host), named in process names when there are several.  Throws Error (exit status 2)
// for a malformed --window, an --around beyond the findings, or a write error; the caller
// removes the file then.
void write_timeline(std::FILE *out, const TimelineOptions &options,
                    const report::Describer &describer,
                    const std::vector<report::Finding> &findings,
                    const std::vector<std::string> &sources);

} // namespace fluxtrace::timeline
