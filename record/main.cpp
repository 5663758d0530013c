// fluxtrace: the command-line tool.  One subcommand per verb: `record`, and
// `env` (what record gives the traced command).
#include "record_command.h"
#include "record_error.h"
#include "record_options.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

using namespace fluxtrace;

int main(int argc, char **argv) {
    CLI::App app{"Record and analyze what flux-core programs do.", "fluxtrace"};
    app.set_version_flag("--version", FLUXTRACE_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);

    RecordOptions record_options;
    CLI::App *record = app.add_subcommand(
        "record",
        "Run a command with the fluxtrace shim preloaded, under an LTTng session");
    add_record_options(*record, record_options);
    RecordOptions env_options;
    CLI::App *env = app.add_subcommand(
        "env", "Print what `record` sets in the traced command's environment, one "
               "NAME=VALUE per line, for a session of your own");
    add_shim_options(*env, env_options);
    env->footer("Example: lttng create ...; lttng start; env $(fluxtrace env) flux "
                "start ./workload");

    std::string where = "fluxtrace";
    try {
        SplitCommandLine line = split_at_separator(argc, argv);
        // CLI11 would only say that a subcommand is required.
        if (line.head.size() > 1 && line.head[1][0] != '-' &&
            app.get_subcommands(
                   [&](CLI::App *sub) { return sub->check_name(line.head[1]); })
                .empty())
            throw RecordError(
                fmt::format("unknown command '{}' (see fluxtrace --help)", line.head[1]),
                kExitUsage);
        std::vector<const char *> head;
        for (const std::string &arg : line.head)
            head.push_back(arg.c_str());
        app.parse(static_cast<int>(head.size()), head.data());
        if (env->parsed()) {
            where = "fluxtrace env";
            if (line.has_separator || !env->remaining().empty())
                throw RecordError("it takes no command (see fluxtrace env --help)",
                                  kExitUsage);
            return run_env(env_options);
        }
        where = "fluxtrace record";
        take_command(*record, line, record_options);
        return run_record(record_options);
    } catch (const CLI::CallForHelp &e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp &e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion &e) {
        return app.exit(e);
    } catch (const CLI::ParseError &e) {
        if (record->parsed())
            where = "fluxtrace record";
        else if (env->parsed())
            where = "fluxtrace env";
        fmt::print(stderr, "{}: {} (see {} --help)\n", where, e.what(), where);
        return kExitUsage;
    } catch (const RecordError &e) {
        fmt::print(stderr, "{}: {}\n", where, e.what());
        return e.exit_status();
    }
}
