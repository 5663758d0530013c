// How one trace directory is handed to src.ctf.fs: as it is, or rebuilt
// around damage (ShadowTrace), in one piece or one data file per component
// so that a decoding error names the file it came from.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "packet_index.hpp"
#include "shadow_trace.hpp"

namespace fluxtrace::bt2 {

class TraceLayout {
  public:
    struct DataFile {
        std::string name; // base name
        std::string path; // in the original directory
        std::uint64_t size = 0;
        // Bytes [begin, end) are read; the rest was found damaged or unreadable.
        std::uint64_t begin = 0;
        std::uint64_t end = 0;
        bool excluded = false;

        bool whole() const { return begin == 0 && end == size && !excluded; }
    };
    // A directory to give one src.ctf.fs component.
    struct Part {
        std::string dir;
        int file; // the one data file it holds, or -1: all of them
    };

    explicit TraceLayout(std::string dir);

    const std::string &dir() const { return dir_; }
    std::vector<DataFile> &files() { return files_; }
    DataFile *find(const std::string &name);
    // The LTTng index of a file, read on first use.
    const std::vector<Packet> &packets(const DataFile &f);

    bool skipped = false; // the whole trace is unreadable
    bool split() const { return split_; }
    void set_split() { split_ = true; }

    // Builds the directories for the files as they now are.  Replaces those
    // of the previous call, so call it once per graph.
    std::vector<Part> parts();

  private:
    std::string dir_;
    std::vector<DataFile> files_;
    std::vector<std::vector<Packet>> packets_;
    std::vector<bool> packets_read_;
    bool split_ = false;
    // The directory holds a file that is not the trace's (saved symbols):
    // src.ctf.fs, which opens every file, reads it through a shadow.
    bool foreign_files_ = false;
    std::vector<std::unique_ptr<ShadowTrace>> shadows_;
};

} // namespace fluxtrace::bt2
