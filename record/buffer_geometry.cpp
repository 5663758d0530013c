#include "buffer_geometry.h"

#include "record_error.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>
#include <unistd.h>

namespace fluxtrace {

static uint64_t floor_pow2(uint64_t v) {
    uint64_t p = 1;
    while (p <= v / 2)
        p *= 2;
    return v == 0 ? 0 : p;
}

// A per-uid UST channel holds one ring buffer per possible CPU, each of
// num_subbuf sub-buffers of subbuf_size bytes, so its memory is
//
//     total = cpus * num_subbuf * subbuf_size
//
// and we want total = budget.  LTTng rounds both factors up to powers of two, so
// we round the per-CPU share down instead: per_cpu = floor_pow2(budget / cpus),
// then num_subbuf = min(8, per_cpu / page) and subbuf_size = per_cpu / num_subbuf.
// Hence budget / 2 < total <= budget.  Eight sub-buffers let the consumer drain
// seven while the tracer fills one (fewer discards in bursts) while keeping each
// sub-buffer large; fewer are used only when sub-buffers would be under a page.
// The budget is per uid and per bitness: each user (and each 32-bit ABI) that
// traces gets its own set of buffers.
BufferGeometry buffer_geometry(uint64_t budget_bytes, unsigned cpus, uint64_t page_size) {
    if (cpus == 0)
        cpus = 1;
    uint64_t per_cpu = floor_pow2(budget_bytes / cpus);
    if (per_cpu < 2 * page_size)
        throw RecordError(
            fmt::format("--buffer-mib: a budget of {} bytes leaves less than two "
                        "pages per CPU (cpus={}, page={})",
                        budget_bytes, cpus, page_size),
            kExitUsage);
    uint64_t num_subbuf = std::min<uint64_t>(kMaxSubbufsPerCpu, per_cpu / page_size);
    return BufferGeometry{per_cpu / num_subbuf, num_subbuf, cpus};
}

unsigned count_cpu_list(const std::string &list) {
    unsigned count = 0;
    std::stringstream ranges(list);
    std::string range;
    while (std::getline(ranges, range, ',')) {
        if (range.empty() || range == "\n")
            continue;
        unsigned lo, hi;
        char dash;
        std::istringstream in(range);
        if (!(in >> lo))
            return 0;
        if (in >> dash) {
            if (dash != '-' || !(in >> hi) || hi < lo)
                return 0;
        } else {
            hi = lo;
        }
        count += hi - lo + 1;
    }
    return count;
}

unsigned possible_cpus() {
    std::ifstream in("/sys/devices/system/cpu/possible");
    std::string list;
    if (std::getline(in, list)) {
        if (unsigned n = count_cpu_list(list))
            return n;
    }
    long n = sysconf(_SC_NPROCESSORS_CONF);
    return n > 0 ? static_cast<unsigned>(n) : 1;
}

} // namespace fluxtrace
