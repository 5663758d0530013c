#include "symbol.hpp"

#include <cinttypes>
#include <cstdio>

namespace fluxtrace::symbolize {

namespace {

std::string hex(std::uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
    return buf;
}

std::string base_name(const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

const char *symbol_status_name(SymbolStatus status) {
    switch (status) {
    case SymbolStatus::Resolved:
        return "resolved";
    case SymbolStatus::SymbolOnly:
        return "no line information";
    case SymbolStatus::NoSymbol:
        return "no symbol";
    case SymbolStatus::NoDebugInfo:
        return "file not found";
    case SymbolStatus::BuildIdMismatch:
        return "build-id mismatch";
    case SymbolStatus::NoObject:
        return "no object";
    }
    return "unknown";
}

std::string Symbol::name() const {
    if (has_function())
        return frames[0].function;
    if (status == SymbolStatus::NoObject)
        return hex(offset);
    return module + "+" + hex(offset);
}

std::string Symbol::location() const {
    if (!has_function())
        return {};
    if (frames[0].file.empty() || frames[0].line <= 0)
        return module + "+" + hex(offset);
    return base_name(frames[0].file) + ":" + std::to_string(frames[0].line);
}

std::string Symbol::to_string() const {
    const std::string where = location();
    return where.empty() ? name() : name() + " (" + where + ")";
}

} // namespace fluxtrace::symbolize
