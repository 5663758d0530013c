// Damaged traces through every reader and the choice between them: damaged
// packets are left out and reported, what precedes (and, for the fast reader,
// follows) them is read, and nothing damaged reaches Babeltrace2, whose ctf
// source aborts or allocates without bound on some damage.  A seeded run of
// random bit flips keeps that true beyond the hand-made cases.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/ctf/reader_choice.hpp"
#include "analyzer/input_error.hpp"
#include "analyzer/record_store.hpp"
#include "analyzer/schema.hpp"

namespace fluxtrace {
namespace {

namespace fs = std::filesystem;

const std::string kStream = "ust/uid/0/64-bit/c_0";

struct Read {
    std::vector<Record> records;
    ReadStats stats;
};

Read read(RecordStore &store, const fs::path &trace, ctf::ReaderChoice choice) {
    Read out;
    bt2::ReadOptions options;
    ctf::ChoosingReader reader(store, options, choice);
    out.stats =
        reader.read({trace.string()}, [&](const Record &r) { out.records.push_back(r); });
    return out;
}

// A copy of the `normal` fixture (c_0 holds three 4 KiB packets).
class DamagedCopy : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string templ =
            (fs::temp_directory_path() / "fluxtrace-damage-XXXXXX").string();
        ASSERT_NE(mkdtemp(templ.data()), nullptr);
        dir_ = templ;
        trace_ = dir_ / "t";
        fs::copy(fs::path(FIXTURES_DIR) / "normal", trace_, fs::copy_options::recursive);
    }
    void TearDown() override { fs::remove_all(dir_); }

    void overwrite(const std::string &file, std::uint64_t at, const std::string &bytes) {
        std::fstream f(trace_ / file, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(static_cast<std::streamoff>(at));
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }

    fs::path dir_, trace_;
};

using Key = std::tuple<std::uint64_t, std::int32_t, std::string>;
Key key(const Record &r) {
    return {r.ts_ns(), r.vtid(), std::string(r.name())};
}

TEST_F(DamagedCopy, DamagedPacketIsLeftOutByEveryReader) {
    RecordStore store;
    const Read whole =
        read(store, fs::path(FIXTURES_DIR) / "normal", ctf::ReaderChoice::Fast);
    overwrite(kStream, 4096 + 200, std::string(1000, '\xff')); // inside the second packet
    const std::string file = (trace_ / kStream).string();

    const Read fast = read(store, trace_, ctf::ReaderChoice::Auto);
    ASSERT_EQ(fast.stats.skipped.size(), 1u);
    EXPECT_EQ(fast.stats.skipped[0].path, file);
    EXPECT_EQ(fast.stats.skipped[0].what, "the packet at bytes 4096..8192");
    // The third packet is read: the last callback of the worker is there.
    std::uint64_t last_end = 0;
    for (const auto &r : fast.records)
        if (r.kind() == EventKind::CbEnd)
            last_end = r.u64(field::cb_end::duration_ns);
    EXPECT_EQ(last_end, 1500u + 39);

    // Babeltrace2 is given the file only up to the damage.
    const Read bt2 = read(store, trace_, ctf::ReaderChoice::Bt2);
    ASSERT_EQ(bt2.stats.skipped.size(), 1u);
    EXPECT_EQ(bt2.stats.skipped[0].what, "the packets from byte 4096 on");
    EXPECT_EQ(bt2.stats.skipped[0].cause, fast.stats.skipped[0].cause);

    // Nothing invented, nothing twice, and fewer records than the whole.
    std::set<Key> all;
    for (const auto &r : whole.records)
        all.insert(key(r));
    for (const Read *damaged : {&fast, &bt2}) {
        std::set<Key> seen;
        for (const auto &r : damaged->records) {
            EXPECT_TRUE(all.count(key(r))) << r.name() << " at " << r.ts_ns();
            EXPECT_TRUE(seen.insert(key(r)).second) << r.name() << " twice";
        }
        EXPECT_LT(damaged->records.size(), whole.records.size());
    }
    EXPECT_LT(bt2.records.size(), fast.records.size());
}

TEST_F(DamagedCopy, DamagedHeaderEndsTheStreamThere) {
    overwrite(kStream, 4096, "XXXX"); // the second packet's magic
    RecordStore store;
    for (const auto choice : {ctf::ReaderChoice::Auto, ctf::ReaderChoice::Bt2}) {
        const Read r = read(store, trace_, choice);
        ASSERT_EQ(r.stats.skipped.size(), 1u);
        EXPECT_EQ(r.stats.skipped[0].what, "the packets from byte 4096 on");
        EXPECT_EQ(r.stats.skipped[0].cause, "bad packet magic");
        EXPECT_FALSE(r.records.empty());
    }
}

// Random bit flips anywhere in a stream file or the metadata: every read ends
// with records or one InputError, through each reader, and never crashes.
TEST_F(DamagedCopy, RandomFlipsGetAnAnswer) {
    const std::vector<std::string> targets = {kStream, "ust/uid/0/64-bit/c_1",
                                              "ust/uid/0/64-bit/metadata"};
    std::vector<std::string> originals;
    for (const auto &t : targets) {
        std::ifstream in(trace_ / t, std::ios::binary);
        originals.emplace_back(std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>());
    }
    std::mt19937 rng(20261206);
    int answered = 0, refused = 0;
    for (int round = 0; round < 150; round++) {
        const size_t t = rng() % targets.size();
        std::string bytes = originals[t];
        for (int flips = 1 + static_cast<int>(rng() % 8); flips > 0; flips--)
            bytes[rng() % bytes.size()] ^= static_cast<char>(1u << (rng() % 8));
        overwrite(targets[t], 0, bytes);
        for (const auto choice : {ctf::ReaderChoice::Auto, ctf::ReaderChoice::Bt2}) {
            RecordStore store;
            try {
                read(store, trace_, choice);
                answered++;
            } catch (const InputError &) {
                refused++;
            }
        }
        overwrite(targets[t], 0, originals[t]);
    }
    EXPECT_GT(answered, 0);
    EXPECT_GT(refused, 0);
}

} // namespace
} // namespace fluxtrace
