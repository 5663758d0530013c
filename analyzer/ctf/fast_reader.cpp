// The fast reader: sources prepared and checked whole, then each source's
// streams decoded and merged by time into the record sink.
#include "fast_reader.hpp"

#include "analyzer/schema.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>

#include "../bt2/trace_dirs.hpp"
#include "../input_error.hpp"
#include "../parallel.hpp"
#include "../record_builder.hpp"
#include "stream_cursor.hpp"

namespace fluxtrace::ctf {

namespace fs = std::filesystem;

namespace {

// Saved symbols beside the data (symbolize::SymbolCache::kFileName), which
// Babeltrace2 is shown through a shadow directory (bt2/trace_layout.cpp).
constexpr const char *kSymbolFileName = "fluxtrace-symbols.json";

// A read-only private mapping of a whole file.
class MappedFile {
  public:
    explicit MappedFile(const std::string &path) {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw Unsupported("cannot open " + path);
        struct stat st {};
        if (::fstat(fd, &st) == 0 && st.st_size > 0) {
            size_ = static_cast<std::uint64_t>(st.st_size);
            void *p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) {
                data_ = static_cast<const std::uint8_t *>(p);
                ::madvise(p, size_, MADV_SEQUENTIAL);
            }
        }
        ::close(fd);
        if (size_ > 0 && !data_)
            throw Unsupported("cannot map " + path);
    }
    ~MappedFile() {
        if (data_)
            ::munmap(const_cast<std::uint8_t *>(data_), size_);
    }
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::uint8_t *data() const { return data_; }
    std::uint64_t size() const { return size_; }

  private:
    const std::uint8_t *data_ = nullptr;
    std::uint64_t size_ = 0;
};

// The data files src.ctf.fs would open in `dir`: regular, not hidden, not the
// metadata (nor saved symbols), sorted.
std::vector<std::string> data_file_names(const std::string &dir) {
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(dir)) {
        const auto name = entry.path().filename().string();
        if (entry.is_regular_file() && name != "metadata" && name.front() != '.' &&
            name != kSymbolFileName)
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

std::map<std::string, bt2::ReadOptions::Damage>
find_damage(const std::vector<std::string> &paths, unsigned jobs) {
    struct Walk {
        const TracePlan *plan;
        std::string file;
        std::optional<bt2::ReadOptions::Damage> found;
    };
    std::vector<std::unique_ptr<TracePlan>> plans;
    std::vector<Walk> walks;
    for (const auto &path : paths)
        for (const auto &dir : bt2::find_trace_dirs(path)) {
            try {
                plans.push_back(
                    std::make_unique<TracePlan>(make_trace_plan(parse_metadata(
                        read_metadata_text((fs::path(dir) / "metadata").string())))));
            } catch (const Unsupported &) {
                continue; // not understood here: nothing can be said of its data
            }
            for (const auto &name : data_file_names(dir))
                walks.push_back(
                    {plans.back().get(), (fs::path(dir) / name).string(), {}});
        }
    parallel_for(walks.size(), jobs, [&](size_t i) {
        Walk &w = walks[i];
        std::vector<Value> scratch(2 * w.plan->max_ops + 1);
        try {
            const MappedFile m(w.file);
            StreamCursor cursor(*w.plan, m.data(), m.size(), w.file);
            cursor.open();
            cursor.validate(scratch);
            if (cursor.damage().empty())
                return;
            // Cut there: the packets after a damaged one go too.
            const auto &d = cursor.damage().front();
            w.found = {d.begin,
                       d.end == m.size()
                           ? d.what
                           : "the packets from byte " + std::to_string(d.begin) + " on",
                       d.cause};
        } catch (const Unsupported &e) {
            w.found = {0, "the whole file", e.what()};
        }
    });
    std::map<std::string, bt2::ReadOptions::Damage> damage;
    for (auto &w : walks)
        if (w.found)
            damage[w.file] = std::move(*w.found);
    return damage;
}

struct FastReader::Source {
    std::string path;
    std::string host;
    std::vector<std::string> dirs;
    std::vector<std::unique_ptr<TracePlan>> plans; // one per directory
    std::vector<std::unique_ptr<MappedFile>> files;
    // By directory, then in Babeltrace2's stream order: by stream instance id.
    std::vector<std::unique_ptr<StreamCursor>> streams;
    std::vector<size_t> dir_of; // per stream
    std::vector<std::string> names;
    std::vector<LossCounts> loss; // per stream, from its check walk
    // Every data file, by directory and then by name: its stream, or the part
    // left out when it has none (no readable first packet).
    struct DataFile {
        size_t stream = SIZE_MAX;
        SkippedPart whole;
    };
    std::vector<DataFile> data_files;
    std::vector<SkippedPart> damaged; // parts of its files left out (src set on read)
    size_t max_ops = 0;
};

FastReader::FastReader(RecordStore &store, bool retain_records)
    : store_(store), retain_(retain_records) {}

FastReader::~FastReader() = default;

std::string FastReader::prepare(const std::vector<std::string> &paths) {
    return prepare(bt2::sources_of_paths(paths));
}

std::string FastReader::prepare(const std::vector<bt2::SourceSpec> &sources) {
    if (sources.size() > UINT16_MAX + 1u)
        throw InputError(sources.back().path, "too many input paths (at most 65536)");
    sources_.clear();
    for (const auto &spec : sources) {
        auto s = std::make_unique<Source>();
        s->path = spec.path;
        s->host = spec.host;
        s->dirs = spec.dirs;
        try {
            for (size_t d = 0; d < s->dirs.size(); d++)
                add_directory(*s, d);
        } catch (const Unsupported &e) {
            sources_.clear();
            refused_path_ = spec.path;
            return e.what();
        }
        sources_.push_back(std::move(s));
    }
    check_streams();
    return {};
}

void FastReader::check_streams() {
    std::vector<std::pair<Source *, size_t>> walks; // (source, stream)
    for (const auto &s : sources_) {
        s->loss.resize(s->streams.size());
        for (size_t k = 0; k < s->streams.size(); k++)
            walks.push_back({s.get(), k});
    }
    // Each walk reads its own file and writes its own stream's counts.
    parallel_for(walks.size(), jobs_, [&](size_t i) {
        Source &s = *walks[i].first;
        const size_t k = walks[i].second;
        std::vector<Value> scratch(2 * s.plans[s.dir_of[k]]->max_ops + 1);
        s.loss[k] = s.streams[k]->validate(scratch);
    });
    for (const auto &s : sources_)
        for (const auto &f : s->data_files) {
            if (f.stream == SIZE_MAX) {
                s->damaged.push_back(f.whole);
                continue;
            }
            for (const auto &d : s->streams[f.stream]->damage())
                s->damaged.push_back({0, s->names[f.stream], d.what, d.cause});
        }
}

void FastReader::add_directory(Source &s, size_t d) {
    const std::string &dir = s.dirs[d];
    s.plans.push_back(std::make_unique<TracePlan>(make_trace_plan(
        parse_metadata(read_metadata_text((fs::path(dir) / "metadata").string())))));
    const TracePlan &plan = *s.plans.back();
    // Babeltrace2 merges directories of one clock only (one host and boot).
    const TracePlan &first = *s.plans.front();
    if (plan.clock_name != first.clock_name || plan.clock_uuid != first.clock_uuid)
        throw Unsupported("trace directories of different clocks in one source");
    s.max_ops = std::max(s.max_ops, plan.max_ops);
    const std::vector<std::string> names = data_file_names(dir);
    if (names.empty())
        throw Unsupported("no data files in " + dir);
    std::vector<std::pair<std::uint64_t, size_t>> order;
    std::vector<std::unique_ptr<StreamCursor>> cursors;
    std::vector<std::string> kept; // per cursor: its file's name
    std::vector<size_t> data_file; // per cursor: its entry in s.data_files
    for (const auto &name : names) {
        const std::string file = (fs::path(dir) / name).string();
        s.files.push_back(std::make_unique<MappedFile>(file));
        const MappedFile &m = *s.files.back();
        auto cursor = std::make_unique<StreamCursor>(plan, m.data(), m.size(), file);
        cursor->release_consumed_pages();
        try {
            cursor->open();
        } catch (const Unsupported &e) {
            // Without its first packet a file names no stream: left out whole.
            s.data_files.push_back({SIZE_MAX, {0, file, "the whole file", e.what()}});
            continue;
        }
        order.push_back({cursor->instance_id(), order.size()});
        cursors.push_back(std::move(cursor));
        kept.push_back(name);
        data_file.push_back(s.data_files.size());
        s.data_files.emplace_back();
    }
    std::sort(order.begin(), order.end());
    for (size_t k = 0; k < order.size(); k++) {
        if (k > 0 && order[k].first == order[k - 1].first)
            throw Unsupported("two data files of one stream");
        // Directories of one trace uuid are one trace to Babeltrace2, which
        // would make one stream of the two files.
        for (const auto &other : s.streams)
            if (other->instance_id() == order[k].first && other->trace().has_uuid &&
                plan.has_uuid &&
                std::memcmp(other->trace().uuid_bytes, plan.uuid_bytes, 16) == 0)
                throw Unsupported("two data files of one stream");
        const size_t c = order[k].second;
        s.data_files[data_file[c]].stream = s.streams.size();
        s.streams.push_back(std::move(cursors[c]));
        s.dir_of.push_back(d);
        s.names.push_back(file_name(dir, kept[c]));
    }
}

std::uint64_t FastReader::record_count() const {
    std::uint64_t n = 0;
    for (const auto &s : sources_)
        for (const auto &cursor : s->streams)
            n += cursor->event_count();
    return n;
}

std::string FastReader::file_name(const std::string &dir, const std::string &name) {
    return (fs::path(dir) / name).string();
}

const ReadStats &FastReader::read(const RecordSink &sink) {
    for (size_t i = 0; i < sources_.size(); i++) {
        const auto src = static_cast<std::uint16_t>(stats_.sources.size());
        stats_.sources.push_back(
            {sources_[i]->path, sources_[i]->dirs, 0, 0, 0, 0, sources_[i]->host});
        for (SkippedPart part : sources_[i]->damaged) {
            part.src = src;
            stats_.skipped.push_back(std::move(part));
        }
        read_source(*sources_[i], src, sink);
    }
    return stats_;
}

void FastReader::read_source(Source &s, std::uint16_t src, const RecordSink &sink) {
    const size_t first_stream = stats_.streams.size();
    for (size_t k = 0; k < s.streams.size(); k++)
        stats_.streams.push_back({src, s.dirs[s.dir_of[k]], s.names[k], 0,
                                  s.loss[k].discarded_events,
                                  s.loss[k].discarded_packets});

    std::uint64_t events = 0, foreign_events = 0;
    std::set<std::string> foreign_names;
    std::string last_procname;
    StrId last_procname_id = StringPool::kEmpty;
    std::vector<Value> values(2 * s.max_ops + 1);
    SourceStats &source = stats_.sources[src];

    const auto deliver = [&](size_t k) {
        StreamCursor &c = *s.streams[k];
        const StreamPlan &sp = c.stream();
        const EventPlan &ep = sp.events[c.event_id()];
        const auto mark = store_.mark();
        if (!ep.cls)
            ep.cls = &store_.intern_class(ep.name, ep.payload.specs());
        Value *ctx = values.data();
        Value *payload = values.data() + sp.context.ops().size();
        c.body(ctx, payload);
        RecordBuilder b(store_, *ep.cls, ep.payload.var_size(payload));
        ep.payload.build(b, c.packet_base(), payload);
        const std::int32_t vpid =
            sp.vpid >= 0 ? static_cast<std::int32_t>(ctx[sp.vpid].bits) : -1;
        const std::int32_t vtid =
            sp.vtid >= 0 ? static_cast<std::int32_t>(ctx[sp.vtid].bits) : -1;
        StrId procname = StringPool::kEmpty;
        if (sp.procname >= 0) {
            const std::string_view name(
                reinterpret_cast<const char *>(ctx[sp.procname].p), ctx[sp.procname].n);
            if (name != last_procname) {
                last_procname.assign(name);
                last_procname_id = store_.strings().intern(name);
            }
            procname = last_procname_id;
        }
        std::uint64_t ts;
        if (!c.trace().ns_from_origin(c.clock(), ts))
            ts = c.clock();
        const Record r = b.finish(ts, vpid, vtid, procname, src);

        // As bt2's SourceReader::deliver.
        events++;
        stats_.streams[first_stream + k].records++;
        if (source.records == 0)
            source.first_ts_ns = r.ts_ns();
        source.records++;
        source.last_ts_ns = r.ts_ns();
        if (r.is_fluxtrace()) {
            source.fluxtrace_records++;
            if (r.kind() == EventKind::Process)
                check_process(s.path, r);
        } else {
            foreign_events++;
            if (foreign_names.size() < 4)
                foreign_names.emplace(r.name());
        }
        sink(r);
        if (!retain_)
            store_.rewind(mark);
    };

    // The muxer: the oldest event first; at equal times the stream with the
    // smaller id (Babeltrace2's common_muxing_compare_messages).  Several
    // directories (one per uid, or per process with per-pid buffers, all on
    // one clock) are merged by nanoseconds from the origin, and equal times
    // ordered as that function does: by trace uuid, then stream class and
    // stream id (src.ctf.fs merges directories of one uuid into one trace).
    const bool several = s.plans.size() > 1;
    const auto time_of = [&](size_t k) {
        const StreamCursor &c = *s.streams[k];
        std::uint64_t ns;
        return several && c.trace().ns_from_origin(c.clock(), ns) ? ns : c.clock();
    };
    const auto tie = [&](size_t a, size_t b) { // a after b, at equal times
        if (!several)
            return a > b;
        const StreamCursor &x = *s.streams[a], &y = *s.streams[b];
        const TracePlan &tx = x.trace(), &ty = y.trace();
        if (tx.has_uuid != ty.has_uuid)
            return ty.has_uuid; // traces with a uuid first
        if (tx.has_uuid)
            if (const int c = std::memcmp(tx.uuid_bytes, ty.uuid_bytes, 16); c != 0)
                return c > 0;
        if (x.stream().id != y.stream().id)
            return x.stream().id > y.stream().id;
        if (x.instance_id() != y.instance_id())
            return x.instance_id() > y.instance_id();
        return a > b;
    };
    const auto later = [&](size_t a, size_t b) {
        const auto ca = time_of(a), cb = time_of(b);
        return ca != cb ? ca > cb : tie(a, b);
    };
    std::vector<size_t> heap;
    for (size_t k = 0; k < s.streams.size(); k++)
        if (s.streams[k]->next())
            heap.push_back(k);
    std::make_heap(heap.begin(), heap.end(), later);
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end(), later);
        const size_t k = heap.back();
        heap.pop_back();
        // Stay on this stream while it holds the oldest event.
        for (;;) {
            deliver(k);
            if (!s.streams[k]->next())
                break;
            if (!heap.empty() && later(k, heap.front())) {
                heap.push_back(k);
                std::push_heap(heap.begin(), heap.end(), later);
                break;
            }
        }
    }

    if (events == 0)
        throw InputError(s.path, "no events in the trace");
    if (events == foreign_events) {
        std::string names;
        for (const auto &n : foreign_names)
            names += (names.empty() ? "" : ", ") + n;
        throw InputError(s.path, "no fluxtrace records (" + std::to_string(events) +
                                     " records of other providers: " + names + ")");
    }
}

void FastReader::check_process(const std::string &path, const Record &r) {
    const int i = r.event_class().index_of(field::process::format_version);
    if (i < 0)
        throw InputError(path, "`process` record without a format_version field");
    const auto version = r.u64_at(static_cast<size_t>(i));
    if (!readable_format_version(version))
        throw InputError(path, "fluxtrace format_version " + std::to_string(version) +
                                   " (vpid " + std::to_string(r.vpid()) +
                                   "); this analyzer reads versions " +
                                   std::to_string(kOldestFormatVersion) + " to " +
                                   std::to_string(kFluxtraceFormatVersion));
}

} // namespace fluxtrace::ctf
