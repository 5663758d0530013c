#include "hosts.hpp"

#include <filesystem>
#include <map>
#include <set>

#include "../input_error.hpp"
#include "metadata.hpp"

namespace fluxtrace::ctf {

namespace fs = std::filesystem;

namespace {

// What a trace directory's metadata says of where and when it was recorded.
struct Origin {
    std::string host;      // env `hostname`; "" when none
    std::string clock;     // "name uuid" of its first clock
    std::string recording; // env `trace_name` and `trace_creation_datetime`
    std::string trace;     // the trace's uuid, as hex; "" when none
};

std::string env(const Metadata &md, const char *key) {
    const auto it = md.env.find(key);
    return it == md.env.end() ? "" : it->second;
}

Origin origin_of(const std::string &dir) {
    Origin o;
    try {
        const Metadata md =
            parse_metadata(read_metadata_text((fs::path(dir) / "metadata").string()));
        o.host = env(md, "hostname");
        if (!md.clocks.empty())
            o.clock = md.clocks.front().name + " " + md.clocks.front().uuid;
        o.recording = env(md, "trace_name") + " " + env(md, "trace_creation_datetime");
        if (md.has_uuid)
            for (const std::uint8_t byte : md.uuid) {
                o.trace += "0123456789abcdef"[byte >> 4];
                o.trace += "0123456789abcdef"[byte & 15];
            }
    } catch (const Unsupported &) {
        // Not understood here: the readers say why when they get to it.  Kept
        // with the path's other directories of no known host.
    }
    return o;
}

bool is_under(const fs::path &dir, const fs::path &top) {
    auto a = top.begin(), b = dir.begin();
    for (; a != top.end(); ++a, ++b)
        if (b == dir.end() || *a != *b)
            return false;
    return true;
}

// Whether two trace directories hold a stream file of the same name: copies
// of one trace, not one trace's streams split between them.
bool share_a_stream(const std::string &a, const std::string &b) {
    std::set<std::string> names;
    for (const auto &f : fs::directory_iterator(a))
        if (f.is_regular_file() && f.path().filename() != "metadata")
            names.insert(f.path().filename().string());
    for (const auto &f : fs::directory_iterator(b))
        if (f.is_regular_file() && names.count(f.path().filename().string()))
            return true;
    return false;
}

// The deepest directory holding every one of `dirs`.
fs::path common_dir(const std::vector<std::string> &dirs) {
    fs::path common = fs::path(dirs.front());
    for (const auto &d : dirs) {
        const fs::path dir(d);
        fs::path shared;
        auto a = common.begin(), b = dir.begin();
        for (; a != common.end() && b != dir.end() && *a == *b; ++a, ++b)
            shared /= *a;
        common = shared;
    }
    return common;
}

// A host's own directory under `path`: the shallowest one that holds all of
// the host's traces and none of another host's (trace/node1, relay/node1).
std::string host_dir(const std::vector<std::string> &mine, const fs::path &path,
                     const std::vector<std::string> &others) {
    fs::path dir = common_dir(mine);
    while (dir.has_parent_path() && dir.parent_path() != path &&
           is_under(dir.parent_path(), path)) {
        const fs::path up = dir.parent_path();
        bool shared = false;
        for (const auto &o : others)
            shared = shared || is_under(o, up);
        if (shared)
            break;
        dir = up;
    }
    return dir.string();
}

void split_path(const std::string &path, std::vector<bt2::SourceSpec> &out) {
    struct Group {
        std::vector<std::string> dirs;
        std::string recording, recording_dir;
    };
    std::map<std::string, Group> hosts; // by host name, or "clock ..." when none
    std::map<std::string, std::vector<std::string>> dirs_of; // by trace uuid
    for (const auto &dir : bt2::find_trace_dirs(path)) {
        const Origin o = origin_of(dir);
        // A copy of a trace beside it (trace/ and trace/old/) would count every
        // record twice.
        if (!o.trace.empty()) {
            std::vector<std::string> &same = dirs_of[o.trace];
            for (const auto &earlier : same)
                if (share_a_stream(earlier, dir))
                    throw InputError(path, "the same trace twice (" + earlier + " and " +
                                               dir +
                                               ", one a copy of the other): give one");
            same.push_back(dir);
        }
        const std::string key = !o.host.empty() ? o.host : "clock " + o.clock;
        Group &g = hosts[key];
        if (g.dirs.empty()) {
            g.recording = o.recording;
            g.recording_dir = dir;
        } else if (!o.host.empty() && o.recording != g.recording) {
            throw InputError(path, "two recordings of host " + o.host + " (" +
                                       g.recording_dir + " and " + dir +
                                       "): give each as its own PATH");
        }
        g.dirs.push_back(dir);
    }
    if (hosts.size() == 1) {
        const auto &[key, g] = *hosts.begin();
        out.push_back({path, key.rfind("clock ", 0) == 0 ? "" : key, g.dirs});
        return;
    }
    // "trace/" and "trace" alike.
    fs::path top = fs::path(path).lexically_normal();
    if (!top.has_filename())
        top = top.parent_path();
    for (const auto &[key, g] : hosts) {
        std::vector<std::string> others;
        for (const auto &[other_key, other] : hosts)
            if (other_key != key)
                others.insert(others.end(), other.dirs.begin(), other.dirs.end());
        out.push_back({host_dir(g.dirs, top, others),
                       key.rfind("clock ", 0) == 0 ? "" : key, g.dirs});
    }
}

} // namespace

std::vector<bt2::SourceSpec> split_by_host(const std::vector<std::string> &paths) {
    std::vector<bt2::SourceSpec> out;
    for (const auto &p : paths)
        split_path(p, out);
    return out;
}

} // namespace fluxtrace::ctf
