// The default suppression files (chosen by the flux-core version a trace ran),
// the summary line naming the files that suppressed, and SARIF's stable
// fingerprints.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyzer/report/default_suppressions.hpp"
#include "analyzer/report/printer.hpp"
#include "analyzer/report/sarif.hpp"

namespace fluxtrace::report {
namespace {

namespace fs = std::filesystem;

TEST(FluxCoreVersion, ParsesReleasesAndGitDescribeSuffixes) {
    const auto v = FluxCoreVersion::parse("0.88.0");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->major, 0);
    EXPECT_EQ(v->minor, 88);
    EXPECT_EQ(v->patch, 0);
    EXPECT_TRUE(FluxCoreVersion::parse("0.88.1-12-gdeadbee"));
    EXPECT_TRUE(FluxCoreVersion::parse("0.88"));
    EXPECT_FALSE(FluxCoreVersion::parse(""));
    EXPECT_FALSE(FluxCoreVersion::parse("0"));
    EXPECT_FALSE(FluxCoreVersion::parse("v0.88.0"));
    EXPECT_FALSE(FluxCoreVersion::parse("0.88x"));
    EXPECT_FALSE(FluxCoreVersion::parse("0.-1"));
}

class DefaultFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("fluxtrace-supp-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
        for (const char *name : {"flux-core-0.86.supp", "flux-core-0.88.supp",
                                 "flux-core-0.9.supp", "README", "flux-core-x.supp"})
            std::ofstream(dir_ / name) << "# empty\n";
        files_ = list_default_files(dir_.string());
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string file(const char *name) const { return (dir_ / name).string(); }

    fs::path dir_;
    std::vector<DefaultFile> files_;
};

TEST_F(DefaultFiles, ListsOnlyVersionedFilesOldestFirst) {
    ASSERT_EQ(files_.size(), 3u);
    EXPECT_EQ(files_[0].path, file("flux-core-0.9.supp")); // 0.9 < 0.86 < 0.88
    EXPECT_EQ(files_[1].path, file("flux-core-0.86.supp"));
    EXPECT_EQ(files_[2].path, file("flux-core-0.88.supp"));
    EXPECT_TRUE(list_default_files((dir_ / "absent").string()).empty());
}

TEST_F(DefaultFiles, TheReleasesOwnFileCoversItsPatchReleases) {
    const auto c = choose_default_file(files_, "0.88.3-2-gabc");
    EXPECT_EQ(c.path, file("flux-core-0.88.supp"));
    EXPECT_TRUE(c.exact);
    EXPECT_EQ(c.why, "");
}

TEST_F(DefaultFiles, AnUnknownReleaseGetsTheNearestOlderFileSaidSo) {
    const auto c = choose_default_file(files_, "0.90.0");
    EXPECT_EQ(c.path, file("flux-core-0.88.supp"));
    EXPECT_FALSE(c.exact);
    EXPECT_NE(c.why.find("nearest older"), std::string::npos) << c.why;
    EXPECT_EQ(choose_default_file(files_, "0.87.0").path, file("flux-core-0.86.supp"));
}

TEST_F(DefaultFiles, NoneForAnOlderReleaseOrAnUnreadableVersion) {
    auto c = choose_default_file(files_, "0.8.0");
    EXPECT_EQ(c.path, "");
    EXPECT_NE(c.why.find("0.8 or older"), std::string::npos) << c.why;
    c = choose_default_file(files_, "garbage");
    EXPECT_EQ(c.path, "");
    EXPECT_NE(c.why.find("\"garbage\""), std::string::npos) << c.why;
}

TEST(DefaultSuppressionsDir, BesideTheExecutableOrFromTheEnvironment) {
    ::unsetenv("FLUXTRACE_SUPPRESSIONS_DIR");
    const auto exe = fs::read_symlink("/proc/self/exe");
    EXPECT_EQ(
        default_suppressions_dir(),
        (exe.parent_path().parent_path() / "share/fluxtrace/suppressions").string());
    ::setenv("FLUXTRACE_SUPPRESSIONS_DIR", "/somewhere", 1);
    EXPECT_EQ(default_suppressions_dir(), "/somewhere");
    ::unsetenv("FLUXTRACE_SUPPRESSIONS_DIR");
}

TEST(SummaryLine, NamesTheFilesThatSuppressed) {
    RunSummary run;
    run.records = 10;
    run.processes = 2;
    run.brokers = 1;
    run.suppressed = 5;
    run.suppressed_by = {{"flux-core-0.88.supp", 5}};
    EXPECT_EQ(summary_line({}, run), "fluxtrace: 0 findings, 0 notes (5 suppressed by "
                                     "flux-core-0.88.supp) in 10 records of 2 processes "
                                     "(1 broker)");
    run.suppressed = 7;
    run.suppressed_by = {{"mine.supp", 2}, {"flux-core-0.88.supp", 5}};
    EXPECT_EQ(summary_line({}, run),
              "fluxtrace: 0 findings, 0 notes (7 suppressed: 2 by mine.supp, 5 by "
              "flux-core-0.88.supp) in 10 records of 2 processes (1 broker)");
}

Finding two_sided() {
    Finding f;
    f.rule = "missing-version-wait";
    f.key = "a.b";
    f.function = "reader";
    f.title = "a lookup raced a commit";
    Side w;
    w.role = "commit";
    w.process = "client on rank 0";
    w.thread = "main thread";
    w.exe = "writer";
    w.record = "kvs_commit";
    w.stack = {{"flux_kvs_commit", "kvs_txn.c", 10, "libflux-core.so.2", 0x100},
               {"writer_main", "writer.c", 42, "writer", 0x2000}};
    Side r = w;
    r.role = "lookup";
    r.process = "client on rank 1";
    r.exe = "reader";
    r.record = "kvs_lookup";
    r.stack = {{"flux_kvs_lookup", "kvs_lookup.c", 20, "libflux-core.so.2", 0x200},
               {"reader", "reader.c", 7, "reader", 0x3000}};
    f.sides = {w, r};
    return f;
}

TEST(StableFingerprint, SurvivesMovedCodeButNotAnotherFinding) {
    const Finding f = two_sided();
    Finding moved = f;
    moved.sides[1].stack[1].line = 70;
    moved.sides[1].stack[1].offset = 0x3500;
    moved.occurrences = 3;
    moved.duration_ns = 99;
    moved.observed = "stale read observed";
    EXPECT_EQ(stable_fingerprint(f), stable_fingerprint(moved));
    Finding other = f;
    other.key = "a.c";
    EXPECT_NE(stable_fingerprint(f), stable_fingerprint(other));
    other = f;
    other.sides[1].stack[1].function = "another_reader";
    EXPECT_NE(stable_fingerprint(f), stable_fingerprint(other));
}

TEST(Sarif, PrimaryLocationIsTheBlamedSidesProgramLine) {
    RunSummary run;
    run.checkers = {"missing-version-wait", "reactor-blocking"};
    std::ostringstream out;
    print_sarif(out, {two_sided()}, run);
    const auto log = nlohmann::json::parse(out.str());
    EXPECT_EQ(log["version"], "2.1.0");
    const auto &r = log["runs"][0];
    EXPECT_EQ(r["tool"]["driver"]["rules"].size(), 2u);
    const auto &res = r["results"][0];
    EXPECT_EQ(res["ruleId"], "missing-version-wait");
    EXPECT_EQ(res["level"], "error");
    // The reader is the side SUMMARY blames: its reader.c:7, not libflux-core's.
    const auto &loc = res["locations"][0]["physicalLocation"];
    EXPECT_EQ(loc["artifactLocation"]["uri"], "reader.c");
    EXPECT_EQ(loc["region"]["startLine"], 7);
    ASSERT_EQ(res["relatedLocations"].size(), 1u);
    EXPECT_EQ(res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              "writer.c");
    EXPECT_EQ(res["codeFlows"][0]["threadFlows"][0]["locations"].size(), 2u);
    EXPECT_EQ(res["partialFingerprints"]["fluxtrace/v1"],
              stable_fingerprint(two_sided()));
}

} // namespace
} // namespace fluxtrace::report
