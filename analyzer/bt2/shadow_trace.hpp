// A trace directory rebuilt in a temporary directory from links to the
// original's files, some of them cut to a byte range, so src.ctf.fs reads
// around damage: it refuses a whole directory when one data file ends inside a
// packet, and stops at the first packet it cannot decode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fluxtrace::bt2 {

class ShadowTrace {
  public:
    struct File {
        std::string name;    // base name in the original directory
        std::uint64_t begin; // bytes [begin, end) are kept
        std::uint64_t end;
        bool whole; // the original file as it is (linked, with its index)
    };

    // `metadata` is always linked.  Removed with the object.
    ShadowTrace(const std::string &trace_dir, const std::vector<File> &files);
    ~ShadowTrace();
    ShadowTrace(const ShadowTrace &) = delete;
    ShadowTrace &operator=(const ShadowTrace &) = delete;

    const std::string &dir() const { return dir_; }

  private:
    std::string dir_;
};

} // namespace fluxtrace::bt2
