// Saves the symbols of a finished trace beside it (OUTDIR/fluxtrace-symbols.json)
// by running `fluxtrace-analyze --write-symbols`, so that the trace symbolizes
// on machines that do not have the traced binaries.
#ifndef FLUXTRACE_SYMBOL_EXPORT_H
#define FLUXTRACE_SYMBOL_EXPORT_H

#include <string>

namespace fluxtrace {

constexpr const char *kSymbolFileName = "fluxtrace-symbols.json";

// Runs `analyzer -q --write-symbols DIR/fluxtrace-symbols.json DIR` and prints
// one line: what was saved, or a warning saying why nothing was (then no
// symbol file is left behind).  Never throws: the trace is complete without it.
void save_symbols(const std::string &analyzer, const std::string &dir);

// fluxtrace-analyze beside this executable (/proc/self/exe), or "" when it
// cannot be found.
std::string sibling_analyzer();

} // namespace fluxtrace

#endif
