#include "symbolizer.hpp"

#include <filesystem>
#include <system_error>

#include "dwfl_object.hpp"

namespace fluxtrace::symbolize {

namespace {

std::string file_name(const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// libdwfl searches debug directories only by absolute path.
SearchPaths absolute(SearchPaths paths) {
    std::error_code ec;
    for (auto &dir : paths.debug_dirs) {
        auto abs = std::filesystem::absolute(dir, ec);
        if (!ec)
            dir = abs.string();
    }
    if (!paths.sysroot.empty()) {
        auto abs = std::filesystem::absolute(paths.sysroot, ec);
        if (!ec)
            paths.sysroot = abs.string();
    }
    return paths;
}

bool is_regular_file(const std::string &path) {
    std::error_code ec;
    return std::filesystem::is_regular_file(path, ec);
}

} // namespace

Symbolizer::Symbolizer(const ObjectMap &objects, SearchPaths paths)
    : objects_(objects), paths_(absolute(std::move(paths))),
      debuginfo_path_(paths_.debuginfo_path()) {
    for (const auto &path : paths_.symbol_files)
        cache_.merge(SymbolCache::load(path));
}

Symbolizer::~Symbolizer() = default;

const Symbol &Symbolizer::resolve(ProcessKey p, std::uint64_t address,
                                  std::uint64_t ts_ns, AddressKind kind) {
    stats_.queries++;
    const AddressKey key{p, objects_.image_at(p, ts_ns), address, kind};
    auto it = by_process_address_.find(key);
    if (it != by_process_address_.end()) {
        stats_.address_cache_hits++;
        return *it->second;
    }
    const Symbol *symbol = nullptr;
    if (const LoadedObject *object = objects_.find(p, address, ts_ns)) {
        symbol = &resolve_in(*object, address, kind);
    } else {
        Symbol &s = no_object_[address];
        s.status = SymbolStatus::NoObject;
        s.offset = address;
        symbol = &s;
    }
    by_process_address_.emplace(key, symbol);
    return *symbol;
}

const Symbol &Symbolizer::resolve_in(const LoadedObject &object, std::uint64_t address,
                                     AddressKind kind) {
    ObjectFile &entry = files_[{object.path, object.build_id}];
    const SymbolCache::Object *saved =
        object.build_id.empty() ? nullptr : cache_.find(object.build_id);
    if (!saved && !entry.searched)
        open(object, entry);
    const std::uint64_t first_vaddr = saved        ? saved->first_load_vaddr
                                      : entry.file ? entry.file->first_load_vaddr()
                                                   : 0;
    const std::uint64_t file_address = address - object.bias(first_vaddr);
    const std::uint64_t key = (file_address << 1) | (kind == AddressKind::Return ? 1 : 0);
    auto it = entry.by_address.find(key);
    if (it != entry.by_address.end())
        return it->second;
    Symbol s;
    if (const SymbolCache::Entry *e = saved ? saved->find(file_address, kind) : nullptr) {
        stats_.symbol_file_hits++;
        s.status = e->status;
        s.module = file_name(object.path);
        s.module_path = object.path;
        s.offset = file_address;
        s.frames = e->frames;
    } else {
        if (!entry.searched)
            open(object, entry);
        s = lookup(object, entry, file_address, kind);
    }
    if (export_)
        export_->add(object.build_id, object.path, first_vaddr, file_address, kind, s);
    return entry.by_address.emplace(key, std::move(s)).first->second;
}

void Symbolizer::open(const LoadedObject &object, ObjectFile &entry) {
    entry.searched = true;
    // The first candidate with the recorded build-id wins; without a recorded
    // build-id, the first that opens.
    for (const std::string &candidate : paths_.candidates(object)) {
        if (!is_regular_file(candidate))
            continue;
        std::string why;
        auto file = DwflObject::open(candidate, debuginfo_path_, &why);
        if (!file)
            continue;
        if (!object.build_id.empty() && file->build_id() != object.build_id) {
            stats_.files_rejected++;
            entry.failure = SymbolStatus::BuildIdMismatch;
            continue;
        }
        stats_.files_opened++;
        entry.file = std::move(file);
        break;
    }
}

Symbol Symbolizer::lookup(const LoadedObject &object, ObjectFile &file,
                          std::uint64_t file_address, AddressKind kind) {
    Symbol s;
    s.module = file_name(object.path);
    s.module_path = object.path;
    s.offset = file_address;
    if (!file.file) {
        s.status = file.failure;
        return s;
    }
    bool has_lines = false;
    const std::uint64_t at =
        kind == AddressKind::Return && file_address > 0 ? file_address - 1 : file_address;
    s.frames = file.file->lookup(at, &has_lines);
    if (s.frames.empty())
        s.status = SymbolStatus::NoSymbol;
    else
        s.status = has_lines ? SymbolStatus::Resolved : SymbolStatus::SymbolOnly;
    return s;
}

} // namespace fluxtrace::symbolize
