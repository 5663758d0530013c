// Symbols resolved once from an object's file, kept by build-id so that a
// trace symbolizes identically on a machine without that file: `fluxtrace
// record` saves one beside the trace (fluxtrace-symbols.json), and the
// Symbolizer consults it before any file.
//
//     SymbolCache cache = SymbolCache::load("trace/fluxtrace-symbols.json");
//     if (const auto *o = cache.find(object.build_id))
//         if (const auto *s = o->find(file_address, AddressKind::Return)) ...
//
// The file is JSON ("fluxtrace-symbols/1", docs/analyzer.md), written in a
// sorted order so that saving the same symbols gives the same bytes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "symbol.hpp"

namespace fluxtrace::symbolize {

class SymbolCache {
  public:
    static constexpr const char *kSchema = "fluxtrace-symbols/1";
    // The name `fluxtrace record` gives it in the trace directory.
    static constexpr const char *kFileName = "fluxtrace-symbols.json";

    // What a file address resolved to: Resolved, SymbolOnly or NoSymbol.
    struct Entry {
        SymbolStatus status = SymbolStatus::NoSymbol;
        std::vector<Frame> frames;
    };
    struct Object {
        std::string path; // as first recorded; informative only
        // The file's first PT_LOAD p_vaddr (the bias of FirstSegment records).
        std::uint64_t first_load_vaddr = 0;
        std::map<std::pair<std::uint64_t, AddressKind>, Entry> symbols;

        const Entry *find(std::uint64_t file_address, AddressKind kind) const;
    };

    // Throws InputError ("PATH: cause", one line) when the file cannot be read
    // or is not a symbol file of this schema.
    static SymbolCache load(const std::string &path);
    static SymbolCache parse(const std::string &text, const std::string &name);
    // Throws InputError when the file cannot be written.
    void save(const std::string &path) const;
    std::string to_json() const;

    // Adds the symbols of `other` this cache does not hold yet.
    void merge(const SymbolCache &other);
    // Records what `file_address` of the object with this build-id resolved
    // to; the first answer for an address stays.  Only Resolved, SymbolOnly
    // and NoSymbol answers are kept: the others say no file was read.
    void add(const std::string &build_id, const std::string &path,
             std::uint64_t first_load_vaddr, std::uint64_t file_address, AddressKind kind,
             const Symbol &symbol);

    // `build_id`: raw bytes, as LoadedObject::build_id.
    const Object *find(const std::string &build_id) const;
    bool empty() const { return objects_.empty(); }
    size_t object_count() const { return objects_.size(); }
    size_t symbol_count() const;

  private:
    std::map<std::string, Object> objects_; // by raw build-id (sorts as its hex)
};

} // namespace fluxtrace::symbolize
