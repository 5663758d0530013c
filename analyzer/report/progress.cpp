#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace fluxtrace::report {

Progress::Progress(bool enabled) : on_(enabled && isatty(STDERR_FILENO)) {}

void Progress::draw() {
    std::fprintf(stderr, "\r\033[Kfluxtrace-analyze: %s: %llu records", phase_.c_str(),
                 static_cast<unsigned long long>(records_));
    std::fflush(stderr);
    drawn_ = true;
}

void Progress::phase(const std::string &what) {
    phase_ = what;
    if (on_)
        draw();
}

void Progress::clear() {
    if (drawn_) {
        std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
        drawn_ = false;
    }
}

} // namespace fluxtrace::report
