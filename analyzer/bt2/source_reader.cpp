#include "source_reader.hpp"

#include "analyzer/schema.hpp"

#include <exception>
#include <filesystem>
#include <optional>
#include <set>
#include <unordered_map>

#include "../input_error.hpp"
#include "error.hpp"
#include "event_decoder.hpp"
#include "graph.hpp"
#include "trace_layout.hpp"

namespace fluxtrace::bt2 {

namespace {

// Messages of one stream file already handed over, counted from the start of
// the part of the file being read.
struct Progress {
    std::uint64_t events = 0;
    std::uint64_t discarded_events = 0;
    std::uint64_t discarded_packets = 0;
    std::uint64_t last_ts = 0;
    bool any = false;
};

// The same, seen during the current run (skipped or handed over).
struct Seen {
    std::uint64_t events = 0;
    std::uint64_t discarded_events = 0;
    std::uint64_t discarded_packets = 0;
    std::uint64_t packets = 0;
};

struct Slot {
    size_t stats; // in ReadStats::streams, which grows
    Progress *progress;
    Seen *seen;
};

// src.ctf.fs names streams by absolute path; inputs are named as given.
std::string normal_dir(const std::string &dir) {
    return std::filesystem::absolute(dir).lexically_normal().string();
}

std::string component_name(size_t layout, int file) {
    return "src" + std::to_string(layout) + (file < 0 ? "" : "-" + std::to_string(file));
}

// The base name of the data file src.ctf.fs could not index, when that is why
// it failed.
std::optional<std::string> unindexable_stream_file(const Error &error) {
    static const std::string kPrefix = "Failed to index CTF stream file '";
    for (const auto &c : error.causes()) {
        const auto at = c.message.find(kPrefix);
        if (at == std::string::npos)
            continue;
        const auto start = at + kPrefix.size();
        const auto end = c.message.find('\'', start);
        if (end != std::string::npos)
            return std::filesystem::path(c.message.substr(start, end - start))
                .filename()
                .string();
    }
    return std::nullopt;
}

class SourceReader {
  public:
    SourceReader(const SourceContext &ctx, std::uint16_t src, const std::string &path,
                 const std::vector<std::string> &dirs)
        : ctx_(ctx), src_(src), path_(path), decoder_(ctx.store) {
        for (const auto &d : dirs) {
            layouts_.emplace_back(d);
            for (auto &f : layouts_.back().files()) {
                auto it = ctx.damaged_files.find(f.path);
                if (it == ctx.damaged_files.end())
                    continue;
                f.end = std::min(f.end, it->second.offset);
                f.excluded = f.begin >= f.end;
                skip(f.path, it->second.what, it->second.cause);
            }
        }
    }

    void read();

  private:
    bool build_and_run();
    void on_init_failure(size_t layout, const Error &e);
    bool on_run_failure(const Error &e);
    void skip(const std::string &file, const std::string &what,
              const std::string &cause) {
        ctx_.stats.skipped.push_back({src_, file, what, cause});
    }

    static bt_graph_simple_sink_component_consume_func_status
    consume(bt_message_iterator *iterator, void *data);
    void handle(const bt_message *msg);
    Slot &slot(const bt_stream *s);
    void deliver(const bt_message *msg, Slot &slot);
    void check_process(const Record &r) const;

    const SourceContext &ctx_;
    std::uint16_t src_;
    const std::string &path_;
    EventDecoder decoder_;
    std::vector<TraceLayout> layouts_;

    // Directory given to a component -> (layout, file or -1), for this run.
    std::unordered_map<std::string, std::pair<size_t, int>> part_of_dir_;
    // Keyed by the original path of the stream file.
    std::unordered_map<std::string, Progress> progress_;
    std::unordered_map<std::string, size_t> stream_stats_;
    // This run only.
    std::unordered_map<std::string, Seen> seen_;
    std::unordered_map<const bt_stream *, Slot> slots_;
    std::exception_ptr failure_;

    std::uint64_t events_ = 0;
    std::uint64_t foreign_events_ = 0;
    std::set<std::string> foreign_names_;
    std::uint64_t last_ts_ = 0;
};

void SourceReader::read() {
    // Each failed run either cuts data or splits a directory, so this ends;
    // the bound only guards against a decoder that fails without progress.
    size_t bound = 8;
    for (auto &l : layouts_)
        bound += 2 * l.files().size() + 2;
    bool done = false;
    for (size_t attempt = 0; !done; attempt++) {
        if (attempt > bound) {
            skip(path_, "its records after ts " + std::to_string(last_ts_),
                 "too many decoding errors");
            break;
        }
        done = build_and_run();
    }

    if (events_ == 0)
        throw InputError(path_, ctx_.stats.skipped.empty()
                                    ? "no events in the trace"
                                    : "no readable events in the trace (" +
                                          ctx_.stats.skipped.back().cause + ")");
    if (events_ == foreign_events_) {
        std::string names;
        for (const auto &n : foreign_names_)
            names += (names.empty() ? "" : ", ") + n;
        throw InputError(path_, "no fluxtrace records (" + std::to_string(events_) +
                                    " records of other providers: " + names + ")");
    }
}

// One graph over the layouts as they are now; false when it must be built again.
bool SourceReader::build_and_run() {
    decoder_.forget_classes(); // the last graph's classes are gone with it
    Graph graph;
    const auto *muxer = graph.add_filter(ctx_.utils.filter_class("muxer"), "muxer");
    part_of_dir_.clear();
    bool any = false;
    for (size_t i = 0; i < layouts_.size(); i++) {
        TraceLayout &layout = layouts_[i];
        if (layout.skipped)
            continue;
        for (const auto &part : layout.parts()) {
            MapValue params;
            params.insert("inputs", std::vector<std::string>{part.dir});
            try {
                graph.connect_all(graph.add_source(ctx_.ctf.source_class("fs"),
                                                   component_name(i, part.file), params),
                                  muxer);
            } catch (const Error &e) {
                // The graph is unusable after a component failed to initialise.
                on_init_failure(i, e);
                return false;
            }
            part_of_dir_[normal_dir(part.dir)] = {i, part.file};
            any = true;
        }
    }
    if (!any)
        throw InputError(path_, "unreadable trace: " + ctx_.stats.skipped.back().cause);

    const auto *sink = graph.add_simple_sink("sink", &SourceReader::consume, this);
    graph.connect(bt_component_filter_borrow_output_port_by_index_const(muxer, 0),
                  bt_component_sink_borrow_input_port_by_index_const(sink, 0));
    seen_.clear();
    slots_.clear();
    try {
        graph.run();
    } catch (const Error &e) {
        if (failure_)
            std::rethrow_exception(failure_);
        return !on_run_failure(e);
    }
    return true;
}

void SourceReader::on_init_failure(size_t i, const Error &e) {
    TraceLayout &layout = layouts_[i];
    const auto name = unindexable_stream_file(e);
    TraceLayout::DataFile *f = name ? layout.find(*name) : nullptr;
    if (!f || f->excluded) {
        layout.skipped = true;
        skip(layout.dir(), "the whole trace", e.root_cause());
        return;
    }
    // The file ends inside a packet: keep the complete packets before it.
    std::uint64_t end = f->begin, complete = 0;
    std::uint64_t next_size = 0;
    for (const auto &p : layout.packets(*f)) {
        if (p.offset < f->begin)
            continue;
        if (p.offset != end || p.offset + p.size > f->end) {
            next_size = p.offset == end ? p.size : 0;
            break;
        }
        end += p.size;
        complete++;
    }
    const std::string reason =
        next_size > 0 ? "it ends inside packet " + std::to_string(complete + 1) + " (" +
                            std::to_string(f->end - end) + " of its " +
                            std::to_string(next_size) + " bytes present)"
                      : e.root_cause();
    if (complete == 0 || end == f->end) {
        f->excluded = true;
        skip(f->path,
             f->begin == 0 ? "the whole stream file" : "the rest of the stream file",
             reason);
        return;
    }
    skip(f->path,
         "the last " + std::to_string(f->end - end) + " bytes (after " +
             std::to_string(complete) + " complete packet" + (complete == 1 ? ")" : "s)"),
         reason);
    f->end = end;
}

// True when another run may read more.
bool SourceReader::on_run_failure(const Error &e) {
    for (size_t i = 0; i < layouts_.size(); i++) {
        TraceLayout &layout = layouts_[i];
        if (layout.skipped)
            continue;
        if (!layout.split()) {
            if (e.involves(component_name(i, -1))) {
                layout.set_split(); // to learn which file it was
                return true;
            }
            continue;
        }
        for (size_t k = 0; k < layout.files().size(); k++) {
            TraceLayout::DataFile &f = layout.files()[k];
            if (f.excluded || !e.involves(component_name(i, static_cast<int>(k))))
                continue;
            Progress &progress = progress_[f.path];
            const std::string after =
                progress.any ? "after ts " + std::to_string(progress.last_ts) : "";
            // The packet it stopped in: the last one begun this run.
            const std::uint64_t begun = seen_[f.path].packets;
            std::vector<Packet> range;
            for (const auto &p : layout.packets(f))
                if (p.offset >= f.begin && p.offset + p.size <= f.end)
                    range.push_back(p);
            const std::uint64_t bad = begun > 0 ? begun - 1 : 0;
            if (bad >= range.size()) {
                f.excluded = true;
                skip(f.path,
                     "its records " + (after.empty() ? std::string("(all)") : after),
                     e.root_cause());
                return true;
            }
            skip(f.path,
                 "the packet at bytes " + std::to_string(range[bad].offset) + ".." +
                     std::to_string(range[bad].offset + range[bad].size) +
                     (after.empty() ? "" : " (its records " + after + ")"),
                 e.root_cause());
            f.begin = range[bad].offset + range[bad].size;
            f.excluded = f.begin >= f.end;
            progress = {};
            return true;
        }
    }
    // Not one file's fault (the muxer, say): what came before stands.
    skip(path_, "its records after ts " + std::to_string(last_ts_), e.root_cause());
    return false;
}

bt_graph_simple_sink_component_consume_func_status
SourceReader::consume(bt_message_iterator *iterator, void *data) {
    auto &reader = *static_cast<SourceReader *>(data);
    bt_message_array_const msgs;
    std::uint64_t count = 0;
    switch (bt_message_iterator_next(iterator, &msgs, &count)) {
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_OK:
        break;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_END:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_END;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_AGAIN:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_AGAIN;
    case BT_MESSAGE_ITERATOR_NEXT_STATUS_MEMORY_ERROR:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_MEMORY_ERROR;
    default:
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    std::uint64_t i = 0;
    try {
        for (; i < count; i++) {
            reader.handle(msgs[i]);
            bt_message_put_ref(msgs[i]);
        }
    } catch (...) {
        // Exceptions must not cross the C library: kept for after the run.
        reader.failure_ = std::current_exception();
        for (; i < count; i++)
            bt_message_put_ref(msgs[i]);
        return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_ERROR;
    }
    return BT_GRAPH_SIMPLE_SINK_COMPONENT_CONSUME_FUNC_STATUS_OK;
}

Slot &SourceReader::slot(const bt_stream *s) {
    if (const auto it = slots_.find(s); it != slots_.end())
        return it->second;
    // src.ctf.fs names a stream after its data file; map a shadow's back.
    std::string key;
    std::string trace_dir;
    const char *name = bt_stream_get_name(s);
    if (name && *name) {
        const std::filesystem::path p(name);
        key = name;
        trace_dir = p.parent_path().string();
        if (const auto part = part_of_dir_.find(normal_dir(trace_dir));
            part != part_of_dir_.end()) {
            trace_dir = layouts_[part->second.first].dir();
            key = (std::filesystem::path(trace_dir) / p.filename()).string();
        }
    } else {
        key = "stream " + std::to_string(bt_stream_get_id(s)) + " of trace " +
              std::to_string(slots_.size());
    }
    auto stats = stream_stats_.find(key);
    if (stats == stream_stats_.end()) {
        ctx_.stats.streams.push_back({src_, trace_dir, key, 0, 0, 0});
        stats = stream_stats_.emplace(key, ctx_.stats.streams.size() - 1).first;
    }
    return slots_.emplace(s, Slot{stats->second, &progress_[key], &seen_[key]})
        .first->second;
}

void SourceReader::handle(const bt_message *msg) {
    switch (bt_message_get_type(msg)) {
    case BT_MESSAGE_TYPE_EVENT: {
        Slot &s =
            slot(bt_event_borrow_stream_const(bt_message_event_borrow_event_const(msg)));
        // Handed over by an earlier run of this graph.
        if (s.seen->events++ < s.progress->events)
            return;
        s.progress->events++;
        deliver(msg, s);
        break;
    }
    case BT_MESSAGE_TYPE_STREAM_BEGINNING:
        slot(bt_message_stream_beginning_borrow_stream_const(msg));
        break;
    case BT_MESSAGE_TYPE_PACKET_BEGINNING:
        slot(bt_packet_borrow_stream_const(
                 bt_message_packet_beginning_borrow_packet_const(msg)))
            .seen->packets++;
        break;
    case BT_MESSAGE_TYPE_DISCARDED_EVENTS: {
        Slot &s = slot(bt_message_discarded_events_borrow_stream_const(msg));
        if (s.seen->discarded_events++ < s.progress->discarded_events)
            return;
        s.progress->discarded_events++;
        std::uint64_t n = 1; // at least one when the trace does not say how many
        bt_message_discarded_events_get_count(msg, &n);
        ctx_.stats.streams[s.stats].discarded_events += n;
        break;
    }
    case BT_MESSAGE_TYPE_DISCARDED_PACKETS: {
        Slot &s = slot(bt_message_discarded_packets_borrow_stream_const(msg));
        if (s.seen->discarded_packets++ < s.progress->discarded_packets)
            return;
        s.progress->discarded_packets++;
        std::uint64_t n = 1;
        bt_message_discarded_packets_get_count(msg, &n);
        ctx_.stats.streams[s.stats].discarded_packets += n;
        break;
    }
    default:
        break;
    }
}

void SourceReader::deliver(const bt_message *msg, Slot &s) {
    const auto mark = ctx_.store.mark();
    const Record r = decoder_.decode(msg, src_);
    events_++;
    ctx_.stats.streams[s.stats].records++;
    s.progress->last_ts = r.ts_ns();
    s.progress->any = true;
    SourceStats &source = ctx_.stats.sources[src_];
    if (source.records == 0)
        source.first_ts_ns = r.ts_ns();
    source.records++;
    source.last_ts_ns = r.ts_ns();
    last_ts_ = r.ts_ns();
    if (r.is_fluxtrace()) {
        source.fluxtrace_records++;
        if (r.kind() == EventKind::Process)
            check_process(r);
    } else {
        foreign_events_++;
        if (foreign_names_.size() < 4)
            foreign_names_.emplace(r.name());
    }
    ctx_.sink(r);
    if (!ctx_.retain_records)
        ctx_.store.rewind(mark);
}

void SourceReader::check_process(const Record &r) const {
    const int i = r.event_class().index_of(field::process::format_version);
    if (i < 0)
        throw InputError(path_, "`process` record without a format_version field");
    const auto version = r.u64_at(static_cast<size_t>(i));
    if (!readable_format_version(version))
        throw InputError(path_, "fluxtrace format_version " + std::to_string(version) +
                                    " (vpid " + std::to_string(r.vpid()) +
                                    "); this analyzer reads versions " +
                                    std::to_string(kOldestFormatVersion) + " to " +
                                    std::to_string(kFluxtraceFormatVersion));
}

} // namespace

void read_source(const SourceContext &ctx, std::uint16_t src, const std::string &path,
                 const std::vector<std::string> &trace_dirs) {
    SourceReader(ctx, src, path, trace_dirs).read();
}

} // namespace fluxtrace::bt2
