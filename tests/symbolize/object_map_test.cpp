// ObjectMap on hand-built records: fluxtrace dso, LTTng statedump and lib
// records, fork and exec.
#include <gtest/gtest.h>

#include <string>

#include "analyzer/record_store.hpp"
#include "analyzer/symbolize/object_map.hpp"

namespace fluxtrace::symbolize {
namespace {

Bytes bytes(const std::string &s) {
    return {reinterpret_cast<const std::uint8_t *>(s.data()), s.size()};
}

class ObjectMapTest : public ::testing::Test {
  protected:
    void dso(std::int32_t vpid, std::uint64_t ts, std::uint64_t base, std::uint64_t memsz,
             std::string_view path, const std::string &build_id = "",
             std::uint16_t src = 0) {
        map.add(store.add("dso", {ts, vpid, vpid, "prog", src},
                          {{"base", base, true},
                           {"memsz", memsz},
                           {"path", path},
                           {"build_id", bytes(build_id), true}}));
    }
    void life(std::int32_t vpid, std::uint64_t ts, std::uint64_t op, std::int64_t pid) {
        map.add(store.add("life", {ts, vpid, vpid, "prog"},
                          {{"op", op}, {"pid", pid}, {"path", std::string_view("")}}));
    }
    std::string path_at(std::int32_t vpid, std::uint64_t address,
                        std::uint64_t ts = ObjectMap::kAnyTime, std::uint16_t src = 0) {
        const LoadedObject *o = map.find({src, vpid}, address, ts);
        return o ? o->path : "(none)";
    }

    RecordStore store;
    ObjectMap map;
};

TEST_F(ObjectMapTest, FindsTheObjectWhoseRangeHoldsTheAddress) {
    dso(10, 100, 0x1000, 0x1000, "/bin/prog");
    dso(10, 101, 0x7f0000, 0x2000, "/lib/libc.so.6", "\x01\x02");
    EXPECT_EQ(path_at(10, 0x1000), "/bin/prog");
    EXPECT_EQ(path_at(10, 0x1fff), "/bin/prog");
    EXPECT_EQ(path_at(10, 0x2000), "(none)");
    EXPECT_EQ(path_at(10, 0x7f1abc), "/lib/libc.so.6");
    EXPECT_EQ(map.find({0, 10}, 0x7f1abc)->build_id, "\x01\x02");
    EXPECT_EQ(path_at(11, 0x1000), "(none)");                         // another process
    EXPECT_EQ(path_at(10, 0x1000, ObjectMap::kAnyTime, 1), "(none)"); // another source
}

TEST_F(ObjectMapTest, ObjectsReportedAfterTheAddressStillCount) {
    dso(10, 500, 0x7f0000, 0x1000, "/lib/late.so");
    EXPECT_EQ(path_at(10, 0x7f0010, 100), "/lib/late.so");
}

TEST_F(ObjectMapTest, PrefersTheObjectMappedAtTheTime) {
    // dlclose then dlopen of another object at the same address.
    map.add_object({0, 10}, [] {
        LoadedObject o;
        o.base = 0x7f0000;
        o.memsz = 0x1000;
        o.path = "/lib/first.so";
        o.ts_ns = 100;
        o.unloaded_ns = 200;
        return o;
    }());
    dso(10, 300, 0x7f0000, 0x1000, "/lib/second.so");
    EXPECT_EQ(path_at(10, 0x7f0010, 150), "/lib/first.so");
    EXPECT_EQ(path_at(10, 0x7f0010, 250), "/lib/second.so"); // first is gone, second late
    EXPECT_EQ(path_at(10, 0x7f0010, 400), "/lib/second.so");
    EXPECT_EQ(path_at(10, 0x7f0010, 50), "/lib/first.so"); // both late: the nearest
    EXPECT_EQ(path_at(10, 0x7f0010), "/lib/second.so");
}

TEST_F(ObjectMapTest, ReadsStatedumpAndLibRecords) {
    const RecordHeader h{100, 20, 20, "prog"};
    map.add(store.add("lttng_ust_statedump:bin_info", h,
                      {{"baddr", std::uint64_t{0x7f1000}, true},
                       {"memsz", std::uint64_t{0x3000}},
                       {"path", std::string_view("/lib/libx.so")},
                       {"is_pic", std::uint64_t{1}},
                       {"has_build_id", std::uint64_t{1}},
                       {"has_debug_link", std::uint64_t{1}}}));
    map.add(store.add(
        "lttng_ust_statedump:build_id", h,
        {{"baddr", std::uint64_t{0x7f1000}, true}, {"build_id", bytes("\xab\xcd\xef")}}));
    map.add(store.add("lttng_ust_statedump:debug_link", h,
                      {{"baddr", std::uint64_t{0x7f1000}, true},
                       {"crc", std::uint64_t{7}},
                       {"filename", std::string_view("libx.so.debug")}}));
    map.add(store.add("lttng_ust_lib:load", {200, 20, 20, "prog"},
                      {{"baddr", std::uint64_t{0x7f8000}, true},
                       {"memsz", std::uint64_t{0x1000}},
                       {"path", std::string_view("/lib/plugin.so")},
                       {"has_build_id", std::uint64_t{0}},
                       {"has_debug_link", std::uint64_t{0}}}));
    map.add(store.add("lttng_ust_lib:unload", {300, 20, 20, "prog"},
                      {{"baddr", std::uint64_t{0x7f8000}, true}}));

    const LoadedObject *x = map.find({0, 20}, 0x7f1800);
    ASSERT_NE(x, nullptr);
    EXPECT_EQ(x->path, "/lib/libx.so");
    EXPECT_EQ(x->placement, Placement::FirstSegment);
    EXPECT_EQ(x->build_id, "\xab\xcd\xef");
    EXPECT_EQ(x->debug_link, "libx.so.debug");
    EXPECT_EQ(x->bias(0), 0x7f1000u);
    EXPECT_EQ(x->bias(0x400), 0x7f0c00u);

    const LoadedObject *plugin = map.find({0, 20}, 0x7f8010, 250);
    ASSERT_NE(plugin, nullptr);
    EXPECT_EQ(plugin->unloaded_ns, 300u);
    // Unloaded and nothing else there: still the best guess.
    EXPECT_EQ(path_at(20, 0x7f8010, 400), "/lib/plugin.so");
}

TEST_F(ObjectMapTest, NonPicStatedumpObjectsHaveNoBias) {
    map.add(store.add("lttng_ust_statedump:bin_info", {100, 20, 20, "prog"},
                      {{"baddr", std::uint64_t{0x400000}, true},
                       {"memsz", std::uint64_t{0x3000}},
                       {"path", std::string_view("/bin/static")},
                       {"is_pic", std::uint64_t{0}}}));
    const LoadedObject *o = map.find({0, 20}, 0x401000);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->bias(0x400000), 0u);
}

TEST_F(ObjectMapTest, DsoRecordsWinTiesOverStatedump) {
    map.add(store.add("lttng_ust_statedump:bin_info", {100, 20, 20, "prog"},
                      {{"baddr", std::uint64_t{0x7f0000}, true},
                       {"memsz", std::uint64_t{0x1000}},
                       {"path", std::string_view("/lib/a.so")},
                       {"is_pic", std::uint64_t{1}}}));
    dso(20, 100, 0x7f0000, 0x1000, "/lib/a.so", "\x01");
    EXPECT_EQ(map.find({0, 20}, 0x7f0010)->placement, Placement::LoadBias);
}

TEST_F(ObjectMapTest, ForkChildInheritsItsParentsMapUntilExec) {
    dso(10, 100, 0x7f0000, 0x1000, "/lib/libc.so.6");
    life(10, 200, 0, 11); // fork_parent: child 11
    dso(10, 300, 0x7f5000, 0x1000, "/lib/after-fork.so");
    EXPECT_EQ(path_at(11, 0x7f0010, 250), "/lib/libc.so.6");
    // Reported after the fork, but may have been there before it.
    EXPECT_EQ(path_at(11, 0x7f5010, 250), "/lib/after-fork.so");
    // The child's own records come first.
    dso(11, 260, 0x7f0000, 0x1000, "/lib/child-own.so");
    EXPECT_EQ(path_at(11, 0x7f0010, 270), "/lib/child-own.so");

    life(11, 400, 2, 11); // exec
    EXPECT_EQ(map.image_at({0, 11}, 399), 0u);
    EXPECT_EQ(map.image_at({0, 11}, 401), 1u);
    EXPECT_EQ(path_at(11, 0x7f0010, 450), "(none)"); // a new program: nothing inherited
    dso(11, 410, 0x7f0000, 0x1000, "/lib/new-image.so");
    EXPECT_EQ(path_at(11, 0x7f0010, 450), "/lib/new-image.so");
    EXPECT_EQ(path_at(11, 0x7f0010, 270), "/lib/child-own.so");
}

TEST_F(ObjectMapTest, CandidatesAreEveryObjectFindMayChooseInTheImage) {
    const auto paths = [&](std::int32_t vpid, std::uint64_t address, std::uint64_t ts) {
        std::string out;
        for (const LoadedObject *o : map.candidates({0, vpid}, address, ts))
            out += o->path + ";";
        return out;
    };
    dso(10, 100, 0x7f0000, 0x1000, "/lib/first.so");
    dso(10, 300, 0x7f0000, 0x1000, "/lib/second.so");
    dso(10, 300, 0x900000, 0x1000, "/lib/elsewhere.so");
    // Whatever the time, as find() picks one by it.
    EXPECT_EQ(paths(10, 0x7f0010, 150), "/lib/first.so;/lib/second.so;");
    EXPECT_EQ(paths(10, 0x7f0010, ObjectMap::kAnyTime), "/lib/first.so;/lib/second.so;");
    EXPECT_EQ(paths(10, 0x500000, 150), "");
    // A fork child with none of its own: its parent's.
    life(10, 400, 0, 11);
    EXPECT_EQ(paths(11, 0x900010, 450), "/lib/elsewhere.so;");
    // After an exec: only the new image's.
    life(11, 500, 2, 11);
    EXPECT_EQ(paths(11, 0x900010, 550), "");
}

TEST_F(ObjectMapTest, ForkChainsAreFollowed) {
    dso(10, 100, 0x7f0000, 0x1000, "/lib/libc.so.6");
    life(10, 200, 0, 11);
    life(11, 300, 0, 12);
    EXPECT_EQ(path_at(12, 0x7f0010, 350), "/lib/libc.so.6");
}

TEST_F(ObjectMapTest, IgnoresOtherRecords) {
    map.add(store.add("msg", {100, 10, 10, "prog"}, {{"op", std::uint64_t{0}}}));
    map.add(store.add("lttng_ust_tracef:event", {100, 10, 10, "prog"},
                      {{"msg", std::string_view("hello")}}));
    EXPECT_EQ(map.process_count(), 0u);
}

} // namespace
} // namespace fluxtrace::symbolize
