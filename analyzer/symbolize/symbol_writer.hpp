// fluxtrace-analyze --write-symbols: the symbols of every code address a
// report may name (each `stack` entry and each callback `fn` of every
// fluxtrace record), resolved from the files and saved as a SymbolCache, so
// that the trace symbolizes the same without those files.
//
//     SymbolWriter writer;
//     reader.read(paths, [&](const Record &r) { writer.add(r); });
//     SymbolCache saved = writer.resolve(search_paths);
//     saved.save("trace/fluxtrace-symbols.json");
//
// Records are not kept: addresses are collected once per process image while
// the trace streams by, and resolved at the end, when the object map has seen
// every object record (objects may be reported after the addresses in them).
#pragma once

#include <cstdint>
#include <map>
#include <tuple>

#include "../record.hpp"
#include "object_map.hpp"
#include "process_key.hpp"
#include "search_paths.hpp"
#include "symbol_cache.hpp"

namespace fluxtrace::symbolize {

class SymbolWriter {
  public:
    void add(const Record &r);
    // Every collected address in every object it may belong to (whatever the
    // record's time within its image: the object a report picks depends on
    // it), from `search` (its symbol files first).  Throws InputError for an
    // unusable symbol file.
    SymbolCache resolve(const SearchPaths &search) const;

    size_t address_count() const { return addresses_.size(); }

  private:
    void add_address(const Record &r, std::uint32_t image, std::uint64_t address,
                     AddressKind kind);

    ObjectMap objects_;
    // (process, image, address, kind) -> a time within that image.
    std::map<std::tuple<ProcessKey, std::uint32_t, std::uint64_t, AddressKind>,
             std::uint64_t>
        addresses_;
};

} // namespace fluxtrace::symbolize
