// Fast reader first, Babeltrace2 for whatever it refuses.
#include "reader_choice.hpp"

#include "../input_error.hpp"
#include "hosts.hpp"

namespace fluxtrace::ctf {

const ReadStats &ChoosingReader::read(const std::vector<std::string> &paths,
                                      const bt2::RecordSink &sink) {
    // One source per host, whichever reader reads them.
    const std::vector<bt2::SourceSpec> sources = split_by_host(paths);
    if (choice_ != ReaderChoice::Bt2) {
        fast_ = std::make_unique<FastReader>(store_, options_.retain_records);
        reason_ = fast_->prepare(sources);
        if (reason_.empty()) {
            used_fast_ = true;
            if (options_.on_record_count)
                options_.on_record_count(fast_->record_count());
            return fast_->read(sink);
        }
        if (choice_ == ReaderChoice::Fast)
            throw InputError(fast_->refused_path(), "not readable by the fast reader (" +
                                                        reason_ + "); use --reader bt2");
        fast_.reset();
    }
    bt2::ReadOptions options = options_;
    options.damaged_files = find_damage(paths);
    bt2_ = std::make_unique<bt2::TraceReader>(store_, options);
    return bt2_->read(sources, sink);
}

} // namespace fluxtrace::ctf
