// Where SearchPaths looks for an object's file, in order.
#include <gtest/gtest.h>

#include "analyzer/symbolize/search_paths.hpp"

namespace fluxtrace::symbolize {
namespace {

LoadedObject object(std::string path, std::string build_id) {
    LoadedObject o;
    o.path = std::move(path);
    o.build_id = std::move(build_id);
    return o;
}

TEST(SearchPathsTest, RecordedPathAndSystemDebugDirByDefault) {
    const SearchPaths paths;
    EXPECT_EQ(paths.candidates(object("/usr/lib/libz.so.1", "\xab\xcd\x01")),
              (std::vector<std::string>{"/usr/lib/libz.so.1",
                                        "/usr/lib/debug/.build-id/ab/cd01.debug"}));
    EXPECT_EQ(paths.debuginfo_path(), "+:.debug:/usr/lib/debug");
}

TEST(SearchPathsTest, DebugDirsFirstByBuildIdThenByPath) {
    SearchPaths paths;
    paths.debug_dirs = {"/srv/bin/", "/srv/dbg"};
    paths.sysroot = "/mnt/node7";
    EXPECT_EQ(paths.candidates(object("/usr/lib/libz.so.1", "\xab\xcd\x01")),
              (std::vector<std::string>{
                  "/srv/bin/.build-id/ab/cd01",
                  "/srv/bin/.build-id/ab/cd01.debug",
                  "/srv/dbg/.build-id/ab/cd01",
                  "/srv/dbg/.build-id/ab/cd01.debug",
                  "/mnt/node7/usr/lib/libz.so.1",
                  "/srv/bin/usr/lib/libz.so.1",
                  "/srv/bin/libz.so.1",
                  "/srv/dbg/usr/lib/libz.so.1",
                  "/srv/dbg/libz.so.1",
                  "/mnt/node7/usr/lib/debug/.build-id/ab/cd01.debug",
              }));
    EXPECT_EQ(paths.debuginfo_path(),
              "+:.debug:/srv/bin/:/srv/dbg:/mnt/node7/usr/lib/debug");
}

TEST(SearchPathsTest, NoBuildIdNoPath) {
    SearchPaths paths;
    paths.system_debug_dir = false;
    EXPECT_EQ(paths.candidates(object("/bin/prog", "")),
              (std::vector<std::string>{"/bin/prog"}));
    // The vDSO and other names that are no file.
    EXPECT_TRUE(paths.candidates(object("linux-vdso.so.1", "")).empty());
    EXPECT_EQ(paths.debuginfo_path(), "+:.debug");
}

TEST(SearchPathsTest, BuildIdHex) {
    EXPECT_EQ(build_id_hex(std::string("\x00\x7f\x80\xff", 4)), "007f80ff");
    EXPECT_EQ(build_id_hex(""), "");
}

} // namespace
} // namespace fluxtrace::symbolize
