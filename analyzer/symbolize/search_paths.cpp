#include "search_paths.hpp"

#include <algorithm>

namespace fluxtrace::symbolize {

namespace {

std::string join(const std::string &dir, const std::string &path) {
    if (dir.empty())
        return path;
    std::string out = dir;
    while (!out.empty() && out.back() == '/')
        out.pop_back();
    if (path.empty() || path[0] != '/')
        out += '/';
    return out + path;
}

std::string file_name(const std::string &path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// ".build-id/xx/yyyy": the layout GDB, elfutils and debuginfod share.
std::string build_id_subpath(const std::string &hex) {
    return ".build-id/" + hex.substr(0, 2) + "/" + hex.substr(2);
}

} // namespace

std::string build_id_hex(const std::string &raw) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (const char c : raw) {
        const auto b = static_cast<unsigned char>(c);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::vector<std::string> SearchPaths::candidates(const LoadedObject &object) const {
    std::vector<std::string> out;
    const auto add = [&](std::string path) {
        if (std::find(out.begin(), out.end(), path) == out.end())
            out.push_back(std::move(path));
    };
    // A build-id shorter than 2 bytes names no file in a .build-id tree.
    const std::string hex =
        object.build_id.size() >= 2 ? build_id_hex(object.build_id) : std::string();
    if (!hex.empty())
        for (const auto &dir : debug_dirs) {
            add(join(dir, build_id_subpath(hex)));
            add(join(dir, build_id_subpath(hex) + ".debug"));
        }
    // Recorded paths are absolute; others ("linux-vdso.so.1") name no file.
    if (!object.path.empty() && object.path[0] == '/') {
        add(join(sysroot, object.path));
        for (const auto &dir : debug_dirs) {
            add(join(dir, object.path));
            add(join(dir, file_name(object.path)));
        }
    }
    if (!hex.empty() && system_debug_dir)
        add(join(sysroot, "/usr/lib/debug/" + build_id_subpath(hex) + ".debug"));
    return out;
}

std::string SearchPaths::debuginfo_path() const {
    // "+": check .gnu_debuglink CRCs.  "": the object's own directory, then
    // its .debug subdirectory.
    std::string path = "+:.debug";
    for (const auto &dir : debug_dirs)
        if (!dir.empty() && dir.find(':') == std::string::npos)
            path += ":" + dir;
    if (system_debug_dir)
        path += ":" + join(sysroot, "/usr/lib/debug");
    return path;
}

} // namespace fluxtrace::symbolize
