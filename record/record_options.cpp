#include "record_options.h"

#include "record_error.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

namespace fluxtrace {

static bool parse_unsigned(const std::string &s, unsigned long long max,
                           unsigned long long *out) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
        return false;
    errno = 0;
    char *end;
    unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (errno != 0 || *end != '\0' || v > max)
        return false;
    *out = v;
    return true;
}

std::string check_stack(const std::string &value) {
    unsigned long long n;
    if (!parse_unsigned(value, kStackLimit, &n))
        return fmt::format("must be a frame count in 0..{}, got '{}'", kStackLimit,
                           value);
    return "";
}

std::string check_payload(const std::string &value) {
    unsigned long long n;
    if (value == "none" || value == "hash" || value == "all" ||
        parse_unsigned(value, kPayloadMax, &n))
        return "";
    return fmt::format("must be none, hash, all or a byte count in 0..{}, got '{}'",
                       kPayloadMax, value);
}

std::string check_buffer_mib(const std::string &value) {
    unsigned long long n;
    if (!parse_unsigned(value, kMaxBufferMib, &n) || n == 0)
        return fmt::format("must be a size in MiB in 1..{}, got '{}'", kMaxBufferMib,
                           value);
    return "";
}

std::string check_session_name(const std::string &value) {
    if (value.empty() || value.size() > 200 || value.find('/') != std::string::npos ||
        value[0] == '.' || value[0] == '-')
        return fmt::format(
            "must be 1 to 200 characters, no '/' and not starting with '.' "
            "or '-', got '{}'",
            value);
    return "";
}

// What lttng_create_session takes for a relay: net:// or net6:// and a host,
// with optional control and data ports (net://HOST[:CTRL[:DATA]]).
std::string check_relay_url(const std::string &value) {
    for (const char *scheme : {"net://", "net6://"}) {
        const std::string_view prefix = scheme;
        if (value.compare(0, prefix.size(), prefix) == 0 &&
            value.size() > prefix.size() && value[prefix.size()] != ':' &&
            value[prefix.size()] != '/')
            return "";
    }
    return fmt::format("must be net://HOST[:CTRL_PORT[:DATA_PORT]] (or net6://), the "
                       "address of an lttng-relayd, got '{}'",
                       value);
}

std::string expand_output_pattern(const std::string &pattern, const std::string &host,
                                  long pid) {
    std::string out;
    for (size_t i = 0; i < pattern.size(); i++) {
        if (pattern[i] != '%') {
            out += pattern[i];
            continue;
        }
        const char c = i + 1 < pattern.size() ? pattern[++i] : '\0';
        if (c == 'h')
            out += host;
        else if (c == 'p')
            out += std::to_string(pid);
        else if (c == '%')
            out += '%';
        else
            throw RecordError(fmt::format("-o {}: unknown %-sequence (%h host name, %p "
                                          "pid, %% a percent sign)",
                                          pattern),
                              kExitUsage);
    }
    return out;
}

static CLI::Validator checked_by(std::string (*check)(const std::string &)) {
    return CLI::Validator([check](std::string &value) { return check(value); }, "");
}

void add_shim_options(CLI::App &app, RecordOptions &options) {
    app.add_option("--stack", options.stack,
                   fmt::format("Stack frames kept per record, 0..{} (FLUXTRACE_STACK)",
                               kStackLimit))
        ->type_name("N")
        ->check(checked_by(check_stack));
    app.add_option("--payload", options.payload,
                   fmt::format("Message payload kept: none, hash, all, or the first N "
                               "bytes, N<={} (FLUXTRACE_PAYLOAD; default: bytes of the "
                               "topics the analyzer decodes, hashes of the rest)",
                               kPayloadMax))
        ->type_name("MODE")
        ->check(checked_by(check_payload));
}

void add_record_options(CLI::App &record, RecordOptions &options) {
    record
        .add_option("-o,--output", options.output_dir,
                    "Directory to write the trace to; must not exist or be empty; %h is "
                    "the host name, %p the recorder's pid (default: "
                    "./fluxtrace-YYYYmmdd-HHMMSS)")
        ->type_name("DIR");
    record
        .add_option(
            "--relay", options.relay_url,
            "Stream the trace to the lttng-relayd at URL "
            "(net://HOST[:CTRL_PORT[:DATA_PORT]]) instead of writing it here: the "
            "relay keeps it as HOSTNAME/SESSION-DATE/ under its output directory; "
            "no symbols are saved (fluxtrace-analyze --write-symbols there)")
        ->type_name("URL")
        ->excludes("-o")
        ->check(checked_by(check_relay_url));
    add_shim_options(record, options);
    record
        .add_option("--buffer-mib", options.buffer_mib,
                    "Total memory of the trace buffers, shared among all CPUs; raise it "
                    "when events are discarded")
        ->type_name("M")
        ->check(checked_by(check_buffer_mib))
        ->capture_default_str();
    record
        .add_option("--session", options.session_name,
                    "LTTng session name (default: fluxtrace-YYYYmmdd-HHMMSS-PID)")
        ->type_name("NAME")
        ->check(checked_by(check_session_name));
    record.add_flag(
        "--no-symbols", [&options](std::int64_t) { options.save_symbols = false; },
        "Do not save the symbols of the traced binaries beside the trace "
        "(fluxtrace-symbols.json, what analysing it on another machine needs)");
    // Everything from the first word that is not an option (or after `--`) is the
    // command, whose own options must not be taken for ours.
    record.prefix_command();
    record.footer("Runs CMD [ARGS...] with libfluxtrace.so preloaded while an LTTng "
                  "session records it, then stops the session and exits with CMD's "
                  "status.\nEnvironment: FLUXTRACE_LIBDIR overrides the directory of "
                  "libfluxtrace.so.");
}

SplitCommandLine split_at_separator(int argc, const char *const *argv) {
    SplitCommandLine line;
    for (int i = 0; i < argc; i++) {
        std::string arg = argv[i];
        if (line.has_separator)
            line.tail.push_back(arg);
        else if (arg == "--")
            line.has_separator = true;
        else
            line.head.push_back(arg);
    }
    return line;
}

void take_command(CLI::App &record, const SplitCommandLine &line,
                  RecordOptions &options) {
    // Words left after our options: the command, when it starts before `--`
    // (then a `--` after it is one of its own arguments).
    std::vector<std::string> command = record.remaining();
    if (!command.empty() && command.front().size() > 1 && command.front()[0] == '-')
        throw RecordError(
            fmt::format("unknown option {} (put the command after --)", command.front()),
            kExitUsage);
    if (line.has_separator) {
        if (!command.empty())
            command.push_back("--");
        command.insert(command.end(), line.tail.begin(), line.tail.end());
    }
    if (command.empty())
        throw RecordError("missing command: usage: fluxtrace record [OPTIONS] -- CMD "
                          "[ARGS...]",
                          kExitUsage);
    options.command = std::move(command);
}

} // namespace fluxtrace
