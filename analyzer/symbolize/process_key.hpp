// A traced process as the analyzer names it: its vpid within one input source.
// Pids are only unique within one host (and one recording), so every map keyed
// by process carries the source index too.
#pragma once

#include <cstdint>
#include <functional>
#include <tuple>

namespace fluxtrace::symbolize {

struct ProcessKey {
    std::uint16_t src = 0;
    std::int32_t vpid = -1;

    bool operator==(const ProcessKey &o) const { return src == o.src && vpid == o.vpid; }
    bool operator!=(const ProcessKey &o) const { return !(*this == o); }
    bool operator<(const ProcessKey &o) const {
        return std::tie(src, vpid) < std::tie(o.src, o.vpid);
    }
};

struct ProcessKeyHash {
    size_t operator()(const ProcessKey &p) const {
        return std::hash<std::uint64_t>()((std::uint64_t{p.src} << 32) ^
                                          static_cast<std::uint32_t>(p.vpid));
    }
};

} // namespace fluxtrace::symbolize
