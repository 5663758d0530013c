// What a code address resolved to: function, file and line (with the frames
// of functions inlined at that address), or, when the object's file is not
// available or not the one that ran, `module+0xoffset`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fluxtrace::symbolize {

struct Frame {
    std::string function; // demangled; "" when unknown
    std::string file; // as the line table names it (usually absolute); "" when unknown
    int line = 0;     // 0 when unknown
    int column = 0;
};

enum class SymbolStatus : std::uint8_t {
    Resolved,        // function, file and line
    SymbolOnly,      // function from the symbol table; no line information
    NoSymbol,        // the object's file was read, but no symbol covers the address
    NoDebugInfo,     // the object is known but no file with its code was found
    BuildIdMismatch, // files were found, none with the recorded build-id
    NoObject,        // no recorded object covers the address
};

const char *symbol_status_name(SymbolStatus status);

enum class AddressKind : std::uint8_t {
    // The address itself is the code in question: a callback's `fn`.
    Exact,
    // A return address from a stack: the call is the instruction before it, so
    // it is looked up one byte earlier (a call ending a function, or a line,
    // would otherwise be reported as the next one).
    Return,
};

struct Symbol {
    SymbolStatus status = SymbolStatus::NoObject;
    std::string module; // the object's file name without directories; "" for NoObject
    std::string module_path; // as recorded
    // The address in the object's file (link-time address); for NoObject, the
    // address itself.
    std::uint64_t offset = 0;
    // Innermost first: a function inlined at the address, then each function
    // it was inlined into (file and line of that call), ending with the
    // function the code belongs to.  Empty unless Resolved or SymbolOnly.
    std::vector<Frame> frames;

    bool has_function() const { return !frames.empty() && !frames[0].function.empty(); }
    // The innermost function, or "module+0x1a2b" (NoObject: "0x7f001234").
    std::string name() const;
    // Where the code is: "file.c:123" (file name without directories); without
    // a line but with a function, "module+0x1a2b" (static functions of one
    // object may share a name); else "".
    std::string location() const;
    // "name (location)", or "name" without a location.
    std::string to_string() const;
};

} // namespace fluxtrace::symbolize
