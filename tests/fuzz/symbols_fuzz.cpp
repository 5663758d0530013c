// libFuzzer target: the saved-symbols loader (fluxtrace-symbols.json), fed a
// file's bytes.  A file it refuses gives one InputError line; a file it
// accepts must save back to what it loads again (the writer and the loader
// agree), else the target traps.
#include <cstdint>
#include <string>

#include "analyzer/input_error.hpp"
#include "analyzer/symbolize/symbol_cache.hpp"

using namespace fluxtrace;
using namespace fluxtrace::symbolize;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, size_t size) {
    SymbolCache cache;
    try {
        cache =
            SymbolCache::parse(std::string(reinterpret_cast<const char *>(data), size),
                               "fluxtrace-symbols.json");
    } catch (const InputError &) {
        return 0;
    }
    const std::string saved = cache.to_json();
    if (SymbolCache::parse(saved, "saved").to_json() != saved)
        __builtin_trap();
    return 0;
}
