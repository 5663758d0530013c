// How a total memory budget becomes the sub-buffer size and count of one per-uid
// UST channel.  Pure: unit tested alone.
#ifndef FLUXTRACE_BUFFER_GEOMETRY_H
#define FLUXTRACE_BUFFER_GEOMETRY_H

#include <cstdint>
#include <string>

namespace fluxtrace {

struct BufferGeometry {
    uint64_t subbuf_size; // bytes, a power of two, at least a page
    uint64_t num_subbuf;  // a power of two, at least 2
    unsigned cpus;        // ring buffers per uid (one per possible CPU)
    uint64_t total() const { return subbuf_size * num_subbuf * cpus; }
};

constexpr uint64_t kMaxSubbufsPerCpu = 8;

// Throws RecordError (usage) when the budget cannot give each CPU two pages.
BufferGeometry buffer_geometry(uint64_t budget_bytes, unsigned cpus, uint64_t page_size);

// CPUs LTTng-UST allocates ring buffers for: the possible ones, which can be many
// more than the online ones (`nproc`) on machines that allow CPU hot-plug.
unsigned possible_cpus();

// Parses a kernel CPU list ("0-3,8,10-11"); 0 when it cannot.
unsigned count_cpu_list(const std::string &list);

} // namespace fluxtrace

#endif
