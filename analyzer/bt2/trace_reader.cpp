#include "trace_reader.hpp"

#include "../input_error.hpp"
#include "plugin.hpp"
#include "source_reader.hpp"
#include "trace_dirs.hpp"

namespace fluxtrace::bt2 {

struct TraceReader::Impl {
    Impl(RecordStore &s, ReadOptions o)
        : store(s), options(o), ctf(Plugin::find("ctf")), utils(Plugin::find("utils")) {}

    RecordStore &store;
    ReadOptions options;
    Plugin ctf;
    Plugin utils;
    ReadStats stats;
};

TraceReader::TraceReader(RecordStore &store, ReadOptions options)
    : impl_(std::make_unique<Impl>(store, options)) {}

TraceReader::~TraceReader() = default;

const ReadStats &TraceReader::stats() const {
    return impl_->stats;
}

const ReadStats &TraceReader::read(const std::vector<std::string> &paths,
                                   const RecordSink &sink) {
    auto &stats = impl_->stats;
    if (stats.sources.size() + paths.size() > UINT16_MAX + 1u)
        throw InputError(paths.back(), "too many input paths (at most 65536)");
    std::vector<std::vector<std::string>> dirs;
    for (const auto &p : paths)
        dirs.push_back(find_trace_dirs(p));
    const SourceContext ctx{
        impl_->store, impl_->options.retain_records, impl_->ctf, impl_->utils, sink,
        stats,        impl_->options.damaged_files};
    for (size_t i = 0; i < paths.size(); i++) {
        const auto src = static_cast<std::uint16_t>(stats.sources.size());
        stats.sources.push_back({paths[i], dirs[i], 0, 0, 0, 0});
        read_source(ctx, src, paths[i], dirs[i]);
    }
    return stats;
}

} // namespace fluxtrace::bt2
