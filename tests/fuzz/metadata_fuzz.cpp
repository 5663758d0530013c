// libFuzzer target: the TSDL metadata parser and the plan the fast reader
// compiles from it, fed the bytes of a `metadata` file (plain or packetized).
// Refusing is fine (the reader falls back to Babeltrace2); any other exception,
// crash or hang is a finding.
#include <cstdint>
#include <string>

#include "analyzer/ctf/metadata.hpp"
#include "analyzer/ctf/trace_plan.hpp"

using namespace fluxtrace::ctf;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, size_t size) {
    try {
        const Metadata md = parse_metadata(
            metadata_text(std::string(reinterpret_cast<const char *>(data), size)));
        make_trace_plan(md);
    } catch (const Unsupported &) {
    }
    return 0;
}
