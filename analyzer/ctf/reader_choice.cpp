// Fast reader first, Babeltrace2 for whatever it refuses.
#include "reader_choice.hpp"

#include <filesystem>
#include <set>

#include "../input_error.hpp"
#include "hosts.hpp"
#include "recording_marker.h"

namespace fluxtrace::ctf {

namespace {

// Adds a skipped part per marker of an unfinished recording found in a
// source's path or between it and one of its trace directories.
void add_unfinished_recordings(ReadStats &stats) {
    namespace fs = std::filesystem;
    for (std::uint16_t src = 0; src < stats.sources.size(); src++) {
        const SourceStats &source = stats.sources[src];
        const auto normal = [](const std::string &p) {
            std::error_code ec;
            const fs::path a = fs::absolute(p, ec);
            fs::path n = (ec ? fs::path(p) : a).lexically_normal();
            return n.has_filename() ? n : n.parent_path(); // "trace/" is "trace"
        };
        const fs::path top = normal(source.path);
        std::set<fs::path> seen;
        for (const auto &dir : source.trace_dirs) {
            const fs::path under = normal(dir);
            if (under.string().rfind(top.string(), 0) != 0)
                continue; // not below PATH: nothing between them to look at
            for (fs::path d = under;; d = d.parent_path()) {
                if (seen.insert(d).second)
                    if (const auto marker = read_marker(d))
                        stats.skipped.push_back({src, (d / kMarkerName).string(),
                                                 "the end of the recording",
                                                 marker->why});
                if (d == top || !d.has_relative_path() || d == d.parent_path())
                    break;
            }
        }
    }
}

} // namespace

const ReadStats &ChoosingReader::read(const std::vector<std::string> &paths,
                                      const bt2::RecordSink &sink) {
    // One source per host, whichever reader reads them.
    return read(paths, split_by_host(paths), sink);
}

const ReadStats &ChoosingReader::read(const std::vector<std::string> &paths,
                                      const std::vector<bt2::SourceSpec> &sources,
                                      const bt2::RecordSink &sink) {
    if (choice_ != ReaderChoice::Bt2) {
        fast_ = std::make_unique<FastReader>(store_, options_.retain_records);
        fast_->set_jobs(options_.jobs);
        reason_ = fast_->prepare(sources);
        if (reason_.empty()) {
            used_fast_ = true;
            if (options_.on_record_count)
                options_.on_record_count(fast_->record_count());
            stats_ = fast_->read(sink);
            add_unfinished_recordings(stats_);
            return stats_;
        }
        if (choice_ == ReaderChoice::Fast)
            throw InputError(fast_->refused_path(), "not readable by the fast reader (" +
                                                        reason_ + "); use --reader bt2");
        fast_.reset();
    }
    bt2::ReadOptions options = options_;
    options.damaged_files = find_damage(paths, options_.jobs);
    bt2_ = std::make_unique<bt2::TraceReader>(store_, options);
    stats_ = bt2_->read(sources, sink);
    add_unfinished_recordings(stats_);
    return stats_;
}

} // namespace fluxtrace::ctf
