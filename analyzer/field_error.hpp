// A record was asked for a field it does not have, or as the wrong type.
#pragma once

#include <stdexcept>
#include <string>

namespace fluxtrace {

class FieldError : public std::runtime_error {
  public:
    explicit FieldError(const std::string &what) : std::runtime_error(what) {}
};

} // namespace fluxtrace
