// Accepted patterns, silenced as sanitizer suppression files silence them:
// one entry a line, `rule:key-glob:function-glob` (fnmatch(3) globs; a missing
// function glob means "*"), `#` starts a comment, blank lines are skipped.
//
//     reactor-blocking:kvs.getroot:*
//     watch-chaining:job.*.eventlog:watch_cb
//
// The rule is compared exactly (or `*`); the key glob matches the finding's
// KVS key or topic; the function glob its SUMMARY function.  Each entry counts
// the findings it silenced.
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <vector>

#include "finding.hpp"

namespace fluxtrace::report {

struct Suppression {
    std::string rule;
    std::string key_glob;
    std::string function_glob;
    int line = 0;
    mutable std::uint64_t hits = 0;
};

class Suppressions {
  public:
    // Throws std::invalid_argument("NAME:LINE: cause") for a malformed line.
    static Suppressions parse(std::istream &in, const std::string &name);
    // Throws std::invalid_argument("PATH: cause") when it cannot be read.
    static Suppressions load(const std::string &path);

    void add(Suppression s) { entries_.push_back(std::move(s)); }
    // The entry silencing `f`, or nullptr.
    const Suppression *match(const Finding &f) const;
    const std::vector<Suppression> &entries() const { return entries_; }

  private:
    std::vector<Suppression> entries_;
};

// Removes suppressed findings; returns how many.
std::uint64_t apply(const Suppressions &s, std::vector<Finding> &findings);

} // namespace fluxtrace::report
