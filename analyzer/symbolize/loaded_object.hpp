// One object file (executable or shared object) mapped into a traced process,
// as one trace record reported it.
#pragma once

#include <cstdint>
#include <string>

namespace fluxtrace::symbolize {

// What the recorded base address means.
enum class Placement : std::uint8_t {
    // fluxtrace:dso `base`: the load bias (dlpi_addr), so file address =
    // address - base.
    LoadBias,
    // lttng_ust_statedump:bin_info and lttng_ust_lib:load `baddr`: where the
    // first PT_LOAD segment starts (dlpi_addr + its p_vaddr).  The bias needs
    // that p_vaddr from the file; without the file it is taken as 0, which holds
    // for the PIC objects that position-independent builds produce.
    FirstSegment,
};

struct LoadedObject {
    static constexpr std::uint64_t kNever = UINT64_MAX;

    std::uint64_t base = 0; // as recorded; see Placement
    std::uint64_t memsz = 0;
    Placement placement = Placement::LoadBias;
    // statedump: whether `baddr` moves with the load bias; a non-PIC
    // executable sits at its link-time addresses (bias 0).
    bool is_pic = true;
    std::string path;
    std::string build_id;    // raw bytes of the GNU build-id note; empty when unknown
    std::string debug_link;  // .gnu_debuglink file name (statedump only)
    std::uint64_t ts_ns = 0; // when the record was written
    std::uint64_t unloaded_ns = kNever; // lttng_ust_lib:unload
    std::uint32_t image = 0;            // program image: execs of the process before it

    // The addresses it covers: [start(), end()).
    std::uint64_t start() const { return base; }
    std::uint64_t end() const { return base + memsz; }
    bool contains(std::uint64_t address) const {
        return address >= start() && address - start() < memsz;
    }
    // address - bias = file (link-time) address.  `first_load_vaddr` is the
    // file's first PT_LOAD p_vaddr, used only for FirstSegment records.
    std::uint64_t bias(std::uint64_t first_load_vaddr = 0) const {
        if (placement == Placement::LoadBias)
            return base;
        return is_pic ? base - first_load_vaddr : 0;
    }
};

} // namespace fluxtrace::symbolize
