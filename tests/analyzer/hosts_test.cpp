// One PATH holding several hosts' traces (each node's `fluxtrace record -o
// trace/%h`, or an lttng-relayd tree) is one source per host, found by the host
// name the traces hold, not by directory names; through both decoders.
#include "analyzer/ctf/hosts.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

#include "analyzer/ctf/reader_choice.hpp"
#include "analyzer/input_error.hpp"

namespace fluxtrace::ctf {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = FIXTURES_DIR;

// A fresh directory; copies of fixtures under it by the names given.
class MultiHostDir : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("fluxtrace-hosts-test-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    // Copies fixture `name` to `as` (a path under the directory).
    void add(const std::string &name, const std::string &as) {
        fs::create_directories((dir_ / as).parent_path());
        fs::copy(kFixtures / name, dir_ / as, fs::copy_options::recursive);
    }
    std::string path() const { return dir_.string(); }

    fs::path dir_;
};

TEST_F(MultiHostDir, OneSourcePerHostNamedByTheTraceNotTheDirectory) {
    // Directory names that say nothing (and mislead): the hosts come from the traces.
    add("normal", "x/node-b");
    add("other-host", "y");
    const auto sources = split_by_host({path()});
    ASSERT_EQ(sources.size(), 2u);
    EXPECT_EQ(sources[0].host, "fixture-host-a");
    EXPECT_EQ(sources[0].path, (dir_ / "x").string());
    EXPECT_EQ(sources[1].host, "fixture-host-b");
    EXPECT_EQ(sources[1].path, (dir_ / "y").string());
    EXPECT_EQ(sources[0].dirs.size(), 1u);
    EXPECT_EQ(sources[1].dirs.size(), 1u);
}

TEST_F(MultiHostDir, OneHostStaysOneSourceUnderThePathGiven) {
    add("normal", "node-a");
    const auto sources = split_by_host({path() + "/"});
    ASSERT_EQ(sources.size(), 1u);
    EXPECT_EQ(sources[0].host, "fixture-host-a");
    EXPECT_EQ(sources[0].path, path() + "/");
}

TEST_F(MultiHostDir, TwoRecordingsOfOneHostAreRefused) {
    add("normal", "a");
    add("discarded", "b");
    try {
        split_by_host({path()});
        FAIL() << "no error";
    } catch (const InputError &e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find(path() + ": two recordings of host fixture-host-a ("), 0u)
            << what;
        EXPECT_NE(what.find("give each as its own PATH"), std::string::npos) << what;
    }
    // Given apart, they read.
    EXPECT_EQ(split_by_host({path() + "/a", path() + "/b"}).size(), 2u);
}

TEST_F(MultiHostDir, ACopyOfATraceBesideItIsRefused) {
    // Read as one host, every record would count twice.
    add("normal", "trace");
    add("normal", "trace/old");
    try {
        split_by_host({path()});
        FAIL() << "no error";
    } catch (const InputError &e) {
        const std::string what = e.what();
        EXPECT_EQ(what.find(path() + ": the same trace twice ("), 0u) << what;
        EXPECT_NE(what.find("give one"), std::string::npos) << what;
    }
    EXPECT_EQ(split_by_host({path() + "/trace/old"}).size(), 1u);
}

// Each host its own clock domain (source), whichever decoder reads: the same
// sources, records and hosts as each host's directory given as its own PATH.
TEST_F(MultiHostDir, ReadsAsTheHostsGivenApart) {
    add("normal", "n0");
    add("other-host", "n1");
    for (const auto choice : {ReaderChoice::Fast, ReaderChoice::Bt2}) {
        RecordStore together_store, apart_store;
        ChoosingReader together(together_store, {}, choice),
            apart(apart_store, {}, choice);
        std::vector<std::pair<std::uint16_t, std::uint64_t>> a, b;
        const auto &one = together.read({path()}, [&](const Record &r) {
            a.push_back({r.src(), r.ts_ns()});
        });
        const auto &two =
            apart.read({path() + "/n0", path() + "/n1"}, [&](const Record &r) {
                b.push_back({r.src(), r.ts_ns()});
            });
        ASSERT_EQ(one.sources.size(), 2u);
        EXPECT_EQ(one.sources[0].host, "fixture-host-a");
        EXPECT_EQ(one.sources[1].host, "fixture-host-b");
        EXPECT_EQ(one.sources[0].records, two.sources[0].records);
        EXPECT_EQ(one.sources[1].records, two.sources[1].records);
        EXPECT_EQ(two.sources[1].host, "fixture-host-b");
        EXPECT_EQ(a, b);
    }
}

} // namespace
} // namespace fluxtrace::ctf
