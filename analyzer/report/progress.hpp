// A progress line on stderr for long traces, shown only when stderr is a
// terminal (never in pipes, logs or golden files) and not --quiet.
#pragma once

#include <cstdint>
#include <string>

namespace fluxtrace::report {

class Progress {
  public:
    // `enabled`: the caller's wish (not --quiet); the terminal test is made here.
    explicit Progress(bool enabled);
    ~Progress() { clear(); }
    Progress(const Progress &) = delete;
    Progress &operator=(const Progress &) = delete;

    // One more record read; redraws every 65536 records.
    void record() {
        if (on_ && (++records_ & 0xffff) == 0)
            draw();
    }
    // A new phase ("building the causal model", "checking").
    void phase(const std::string &what);
    // Erases the line.
    void clear();

  private:
    void draw();

    bool on_ = false;
    bool drawn_ = false;
    std::uint64_t records_ = 0;
    std::string phase_ = "reading";
};

} // namespace fluxtrace::report
