#include "timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unordered_map>
#include <utility>

#include "analyzer/schema.hpp"
#include "names.hpp"
#include "trace_event_writer.hpp"
#include "track.hpp"

namespace fluxtrace::timeline {

namespace {

using hb::ProcessId;
using hb::RecordId;
using hb::ThreadId;

// How long a marker lasts unless the next slice starts sooner: long enough
// to click in a viewer, short against the callbacks around it.
constexpr std::uint64_t kMarkerNs = 1000;
// --around N: context shown before the finding's first side and after its
// last (at least; a longer wait or callback widens it to its duration).
constexpr std::uint64_t kAroundMarginNs = 10'000'000;

// What a slice stands for (Slice::kind); its record says which.
enum class SliceKind : std::uint8_t {
    Callback,   // record: its cb_begin
    Wait,       // record: the future_wait or kvs_version
    ReactorRun, // record: its entry (or its return, when entered before the trace)
    Busy,       // record: the loop record
    Marker,     // record: where arrows leave or arrive
};

// A slice's words, made when it is written.
struct Look {
    const char *cat;
    std::string name;
    Args args;
};

// One value of a counter track, from ts_ns on.
struct Sample {
    std::uint64_t ts_ns;
    double value;
};

// A finding's side placed on a thread.
struct SideRef {
    std::uint32_t finding;
    std::uint32_t side;
};

std::uint64_t first_ts(const std::vector<Record> &records) {
    if (records.empty())
        return 0;
    std::uint64_t t = records.front().ts_ns();
    for (const Record &r : records)
        t = std::min(t, r.ts_ns());
    return t;
}

// The window --window or --around asks for, in absolute ns.
Window absolute_window(const TimelineOptions &o, std::uint64_t origin,
                       const std::vector<report::Finding> &findings) {
    Window w;
    if (!o.window.empty()) {
        w = parse_window(o.window);
        if (w.start_ns)
            *w.start_ns += origin;
        if (w.end_ns)
            *w.end_ns += origin;
    } else if (o.around_given()) {
        const auto n = static_cast<std::uint64_t>(o.around);
        if (n < 1 || n > findings.size())
            throw Error(fmt::format("--around {}: no such finding (the report has {}; "
                                    "N counts from 1, in report order)",
                                    o.around, findings.size()));
        const report::Finding &f = findings[n - 1];
        std::uint64_t lo = UINT64_MAX, hi = 0;
        for (const auto &s : f.sides)
            if (s.anchor.valid) {
                lo = std::min(lo, s.anchor.ts_ns);
                hi = std::max(hi, s.anchor.ts_ns);
            }
        if (lo > hi)
            throw Error(fmt::format("--around {}: the finding has no side in the trace",
                                    o.around));
        const std::uint64_t margin = std::max(kAroundMarginNs, f.duration_ns);
        w.start_ns = lo > origin + margin ? lo - margin : origin;
        w.end_ns = hi + margin;
    }
    return w;
}

std::string window_text(const Window &w, std::uint64_t origin) {
    const auto side = [&](const std::optional<std::uint64_t> &t) {
        return t ? fmt::format("{:.9f}", (*t - std::min(*t, origin)) / 1e9)
                 : std::string();
    };
    return side(w.start_ns) + ":" + side(w.end_ns);
}

class Timeline {
  public:
    Timeline(TraceEventWriter &out, const report::Describer &d,
             const std::vector<report::Finding> &findings,
             const std::vector<std::string> &sources, std::uint64_t origin, Window window)
        : out_(out), d_(d), m_(d.model()), records_(m_.records()), procs_(m_.processes()),
          findings_(findings), sources_(sources), origin_(origin), window_(window) {}

    void write() {
        index_edges();
        index_findings();
        index_requests();
        named_process_.assign(procs_.processes.size(), false);
        for (ThreadId t = 0; t < procs_.threads.size(); t++)
            write_thread(t);
    }

  private:
    // Small stable ids: a process image's index, and a thread's after every
    // process's, so that no tid is also a pid (viewers key threads by tid).
    std::uint32_t pid(ProcessId p) const { return p + 1; }
    std::uint32_t tid(ThreadId t) const {
        return static_cast<std::uint32_t>(procs_.processes.size()) + 1 + t;
    }
    std::uint64_t ts(RecordId r) const { return records_[r].ts_ns(); }

    // Each edge under the threads of both its ends.
    void index_edges() {
        const auto &edges = m_.relation().edges();
        edges_by_thread_.assign(procs_.threads.size(), {});
        for (std::uint32_t i = 0; i < edges.size(); i++) {
            const ThreadId from = procs_.thread_of[edges[i].from];
            const ThreadId to = procs_.thread_of[edges[i].to];
            edges_by_thread_[from].push_back(i);
            if (to != from)
                edges_by_thread_[to].push_back(i);
        }
    }

    // Each side under its thread, and the ids of each finding's arrows: after
    // the edges', one per pair of consecutive sides.
    void index_findings() {
        sides_by_thread_.assign(procs_.threads.size(), {});
        std::uint64_t next = m_.relation().edges().size() + 1;
        for (std::uint32_t f = 0; f < findings_.size(); f++) {
            first_flow_.push_back(next);
            const auto &sides = findings_[f].sides;
            next += sides.empty() ? 0 : sides.size() - 1;
            for (std::uint32_t s = 0; s < sides.size(); s++)
                if (sides[s].anchor.valid &&
                    sides[s].anchor.thread < procs_.threads.size())
                    sides_by_thread_[sides[s].anchor.thread].push_back({f, s});
        }
    }

    // Requests in service on the server's thread: from its receipt of the
    // request to its last response (requests never answered in the trace are
    // left out: they would never leave the count).
    void index_requests() {
        requests_by_thread_.assign(procs_.threads.size(), {});
        for (const hb::Message &msg : m_.messages().messages) {
            if (msg.server_recv == hb::kNoRecord)
                continue;
            std::uint64_t answered = 0;
            for (const auto &resp : msg.responses)
                if (resp.server_send != hb::kNoRecord)
                    answered = std::max(answered, ts(resp.server_send));
            if (answered < ts(msg.server_recv))
                continue;
            auto &list = requests_by_thread_[procs_.thread_of[msg.server_recv]];
            list.push_back({ts(msg.server_recv), +1});
            list.push_back({answered, -1});
        }
    }

    std::string thread_label(ThreadId t) const {
        const hb::Thread &th = procs_.threads[t];
        return fmt::format("{} tid {}", d_.thread_role(th.records.front()), th.vtid);
    }

    std::string process_label(ProcessId p, RecordId any) const {
        const hb::Process &proc = procs_.processes[p];
        std::string name =
            fmt::format("{} ({}) pid {}", d_.process_role(any), d_.exe(any), proc.vpid);
        if (sources_.size() > 1 && proc.src < sources_.size())
            name += fmt::format(" [{}]", sources_[proc.src]);
        return name;
    }

    // Names the track (and its process) before its first event.
    void name_track(ThreadId t) {
        if (named_thread_)
            return;
        named_thread_ = true;
        const hb::Thread &th = procs_.threads[t];
        if (!named_process_[th.process]) {
            named_process_[th.process] = true;
            out_.process_name(pid(th.process),
                              process_label(th.process, th.records.front()));
        }
        out_.thread_name(pid(th.process), tid(t), thread_label(t));
    }

    void write_thread(ThreadId t) {
        const hb::Thread &th = procs_.threads[t];
        if (th.records.empty())
            return;
        named_thread_ = false;
        std::vector<Sample> busy;
        std::vector<Slice> slices = thread_slices(t, busy);
        nest(slices);
        write_slices(t, slices);
        write_sides(t);
        write_counter(t, "reactor busy", "fraction", busy);
        write_counter(t, "requests in service", "requests", requests_in_service(t));
    }

    std::vector<Slice> thread_slices(ThreadId t, std::vector<Sample> &busy) {
        const hb::Thread &th = procs_.threads[t];
        const std::uint64_t last = ts(th.records.back());
        std::vector<Slice> slices;
        std::vector<RecordId> runs; // reactor runs entered, not yet returned
        std::uint64_t prev_loop = 0;
        for (const RecordId r : th.records) {
            const Record &rec = records_[r];
            switch (rec.kind()) {
            case EventKind::CbBegin:
                add_callback(r, last, slices);
                break;
            case EventKind::FutureWait:
                if (rec.u64(field::future_wait::was_ready) == 0)
                    add_wait(r, rec.u64(field::future_wait::blocked_ns), slices);
                break;
            case EventKind::KvsVersion:
                add_wait(r, rec.u64(field::kvs_version::blocked_ns), slices);
                break;
            case EventKind::ReactorRun:
                if (rec.u64(field::reactor_run::end) == 0) {
                    runs.push_back(r);
                    break;
                }
                add_reactor_run(runs.empty() ? hb::kNoRecord : runs.back(), r, slices);
                if (!runs.empty())
                    runs.pop_back();
                // The outermost run is over: the last iteration's share is unknown.
                if (prev_loop != 0 && rec.u64(field::reactor_run::depth) <= 1) {
                    busy.push_back({ts(r), 0});
                    prev_loop = 0;
                }
                break;
            case EventKind::Loop:
                add_loop(r, prev_loop, slices, busy);
                prev_loop = ts(r);
                break;
            default:
                break;
            }
        }
        // Runs the trace ends in.
        for (const RecordId entry : runs)
            add_run_slice(entry, ts(entry), last, slices);
        add_markers(t, slices);
        return slices;
    }

    static Slice slice(SliceKind kind, RecordId r, std::uint64_t start, std::uint64_t end,
                       bool loose = false) {
        Slice s;
        s.kind = static_cast<std::uint8_t>(kind);
        s.record = r;
        s.start_ns = start;
        s.end_ns = end;
        s.loose_start = loose;
        return s;
    }

    // A slice's name (what it serves) and args, from its record.
    Look describe(const Slice &s) const {
        const Record &rec = records_[s.record];
        switch (static_cast<SliceKind>(s.kind)) {
        case SliceKind::Callback: {
            const hb::Callback &cb = *m_.callback_of(s.record);
            Look look{"callback", callback_name(m_, cb), {}};
            look.args.add("kind", hb::callback_kind_name(cb.kind));
            look.args.add("function", d_.function_at(s.record, cb.fn));
            if (cb.end == hb::kNoRecord)
                look.args.add("end", "not recorded");
            return look;
        }
        case SliceKind::Wait: {
            Look look{"wait", "wait " + waited_for(m_, s.record), {}};
            look.args.add("call", wait_call(rec));
            look.args.add("blocked_ns", rec.i64(rec.kind() == EventKind::KvsVersion
                                                    ? field::kvs_version::blocked_ns
                                                    : field::future_wait::blocked_ns));
            if (m_.callback_of(s.record))
                look.args.add("inside", "a callback: the reactor is blocked");
            return look;
        }
        case SliceKind::ReactorRun: {
            const std::int64_t depth = rec.i64(field::reactor_run::depth);
            // A nested run is the private reactor of a future wait_for.
            Look look{"reactor", depth > 1 ? "reactor run (nested)" : "reactor run", {}};
            look.args.add("depth", depth);
            look.args.add("flags", rec.i64(field::reactor_run::flags));
            return look;
        }
        case SliceKind::Busy: {
            Look look{"reactor", "reactor busy", {}};
            look.args.add("busy_ns", rec.i64(field::loop::busy_ns));
            return look;
        }
        case SliceKind::Marker:
            break;
        }
        return {"marker", marker_name(m_, s.record), {}};
    }

    // An arrow's end, named by the edge or the finding it stands for.
    void write_flow(const FlowEnd &f, std::uint32_t p, std::uint32_t t,
                    std::uint64_t at) {
        const auto &edges = m_.relation().edges();
        if (f.source < edges.size()) {
            out_.flow(f.start, p, t, at, f.id, "hb", flow_name(m_, edges[f.source]));
            return;
        }
        const std::uint32_t n = f.source - static_cast<std::uint32_t>(edges.size());
        out_.flow(f.start, p, t, at, f.id, "finding",
                  fmt::format("finding {}: {}", n + 1, findings_[n].rule));
    }

    std::uint64_t loose_start(std::uint64_t end, std::uint64_t duration) const {
        return end > origin_ + duration ? end - duration : origin_;
    }

    void add_callback(RecordId r, std::uint64_t last, std::vector<Slice> &slices) {
        const hb::Callback *cb = m_.callback_of(r);
        if (!cb || cb->begin != r)
            return;
        // A callback the trace ends in (or whose end was lost) lasts to the end.
        slices.push_back(slice(SliceKind::Callback, r, ts(r),
                               cb->end != hb::kNoRecord ? ts(cb->end) : last));
    }

    void add_wait(RecordId r, std::uint64_t blocked_ns, std::vector<Slice> &slices) {
        if (blocked_ns == 0)
            return;
        // The record is written as the wait returns: it started blocked_ns before.
        slices.push_back(
            slice(SliceKind::Wait, r, loose_start(ts(r), blocked_ns), ts(r), true));
    }

    void add_reactor_run(RecordId entry, RecordId ret, std::vector<Slice> &slices) {
        if (entry != hb::kNoRecord) {
            add_run_slice(entry, ts(entry), ts(ret), slices);
            return;
        }
        // Entered before the trace began: its duration says when.
        const std::uint64_t duration = records_[ret].u64(field::reactor_run::duration_ns);
        add_run_slice(ret, loose_start(ts(ret), duration), ts(ret), slices);
        slices.back().loose_start = true;
    }

    void add_run_slice(RecordId r, std::uint64_t start, std::uint64_t end,
                       std::vector<Slice> &slices) {
        slices.push_back(slice(SliceKind::ReactorRun, r, start, end));
    }

    // One loop iteration's busy part, and the busy fraction of the time since
    // the previous loop record (one iteration, or from format 3 on also the
    // iterations without callbacks it counts), shown from its start.
    void add_loop(RecordId r, std::uint64_t prev_loop, std::vector<Slice> &slices,
                  std::vector<Sample> &busy) {
        const Record &rec = records_[r];
        const std::uint64_t busy_ns = rec.u64(field::loop::busy_ns);
        const std::uint64_t idle_busy_ns =
            rec.has(field::loop::idle_busy_ns) ? rec.u64(field::loop::idle_busy_ns) : 0;
        if (busy_ns > 0)
            slices.push_back(
                slice(SliceKind::Busy, r, loose_start(ts(r), busy_ns), ts(r), true));
        if (prev_loop != 0 && ts(r) > prev_loop)
            busy.push_back(
                {prev_loop, std::min(1.0, static_cast<double>(busy_ns + idle_busy_ns) /
                                              static_cast<double>(ts(r) - prev_loop))});
    }

    // Markers where arrows leave or reach this thread: one per record, holding
    // all its arrows.
    void add_markers(ThreadId t, std::vector<Slice> &slices) {
        std::unordered_map<RecordId, size_t> marker;
        const auto marker_at = [&](RecordId r) -> Slice & {
            const auto [it, fresh] = marker.emplace(r, slices.size());
            if (fresh) {
                slices.push_back(slice(SliceKind::Marker, r, ts(r), ts(r) + kMarkerNs));
                slices.back().marker = true;
            }
            return slices[it->second];
        };
        const auto &edges = m_.relation().edges();
        for (const std::uint32_t i : edges_by_thread_[t]) {
            const hb::Edge &e = edges[i];
            if (procs_.thread_of[e.from] == t)
                marker_at(e.from).flows.push_back(
                    {true, i + 1ull, i, window_.contains(ts(e.to))});
            if (procs_.thread_of[e.to] == t)
                marker_at(e.to).flows.push_back(
                    {false, i + 1ull, i, window_.contains(ts(e.from))});
        }
        // A finding's causal path: an arrow from each side to the next.
        for (const SideRef &ref : sides_by_thread_[t]) {
            const auto &sides = findings_[ref.finding].sides;
            Slice &mk = marker_at(sides[ref.side].anchor.record);
            const std::uint64_t first = first_flow_[ref.finding];
            const auto source = static_cast<std::uint32_t>(edges.size() + ref.finding);
            if (ref.side > 0 && sides[ref.side - 1].anchor.valid)
                mk.flows.push_back({false, first + ref.side - 1, source,
                                    window_.contains(sides[ref.side - 1].anchor.ts_ns)});
            if (ref.side + 1 < sides.size() && sides[ref.side + 1].anchor.valid)
                mk.flows.push_back({true, first + ref.side, source,
                                    window_.contains(sides[ref.side + 1].anchor.ts_ns)});
        }
    }

    // What overlaps the window, in full (so that a cut is a subset of the
    // whole); markers and their arrows by their record's time.
    void write_slices(ThreadId t, const std::vector<Slice> &slices) {
        const std::uint32_t p = pid(procs_.threads[t].process);
        for (const Slice &s : slices) {
            const bool shown = s.marker ? window_.contains(s.start_ns)
                                        : window_.overlaps(s.start_ns, s.end_ns);
            if (!shown)
                continue;
            name_track(t);
            const Look look = describe(s);
            out_.complete(p, tid(t), s.start_ns, s.end_ns, look.cat, look.name,
                          look.args);
            for (const FlowEnd &f : s.flows)
                if (f.other_end_shown)
                    write_flow(f, p, tid(t), s.flow_ts());
        }
    }

    // Each finding's sides on this thread as instants named by the rule.
    void write_sides(ThreadId t) {
        const std::uint32_t p = pid(procs_.threads[t].process);
        for (const SideRef &ref : sides_by_thread_[t]) {
            const report::Finding &f = findings_[ref.finding];
            const report::Side &side = f.sides[ref.side];
            if (!window_.contains(side.anchor.ts_ns))
                continue;
            name_track(t);
            Args args;
            args.add("finding", static_cast<std::int64_t>(ref.finding + 1))
                .add("side", static_cast<std::int64_t>(ref.side + 1))
                .add("severity", report::severity_name(f.severity))
                .add("title", f.title)
                .add("key", f.key)
                .add("role", side.role)
                .add("process", side.process)
                .add("thread", side.thread);
            for (size_t i = 0; i < side.details.size(); i++)
                args.add(fmt::format("detail {}", i + 1), side.details[i]);
            out_.instant(p, tid(t), side.anchor.ts_ns, "finding", f.rule, args);
        }
    }

    std::vector<Sample> requests_in_service(ThreadId t) {
        auto &list = requests_by_thread_[t];
        // Answers before receipts at one instant: the count never dips below 0.
        std::sort(list.begin(), list.end());
        std::vector<Sample> samples;
        std::int64_t n = 0;
        for (const auto &[at, delta] : list) {
            n += delta;
            if (!samples.empty() && samples.back().ts_ns == at)
                samples.back().value = static_cast<double>(n);
            else
                samples.push_back({at, static_cast<double>(n)});
        }
        list = {};
        return samples;
    }

    void write_counter(ThreadId t, const char *what, const char *key,
                       const std::vector<Sample> &samples) {
        if (samples.empty())
            return;
        // One counter per thread: the name carries the thread, as counters
        // belong to processes in both viewers.
        const std::string name = fmt::format("{} ({})", what, thread_label(t));
        const std::uint32_t p = pid(procs_.threads[t].process);
        for (const Sample &s : samples) {
            if (!window_.contains(s.ts_ns))
                continue;
            name_track(t);
            out_.counter(p, tid(t), s.ts_ns, name, key, s.value);
        }
    }

    TraceEventWriter &out_;
    const report::Describer &d_;
    const hb::Model &m_;
    const std::vector<Record> &records_;
    const hb::ProcessTable &procs_;
    const std::vector<report::Finding> &findings_;
    const std::vector<std::string> &sources_;
    std::uint64_t origin_;
    Window window_;
    std::vector<std::vector<std::uint32_t>> edges_by_thread_;
    std::vector<std::vector<SideRef>> sides_by_thread_;
    std::vector<std::uint64_t> first_flow_; // per finding
    std::vector<std::vector<std::pair<std::uint64_t, std::int64_t>>> requests_by_thread_;
    std::vector<bool> named_process_;
    bool named_thread_ = false;
};

} // namespace

void write_timeline(std::FILE *out, const TimelineOptions &options,
                    const report::Describer &describer,
                    const std::vector<report::Finding> &findings,
                    const std::vector<std::string> &sources) {
    try {
        const std::uint64_t origin = first_ts(describer.model().records());
        const Window window = absolute_window(options, origin, findings);
        TraceEventWriter writer(out, options.path, origin);
        Timeline(writer, describer, findings, sources, origin, window).write();
        Args other;
        other.add("generator", "fluxtrace-analyze --timeline")
            .add("origin_ns", std::to_string(origin))
            .add("window_s", window_text(window, origin))
            .add("findings", static_cast<std::int64_t>(findings.size()));
        writer.finish(other);
    } catch (...) {
        std::fclose(out);
        throw;
    }
    if (std::fclose(out) != 0)
        throw Error("--timeline '" + options.path +
                    "': write failed: " + std::strerror(errno));
}

} // namespace fluxtrace::timeline
