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
    return read(sources_of_paths(paths), sink);
}

const ReadStats &TraceReader::read(const std::vector<SourceSpec> &sources,
                                   const RecordSink &sink) {
    auto &stats = impl_->stats;
    if (!sources.empty() && stats.sources.size() + sources.size() > UINT16_MAX + 1u)
        throw InputError(sources.back().path, "too many input paths (at most 65536)");
    const SourceContext ctx{
        impl_->store, impl_->options.retain_records, impl_->ctf, impl_->utils, sink,
        stats,        impl_->options.damaged_files};
    for (const auto &s : sources) {
        const auto src = static_cast<std::uint16_t>(stats.sources.size());
        stats.sources.push_back({s.path, s.dirs, 0, 0, 0, 0, s.host});
        read_source(ctx, src, s.path, s.dirs);
    }
    return stats;
}

} // namespace fluxtrace::bt2
