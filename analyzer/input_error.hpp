// An input the analyzer cannot use.  what() is one line, "PATH: cause", fit to
// print after the program name.
#pragma once

#include <stdexcept>
#include <string>

namespace fluxtrace {

class InputError : public std::runtime_error {
  public:
    InputError(const std::string &path, const std::string &cause)
        : std::runtime_error(path + ": " + cause), path_(path), cause_(cause) {}

    const std::string &path() const { return path_; }
    const std::string &cause() const { return cause_; }

  private:
    std::string path_;
    std::string cause_;
};

} // namespace fluxtrace
