// The HTML report's sequence diagram of one finding (inline SVG), drawn from
// Finding::steps: a lane per distinct process and thread of its sides (then
// one per named party), each side a numbered marker on its lane at the row
// where the path first reaches it, one numbered arrow per step, the missing
// happens-before edge dashed and red.  The classes and data attributes are the
// contract docs/reports.md states (tests/report/html_browser_test.py).
#pragma once

#include <cstddef>
#include <ostream>

#include "finding.hpp"

namespace fluxtrace::report {

// `index`: the finding's place in the page (arrowhead ids are per diagram).
void print_sequence_diagram(std::ostream &out, const Finding &f, size_t index);

} // namespace fluxtrace::report
