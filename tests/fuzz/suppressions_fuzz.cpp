// libFuzzer target: the suppression file parser, fed a file's bytes, and the
// matching of what it accepted against findings shaped like real ones.  A
// malformed line is refused with std::invalid_argument; anything else is a
// finding.
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "analyzer/report/suppressions.hpp"

using namespace fluxtrace::report;

namespace {

std::vector<Finding> sample_findings() {
    std::vector<Finding> out(3);
    out[0].rule = "reactor-blocking";
    out[0].key = "kvs.getroot";
    out[0].function = "main";
    out[1].rule = "watch-chaining";
    out[1].key = "job.0000.0001.0002.0003.guest.exec.eventlog";
    out[1].function = "flux::job::watch_cb(flux_future*, void*)";
    out[2].rule = "missing-version-wait";
    out[2].key = "a.b";
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, size_t size) {
    static const std::vector<Finding> findings = sample_findings();
    std::istringstream in(std::string(reinterpret_cast<const char *>(data), size));
    try {
        const Suppressions s = Suppressions::parse(in, "fuzz.supp");
        for (const Finding &f : findings)
            s.match(f);
    } catch (const std::invalid_argument &) {
    }
    return 0;
}
