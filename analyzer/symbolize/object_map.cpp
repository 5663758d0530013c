#include "object_map.hpp"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <variant>

#include "analyzer/schema.hpp"

namespace fluxtrace::symbolize {

namespace {

// Forks nest; a trace cannot hold a cycle, but a damaged one might.
constexpr int kMaxForkDepth = 32;

std::uint64_t u64_or(const Record &r, std::string_view field, std::uint64_t dflt) {
    return r.has(field) ? r.u64(field) : dflt;
}

std::string str_or_empty(const Record &r, std::string_view field) {
    return r.has(field) ? std::string(r.str(field)) : std::string();
}

// Build-ids are uint8 sequences; a reader may also hand them over as wider
// integers.
std::string bytes_of(const Record &r, std::string_view field) {
    if (!r.has(field))
        return {};
    const FieldValue v = r.value(field);
    std::string out;
    if (const auto *b = std::get_if<Bytes>(&v))
        out.assign(reinterpret_cast<const char *>(b->data()), b->size());
    else if (const auto *a = std::get_if<U64Array>(&v))
        for (const std::uint64_t x : *a)
            out.push_back(static_cast<char>(x & 0xff));
    return out;
}

ProcessKey key_of(const Record &r) {
    return {r.src(), r.vpid()};
}

} // namespace

void ObjectMap::add(const Record &r) {
    switch (r.kind()) {
    case EventKind::Dso: {
        LoadedObject o;
        o.base = r.u64(field::dso::base);
        o.memsz = r.u64(field::dso::memsz);
        o.placement = Placement::LoadBias;
        o.path = std::string(r.str(field::dso::path));
        o.build_id = bytes_of(r, field::dso::build_id);
        o.ts_ns = r.ts_ns();
        add_object(key_of(r), std::move(o));
        return;
    }
    case EventKind::Life: {
        const std::int64_t op = r.i64(field::life::op);
        const std::int64_t pid = r.i64(field::life::pid);
        if (op == code(LifeOp::Exec))
            add_exec(key_of(r), r.ts_ns());
        else if (op == code(LifeOp::ForkParent) && pid > 0)
            add_fork(key_of(r), static_cast<std::int32_t>(pid), r.ts_ns());
        return;
    }
    case EventKind::PyCode:
        add_python_code(key_of(r), r.u64(field::pycode::code),
                        {r.ts_ns(), std::string(r.str(field::pycode::qualname)),
                         std::string(r.str(field::pycode::file)),
                         static_cast<int>(r.i64(field::pycode::firstlineno))});
        return;
    case EventKind::Foreign:
        add_foreign(r);
        return;
    default:
        return;
    }
}

void ObjectMap::add_foreign(const Record &r) {
    const std::string_view name = r.name();
    constexpr std::string_view kStatedump = "lttng_ust_statedump:";
    constexpr std::string_view kLib = "lttng_ust_lib:";
    std::string_view event;
    if (name.substr(0, kStatedump.size()) == kStatedump)
        event = name.substr(kStatedump.size());
    else if (name.substr(0, kLib.size()) == kLib)
        event = name.substr(kLib.size());
    else
        return;
    if (!r.has("baddr"))
        return;
    const std::uint64_t baddr = r.u64("baddr");
    if (event == "bin_info" || event == "load") {
        LoadedObject o;
        o.base = baddr;
        o.memsz = u64_or(r, "memsz", 0);
        o.placement = Placement::FirstSegment;
        // lttng_ust_lib:load has no is_pic: dlopen only loads shared objects.
        o.is_pic = u64_or(r, "is_pic", 1) != 0;
        o.path = str_or_empty(r, "path");
        o.ts_ns = r.ts_ns();
        add_object(key_of(r), std::move(o));
    } else if (event == "build_id") {
        if (LoadedObject *o = last_at(key_of(r), baddr))
            o->build_id = bytes_of(r, "build_id");
    } else if (event == "debug_link") {
        if (LoadedObject *o = last_at(key_of(r), baddr))
            o->debug_link = str_or_empty(r, "filename");
    } else if (event == "unload") {
        if (LoadedObject *o = last_at(key_of(r), baddr))
            o->unloaded_ns = r.ts_ns();
    }
}

void ObjectMap::add_object(ProcessKey p, LoadedObject o) {
    Process &proc = processes_[p];
    o.image = static_cast<std::uint32_t>(
        std::lower_bound(proc.execs.begin(), proc.execs.end(), o.ts_ns) -
        proc.execs.begin());
    proc.objects.push_back(std::move(o));
}

void ObjectMap::add_exec(ProcessKey p, std::uint64_t ts_ns) {
    auto &execs = processes_[p].execs;
    execs.insert(std::upper_bound(execs.begin(), execs.end(), ts_ns), ts_ns);
}

void ObjectMap::add_fork(ProcessKey parent, std::int32_t child_vpid,
                         std::uint64_t ts_ns) {
    Process &child = processes_[{parent.src, child_vpid}];
    // A reused pid forks again later: the map a stack sees is its own image's.
    if (child.forked && child.fork.ts_ns > ts_ns)
        return;
    child.forked = true;
    child.fork = {parent, ts_ns};
}

LoadedObject *ObjectMap::last_at(ProcessKey p, std::uint64_t base) {
    auto it = processes_.find(p);
    if (it == processes_.end())
        return nullptr;
    auto &objects = it->second.objects;
    for (auto o = objects.rbegin(); o != objects.rend(); ++o)
        if (o->placement == Placement::FirstSegment && o->base == base)
            return &*o;
    return nullptr;
}

std::uint32_t ObjectMap::image_at(ProcessKey p, std::uint64_t ts_ns) const {
    auto it = processes_.find(p);
    if (it == processes_.end())
        return 0;
    const auto &execs = it->second.execs;
    if (ts_ns == kAnyTime)
        return static_cast<std::uint32_t>(execs.size());
    return static_cast<std::uint32_t>(
        std::lower_bound(execs.begin(), execs.end(), ts_ns) - execs.begin());
}

void ObjectMap::add_python_code(ProcessKey p, std::uint64_t code, PythonCode c) {
    processes_[p].python[code].push_back(std::move(c));
}

const PythonCode *ObjectMap::python_code(ProcessKey p, std::uint64_t code,
                                         std::uint64_t ts_ns) const {
    auto proc = processes_.find(p);
    if (proc == processes_.end())
        return nullptr;
    auto it = proc->second.python.find(code);
    if (it == proc->second.python.end() || it->second.empty())
        return nullptr;
    const PythonCode *best = &it->second.front();
    for (const PythonCode &c : it->second)
        if (c.ts_ns <= ts_ns)
            best = &c;
    return best;
}

const std::vector<LoadedObject> &ObjectMap::objects_of(ProcessKey p) const {
    static const std::vector<LoadedObject> none;
    auto it = processes_.find(p);
    return it == processes_.end() ? none : it->second.objects;
}

const LoadedObject *ObjectMap::find(ProcessKey p, std::uint64_t address,
                                    std::uint64_t ts_ns) const {
    for (int depth = 0; depth < kMaxForkDepth; depth++) {
        auto it = processes_.find(p);
        if (it == processes_.end())
            return nullptr;
        const Process &proc = it->second;
        const std::uint32_t image = image_at(p, ts_ns);
        if (const LoadedObject *o = find_own(proc, image, address, ts_ns))
            return o;
        // Only the image the fork made is the parent's; an exec replaced it.
        if (!proc.forked || image != 0)
            return nullptr;
        p = proc.fork.parent;
        ts_ns = proc.fork.ts_ns;
    }
    return nullptr;
}

std::vector<const LoadedObject *>
ObjectMap::candidates(ProcessKey p, std::uint64_t address, std::uint64_t ts_ns) const {
    std::vector<const LoadedObject *> out;
    for (int depth = 0; depth < kMaxForkDepth; depth++) {
        auto it = processes_.find(p);
        if (it == processes_.end())
            return out;
        const Process &proc = it->second;
        const std::uint32_t image = image_at(p, ts_ns);
        for (const LoadedObject &o : proc.objects)
            if (o.image == image && o.contains(address))
                out.push_back(&o);
        if (!out.empty() || !proc.forked || image != 0)
            return out;
        p = proc.fork.parent;
        ts_ns = proc.fork.ts_ns;
    }
    return out;
}

const LoadedObject *ObjectMap::find_own(const Process &proc, std::uint32_t image,
                                        std::uint64_t address,
                                        std::uint64_t ts_ns) const {
    // Lower ranks are better: (unloaded by then, reported after ts, distance in
    // time, not a dso record, no build-id).
    struct Rank {
        bool unloaded;
        bool later;
        std::uint64_t distance;
        bool not_dso;
        bool no_build_id;
        bool operator<(const Rank &o) const {
            return std::tie(unloaded, later, distance, not_dso, no_build_id) <
                   std::tie(o.unloaded, o.later, o.distance, o.not_dso, o.no_build_id);
        }
    };
    const LoadedObject *best = nullptr;
    Rank best_rank{};
    for (const LoadedObject &o : proc.objects) {
        if (o.image != image || !o.contains(address))
            continue;
        const bool later = o.ts_ns > ts_ns;
        const Rank rank{o.unloaded_ns <= ts_ns, later,
                        later ? o.ts_ns - ts_ns : ts_ns - o.ts_ns,
                        o.placement != Placement::LoadBias, o.build_id.empty()};
        if (!best || rank < best_rank) {
            best = &o;
            best_rank = rank;
        }
    }
    return best;
}

} // namespace fluxtrace::symbolize
