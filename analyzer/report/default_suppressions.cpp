#include "default_suppressions.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>

namespace fluxtrace::report {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "flux-core-";
constexpr std::string_view kSuffix = ".supp";

// Reads a decimal number at the front of `text`; advances past it.
bool number(std::string_view &text, int &out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    if (ec != std::errc() || out < 0)
        return false;
    text.remove_prefix(static_cast<size_t>(end - text.data()));
    return true;
}

std::string release_name(const FluxCoreVersion &v) {
    return std::to_string(v.major) + "." + std::to_string(v.minor);
}

} // namespace

std::optional<FluxCoreVersion> FluxCoreVersion::parse(std::string_view text) {
    FluxCoreVersion v;
    if (!number(text, v.major) || text.empty() || text.front() != '.')
        return std::nullopt;
    text.remove_prefix(1);
    if (!number(text, v.minor))
        return std::nullopt;
    if (!text.empty() && text.front() == '.') {
        text.remove_prefix(1);
        if (!number(text, v.patch))
            return std::nullopt;
    }
    // A git-describe suffix ("-12-gdeadbee") or a pre-release tag may follow.
    if (!text.empty() && text.front() != '-' && text.front() != '+' &&
        text.front() != '~')
        return std::nullopt;
    return v;
}

std::string default_suppressions_dir() {
    if (const char *dir = std::getenv("FLUXTRACE_SUPPRESSIONS_DIR"); dir && *dir)
        return dir;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec)
        return "";
    return (exe.parent_path().parent_path() / "share" / "fluxtrace" / "suppressions")
        .string();
}

std::vector<DefaultFile> list_default_files(const std::string &dir) {
    std::vector<DefaultFile> files;
    std::error_code ec;
    if (dir.empty() || !fs::is_directory(dir, ec))
        return files;
    for (const auto &entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() <= kPrefix.size() + kSuffix.size() ||
            name.compare(0, kPrefix.size(), kPrefix) != 0 ||
            name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
            continue;
        const auto version = FluxCoreVersion::parse(std::string_view(name).substr(
            kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size()));
        if (version && entry.is_regular_file(ec))
            files.push_back({*version, entry.path().string()});
    }
    std::sort(files.begin(), files.end(), [](const DefaultFile &a, const DefaultFile &b) {
        return a.release < b.release || (!(b.release < a.release) && a.path < b.path);
    });
    return files;
}

DefaultChoice choose_default_file(const std::vector<DefaultFile> &files,
                                  const std::string &version) {
    DefaultChoice choice;
    choice.version = version;
    const auto ran = FluxCoreVersion::parse(version);
    if (!ran) {
        choice.why = "flux-core version \"" + version + "\" is not one this tool reads";
        return choice;
    }
    const DefaultFile *older = nullptr;
    for (const auto &f : files) {
        if (f.release.same_release(*ran)) {
            choice.path = f.path;
            choice.exact = true;
            return choice;
        }
        if (f.release < *ran)
            older = &f;
    }
    if (older == nullptr) {
        choice.why = "no file for flux-core " + release_name(*ran) + " or older";
        return choice;
    }
    choice.path = older->path;
    choice.why = "no file for flux-core " + release_name(*ran) +
                 "; the nearest older release's, " + release_name(older->release);
    return choice;
}

} // namespace fluxtrace::report
