#include "trace_layout.hpp"

#include <algorithm>
#include <filesystem>

namespace fluxtrace::bt2 {

namespace fs = std::filesystem;

// symbolize::SymbolCache::kFileName (this library does not depend on it).
constexpr const char *kSymbolFileName = "fluxtrace-symbols.json";

TraceLayout::TraceLayout(std::string dir) : dir_(std::move(dir)) {
    // The data files src.ctf.fs would open: regular, not hidden, not metadata.
    for (const auto &entry : fs::directory_iterator(dir_)) {
        const auto name = entry.path().filename().string();
        if (!entry.is_regular_file() || name == "metadata" || name.front() == '.')
            continue;
        if (name == kSymbolFileName) {
            foreign_files_ = true;
            continue;
        }
        const auto size = entry.file_size();
        files_.push_back({name, entry.path().string(), size, 0, size, false});
    }
    std::sort(files_.begin(), files_.end(),
              [](const DataFile &a, const DataFile &b) { return a.name < b.name; });
    packets_.resize(files_.size());
    packets_read_.resize(files_.size());
}

TraceLayout::DataFile *TraceLayout::find(const std::string &name) {
    for (auto &f : files_)
        if (f.name == name)
            return &f;
    return nullptr;
}

const std::vector<Packet> &TraceLayout::packets(const DataFile &f) {
    const auto i = static_cast<size_t>(&f - files_.data());
    if (!packets_read_[i]) {
        packets_[i] = read_packet_index(f.path);
        packets_read_[i] = true;
    }
    return packets_[i];
}

std::vector<TraceLayout::Part> TraceLayout::parts() {
    shadows_.clear();
    std::vector<Part> parts;
    const auto shadow_file = [](const DataFile &f) {
        return ShadowTrace::File{f.name, f.begin, f.end, f.whole()};
    };
    if (!split_) {
        const bool intact = std::all_of(files_.begin(), files_.end(),
                                        [](const DataFile &f) { return f.whole(); });
        if (intact && !foreign_files_)
            return {{dir_, -1}};
        std::vector<ShadowTrace::File> kept;
        for (const auto &f : files_)
            if (!f.excluded)
                kept.push_back(shadow_file(f));
        shadows_.push_back(std::make_unique<ShadowTrace>(dir_, kept));
        return {{shadows_.back()->dir(), -1}};
    }
    for (size_t i = 0; i < files_.size(); i++) {
        if (files_[i].excluded)
            continue;
        shadows_.push_back(std::make_unique<ShadowTrace>(
            dir_, std::vector<ShadowTrace::File>{shadow_file(files_[i])}));
        parts.push_back({shadows_.back()->dir(), static_cast<int>(i)});
    }
    return parts;
}

} // namespace fluxtrace::bt2
