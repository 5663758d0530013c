// --summary: what a trace holds, in a few lines.
#pragma once

#include <cstdint>
#include <ostream>
#include <set>
#include <vector>

#include "../hb/clock_bounds.hpp"
#include "../hb/model.hpp"
#include "../read_stats.hpp"
#include "../record.hpp"
#include "../record_store.hpp"

namespace fluxtrace::tool {

class Summary {
  public:
    void add(const Record &r) {
        const auto cls = r.event_class().id();
        if (cls >= per_class_.size())
            per_class_.resize(cls + 1);
        per_class_[cls]++;
        if (r.src() >= vpids_.size())
            vpids_.resize(r.src() + 1u);
        if (r.src() != last_src_ || r.vpid() != last_vpid_) { // runs of one process
            vpids_[r.src()].insert(r.vpid());
            last_src_ = r.src();
            last_vpid_ = r.vpid();
        }
    }

    // The counts, then the model's summary (`model` made of the same records),
    // then the clock offsets between sources when `clocks` is given.
    void print(std::ostream &out, const ReadStats &stats, const RecordStore &store,
               const hb::Model &model, const hb::ClockBounds *clocks) const;

  private:
    std::vector<std::uint64_t> per_class_;      // by EventClass::id()
    std::vector<std::set<std::int32_t>> vpids_; // by source
    std::uint16_t last_src_ = 0;
    std::int32_t last_vpid_ = -2; // no record has it
};

} // namespace fluxtrace::tool
