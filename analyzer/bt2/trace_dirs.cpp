#include "trace_dirs.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "../input_error.hpp"

namespace fluxtrace::bt2 {

namespace fs = std::filesystem;

namespace {

bool holds_metadata(const fs::path &dir) {
    std::error_code ec;
    return fs::is_regular_file(dir / "metadata", ec);
}

void search(const fs::path &dir, std::vector<std::string> &out,
            const std::string &input) {
    if (holds_metadata(dir)) {
        out.push_back(dir.string());
        return;
    }
    std::error_code ec;
    // Symbolic links to directories are not followed: they could loop.
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec))
            search(it->path(), out, input);
    if (ec)
        throw InputError(input,
                         "cannot read directory " + dir.string() + ": " + ec.message());
}

} // namespace

std::vector<SourceSpec> sources_of_paths(const std::vector<std::string> &paths) {
    std::vector<SourceSpec> specs;
    for (const auto &p : paths)
        specs.push_back({p, "", find_trace_dirs(p)});
    return specs;
}

std::vector<std::string> find_trace_dirs(const std::string &path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status))
        throw InputError(path, ec && ec != std::errc::no_such_file_or_directory
                                   ? ec.message()
                                   : "no such file or directory");
    if (!fs::is_directory(status))
        throw InputError(path, "not a directory (give the directory of a CTF trace)");

    std::vector<std::string> dirs;
    search(path, dirs, path);
    if (dirs.empty())
        throw InputError(path, "no CTF trace (no `metadata` file) under it");
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

} // namespace fluxtrace::bt2
