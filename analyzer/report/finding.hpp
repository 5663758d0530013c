// What a checker found, as data: built first, printed separately (text or
// JSON), as ThreadSanitizer builds a ReportDesc before printing it.  Nothing
// here may hold a pid, a uuid, an address or a timestamp: reports name roles
// and stable keys only, so that golden files compare across runs.  Durations
// are kept apart (`duration_ns`) so printers and tests can treat them alone.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fluxtrace::report {

enum class Severity : std::uint8_t {
    Finding, // breaks a rule: counts for the exit status
    Note,    // allowed by the RFC, or a heuristic's hint: never fails a run
};

const char *severity_name(Severity s);

// One symbolized frame of a recorded stack, innermost first.
struct StackFrame {
    std::string function; // "" when unknown
    std::string file;     // file name without directories; "" when unknown
    int line = 0;
    std::string module;       // object file name; "" when no object covers the address
    std::uint64_t offset = 0; // address in the module's file (stable across runs)
    // A Python frame (no module) in flux-core's own Python package.
    bool python_runtime = false;

    // "fn file:line (module+0x1a2b)", "module+0x1a2b", or "??".
    std::string to_string() const;
    // In libflux-core (the waits and dispatchers themselves), a libflux helper
    // library, flux-core's Python bindings or the tracer's own shim: not the
    // program's code.
    bool in_runtime() const;
    // A frame of Python code (`pystack`): a file and line, no object file.
    bool is_python() const { return module.empty() && !file.empty(); }
};

// The frame a report blames: the first of the program's own code (not in the
// runtime, and known at all); nullptr when every frame is the runtime's.
const StackFrame *blamed_frame(const std::vector<StackFrame> &stack);

// One place in the code that takes part in a finding.
struct Side {
    std::string role;    // "synchronous wait", "inside callback of watch", ...
    std::string process; // "broker rank 0", "client on rank 1", "process (no broker)"
    std::string exe;     // executable's file name
    std::string thread;  // "main thread", "module thread (kvs)", "thread"
    std::string record;  // the record kind the side rests on: "future_wait", ...
    std::vector<std::string> details; // e.g. "key: a.b", "topic: kvs.lookup"
    std::vector<StackFrame> stack;

    // Where the side lies in the trace, for outputs that place it in time
    // (--timeline).  Run-dependent (a record, its thread, its time), so it is
    // never printed and not part of Finding::identity(): reports stay stable.
    struct Anchor {
        bool valid = false;
        std::uint32_t record = 0;  // hb::RecordId
        std::uint32_t process = 0; // hb::ProcessId
        std::uint32_t thread = 0;  // hb::ThreadId
        std::uint64_t ts_ns = 0;   // the record's timestamp
    };
    Anchor anchor;
};

// One arrow of a finding's sequence diagram (the HTML report): the causal
// path as data, in the order the path is told.  Ends are indexes into
// Finding::sides, or kParty for someone the finding names but shows no side of
// (the server a wait waits for, the writer of a watched key), named by `party`.
// Printed by the HTML report only: not part of identity(), text or JSON.
struct Step {
    static constexpr int kParty = -1;

    Step(int from, int to, std::string words, bool is_missing = false,
         std::string who = {})
        : from_side(from), to_side(to), label(std::move(words)), missing(is_missing),
          party(std::move(who)) {}

    int from_side;
    int to_side;
    std::string label;
    // The happens-before edge that does not exist and would make the code right
    // (drawn apart: dashed, red).
    bool missing;
    std::string party; // who a kParty end is; "" when both ends are sides
};

struct Finding {
    std::string rule; // "reactor-blocking", "watch-chaining"
    Severity severity = Severity::Finding;
    std::string title; // one line: what happened
    std::string rfc;   // the RFC 9 sentence enforced, quoted
    std::vector<Side> sides;
    std::string causal_path; // the happens-before path that exists, or is missing
    std::vector<Step> steps; // the same path, arrow by arrow (HTML diagrams)
    // What the trace shows actually went wrong ("race observed: ..."); "" when
    // the finding is the pattern alone.
    std::string observed;
    std::string why;         // why this is a race (or a stall)
    std::string fix;         // the concrete flag or call
    std::string key;         // stable key: KVS key or message topic
    std::string function;    // the program function to blame (SUMMARY, suppressions)
    bool incomplete = false; // evidence lies in a source that lost records
    std::uint64_t occurrences = 1;
    std::uint64_t duration_ns = 0; // longest blocking / callback time; 0 = none

    // Findings with the same identity (all but durations, counts and what was
    // observed) are one report, counted in occurrences.
    std::string identity() const;
};

// The side SUMMARY blames (its blamed frame is the finding's function), else
// the first.
size_t main_side(const Finding &f);
// What SUMMARY names after "in": the function, and for a Python function also
// its file and line ("on_update watcher.py:42"), as a Python function is known
// by where it is.
std::string summary_place(const Finding &f);

// Deterministic order: rule, key, function, then the rest of the identity.
void sort_findings(std::vector<Finding> &findings);
// Folds findings of equal identity into one (occurrences summed, the longest
// duration kept, incomplete if any was).  Sorts.
std::vector<Finding> merge_findings(std::vector<Finding> findings);

// "1.25 ms", "3.0 s", "850 us", "12 ns".
std::string format_duration(std::uint64_t ns);

} // namespace fluxtrace::report
