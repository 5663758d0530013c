// One object file opened offline with elfutils' libdwfl: its build-id, its
// first loadable segment, and what lies at a file address.  Separate debug
// files are found through the search path given (build-id, then
// .gnu_debuglink).  Owns its Dwfl session; not copyable, not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "symbol.hpp"

namespace fluxtrace::symbolize {

class DwflObject {
  public:
    // nullptr and `why` (a sentence) when `path` cannot be opened as ELF.
    static std::unique_ptr<DwflObject>
    open(const std::string &path, const std::string &debuginfo_path, std::string *why);
    ~DwflObject();
    DwflObject(const DwflObject &) = delete;
    DwflObject &operator=(const DwflObject &) = delete;

    const std::string &path() const { return path_; }
    // Raw bytes of its GNU build-id note; empty when it has none.
    const std::string &build_id() const { return build_id_; }
    // p_vaddr of its first PT_LOAD segment.
    std::uint64_t first_load_vaddr() const { return first_load_vaddr_; }

    // The frames at a file (link-time) address, innermost first (see Symbol);
    // empty when no symbol covers it.  `has_lines` tells whether they came
    // with file and line.
    std::vector<Frame> lookup(std::uint64_t file_address, bool *has_lines) const;

  private:
    struct Impl;
    explicit DwflObject(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> impl_;
    std::string path_;
    std::string build_id_;
    std::uint64_t first_load_vaddr_ = 0;
};

} // namespace fluxtrace::symbolize
