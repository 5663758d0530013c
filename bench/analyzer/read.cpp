// ft-analyzer-read: the reading layer alone, for the benchmark.
//
//     ft-analyzer-read [--retain] [--reader bt2|fast|auto] [-j|--jobs N] PATH...
//
// Reads every record through Babeltrace2 (analyzer/bt2, the default here) or
// the fast reader (analyzer/ctf; `fast` fails if it refuses the trace) into a
// sink that only counts them, as `fluxtrace-analyze` does before any model is
// built.  Without
// --retain each record is dropped after the callback (the streaming mode used
// by --dump); with it the store keeps them all (as --summary does).  Prints
// "records N discarded D" on stdout.  --jobs: threads for the fast reader's
// check walk (default 1).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "analyzer/ctf/reader_choice.hpp"

int main(int argc, char **argv) {
    fluxtrace::bt2::ReadOptions options;
    options.retain_records = false;
    auto choice = fluxtrace::ctf::ReaderChoice::Bt2;
    std::vector<std::string> paths;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--retain") == 0) {
            options.retain_records = true;
        } else if (std::strcmp(argv[i], "--reader") == 0 && i + 1 < argc) {
            const std::string r = argv[++i];
            choice = r == "fast"   ? fluxtrace::ctf::ReaderChoice::Fast
                     : r == "auto" ? fluxtrace::ctf::ReaderChoice::Auto
                                   : fluxtrace::ctf::ReaderChoice::Bt2;
        } else if ((std::strcmp(argv[i], "--jobs") == 0 ||
                    std::strcmp(argv[i], "-j") == 0) &&
                   i + 1 < argc) {
            options.jobs = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
        } else {
            paths.emplace_back(argv[i]);
        }
    }
    if (paths.empty()) {
        std::fprintf(
            stderr,
            "usage: ft-analyzer-read [--retain] [--reader bt2|fast|auto] [--jobs N] "
            "PATH...\n");
        return 2;
    }
    try {
        fluxtrace::RecordStore store;
        fluxtrace::ctf::ChoosingReader reader(store, options, choice);
        std::uint64_t n = 0, fluxtrace = 0;
        const auto &stats = reader.read(paths, [&](const fluxtrace::Record &r) {
            n++;
            fluxtrace += r.is_fluxtrace();
        });
        std::uint64_t discarded = 0;
        for (const auto &s : stats.streams)
            discarded += s.discarded_events;
        std::printf("records %llu fluxtrace %llu discarded %llu reader %s\n",
                    static_cast<unsigned long long>(n),
                    static_cast<unsigned long long>(fluxtrace),
                    static_cast<unsigned long long>(discarded),
                    reader.used_fast() ? "fast" : "bt2");
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ft-analyzer-read: %s\n", e.what());
        return 1;
    }
    return 0;
}
