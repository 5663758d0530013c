#include "symbol_cache.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../input_error.hpp"
#include "search_paths.hpp"

namespace fluxtrace::symbolize {

namespace {

using json = nlohmann::ordered_json;

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

// A malformed file: the message says where in it.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const json &member(const json &object, const char *key, const std::string &where) {
    if (!object.is_object())
        throw Malformed(where + " is not an object");
    auto it = object.find(key);
    if (it == object.end())
        throw Malformed(where + " has no \"" + key + "\"");
    return *it;
}

std::string string_member(const json &object, const char *key, const std::string &where) {
    const json &v = member(object, key, where);
    if (!v.is_string())
        throw Malformed(where + "." + key + " is not a string");
    return v.get<std::string>();
}

std::uint64_t address_member(const json &object, const char *key,
                             const std::string &where) {
    const std::string text = string_member(object, key, where);
    const bool prefixed = text.size() > 2 && text[0] == '0' && text[1] == 'x';
    std::uint64_t value = 0;
    bool good = prefixed && text.size() <= 18;
    for (size_t i = 2; good && i < text.size(); i++) {
        const char c = text[i];
        int digit;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        else
            good = false, digit = 0;
        value = value << 4 | static_cast<std::uint64_t>(digit);
    }
    if (!good)
        throw Malformed(where + "." + key + " is not a hex address (\"0x1a2b\"): \"" +
                        text + "\"");
    return value;
}

std::string raw_build_id(const std::string &text, const std::string &where) {
    const auto nibble = [](char c) {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    std::string raw;
    bool good = !text.empty() && text.size() % 2 == 0;
    for (size_t i = 0; good && i < text.size(); i += 2) {
        const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
        good = hi >= 0 && lo >= 0;
        if (good)
            raw += static_cast<char>(hi << 4 | lo);
    }
    if (!good)
        throw Malformed(where + ".build_id is not an even number of hex digits: \"" +
                        text + "\"");
    return raw;
}

int int_member(const json &object, const char *key, const std::string &where) {
    const json &v = member(object, key, where);
    if (!v.is_number_integer())
        throw Malformed(where + "." + key + " is not an integer");
    return v.get<int>();
}

const char *kind_name(AddressKind kind) {
    return kind == AddressKind::Return ? "return" : "exact";
}

const char *status_name(SymbolStatus status) {
    switch (status) {
    case SymbolStatus::Resolved:
        return "resolved";
    case SymbolStatus::SymbolOnly:
        return "symbol_only";
    default:
        return "no_symbol";
    }
}

bool kept(SymbolStatus status) {
    return status == SymbolStatus::Resolved || status == SymbolStatus::SymbolOnly ||
           status == SymbolStatus::NoSymbol;
}

SymbolCache::Entry parse_entry(const json &j, const std::string &where) {
    SymbolCache::Entry e;
    const std::string status = string_member(j, "status", where);
    if (status == "resolved")
        e.status = SymbolStatus::Resolved;
    else if (status == "symbol_only")
        e.status = SymbolStatus::SymbolOnly;
    else if (status == "no_symbol")
        e.status = SymbolStatus::NoSymbol;
    else
        throw Malformed(where + ".status is not resolved, symbol_only or no_symbol: \"" +
                        status + "\"");
    if (e.status == SymbolStatus::NoSymbol)
        return e;
    const json &frames = member(j, "frames", where);
    if (!frames.is_array() || frames.empty())
        throw Malformed(where + ".frames is not a non-empty array");
    for (size_t i = 0; i < frames.size(); i++) {
        const std::string at = where + ".frames[" + std::to_string(i) + "]";
        Frame f;
        f.function = string_member(frames[i], "function", at);
        f.file = string_member(frames[i], "file", at);
        f.line = int_member(frames[i], "line", at);
        f.column = int_member(frames[i], "column", at);
        e.frames.push_back(std::move(f));
    }
    return e;
}

} // namespace

const SymbolCache::Entry *SymbolCache::Object::find(std::uint64_t file_address,
                                                    AddressKind kind) const {
    auto it = symbols.find({file_address, kind});
    return it == symbols.end() ? nullptr : &it->second;
}

SymbolCache SymbolCache::load(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw InputError(path,
                         std::string("cannot read symbol file: ") + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw InputError(path, "cannot read symbol file: read error");
    return parse(text.str(), path);
}

SymbolCache SymbolCache::parse(const std::string &text, const std::string &name) {
    SymbolCache cache;
    try {
        const json doc = json::parse(text);
        const std::string schema = string_member(doc, "schema", "the file");
        if (schema != kSchema)
            throw Malformed("schema is \"" + schema + "\", expected \"" + kSchema + "\"");
        const json &objects = member(doc, "objects", "the file");
        if (!objects.is_array())
            throw Malformed("objects is not an array");
        for (size_t i = 0; i < objects.size(); i++) {
            const std::string where = "objects[" + std::to_string(i) + "]";
            const json &o = objects[i];
            const std::string build_id =
                raw_build_id(string_member(o, "build_id", where), where);
            Object &object = cache.objects_[build_id];
            object.path = string_member(o, "path", where);
            object.first_load_vaddr = address_member(o, "first_load_vaddr", where);
            const json &symbols = member(o, "symbols", where);
            if (!symbols.is_array())
                throw Malformed(where + ".symbols is not an array");
            for (size_t k = 0; k < symbols.size(); k++) {
                const std::string at = where + ".symbols[" + std::to_string(k) + "]";
                const std::uint64_t offset = address_member(symbols[k], "offset", at);
                const std::string kind = string_member(symbols[k], "kind", at);
                if (kind != "return" && kind != "exact")
                    throw Malformed(at + ".kind is not return or exact: \"" + kind +
                                    "\"");
                object.symbols.emplace(std::pair{offset, kind == "return"
                                                             ? AddressKind::Return
                                                             : AddressKind::Exact},
                                       parse_entry(symbols[k], at));
            }
        }
    } catch (const Malformed &e) {
        throw InputError(name, std::string("malformed symbol file: ") + e.what());
    } catch (const json::exception &e) {
        // "[json.exception.parse_error.101] parse error at ...": keep the sentence.
        std::string what = e.what();
        if (const auto close = what.find("] ");
            what.rfind("[json.", 0) == 0 && close != std::string::npos)
            what = what.substr(close + 2);
        throw InputError(name, "malformed symbol file: " + what);
    }
    return cache;
}

std::string SymbolCache::to_json() const {
    // One symbol a line: a diff of two files shows which addresses changed.
    std::string out = "{\"schema\":" + json(kSchema).dump() + ",\"objects\":[";
    bool first_object = true;
    for (const auto &[build_id, object] : objects_) {
        out += first_object ? "\n" : ",\n";
        first_object = false;
        out += "{\"build_id\":" + json(build_id_hex(build_id)).dump() + ",\"path\":" +
               json(object.path).dump(-1, ' ', false, json::error_handler_t::replace) +
               ",\"first_load_vaddr\":" + json(hex(object.first_load_vaddr)).dump() +
               ",\"symbols\":[";
        bool first_symbol = true;
        for (const auto &[key, entry] : object.symbols) {
            json s;
            s["offset"] = hex(key.first);
            s["kind"] = kind_name(key.second);
            s["status"] = status_name(entry.status);
            if (entry.status != SymbolStatus::NoSymbol) {
                json frames = json::array();
                for (const auto &f : entry.frames)
                    frames.push_back({{"function", f.function},
                                      {"file", f.file},
                                      {"line", f.line},
                                      {"column", f.column}});
                s["frames"] = std::move(frames);
            }
            out += first_symbol ? "\n" : ",\n";
            first_symbol = false;
            out += s.dump(-1, ' ', false, json::error_handler_t::replace);
        }
        out += first_symbol ? "]}" : "\n]}";
    }
    out += first_object ? "]}\n" : "\n]}\n";
    return out;
}

void SymbolCache::save(const std::string &path) const {
    // Written aside and renamed: a reader never sees half a file.
    const std::string text = to_json();
    const std::string temporary = path + ".tmp";
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out)
        throw InputError(path, std::string("cannot write symbol file: ") +
                                   std::strerror(errno));
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out || std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string cause = out ? std::strerror(errno) : "write error";
        std::remove(temporary.c_str());
        throw InputError(path, "cannot write symbol file: " + cause);
    }
}

void SymbolCache::merge(const SymbolCache &other) {
    for (const auto &[build_id, theirs] : other.objects_) {
        auto [it, fresh] = objects_.try_emplace(build_id, theirs);
        if (!fresh)
            it->second.symbols.insert(theirs.symbols.begin(), theirs.symbols.end());
    }
}

void SymbolCache::add(const std::string &build_id, const std::string &path,
                      std::uint64_t first_load_vaddr, std::uint64_t file_address,
                      AddressKind kind, const Symbol &symbol) {
    if (build_id.empty() || !kept(symbol.status))
        return;
    auto [it, fresh] = objects_.try_emplace(build_id);
    if (fresh) {
        it->second.path = path;
        it->second.first_load_vaddr = first_load_vaddr;
    }
    Entry e;
    e.status = symbol.status;
    if (symbol.status != SymbolStatus::NoSymbol)
        e.frames = symbol.frames;
    it->second.symbols.try_emplace({file_address, kind}, std::move(e));
}

const SymbolCache::Object *SymbolCache::find(const std::string &build_id) const {
    auto it = objects_.find(build_id);
    return it == objects_.end() ? nullptr : &it->second;
}

size_t SymbolCache::symbol_count() const {
    size_t n = 0;
    for (const auto &[id, object] : objects_)
        n += object.symbols.size();
    return n;
}

} // namespace fluxtrace::symbolize
