#include "symbol_writer.hpp"

#include "analyzer/schema.hpp"

#include "symbolizer.hpp"

namespace fluxtrace::symbolize {

void SymbolWriter::add(const Record &r) {
    objects_.add(r);
    if (!r.is_fluxtrace())
        return;
    const ProcessKey p{r.src(), r.vpid()};
    // Records of a source come in time order, so the execs before this one
    // are known: its image is final.
    const std::uint32_t image = objects_.image_at(p, r.ts_ns());
    // As report::Describer and the latency report resolve them.
    // Callback records and future records name a function `fn`; every record
    // with a stack names it `stack`.
    if (r.has(field::cb_begin::fn))
        add_address(r, image, r.u64(field::cb_begin::fn), AddressKind::Exact);
    if (r.has(field::msg::stack)) {
        const U64Array stack = r.u64s(field::msg::stack);
        for (size_t i = 0; i < stack.size(); i++)
            add_address(r, image, stack[i], AddressKind::Return);
    }
}

void SymbolWriter::add_address(const Record &r, std::uint32_t image,
                               std::uint64_t address, AddressKind kind) {
    if (address == 0)
        return;
    addresses_.try_emplace({ProcessKey{r.src(), r.vpid()}, image, address, kind},
                           r.ts_ns());
}

SymbolCache SymbolWriter::resolve(const SearchPaths &search) const {
    SymbolCache out;
    Symbolizer symbols(objects_, search);
    symbols.export_to(&out);
    for (const auto &[key, ts_ns] : addresses_) {
        const auto &[process, image, address, kind] = key;
        for (const LoadedObject *o : objects_.candidates(process, address, ts_ns))
            symbols.resolve_in(*o, address, kind);
    }
    return out;
}

} // namespace fluxtrace::symbolize
