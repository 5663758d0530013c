// ft-analyzer-read: the reading layer alone (analyzer/bt2), for the benchmark.
//
//     ft-analyzer-read [--retain] PATH...
//
// Reads every record through fluxtrace::bt2::TraceReader into a sink that only
// counts them, as `fluxtrace-analyze` does before any model is built.  Without
// --retain each record is dropped after the callback (the streaming mode used
// by --dump); with it the store keeps them all (as --summary does).  Prints
// "records N discarded D" on stdout.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "analyzer/bt2/trace_reader.hpp"

int main(int argc, char **argv) {
    fluxtrace::bt2::ReadOptions options;
    options.retain_records = false;
    std::vector<std::string> paths;
    for (int i = 1; i < argc; i++) {
        if (std::strcmp(argv[i], "--retain") == 0)
            options.retain_records = true;
        else
            paths.emplace_back(argv[i]);
    }
    if (paths.empty()) {
        std::fprintf(stderr, "usage: ft-analyzer-read [--retain] PATH...\n");
        return 2;
    }
    try {
        fluxtrace::RecordStore store;
        fluxtrace::bt2::TraceReader reader(store, options);
        std::uint64_t n = 0, fluxtrace = 0;
        const auto &stats = reader.read(paths, [&](const fluxtrace::Record &r) {
            n++;
            fluxtrace += r.is_fluxtrace();
        });
        std::uint64_t discarded = 0;
        for (const auto &s : stats.streams)
            discarded += s.discarded_events;
        std::printf("records %llu fluxtrace %llu discarded %llu\n",
                    static_cast<unsigned long long>(n),
                    static_cast<unsigned long long>(fluxtrace),
                    static_cast<unsigned long long>(discarded));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "ft-analyzer-read: %s\n", e.what());
        return 1;
    }
    return 0;
}
