// The pure parts of `fluxtrace record`: buffer sizing, option checks, the
// command line split and the traced command's environment.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <sys/wait.h>
#include <unistd.h>

#include "buffer_geometry.h"
#include "record_error.h"
#include "record_options.h"
#include "recording_marker.h"
#include "traced_environment.h"

using namespace fluxtrace;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kPage = 4096;

bool is_pow2(uint64_t v) {
    return v != 0 && (v & (v - 1)) == 0;
}

std::string value_of(const std::vector<std::string> &env, const std::string &name) {
    std::string prefix = name + "=";
    std::string found = "<unset>";
    for (const std::string &entry : env)
        if (entry.compare(0, prefix.size(), prefix) == 0) {
            EXPECT_EQ(found, "<unset>") << name << " is set twice";
            found = entry.substr(prefix.size());
        }
    return found;
}

} // namespace

TEST(BufferGeometry, DefaultBudgetOnTwoCpusIsEightSubbuffersPerCpu) {
    BufferGeometry g = buffer_geometry(256 * kMiB, 2, kPage);
    EXPECT_EQ(g.num_subbuf, 8u);
    EXPECT_EQ(g.subbuf_size, 16 * kMiB);
    EXPECT_EQ(g.total(), 256 * kMiB);
}

TEST(BufferGeometry, TotalIsWithinHalfOfTheBudgetAndPowersOfTwo) {
    for (unsigned cpus : {1u, 2u, 3u, 6u, 7u, 64u, 96u, 1000u})
        for (uint64_t mib : {1u, 3u, 8u, 100u, 256u, 1000u, 4096u}) {
            if (mib * kMiB / cpus < 2 * kPage)
                continue;
            BufferGeometry g = buffer_geometry(mib * kMiB, cpus, kPage);
            SCOPED_TRACE(testing::Message() << "cpus=" << cpus << " mib=" << mib);
            EXPECT_TRUE(is_pow2(g.subbuf_size));
            EXPECT_TRUE(is_pow2(g.num_subbuf));
            EXPECT_GE(g.subbuf_size, kPage);
            EXPECT_GE(g.num_subbuf, 2u);
            EXPECT_LE(g.num_subbuf, kMaxSubbufsPerCpu);
            EXPECT_LE(g.total(), mib * kMiB);
            EXPECT_GT(g.total() * 2, mib * kMiB);
        }
}

TEST(BufferGeometry, SmallBudgetsUseFewerSubbuffersOfAPage) {
    BufferGeometry g = buffer_geometry(1 * kMiB, 64, kPage); // 16 KiB per CPU
    EXPECT_EQ(g.subbuf_size, kPage);
    EXPECT_EQ(g.num_subbuf, 4u);
}

TEST(BufferGeometry, RefusesLessThanTwoPagesPerCpu) {
    try {
        buffer_geometry(1 * kMiB, 256, kPage);
        FAIL() << "no error";
    } catch (const RecordError &e) {
        EXPECT_EQ(e.exit_status(), kExitUsage);
        EXPECT_NE(std::string(e.what()).find("--buffer-mib"), std::string::npos);
    }
}

TEST(BufferGeometry, CountsKernelCpuLists) {
    EXPECT_EQ(count_cpu_list("0-1\n"), 2u);
    EXPECT_EQ(count_cpu_list("0"), 1u);
    EXPECT_EQ(count_cpu_list("0-3,8,10-11"), 7u);
    EXPECT_EQ(count_cpu_list("garbage"), 0u);
    EXPECT_EQ(count_cpu_list("3-1"), 0u);
    EXPECT_GE(possible_cpus(), 1u);
}

TEST(RecordOptions, StackIsAFrameCountUpTo64) {
    EXPECT_EQ(check_stack("0"), "");
    EXPECT_EQ(check_stack("64"), "");
    for (const char *bad : {"65", "-1", "", "abc", "1x", "99999999999999999999999"})
        EXPECT_NE(check_stack(bad), "") << bad;
}

TEST(RecordOptions, PayloadIsAModeOrAByteCountUpTo65536) {
    for (const char *good : {"none", "hash", "all", "0", "1", "65536"})
        EXPECT_EQ(check_payload(good), "") << good;
    for (const char *bad : {"65537", "-1", "", "ALL", "decoded", "12k"})
        EXPECT_NE(check_payload(bad), "") << bad;
}

TEST(RecordOptions, BufferIsAPositiveSize) {
    EXPECT_EQ(check_buffer_mib("1"), "");
    EXPECT_EQ(check_buffer_mib("256"), "");
    EXPECT_NE(check_buffer_mib("0"), "");
    EXPECT_NE(check_buffer_mib("-5"), "");
    EXPECT_NE(check_buffer_mib("2097152"), "");
}

TEST(RecordOptions, SessionNamesCannotBePaths) {
    EXPECT_EQ(check_session_name("fluxtrace-1"), "");
    EXPECT_NE(check_session_name(""), "");
    EXPECT_NE(check_session_name("a/b"), "");
    EXPECT_NE(check_session_name(".hidden"), "");
}

TEST(RecordOptions, RelayIsANetUrlWithAHost) {
    EXPECT_EQ(check_relay_url("net://10.231.0.254"), "");
    EXPECT_EQ(check_relay_url("net://relay:5342:5343"), "");
    EXPECT_EQ(check_relay_url("net6://[::1]"), "");
    EXPECT_NE(check_relay_url("net://"), "");
    EXPECT_NE(check_relay_url("file:///tmp/t"), "");
    EXPECT_NE(check_relay_url("relay"), "");
}

TEST(RecordOptions, OutputExpandsHostAndPid) {
    EXPECT_EQ(expand_output_pattern("trace/%h", "node7", 42), "trace/node7");
    EXPECT_EQ(expand_output_pattern("t-%h-%p", "n", 42), "t-n-42");
    EXPECT_EQ(expand_output_pattern("100%%/x", "n", 1), "100%/x");
    EXPECT_EQ(expand_output_pattern("plain", "n", 1), "plain");
    EXPECT_THROW(expand_output_pattern("t/%d", "n", 1), RecordError);
    EXPECT_THROW(expand_output_pattern("t/%", "n", 1), RecordError);
}

namespace {

// Parses a `fluxtrace record` command line as main() does.
RecordOptions parse(std::vector<const char *> argv) {
    argv.insert(argv.begin(), {"fluxtrace", "record"});
    CLI::App app{"test", "fluxtrace"};
    app.require_subcommand(1);
    RecordOptions options;
    CLI::App *record = app.add_subcommand("record", "");
    add_record_options(*record, options);
    SplitCommandLine line =
        split_at_separator(static_cast<int>(argv.size()), argv.data());
    std::vector<const char *> head;
    for (const std::string &arg : line.head)
        head.push_back(arg.c_str());
    app.parse(static_cast<int>(head.size()), head.data());
    take_command(*record, line, options);
    return options;
}

using Words = std::vector<std::string>;

TEST(TracedEnvironment, ChangedEntriesAreWhatEnvPrints) {
    const std::vector<std::string> parent = {"HOME=/root", "LD_PRELOAD=/lib/a.so",
                                             "FLUX_LOAD_WITH_DEEPBIND=0"};
    const auto env = traced_environment(parent, {"/s/libfluxtrace.so", "3", {}, ""});
    EXPECT_EQ(changed_entries(parent, env),
              (std::vector<std::string>{"LD_PRELOAD=/s/libfluxtrace.so:/lib/a.so",
                                        "LTTNG_UST_REGISTER_TIMEOUT=30000",
                                        "LTTNG_UST_WITHOUT_BADDR_STATEDUMP=1",
                                        "FLUXTRACE_STACK=3"}));
}

class MarkerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/fluxtrace-marker.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

// The private daemon's identity survives the round trip (the daemon note,
// session_daemon.h, is read back the same way to take a daemon over); a marker
// without one reads back with pid 0.
TEST_F(MarkerTest, NamesThePrivateDaemonWhenThereIsOne) {
    const ProcessIdentity self = this_process();
    write_marker(dir_, {self, "s1", "why not", {4243, 99, self.pid_ns}});
    auto m = read_marker(dir_);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->recorder.pid, self.pid);
    EXPECT_EQ(m->recorder.start, self.start);
    EXPECT_EQ(m->session, "s1");
    EXPECT_EQ(m->why, "why not");
    EXPECT_EQ(m->daemon.pid, 4243);
    EXPECT_EQ(m->daemon.start, 99u);
    EXPECT_EQ(m->daemon.pid_ns, self.pid_ns);

    write_marker(dir_, {self, "s2", "why", {}});
    m = read_marker(dir_);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->daemon.pid, 0);
    EXPECT_EQ(m->why, "why");
}

// A process that ended but was not reaped yet (a zombie) is not alive: an
// adopted daemon's parent may never reap it.
TEST(Recorder, AZombieIsNotAlive) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0)
        _exit(0);
    const ProcessIdentity id = identify(child);
    for (int i = 0; i < 500 && process_alive(id); i++)
        usleep(10000);
    EXPECT_FALSE(process_alive(id));
    EXPECT_TRUE(kill(child, 0) == 0) << "the zombie is still there";
    waitpid(child, nullptr, 0);
    EXPECT_TRUE(process_alive(this_process()));
}

} // namespace

TEST(RecordCommandLine, CommandAfterSeparatorKeepsItsOwnOptions) {
    RecordOptions o = parse({"-o", "d", "--stack", "4", "--", "sh", "-c", "exit 3"});
    EXPECT_EQ(o.output_dir, "d");
    EXPECT_EQ(o.stack.value_or(""), "4");
    EXPECT_FALSE(o.payload.has_value());
    EXPECT_EQ(o.buffer_mib, kDefaultBufferMib);
    EXPECT_EQ(o.command, (Words{"sh", "-c", "exit 3"}));
}

TEST(RecordCommandLine, CommandWithoutSeparatorStartsAtFirstWord) {
    RecordOptions o = parse({"--payload", "all", "sh", "-c", "x", "--", "y"});
    EXPECT_EQ(o.payload.value_or(""), "all");
    EXPECT_EQ(o.command, (Words{"sh", "-c", "x", "--", "y"}));
}

TEST(RecordCommandLine, SeparatorCanBeTheCommandsArgument) {
    RecordOptions o = parse({"--", "prog", "--", "--stack"});
    EXPECT_EQ(o.command, (Words{"prog", "--", "--stack"}));
}

TEST(RecordCommandLine, MissingCommandAndUnknownOptionsAreUsageErrors) {
    for (std::vector<const char *> argv :
         {std::vector<const char *>{}, {"--"}, {"-o", "d"}, {"--bogus", "--", "true"}}) {
        try {
            parse(argv);
            FAIL() << "no error";
        } catch (const RecordError &e) {
            EXPECT_EQ(e.exit_status(), kExitUsage);
        }
    }
}

TEST(RecordCommandLine, BadValuesAreParseErrorsNamingTheOption) {
    for (auto [option, value] : {std::pair{"--stack", "65"},
                                 {"--payload", "x"},
                                 {"--buffer-mib", "0"},
                                 {"--session", "a/b"},
                                 {"--relay", "file:///t"}}) {
        try {
            parse({option, value, "--", "true"});
            FAIL() << option << " " << value << ": no error";
        } catch (const CLI::ParseError &e) {
            EXPECT_EQ(std::string(e.what()).rfind(option, 0), 0u) << e.what();
        }
    }
}

TEST(RecordCommandLine, RelayTakesTheTraceAwayFromOutput) {
    RecordOptions o = parse({"--relay", "net://relay", "--", "true"});
    EXPECT_EQ(o.relay_url, "net://relay");
    EXPECT_EQ(o.output_dir, "");
    EXPECT_THROW(parse({"--relay", "net://relay", "-o", "d", "--", "true"}),
                 CLI::ExcludesError);
}

TEST(TracedEnvironment, ShimGoesFirstInLdPreload) {
    TracingSettings s{"/x/lib/libfluxtrace.so", std::nullopt, std::nullopt, ""};
    EXPECT_EQ(value_of(traced_environment({"A=1"}, s), "LD_PRELOAD"), s.shim_path);
    EXPECT_EQ(value_of(traced_environment({"LD_PRELOAD="}, s), "LD_PRELOAD"),
              s.shim_path);
    EXPECT_EQ(value_of(traced_environment({"LD_PRELOAD=/l/libm.so.6 /l/b.so"}, s),
                       "LD_PRELOAD"),
              s.shim_path + ":/l/libm.so.6 /l/b.so");
}

// A sanitizer build's shim needs its runtime loaded before it (and before
// anything else) in programs that are not instrumented.
TEST(TracedEnvironment, SanitizerRuntimeGoesBeforeTheShim) {
    TracingSettings s{"/x/lib/libfluxtrace.so", std::nullopt, std::nullopt,
                      "/usr/lib/libasan.so.8"};
    EXPECT_EQ(value_of(traced_environment({"A=1"}, s), "LD_PRELOAD"),
              "/usr/lib/libasan.so.8:/x/lib/libfluxtrace.so");
    EXPECT_EQ(value_of(traced_environment({"LD_PRELOAD=/l/libm.so.6"}, s), "LD_PRELOAD"),
              "/usr/lib/libasan.so.8:/x/lib/libfluxtrace.so:/l/libm.so.6");
}

TEST(TracedEnvironment, DefaultsYieldToTheUsersSettings) {
    TracingSettings s{"/shim.so", std::nullopt, std::nullopt, ""};
    Words env = traced_environment({"PATH=/bin", "A=b=c"}, s);
    EXPECT_EQ(value_of(env, "PATH"), "/bin");
    EXPECT_EQ(value_of(env, "A"), "b=c");
    EXPECT_EQ(value_of(env, "LTTNG_UST_REGISTER_TIMEOUT"), "30000");
    EXPECT_EQ(value_of(env, "FLUX_LOAD_WITH_DEEPBIND"), "0");
    EXPECT_EQ(value_of(env, "LTTNG_UST_WITHOUT_BADDR_STATEDUMP"), "1");
    EXPECT_EQ(value_of(env, "FLUXTRACE_STACK"), "<unset>");
    EXPECT_EQ(value_of(env, "FLUXTRACE_PAYLOAD"), "<unset>");

    env =
        traced_environment({"LTTNG_UST_REGISTER_TIMEOUT=-1", "FLUX_LOAD_WITH_DEEPBIND=1",
                            "LTTNG_UST_WITHOUT_BADDR_STATEDUMP=0", "FLUXTRACE_STACK=3",
                            "FLUXTRACE_PAYLOAD=none"},
                           s);
    EXPECT_EQ(value_of(env, "LTTNG_UST_REGISTER_TIMEOUT"), "-1");
    EXPECT_EQ(value_of(env, "FLUX_LOAD_WITH_DEEPBIND"), "1");
    EXPECT_EQ(value_of(env, "LTTNG_UST_WITHOUT_BADDR_STATEDUMP"), "0");
    EXPECT_EQ(value_of(env, "FLUXTRACE_STACK"), "3");
    EXPECT_EQ(value_of(env, "FLUXTRACE_PAYLOAD"), "none");
}

TEST(TracedEnvironment, OptionsOverrideTheEnvironment) {
    TracingSettings s{"/shim.so", std::string("8"), std::string("hash"), ""};
    Words env = traced_environment({"FLUXTRACE_STACK=3", "FLUXTRACE_PAYLOAD=none"}, s);
    EXPECT_EQ(value_of(env, "FLUXTRACE_STACK"), "8");
    EXPECT_EQ(value_of(env, "FLUXTRACE_PAYLOAD"), "hash");
}
