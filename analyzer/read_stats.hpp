// What a reader saw besides the records: per input and per stream counts, lost
// events, and the parts of damaged traces it had to skip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fluxtrace {

struct StreamStats {
    std::uint16_t src = 0; // the input path it belongs to
    std::string trace_dir; // the directory holding its metadata
    std::string name;      // the stream's data file, or its name in the trace
    std::uint64_t records = 0;
    // Records the tracer could not write (buffers full) and packets lost in
    // transport, as the trace itself reports them.
    std::uint64_t discarded_events = 0;
    std::uint64_t discarded_packets = 0;
};

struct SourceStats {
    std::string path;                    // as given
    std::vector<std::string> trace_dirs; // every directory with a metadata file under it
    std::uint64_t records = 0;
    std::uint64_t fluxtrace_records = 0;
    std::uint64_t first_ts_ns = 0; // of its records; its clock only
    std::uint64_t last_ts_ns = 0;
    std::string host; // the host its traces name (CTF env `hostname`); "" if none
};

// A part of an input that could not be read; the rest was.
struct SkippedPart {
    std::uint16_t src = 0;
    std::string path;  // the file or directory skipped (or cut short)
    std::string what;  // what was left out
    std::string cause; // the decoder's reason
};

struct ReadStats {
    std::vector<SourceStats> sources; // indexed by Record::src()
    std::vector<StreamStats> streams;
    std::vector<SkippedPart> skipped;

    // Per source, whether it lost records (discarded while recording, or a
    // damaged part left out): pairings there must then be unambiguous.
    std::vector<bool> lossy_sources() const {
        std::vector<bool> lossy(sources.size(), false);
        for (const auto &st : streams)
            if ((st.discarded_events > 0 || st.discarded_packets > 0) &&
                st.src < lossy.size())
                lossy[st.src] = true;
        for (const auto &k : skipped)
            if (k.src < lossy.size())
                lossy[k.src] = true;
        return lossy;
    }
    // Per source, how reports name it: its host, else its path.
    std::vector<std::string> source_names() const {
        std::vector<std::string> names;
        for (const auto &s : sources)
            names.push_back(s.host.empty() ? s.path : s.host);
        return names;
    }

    std::uint64_t records() const {
        std::uint64_t n = 0;
        for (const auto &s : sources)
            n += s.records;
        return n;
    }
    std::uint64_t discarded_events() const {
        std::uint64_t n = 0;
        for (const auto &s : streams)
            n += s.discarded_events;
        return n;
    }
    std::uint64_t discarded_packets() const {
        std::uint64_t n = 0;
        for (const auto &s : streams)
            n += s.discarded_packets;
        return n;
    }
};

} // namespace fluxtrace
