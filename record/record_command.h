// `fluxtrace record`: run a command under an LTTng recording session.
#ifndef FLUXTRACE_RECORD_COMMAND_H
#define FLUXTRACE_RECORD_COMMAND_H

#include "record_options.h"

namespace fluxtrace {

// Returns the status fluxtrace exits with: the command's, or one of the
// kExit* statuses.  Throws RecordError on failures before the command runs.
int run_record(const RecordOptions &options);

// `fluxtrace env`: prints, one NAME=VALUE per line, what `record` would set or
// change in the traced command's environment (only --stack and --payload of
// `options` count), for a session started by other means.
int run_env(const RecordOptions &options);

} // namespace fluxtrace

#endif
