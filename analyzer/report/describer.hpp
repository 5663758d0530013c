// Turns model records into the stable words of a report: who recorded them
// (roles, ranks, executable names; never pids or uuids) and their stacks,
// symbolized to function, file and line (never raw addresses: a frame no
// object covers prints as "??").
//
//     Describer d(model, &symbols, lossy_sources);
//     Side s = d.side(wait, "synchronous wait");
//     s.stack = d.stack(wait);
#pragma once

#include <string>
#include <vector>

#include "../hb/model.hpp"
#include "../symbolize/symbolizer.hpp"
#include "finding.hpp"

namespace fluxtrace::report {

class Describer {
  public:
    // `symbols` may be null: frames then carry no names.  `lossy_sources`,
    // indexed by Record::src(): inputs that lost records.
    Describer(const hb::Model &model, symbolize::Symbolizer *symbols,
              std::vector<bool> lossy_sources = {});

    const hb::Model &model() const { return model_; }

    // Process, executable and thread of `r`, its record kind and the role given;
    // its anchor (not printed) places it in the trace.
    Side side(hb::RecordId r, std::string role) const;
    // The record's `stack` field, symbolized; empty when it has none.  In a
    // Python program, the interpreter's frames are replaced by the Python
    // frames of `pystack` (function, file and line).
    std::vector<StackFrame> stack(hb::RecordId r) const;
    // A callback's start: the callback's function, then where it was dispatched
    // from (cb_begin's stack).
    std::vector<StackFrame> callback_stack(const hb::Callback &cb) const;
    // The function of a code address (a callback's `fn`) or "module+0x..".
    std::string function_at(hb::RecordId r, std::uint64_t address) const;
    // The first frame outside libflux-core and the tracer: the program's code;
    // "" when every frame is libflux-core's own.
    static std::string blame(const std::vector<StackFrame> &stack);

    std::string process_role(hb::RecordId r) const;
    std::string thread_role(hb::RecordId r) const;
    std::string exe(hb::RecordId r) const;

    // Whether the record's input lost records.
    bool lossy(hb::RecordId r) const;

  private:
    void replace_interpreter(std::vector<StackFrame> &out, const Record &rec) const;
    void append(std::vector<StackFrame> &out, const Record &rec, std::uint64_t address,
                symbolize::AddressKind kind) const;

    const hb::Model &model_;
    symbolize::Symbolizer *symbols_;
    std::vector<bool> lossy_;
};

} // namespace fluxtrace::report
