// A libbabeltrace2 error turned into an exception: every cause, innermost
// (the decoder's own reason) first.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace fluxtrace::bt2 {

struct ErrorCause {
    std::string message;   // on one line
    std::string component; // the component (or message iterator's component), or ""
};

class Error : public std::runtime_error {
  public:
    // Takes the current thread's error from the library; `what` says what failed.
    static Error take(const std::string &what);

    const std::vector<ErrorCause> &causes() const { return causes_; }
    // The innermost cause: the most specific reason, or `what` without one.
    std::string root_cause() const;
    // Whether any cause was reported by the component named `component`.
    bool involves(const std::string &component) const;

  private:
    Error(const std::string &what, std::vector<ErrorCause> causes);
    std::vector<ErrorCause> causes_;
};

// A sentence from the library often spans lines and repeats spaces.
std::string one_line(const std::string &message);

} // namespace fluxtrace::bt2
