// Which object files each traced process had mapped where, gathered from the
// trace's own records, so that code addresses can be resolved offline.
//
//     ObjectMap objects;
//     reader.read(paths, [&](const Record &r) { objects.add(r); ... });
//     const LoadedObject *o = objects.find({r.src(), r.vpid()}, ip, r.ts_ns());
//
// Sources of object records: fluxtrace `dso` (load bias, size, path, build-id),
// LTTng's `lttng_ust_statedump:bin_info` / `build_id` / `debug_link` (objects
// mapped when the process registered) and `lttng_ust_lib:load` / `build_id` /
// `debug_link` / `unload` (dlopen and dlclose, with liblttng-ust-dl.so).
// Process structure comes from fluxtrace `life`: an exec starts a new image
// whose map owes nothing to the old one, and a fork child starts with its
// parent's map.
//
// Python code objects come from fluxtrace `pycode` records: what names the
// (code object, line) pairs of a record's `pystack`.
//
// Objects may be reported after the first address that points into them (the
// provider looks for new objects at most every 10 ms), so find() considers
// every record of the process's image, not only those written before the
// address was: see find() for the order of preference.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "../record.hpp"
#include "loaded_object.hpp"
#include "process_key.hpp"

namespace fluxtrace::symbolize {

// A Python code object as a `pycode` record named it.
struct PythonCode {
    std::uint64_t ts_ns = 0;
    std::string qualname; // "Watcher.on_update"
    std::string file;     // as Python names it: usually absolute
    int firstlineno = 0;
};

class ObjectMap {
  public:
    static constexpr std::uint64_t kAnyTime = UINT64_MAX;

    // Takes what it needs from any record and ignores the rest.  Records of
    // one source must come in time order (as TraceReader delivers them).
    void add(const Record &r);

    // The same, for records made without a trace (tests, other readers).
    // `o.image` is filled in from the execs added before.
    void add_object(ProcessKey p, LoadedObject o);
    void add_exec(ProcessKey p, std::uint64_t ts_ns);
    void add_fork(ProcessKey parent, std::int32_t child_vpid, std::uint64_t ts_ns);

    // The object that held `address` in process `p` at `ts_ns` (kAnyTime: in
    // the process's last image), or nullptr.  Among the objects of that image
    // whose range contains the address, it prefers one not unloaded by then,
    // then the latest reported at or before `ts_ns`, then the earliest reported
    // after it; at equal times a fluxtrace `dso` record, then one with a
    // build-id.  A fork child's first image falls back on its parent's map as it
    // was at the fork.
    const LoadedObject *find(ProcessKey p, std::uint64_t address,
                             std::uint64_t ts_ns = kAnyTime) const;

    // Every object find() could return for `address` in the image of `p` at
    // `ts_ns`, whatever the time within that image: those of the image that
    // contain the address (or, for a fork child's first image holding none,
    // the parent's as at the fork).
    std::vector<const LoadedObject *> candidates(ProcessKey p, std::uint64_t address,
                                                 std::uint64_t ts_ns = kAnyTime) const;

    void add_python_code(ProcessKey p, std::uint64_t code, PythonCode c);
    // The code object at address `code` in `p` at `ts_ns`: the latest announced
    // at or before it, else the earliest after it (another thread may announce
    // it a little later than it is first used); nullptr when never announced.
    const PythonCode *python_code(ProcessKey p, std::uint64_t code,
                                  std::uint64_t ts_ns) const;

    // How many execs process `p` made before `ts_ns`.
    std::uint32_t image_at(ProcessKey p, std::uint64_t ts_ns) const;

    // Every object recorded for `p` (its own records only), in record order.
    const std::vector<LoadedObject> &objects_of(ProcessKey p) const;
    size_t process_count() const { return processes_.size(); }

  private:
    struct Fork {
        ProcessKey parent;
        std::uint64_t ts_ns = 0;
    };
    struct Process {
        std::vector<LoadedObject> objects;
        std::vector<std::uint64_t> execs; // times, ascending
        bool forked = false;
        Fork fork;
        // Code objects by address, each address's announcements in time order.
        std::unordered_map<std::uint64_t, std::vector<PythonCode>> python;
    };

    void add_foreign(const Record &r);
    // The last object of `p` placed by `placement` at `base`, for the records
    // that complete an earlier one (build_id, debug_link, unload).
    LoadedObject *last_at(ProcessKey p, std::uint64_t base);
    const LoadedObject *find_own(const Process &proc, std::uint32_t image,
                                 std::uint64_t address, std::uint64_t ts_ns) const;

    std::map<ProcessKey, Process> processes_;
};

} // namespace fluxtrace::symbolize
