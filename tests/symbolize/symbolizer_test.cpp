// The symbolizer on this very program: its functions' addresses, its load
// bias, build-id and file, as a trace would record them, then copies of the
// file where a moved binary is looked for.
#include <gtest/gtest.h>

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "analyzer/symbolize/symbolizer.hpp"

namespace fs = std::filesystem;

// Functions with known lines.  extern "C" keeps their names plain; noinline
// and the volatile sink keep them (and their calls) in place at -O2.
volatile int g_sink;

extern "C" __attribute__((noinline)) void *st_capture_return_address() {
    void *ra = __builtin_return_address(0);
    g_sink = g_sink + 1;
    return ra;
}

static constexpr int kKnownFunctionLine = __LINE__ + 1;
extern "C" __attribute__((noinline)) int st_known_function(int x) {
    g_sink = x;
    return g_sink * 3;
}

static int g_call_line;
extern "C" __attribute__((noinline)) void *st_caller() {
    g_call_line = __LINE__ + 1;
    void *ra = st_capture_return_address();
    g_sink = g_sink + 1;
    return ra;
}

static int g_inlined_line, g_inlined_call_line;
static inline __attribute__((always_inline)) void *st_inlined_helper() {
    g_inlined_line = __LINE__ + 1;
    void *ra = st_capture_return_address();
    g_sink = g_sink + 2;
    return ra;
}

extern "C" __attribute__((noinline)) void *st_outer_with_inline() {
    g_inlined_call_line = __LINE__ + 1;
    void *ra = st_inlined_helper();
    g_sink = g_sink + 1;
    return ra;
}

namespace fluxtrace::symbolize {
namespace {

// What `fluxtrace:dso` records for an object: load bias, extent, path and
// build-id, read from the loaded image like the provider does.
struct Loaded {
    std::uint64_t bias = 0;
    std::uint64_t memsz = 0;
    std::uint64_t first_load_vaddr = 0;
    std::string build_id;
    std::string path;
};

std::string build_id_of(const dl_phdr_info *info) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) &ph = info->dlpi_phdr[i];
        if (ph.p_type != PT_NOTE)
            continue;
        const char *p = reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr);
        const char *end = p + ph.p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const auto *n = reinterpret_cast<const ElfW(Nhdr) *>(p);
            const char *name = p + sizeof *n;
            const char *desc = name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0)
                return std::string(desc, n->n_descsz);
            p = desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return {};
}

// The object holding `address` in this process.
Loaded loaded_object_of(const void *address) {
    struct Search {
        std::uintptr_t address;
        Loaded found;
        bool ok = false;
    } search{reinterpret_cast<std::uintptr_t>(address), {}, false};
    dl_iterate_phdr(
        [](dl_phdr_info *info, size_t, void *data) {
            auto *s = static_cast<Search *>(data);
            std::uint64_t lo = UINT64_MAX, hi = 0;
            for (int i = 0; i < info->dlpi_phnum; i++) {
                const ElfW(Phdr) &ph = info->dlpi_phdr[i];
                if (ph.p_type != PT_LOAD)
                    continue;
                lo = std::min<std::uint64_t>(lo, ph.p_vaddr);
                hi = std::max<std::uint64_t>(hi, ph.p_vaddr + ph.p_memsz);
            }
            if (s->address < info->dlpi_addr + lo || s->address >= info->dlpi_addr + hi)
                return 0;
            s->found.bias = info->dlpi_addr;
            s->found.memsz = hi;
            s->found.first_load_vaddr = lo;
            s->found.build_id = build_id_of(info);
            s->found.path = info->dlpi_name && info->dlpi_name[0]
                                ? info->dlpi_name
                                : fs::read_symlink("/proc/self/exe").string();
            s->ok = true;
            return 1;
        },
        &search);
    EXPECT_TRUE(search.ok) << "no object holds " << address;
    return search.found;
}

std::uint64_t addr(const void *p) {
    return reinterpret_cast<std::uintptr_t>(p);
}

class SymbolizerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        self = loaded_object_of(reinterpret_cast<const void *>(&st_known_function));
        ASSERT_FALSE(self.build_id.empty()) << "the test program has no build-id";
        tmp = fs::temp_directory_path() /
              ("fluxtrace-symbolize-test." + std::to_string(getpid()));
        fs::remove_all(tmp);
        fs::create_directories(tmp);
    }
    void TearDown() override { fs::remove_all(tmp); }

    LoadedObject dso(std::string path, std::string build_id) const {
        LoadedObject o;
        o.base = self.bias;
        o.memsz = self.memsz;
        o.placement = Placement::LoadBias;
        o.path = std::move(path);
        o.build_id = std::move(build_id);
        o.ts_ns = 100;
        return o;
    }
    void copy_self(const fs::path &to) const {
        fs::create_directories(to.parent_path());
        fs::copy_file(self.path, to, fs::copy_options::overwrite_existing);
    }
    std::string hex_id() const { return build_id_hex(self.build_id); }
    // No system debug directory: results must not depend on the machine.
    static SearchPaths isolated() {
        SearchPaths p;
        p.system_debug_dir = false;
        return p;
    }

    Loaded self;
    fs::path tmp;
    ObjectMap objects;
};

TEST_F(SymbolizerTest, ResolvesAFunctionAddressToItsNameFileAndLine) {
    objects.add_object({0, 1}, dso(self.path, self.build_id));
    Symbolizer symbols(objects, isolated());
    const Symbol &s =
        symbols.resolve({0, 1}, addr(reinterpret_cast<void *>(&st_known_function)));
    EXPECT_EQ(s.status, SymbolStatus::Resolved);
    ASSERT_FALSE(s.frames.empty());
    EXPECT_EQ(s.frames[0].function, "st_known_function");
    EXPECT_EQ(fs::path(s.frames[0].file).filename(), "symbolizer_test.cpp");
    // The line table's line for the entry: the definition's, or (optimized)
    // its first statement's, as addr2line says.
    EXPECT_GE(s.frames[0].line, kKnownFunctionLine);
    EXPECT_LE(s.frames[0].line, kKnownFunctionLine + 1);
    EXPECT_EQ(s.name(), "st_known_function");
    EXPECT_EQ(s.location(), "symbolizer_test.cpp:" + std::to_string(s.frames[0].line));
    EXPECT_EQ(s.module, fs::path(self.path).filename());
    EXPECT_EQ(s.offset, addr(reinterpret_cast<void *>(&st_known_function)) - self.bias);
}

TEST_F(SymbolizerTest, ReturnAddressesNameTheCallLine) {
    objects.add_object({0, 1}, dso(self.path, self.build_id));
    Symbolizer symbols(objects, isolated());
    const std::uint64_t ra = addr(st_caller());
    const Symbol &s =
        symbols.resolve({0, 1}, ra, ObjectMap::kAnyTime, AddressKind::Return);
    ASSERT_EQ(s.status, SymbolStatus::Resolved);
    EXPECT_EQ(s.frames[0].function, "st_caller");
    EXPECT_EQ(s.frames[0].line, g_call_line);
    EXPECT_EQ(s.offset, ra - self.bias); // the address as given, not one less
}

TEST_F(SymbolizerTest, InlinedFramesComeWithTheirCallSites) {
    objects.add_object({0, 1}, dso(self.path, self.build_id));
    Symbolizer symbols(objects, isolated());
    const std::uint64_t ra = addr(st_outer_with_inline());
    const Symbol &s =
        symbols.resolve({0, 1}, ra, ObjectMap::kAnyTime, AddressKind::Return);
    ASSERT_EQ(s.status, SymbolStatus::Resolved);
    ASSERT_EQ(s.frames.size(), 2u);
    EXPECT_EQ(s.frames[0].function.rfind("st_inlined_helper", 0), 0u)
        << s.frames[0].function;
    EXPECT_EQ(s.frames[0].line, g_inlined_line);
    EXPECT_EQ(s.frames[1].function, "st_outer_with_inline");
    EXPECT_EQ(s.frames[1].line, g_inlined_call_line);
    EXPECT_EQ(fs::path(s.frames[1].file).filename(), "symbolizer_test.cpp");
}

TEST_F(SymbolizerTest, StatedumpRecordsPlaceTheFirstSegment) {
    LoadedObject o;
    o.base = self.bias + self.first_load_vaddr;
    o.memsz = self.memsz - self.first_load_vaddr;
    o.placement = Placement::FirstSegment;
    o.path = self.path;
    o.build_id = self.build_id;
    objects.add_object({0, 1}, o);
    Symbolizer symbols(objects, isolated());
    const Symbol &s =
        symbols.resolve({0, 1}, addr(reinterpret_cast<void *>(&st_known_function)));
    EXPECT_EQ(s.name(), "st_known_function");
    EXPECT_EQ(s.offset, addr(reinterpret_cast<void *>(&st_known_function)) - self.bias);
}

TEST_F(SymbolizerTest, AnotherBuildIdIsNotTrusted) {
    std::string other = self.build_id;
    other[0] = static_cast<char>(other[0] ^ 0xff);
    objects.add_object({0, 1}, dso(self.path, other));
    Symbolizer symbols(objects, isolated());
    const std::uint64_t fn = addr(reinterpret_cast<void *>(&st_known_function));
    const Symbol &s = symbols.resolve({0, 1}, fn);
    EXPECT_EQ(s.status, SymbolStatus::BuildIdMismatch);
    EXPECT_TRUE(s.frames.empty());
    char want[64];
    std::snprintf(want, sizeof want, "+0x%llx",
                  static_cast<unsigned long long>(fn - self.bias));
    EXPECT_EQ(s.name(), fs::path(self.path).filename().string() + want);
    EXPECT_EQ(s.to_string(), s.name());
    EXPECT_EQ(symbols.stats().files_rejected, 1u);
    EXPECT_EQ(symbols.stats().files_opened, 0u);
}

TEST_F(SymbolizerTest, WithoutARecordedBuildIdTheFileIsUsed) {
    objects.add_object({0, 1}, dso(self.path, ""));
    Symbolizer symbols(objects, isolated());
    EXPECT_EQ(symbols.resolve({0, 1}, addr(reinterpret_cast<void *>(&st_known_function)))
                  .name(),
              "st_known_function");
}

TEST_F(SymbolizerTest, MissingFilesFallBackToModuleAndOffset) {
    objects.add_object({0, 1}, dso("/nonexistent/dir/libgone.so.3", self.build_id));
    Symbolizer symbols(objects, isolated());
    const std::uint64_t fn = addr(reinterpret_cast<void *>(&st_known_function));
    const Symbol &s = symbols.resolve({0, 1}, fn);
    EXPECT_EQ(s.status, SymbolStatus::NoDebugInfo);
    EXPECT_EQ(s.module, "libgone.so.3");
    EXPECT_EQ(s.offset, fn - self.bias);
    EXPECT_EQ(s.location(), "");
}

TEST_F(SymbolizerTest, AddressesInNoObjectStayAddresses) {
    Symbolizer symbols(objects, isolated());
    const Symbol &s = symbols.resolve({0, 1}, 0x1234abcd);
    EXPECT_EQ(s.status, SymbolStatus::NoObject);
    EXPECT_EQ(s.name(), "0x1234abcd");
}

TEST_F(SymbolizerTest, MovedBinaryFoundInADebugDirByFileName) {
    copy_self(tmp / "bin" / fs::path(self.path).filename());
    objects.add_object(
        {0, 1},
        dso("/moved/away/" + fs::path(self.path).filename().string(), self.build_id));
    SearchPaths paths = isolated();
    paths.debug_dirs = {(tmp / "bin").string()};
    Symbolizer symbols(objects, paths);
    EXPECT_EQ(symbols.resolve({0, 1}, addr(reinterpret_cast<void *>(&st_known_function)))
                  .name(),
              "st_known_function");
}

TEST_F(SymbolizerTest, MovedBinaryFoundInADebugDirByBuildId) {
    copy_self(tmp / "store" / ".build-id" / hex_id().substr(0, 2) / hex_id().substr(2));
    objects.add_object({0, 1}, dso("/gone/prog", self.build_id));
    SearchPaths paths = isolated();
    paths.debug_dirs = {(tmp / "store").string()};
    Symbolizer symbols(objects, paths);
    EXPECT_EQ(symbols.resolve({0, 1}, addr(reinterpret_cast<void *>(&st_known_function)))
                  .name(),
              "st_known_function");
}

TEST_F(SymbolizerTest, SysrootReplacesTheRoot) {
    copy_self(tmp / "root" / fs::path(self.path).relative_path());
    objects.add_object({0, 1}, dso(self.path, self.build_id));
    const std::uint64_t fn = addr(reinterpret_cast<void *>(&st_known_function));
    {
        SearchPaths paths = isolated();
        paths.sysroot = (tmp / "root").string();
        Symbolizer symbols(objects, paths);
        EXPECT_EQ(symbols.resolve({0, 1}, fn).name(), "st_known_function");
    }
    {
        // The recorded path itself is not read outside the sysroot.
        SearchPaths paths = isolated();
        paths.sysroot = (tmp / "empty").string();
        Symbolizer symbols(objects, paths);
        EXPECT_EQ(symbols.resolve({0, 1}, fn).status, SymbolStatus::NoDebugInfo);
    }
}

TEST_F(SymbolizerTest, SystemDebugDirFoundByBuildIdUnderTheSysroot) {
    copy_self(tmp / "root/usr/lib/debug/.build-id" / hex_id().substr(0, 2) /
              (hex_id().substr(2) + ".debug"));
    objects.add_object({0, 1}, dso("/gone/prog", self.build_id));
    const std::uint64_t fn = addr(reinterpret_cast<void *>(&st_known_function));
    SearchPaths paths;
    paths.sysroot = (tmp / "root").string();
    {
        Symbolizer symbols(objects, paths);
        EXPECT_EQ(symbols.resolve({0, 1}, fn).name(), "st_known_function");
    }
    paths.system_debug_dir = false;
    Symbolizer symbols(objects, paths);
    EXPECT_EQ(symbols.resolve({0, 1}, fn).status, SymbolStatus::NoDebugInfo);
}

TEST_F(SymbolizerTest, ForkChildResolvesThroughItsParentsObjects) {
    objects.add_object({0, 1}, dso(self.path, self.build_id));
    objects.add_fork({0, 1}, 2, 200);
    Symbolizer symbols(objects, isolated());
    EXPECT_EQ(
        symbols.resolve({0, 2}, addr(reinterpret_cast<void *>(&st_known_function)), 300)
            .name(),
        "st_known_function");
}

TEST_F(SymbolizerTest, CachesFilesAndAddresses) {
    objects.add_object({0, 1}, dso(self.path, self.build_id));
    objects.add_object({0, 2}, dso(self.path, self.build_id));
    Symbolizer symbols(objects, isolated());
    const std::uint64_t fn = addr(reinterpret_cast<void *>(&st_known_function));
    const Symbol &a = symbols.resolve({0, 1}, fn);
    const Symbol &b = symbols.resolve({0, 1}, fn);
    const Symbol &c = symbols.resolve({0, 2}, fn);
    EXPECT_EQ(&a, &b);
    EXPECT_EQ(&a, &c); // same file, same file address
    symbols.resolve({0, 2}, addr(st_caller()), ObjectMap::kAnyTime, AddressKind::Return);
    EXPECT_EQ(symbols.stats().files_opened, 1u);
    EXPECT_EQ(symbols.stats().queries, 4u);
    EXPECT_EQ(symbols.stats().address_cache_hits, 1u);
}

// A stripped system library with its debug file installed by build-id
// (Debian's libc6-dbg): the usual case on a machine that has the debug
// packages.
TEST_F(SymbolizerTest, StrippedLibraryWithSystemDebugFile) {
    void *fn = dlsym(RTLD_DEFAULT, "getpid");
    ASSERT_NE(fn, nullptr);
    const Loaded libc = loaded_object_of(fn);
    if (libc.build_id.size() < 2)
        GTEST_SKIP() << libc.path << " has no build-id";
    const std::string hex = build_id_hex(libc.build_id);
    const std::string debug =
        "/usr/lib/debug/.build-id/" + hex.substr(0, 2) + "/" + hex.substr(2) + ".debug";
    if (!fs::exists(debug))
        GTEST_SKIP() << "no debug file for " << libc.path << " (" << debug << ")";
    LoadedObject o;
    o.base = libc.bias;
    o.memsz = libc.memsz;
    o.path = libc.path;
    o.build_id = libc.build_id;
    objects.add_object({0, 1}, o);
    Symbolizer symbols(objects);
    const Symbol &s = symbols.resolve({0, 1}, addr(fn));
    EXPECT_EQ(s.status, SymbolStatus::Resolved);
    EXPECT_NE(s.name().find("getpid"), std::string::npos) << s.to_string();
    EXPECT_FALSE(s.location().empty());
}

} // namespace
} // namespace fluxtrace::symbolize
