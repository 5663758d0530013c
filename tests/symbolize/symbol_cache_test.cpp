// Saved symbols (SymbolCache): the file round trip, its errors, and the
// Symbolizer answering from it without any file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "analyzer/input_error.hpp"
#include "analyzer/symbolize/symbol_cache.hpp"
#include "analyzer/symbolize/symbolizer.hpp"

namespace fs = std::filesystem;

namespace fluxtrace::symbolize {
namespace {

const std::string kBuildId("\xde\xad\xbe\xef\x00\x01\x02\x03", 8);
const std::string kOtherBuildId("\x01\x02\x03\x04", 4);

Symbol resolved(std::string function, std::string file, int line) {
    Symbol s;
    s.status = SymbolStatus::Resolved;
    s.frames.push_back({std::move(function), std::move(file), line, 3});
    return s;
}

class SymbolCacheTest : public ::testing::Test {
  protected:
    void SetUp() override {
        tmp = fs::temp_directory_path() /
              ("fluxtrace-symbol-cache-test." + std::to_string(getpid()));
        fs::remove_all(tmp);
        fs::create_directories(tmp);
    }
    void TearDown() override { fs::remove_all(tmp); }

    static std::string read(const fs::path &path) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    static void write(const fs::path &path, const std::string &text) {
        std::ofstream(path, std::ios::binary) << text;
    }

    // Two objects, added out of order, with an inlined frame, a symbol
    // without lines and an address no symbol covers.
    static SymbolCache sample() {
        SymbolCache c;
        Symbol inlined = resolved("inner", "/src/a.c", 10);
        inlined.frames.push_back({"outer", "/src/a.c", 20, 0});
        c.add(kOtherBuildId, "/usr/lib/libb.so", 0, 0x40, AddressKind::Exact,
              resolved("b_fn", "/src/b.c", 7));
        c.add(kBuildId, "/opt/bin/a \"quoted\"", 0x400000, 0x16e3, AddressKind::Return,
              inlined);
        Symbol only;
        only.status = SymbolStatus::SymbolOnly;
        only.frames.push_back({"stripped_fn", "", 0, 0});
        c.add(kBuildId, "/opt/bin/a", 0, 0x10, AddressKind::Exact, only);
        Symbol none;
        none.status = SymbolStatus::NoSymbol;
        c.add(kBuildId, "/opt/bin/a", 0, 0x16e3, AddressKind::Exact, none);
        // Not kept: no file was read for them.
        Symbol missing;
        missing.status = SymbolStatus::NoDebugInfo;
        c.add(kBuildId, "/opt/bin/a", 0, 0x99, AddressKind::Exact, missing);
        c.add("", "/opt/bin/no-build-id", 0, 0x99, AddressKind::Exact,
              resolved("f", "f.c", 1));
        return c;
    }

    fs::path tmp;
};

TEST_F(SymbolCacheTest, RoundTripKeepsEverySymbolAndTheSameBytes) {
    const SymbolCache original = sample();
    EXPECT_EQ(original.object_count(), 2u);
    EXPECT_EQ(original.symbol_count(), 4u);
    original.save((tmp / "a.json").string());

    const SymbolCache loaded = SymbolCache::load((tmp / "a.json").string());
    ASSERT_EQ(loaded.object_count(), 2u);
    ASSERT_EQ(loaded.symbol_count(), 4u);
    const SymbolCache::Object *a = loaded.find(kBuildId);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->path, "/opt/bin/a \"quoted\""); // the first recorded path
    EXPECT_EQ(a->first_load_vaddr, 0x400000u);
    const SymbolCache::Entry *ret = a->find(0x16e3, AddressKind::Return);
    ASSERT_NE(ret, nullptr);
    EXPECT_EQ(ret->status, SymbolStatus::Resolved);
    ASSERT_EQ(ret->frames.size(), 2u);
    EXPECT_EQ(ret->frames[0].function, "inner");
    EXPECT_EQ(ret->frames[0].file, "/src/a.c");
    EXPECT_EQ(ret->frames[0].line, 10);
    EXPECT_EQ(ret->frames[0].column, 3);
    EXPECT_EQ(ret->frames[1].function, "outer");
    EXPECT_EQ(ret->frames[1].line, 20);
    const SymbolCache::Entry *exact = a->find(0x16e3, AddressKind::Exact);
    ASSERT_NE(exact, nullptr);
    EXPECT_EQ(exact->status, SymbolStatus::NoSymbol);
    EXPECT_TRUE(exact->frames.empty());
    const SymbolCache::Entry *only = a->find(0x10, AddressKind::Exact);
    ASSERT_NE(only, nullptr);
    EXPECT_EQ(only->status, SymbolStatus::SymbolOnly);
    EXPECT_EQ(only->frames.at(0).function, "stripped_fn");
    EXPECT_EQ(a->find(0x99, AddressKind::Exact), nullptr);
    ASSERT_NE(loaded.find(kOtherBuildId), nullptr);

    // Saving what was loaded gives the same bytes, whatever the insertion order.
    loaded.save((tmp / "b.json").string());
    EXPECT_EQ(read(tmp / "a.json"), read(tmp / "b.json"));
    EXPECT_EQ(read(tmp / "a.json").rfind("{\"schema\":\"fluxtrace-symbols/1\",", 0), 0u);
    // Build-ids sort as their hex: 01020304 before deadbeef.
    const std::string text = read(tmp / "a.json");
    EXPECT_LT(text.find("\"01020304\""), text.find("\"deadbeef00010203\""));
    EXPECT_FALSE(fs::exists(tmp / "a.json.tmp"));
}

TEST_F(SymbolCacheTest, MalformedFilesGiveOneLineNamingTheFile) {
    const auto expect_error = [&](const std::string &name, const std::string &text,
                                  const std::string &cause) {
        const fs::path path = tmp / name;
        write(path, text);
        try {
            SymbolCache::load(path.string());
            ADD_FAILURE() << name << ": no error";
        } catch (const InputError &e) {
            const std::string what = e.what();
            EXPECT_EQ(what.rfind(path.string() + ": ", 0), 0u) << what;
            EXPECT_EQ(what.find('\n'), std::string::npos) << what;
            EXPECT_NE(what.find(cause), std::string::npos) << what;
        }
    };
    expect_error("not-json.json", "{\"schema\": ", "malformed symbol file");
    expect_error("schema.json", "{\"schema\":\"other/2\",\"objects\":[]}", "other/2");
    expect_error("no-objects.json", "{\"schema\":\"fluxtrace-symbols/1\"}", "objects");
    expect_error("build-id.json",
                 "{\"schema\":\"fluxtrace-symbols/1\",\"objects\":[{\"build_id\":\"xyz\","
                 "\"path\":\"/a\",\"first_load_vaddr\":\"0x0\",\"symbols\":[]}]}",
                 "objects[0].build_id");
    expect_error("offset.json",
                 "{\"schema\":\"fluxtrace-symbols/1\",\"objects\":[{\"build_id\":\"ab\","
                 "\"path\":\"/a\",\"first_load_vaddr\":\"0x0\",\"symbols\":[{\"offset\":"
                 "12,\"kind\":\"exact\",\"status\":\"no_symbol\"}]}]}",
                 "objects[0].symbols[0].offset");
    expect_error("status.json",
                 "{\"schema\":\"fluxtrace-symbols/1\",\"objects\":[{\"build_id\":\"ab\","
                 "\"path\":\"/a\",\"first_load_vaddr\":\"0x0\",\"symbols\":[{\"offset\":"
                 "\"0x1\",\"kind\":\"exact\",\"status\":\"maybe\"}]}]}",
                 "maybe");
    try {
        SymbolCache::load((tmp / "absent.json").string());
        ADD_FAILURE() << "no error for a missing file";
    } catch (const InputError &e) {
        EXPECT_EQ(std::string(e.what()),
                  (tmp / "absent.json").string() +
                      ": cannot read symbol file: No such file or directory");
    }
}

TEST_F(SymbolCacheTest, SymbolizerPrefersSavedSymbolsAndNeedsNoFile) {
    SymbolCache saved;
    saved.add(kBuildId, "/elsewhere/a", 0, 0x1234, AddressKind::Return,
              resolved("saved_fn", "/src/saved.c", 42));
    saved.save((tmp / "s.json").string());

    ObjectMap objects;
    LoadedObject o;
    o.base = 0x7f0000000000;
    o.memsz = 0x10000;
    o.placement = Placement::LoadBias;
    o.path = "/nonexistent/fluxtrace-test/liba.so";
    o.build_id = kBuildId;
    objects.add_object({0, 1}, o);
    LoadedObject other = o;
    other.base = 0x7f1000000000;
    other.path = "/nonexistent/fluxtrace-test/libb.so";
    other.build_id = kOtherBuildId;
    objects.add_object({0, 1}, other);

    SearchPaths paths;
    paths.system_debug_dir = false;
    paths.symbol_files = {(tmp / "s.json").string()};
    Symbolizer symbols(objects, paths);
    SymbolCache exported;
    symbols.export_to(&exported);

    const Symbol &s =
        symbols.resolve({0, 1}, 0x7f0000001234, ObjectMap::kAnyTime, AddressKind::Return);
    EXPECT_EQ(s.status, SymbolStatus::Resolved);
    EXPECT_EQ(s.to_string(), "saved_fn (saved.c:42)");
    EXPECT_EQ(s.module, "liba.so");
    EXPECT_EQ(s.module_path, o.path);
    EXPECT_EQ(s.offset, 0x1234u);
    EXPECT_EQ(symbols.stats().symbol_file_hits, 1u);
    EXPECT_EQ(symbols.stats().files_opened, 0u);

    // The same address as a callback was not saved: the files, and there are none.
    const Symbol &exact = symbols.resolve({0, 1}, 0x7f0000001234);
    EXPECT_EQ(exact.status, SymbolStatus::NoDebugInfo);
    EXPECT_EQ(exact.to_string(), "liba.so+0x1234");
    // An object the file does not hold: the files, and there are none.
    EXPECT_EQ(symbols.resolve({0, 1}, 0x7f1000000040).status, SymbolStatus::NoDebugInfo);

    // Saved symbols are passed on; answers without a file are not.
    EXPECT_EQ(exported.object_count(), 1u);
    EXPECT_EQ(exported.symbol_count(), 1u);
    ASSERT_NE(exported.find(kBuildId), nullptr);
    EXPECT_NE(exported.find(kBuildId)->find(0x1234, AddressKind::Return), nullptr);
}

TEST_F(SymbolCacheTest, SavedFirstLoadVaddrPlacesFirstSegmentRecords) {
    SymbolCache saved;
    saved.add(kBuildId, "/elsewhere/a", 0x400000, 0x401000, AddressKind::Exact,
              resolved("fn", "/src/a.c", 5));
    const ObjectMap no_objects;
    Symbolizer symbols(no_objects, {});
    // Not through symbol_files: the same answers from add_symbols().
    symbols.add_symbols(saved);
    LoadedObject o;
    o.base = 0x55550400000; // where the first PT_LOAD (p_vaddr 0x400000) went
    o.memsz = 0x10000;
    o.placement = Placement::FirstSegment;
    o.path = "/nonexistent/a";
    o.build_id = kBuildId;
    const Symbol &s = symbols.resolve_in(o, 0x55550401000);
    EXPECT_EQ(s.offset, 0x401000u);
    EXPECT_EQ(s.name(), "fn");
}

TEST_F(SymbolCacheTest, BadSymbolFileFailsTheSymbolizer) {
    write(tmp / "bad.json", "[]");
    SearchPaths paths;
    paths.symbol_files = {(tmp / "bad.json").string()};
    const ObjectMap no_objects;
    EXPECT_THROW(Symbolizer symbols(no_objects, paths), InputError);
}

} // namespace
} // namespace fluxtrace::symbolize
