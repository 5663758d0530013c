// The HTML report's latency section: the text report's three tables, each row
// with its distribution as an inline SVG histogram in powers of two.
#pragma once

#include <ostream>

#include "../latency/latency_report.hpp"

namespace fluxtrace::report {

void print_latency_html(std::ostream &out, const latency::LatencyReport &report);

} // namespace fluxtrace::report
