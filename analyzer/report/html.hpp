// Prints findings (and, with --latency, the latency report's distributions) as
// one self-contained HTML page: inline CSS and SVG, no script, nothing fetched
// (a Content-Security-Policy forbids it).  Findings are grouped by rule; each
// has a sequence diagram drawn from Finding::steps (a lane per process and
// thread of its sides, one arrow per step, the missing happens-before edge
// dashed and red), its stacks in <details>, what was observed, why, the fix
// and the RFC sentence.  Every string taken from the trace is escaped: a trace
// may be hostile.  The diagram: html_diagram.hpp; the latency section:
// html_latency.hpp.  Layout and the DOM contract tests rely on:
// docs/reports.md.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "../latency/latency_report.hpp"
#include "finding.hpp"
#include "printer.hpp"

namespace fluxtrace::report {

struct HtmlReport {
    // The checks' findings and run summary; null when the checks did not run.
    const std::vector<Finding> *findings = nullptr;
    const RunSummary *run = nullptr;
    // The latency report; null without --latency.
    const latency::LatencyReport *latency = nullptr;
};

void print_html(std::ostream &out, const HtmlReport &report);

// Text for HTML element content and quoted attribute values: & < > " ' escaped.
std::string html_escape(std::string_view text);

} // namespace fluxtrace::report
