// What `fluxtrace record` is asked to do, and how its options are declared and
// checked.  Checking is pure: unit tested alone.
#ifndef FLUXTRACE_RECORD_OPTIONS_H
#define FLUXTRACE_RECORD_OPTIONS_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fluxtrace {

constexpr unsigned kStackLimit = 64;         // FT_STACK_LIMIT of the provider
constexpr unsigned long kPayloadMax = 65536; // FT_PAYLOAD_MAX of the provider
// Every traced process maps (and populates) the whole per-uid buffer when it
// registers: a large budget costs each short-lived flux command start-up time
// (bench/e2e.sh: 256 MiB made a 4-rank instance 1.6x slower, 32 MiB about
// 1.1x, with no event lost at either).
constexpr uint64_t kDefaultBufferMib = 32;
constexpr uint64_t kMaxBufferMib = 1024 * 1024;

struct RecordOptions {
    std::string output_dir;             // empty: ./fluxtrace-<YYYYmmdd-HHMMSS>
    std::string relay_url;              // --relay: streamed there instead, no -o
    std::optional<std::string> stack;   // FLUXTRACE_STACK, checked
    std::optional<std::string> payload; // FLUXTRACE_PAYLOAD, checked
    uint64_t buffer_mib = kDefaultBufferMib;
    std::string session_name; // empty: fluxtrace-<YYYYmmdd-HHMMSS>-<pid>
    bool save_symbols = true; // --no-symbols: no fluxtrace-symbols.json
    std::vector<std::string> command;
};

// Each returns an empty string when the value is good, else why it is not.
std::string check_stack(const std::string &value);
std::string check_payload(const std::string &value);
std::string check_buffer_mib(const std::string &value);
std::string check_session_name(const std::string &value);
std::string check_relay_url(const std::string &value);

// `-o` with %h (host name) and %p (the recorder's pid) expanded, %% for a %, so
// that every node of a cluster can write below one shared directory
// (`srun fluxtrace record -o trace/%h -- flux start ...`).  Throws RecordError
// (usage) for any other %-sequence.
std::string expand_output_pattern(const std::string &pattern, const std::string &host,
                                  long pid);

// Declares --stack and --payload (of `record` and `env`).
void add_shim_options(CLI::App &app, RecordOptions &options);

// Declares the options of `record` on its subcommand.  The command starts at
// the first word that is not an option, or after `--`.
void add_record_options(CLI::App &record, RecordOptions &options);

// The command line cut at its first `--`: CLI11 2.1 does not hand what follows
// `--` to a subcommand that collects a command, so it parses only `head`.
struct SplitCommandLine {
    std::vector<std::string> head; // from argv[0] up to `--`
    std::vector<std::string> tail; // after `--`
    bool has_separator = false;
};
SplitCommandLine split_at_separator(int argc, const char *const *argv);

// Sets options.command once `record` parsed `head`; throws RecordError (usage)
// when there is no command or an unknown option stands where it should start.
void take_command(CLI::App &record, const SplitCommandLine &line, RecordOptions &options);

} // namespace fluxtrace

#endif
