// The fluxtrace records and the one causal model made of them, for every
// report of a run that needs it (--summary, --latency across hosts, the checks
// and --timeline): the records are kept once and the model built once, when
// the first report asks for it, and so are the clock bounds between its sources.
//
//     SharedModel shared;
//     reader.read(paths, [&](const Record &r) { shared.add(r); });
//     const hb::Model &model = shared.get(stats, progress);
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "../hb/clock_bounds.hpp"
#include "../hb/model.hpp"
#include "../read_stats.hpp"
#include "../record.hpp"
#include "../report/progress.hpp"

namespace fluxtrace::tool {

class SharedModel {
  public:
    SharedModel() = default;
    SharedModel(const SharedModel &) = delete; // the model points at records_
    SharedModel &operator=(const SharedModel &) = delete;

    // Room for this many records (see bt2::ReadOptions::on_record_count).
    void reserve(std::uint64_t records) { records_.reserve(records); }
    void add(const Record &r) {
        if (r.is_fluxtrace())
            records_.push_back(r);
    }

    // The model of every record added, built on the first call (after the
    // last add()); sources that lost records get only unambiguous pairings.
    const hb::Model &get(const ReadStats &stats, report::Progress &progress) {
        if (!model_) {
            progress.phase("building the causal model");
            hb::ModelOptions options;
            options.lossy_sources = stats.lossy_sources();
            model_.emplace(records_, options);
            progress.clear();
        }
        return *model_;
    }

    // The bounds of each source's clock offset from the model's cross-source
    // messages (--summary and --latency across hosts), computed once.
    const hb::ClockBounds &clocks(const ReadStats &stats, report::Progress &progress) {
        if (!clocks_) {
            const hb::Model &model = get(stats, progress);
            progress.phase("bounding the clock offsets");
            clocks_.emplace(model, static_cast<std::uint16_t>(stats.sources.size()));
            progress.clear();
        }
        return *clocks_;
    }

  private:
    std::vector<Record> records_;
    std::optional<hb::Model> model_;
    std::optional<hb::ClockBounds> clocks_;
};

} // namespace fluxtrace::tool
