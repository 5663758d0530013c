// The one error type of `fluxtrace record`: a sentence for the user and the exit
// status it maps to.  Thrown inside, turned into a message and a status in main().
#ifndef FLUXTRACE_RECORD_ERROR_H
#define FLUXTRACE_RECORD_ERROR_H

#include <stdexcept>
#include <string>

namespace fluxtrace {

// Exit statuses of the recorder itself; otherwise it exits with the command's.
constexpr int kExitSetupFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitCannotExecute = 127;
constexpr int kExitSignalBase = 128;

class RecordError : public std::runtime_error {
  public:
    RecordError(const std::string &message, int exit_status = kExitSetupFailed)
        : std::runtime_error(message), exit_status_(exit_status) {}
    int exit_status() const { return exit_status_; }

  private:
    int exit_status_;
};

} // namespace fluxtrace

#endif
