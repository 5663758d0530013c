// Resolves code addresses of traced processes to function, file and line,
// offline, from the objects the trace recorded (ObjectMap) and the files
// found for them (SearchPaths), through libdwfl.
//
//     Symbolizer symbols(objects, {.debug_dirs = {"/srv/binaries"}});
//     const Symbol &s = symbols.resolve({r.src(), r.vpid()}, r.u64("fn"), r.ts_ns());
//     std::cout << s.to_string();    // "kvs_lookup_cb (kvs.c:1234)"
//
// A file is used only when its build-id is the recorded one (when the trace
// recorded one): a rebuilt or upgraded binary at the same path would name the
// wrong functions.  Without a usable file the answer is `module+0xoffset`,
// the offset being the address in the object's file, so it can be resolved
// later by hand (`addr2line -e module 0xoffset`).
//
// Symbols saved beside a trace (SymbolCache, SearchPaths::symbol_files) come
// first: an object whose build-id they hold resolves from them without any
// file, so identically on every machine; addresses they lack fall back to the
// files.  With export_to(), every symbol resolved from a file or a cache for
// an object with a build-id is also added to another cache, to be saved.
//
// Files are opened once per object (path and build-id) and each address is
// resolved once per process image, so an address that a dlclose and a
// dlopen gave to two objects within one image resolves as it did first.
// Results stay valid as long as the Symbolizer.  Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "loaded_object.hpp"
#include "object_map.hpp"
#include "process_key.hpp"
#include "search_paths.hpp"
#include "symbol_cache.hpp"
#include "symbol.hpp"

namespace fluxtrace::symbolize {

class DwflObject;

struct SymbolizerStats {
    std::uint64_t queries = 0;
    std::uint64_t address_cache_hits = 0;
    std::uint64_t files_opened = 0;     // successfully
    std::uint64_t files_rejected = 0;   // build-id mismatch
    std::uint64_t symbol_file_hits = 0; // answered by saved symbols
};

class Symbolizer {
  public:
    // Loads paths.symbol_files; throws InputError when one is unreadable or
    // malformed.
    Symbolizer(const ObjectMap &objects, SearchPaths paths = {});
    ~Symbolizer();
    Symbolizer(const Symbolizer &) = delete;
    Symbolizer &operator=(const Symbolizer &) = delete;

    // The address in process `p` at time `ts_ns` (ObjectMap::kAnyTime: in its
    // last image).
    const Symbol &resolve(ProcessKey p, std::uint64_t address,
                          std::uint64_t ts_ns = ObjectMap::kAnyTime,
                          AddressKind kind = AddressKind::Exact);
    // The address in a given object.
    const Symbol &resolve_in(const LoadedObject &object, std::uint64_t address,
                             AddressKind kind = AddressKind::Exact);

    // More saved symbols, after those of the symbol files (which win).  Call
    // before the first resolve.
    void add_symbols(const SymbolCache &cache) { cache_.merge(cache); }
    // Adds every symbol resolved from now on, for objects with a build-id, to
    // `out` (not owned; nullptr: stop).
    void export_to(SymbolCache *out) { export_ = out; }

    const SymbolizerStats &stats() const { return stats_; }
    const ObjectMap &objects() const { return objects_; }
    const SearchPaths &search_paths() const { return paths_; }

  private:
    // What was found for one recorded object (path + build-id).
    struct ObjectFile {
        bool searched = false;            // for a file
        std::unique_ptr<DwflObject> file; // null: none usable
        SymbolStatus failure = SymbolStatus::NoDebugInfo;
        std::unordered_map<std::uint64_t, Symbol>
            by_address; // key: file address * 2 + kind
    };

    void open(const LoadedObject &object, ObjectFile &entry);
    Symbol lookup(const LoadedObject &object, ObjectFile &file, std::uint64_t address,
                  AddressKind kind);

    const ObjectMap &objects_;
    SearchPaths paths_;
    std::string debuginfo_path_;
    SymbolCache cache_;
    SymbolCache *export_ = nullptr;
    std::map<std::pair<std::string, std::string>, ObjectFile> files_; // (path, build-id)
    struct AddressKey {
        ProcessKey process;
        std::uint32_t image;
        std::uint64_t address;
        AddressKind kind;
        bool operator==(const AddressKey &o) const {
            return process == o.process && image == o.image && address == o.address &&
                   kind == o.kind;
        }
    };
    struct AddressKeyHash {
        size_t operator()(const AddressKey &k) const {
            return ProcessKeyHash()(k.process) * 31 +
                   std::hash<std::uint64_t>()(k.address) + k.image * 7 +
                   static_cast<size_t>(k.kind);
        }
    };
    // Elements of unordered maps keep their address: these point into
    // ObjectFile::by_address and no_object_.
    std::unordered_map<AddressKey, const Symbol *, AddressKeyHash> by_process_address_;
    std::unordered_map<std::uint64_t, Symbol> no_object_;
    SymbolizerStats stats_;
};

} // namespace fluxtrace::symbolize
