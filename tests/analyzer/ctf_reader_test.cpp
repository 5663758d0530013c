// The fast CTF reader's tricky parts on synthetic data: bit reads at any
// alignment, clock reconstruction from compact timestamps (wrap-around), the
// TSDL subset, and event programs with alignment, sequences and text arrays;
// on the fixtures, the record count it announces and several trace
// directories in one source.  Its equivalence with Babeltrace2 on real traces
// is reader_equivalence.sh's.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "analyzer/ctf/bits.hpp"
#include "analyzer/ctf/fast_reader.hpp"
#include "analyzer/ctf/event_program.hpp"
#include "analyzer/ctf/metadata.hpp"
#include "analyzer/ctf/reader_choice.hpp"
#include "analyzer/ctf/trace_plan.hpp"
#include "analyzer/record_builder.hpp"
#include "analyzer/record_store.hpp"

namespace ctf = fluxtrace::ctf;

namespace {

// Writes `size` bits of `v` at bit `pos`, least significant first.
void put_bits(std::vector<std::uint8_t> &buf, std::uint64_t pos, unsigned size,
              std::uint64_t v) {
    for (unsigned i = 0; i < size; i++) {
        const std::uint64_t bit = pos + i;
        if (bit / 8 >= buf.size())
            buf.resize(bit / 8 + 1);
        if ((v >> i) & 1)
            buf[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
    }
}

const char *kHeader = R"(/* CTF 1.8 */
typealias integer { size = 8; align = 8; signed = false; } := uint8_t;
typealias integer { size = 32; align = 8; signed = false; } := uint32_t;
typealias integer { size = 64; align = 8; signed = false; } := uint64_t;
typealias integer { size = 64; align = 8; signed = false; } := unsigned long;
typealias integer { size = 5; align = 1; signed = false; } := uint5_t;
trace { major = 1; minor = 8; byte_order = le;
  uuid = "00b4cb5b-ff3c-4bd2-a789-ce6b14dcc802";
  packet.header := struct { uint32_t magic; uint8_t uuid[16]; uint32_t stream_id;
                            uint64_t stream_instance_id; }; };
env { hostname = "vm"; tracer_major = 2; };
clock { name = "monotonic"; freq = 1000000000; offset = 1000; };
typealias integer { size = 27; align = 1; signed = false; map = clock.monotonic.value; } := uint27_clock_monotonic_t;
typealias integer { size = 64; align = 8; signed = false; map = clock.monotonic.value; } := uint64_clock_monotonic_t;
struct packet_context { uint64_clock_monotonic_t timestamp_begin;
  uint64_clock_monotonic_t timestamp_end; uint64_t content_size; uint64_t packet_size;
  uint64_t packet_seq_num; unsigned long events_discarded; uint32_t cpu_id; };
struct event_header_compact {
  enum : uint5_t { compact = 0 ... 30, extended = 31 } id;
  variant <id> {
    struct { uint27_clock_monotonic_t timestamp; } compact;
    struct { uint32_t id; uint64_clock_monotonic_t timestamp; } extended;
  } v;
} align(8);
)";

const char *kEvents = R"(
event { name = "fluxtrace:msg"; id = 1; stream_id = 0; fields := struct {
  integer { size = 8; align = 8; signed = 0; encoding = none; base = 10; } _op;
  integer { size = 32; align = 32; signed = 1; encoding = none; base = 10; } _rc;
  integer { size = 32; align = 8; signed = 0; encoding = none; base = 10; } __stack_length;
  integer { size = 64; align = 8; signed = 0; encoding = none; base = 16; } _stack[ __stack_length ];
  integer { size = 8; align = 8; signed = 1; encoding = UTF8; base = 10; } _name[6];
  string _topic;
  floating_point { exp_dig = 11; mant_dig = 53; align = 8; } _timeout;
}; };
stream { id = 0; event.header := struct event_header_compact;
  packet.context := struct packet_context;
  event.context := struct {
    integer { size = 32; align = 8; signed = 1; encoding = none; base = 10; } _vpid;
  }; };
)";

} // namespace

TEST(CtfBits, ReadsAtAnyBitOffset) {
    for (unsigned size : {1u, 5u, 8u, 27u, 32u, 33u, 64u})
        for (std::uint64_t pos = 0; pos < 16; pos++) {
            const std::uint64_t v =
                0xA5C3F00D12345678ull & (size == 64 ? ~0ull : (1ull << size) - 1);
            std::vector<std::uint8_t> buf(16, 0);
            put_bits(buf, pos, size, v);
            EXPECT_EQ(ctf::read_bits_le(buf.data(), pos, size), v)
                << "size " << size << " pos " << pos;
        }
}

TEST(CtfBits, SignExtends) {
    EXPECT_EQ(ctf::sign_extend(0x1f, 5), -1);
    EXPECT_EQ(ctf::sign_extend(0x0f, 5), 15);
    EXPECT_EQ(ctf::sign_extend(0xffffffff, 32), -1);
}

TEST(CtfBits, Alignment) {
    EXPECT_EQ(ctf::align_up(0, 8), 0u);
    EXPECT_EQ(ctf::align_up(5, 8), 8u);
    EXPECT_EQ(ctf::align_up(9, 32), 32u);
    EXPECT_EQ(ctf::align_up(13, 1), 13u);
}

TEST(CtfClock, CompactTimestampsWrap) {
    const unsigned bits = 27;
    const std::uint64_t span = 1ull << bits;
    std::uint64_t clock = 5 * span + 100; // a packet's timestamp_begin
    // Low bits above the clock's: same high bits.
    clock = ctf::update_clock(clock, 200, bits);
    EXPECT_EQ(clock, 5 * span + 200);
    // Equal low bits: no wrap.
    clock = ctf::update_clock(clock, 200, bits);
    EXPECT_EQ(clock, 5 * span + 200);
    // Smaller low bits: the 27-bit counter wrapped once.
    clock = ctf::update_clock(clock, 50, bits);
    EXPECT_EQ(clock, 6 * span + 50);
    // The last value before a wrap, then just after it.
    clock = ctf::update_clock(clock, span - 1, bits);
    EXPECT_EQ(clock, 6 * span + span - 1);
    clock = ctf::update_clock(clock, 0, bits);
    EXPECT_EQ(clock, 7 * span);
    // A full 64-bit timestamp (the extended header) replaces the clock.
    EXPECT_EQ(ctf::update_clock(clock, 42, 64), 42u);
    // The large header's 32 bits.
    EXPECT_EQ(ctf::update_clock(0x1ffffff00ull, 0x10, 32), 0x200000010ull);
}

TEST(CtfMetadata, ParsesTheLttngSubset) {
    const auto md = ctf::parse_metadata(std::string(kHeader) + kEvents);
    ASSERT_EQ(md.streams.size(), 1u);
    const auto &s = md.streams.at(0);
    ASSERT_EQ(s.events.size(), 1u);
    EXPECT_EQ(s.events.at(1).name, "fluxtrace:msg");
    EXPECT_EQ(md.env.at("hostname"), "vm");
    EXPECT_EQ(md.clocks.at(0).offset, 1000);
    EXPECT_EQ(md.uuid[0], 0x00);
    EXPECT_EQ(md.uuid[15], 0x02);

    const auto plan = ctf::make_trace_plan(md);
    const auto &h = plan.streams.at(0).header;
    EXPECT_TRUE(h.has_variant);
    EXPECT_EQ(h.id.size, 5u);
    EXPECT_EQ(h.extended_id, 31u);
    EXPECT_EQ(h.ts.size, 27u);
    EXPECT_EQ(h.ext_ts.size, 64u);
    std::uint64_t ns = 0;
    ASSERT_TRUE(plan.ns_from_origin(5, ns));
    EXPECT_EQ(ns, 1005u);
}

TEST(CtfMetadata, RefusesWhatItDoesNotKnow) {
    EXPECT_THROW(ctf::parse_metadata("callsite { name = \"x\"; };"), ctf::Unsupported);
    EXPECT_THROW(ctf::parse_metadata("trace { byte_order = be; };"), ctf::Unsupported);
    EXPECT_THROW(ctf::parse_metadata("typealias integer { size = 128; } := big;"),
                 ctf::Unsupported);
    const std::string nested = std::string(kHeader) + R"(
event { name = "x:y"; id = 0; stream_id = 0; fields := struct {
  struct { uint8_t a; } inner; }; };
stream { id = 0; event.header := struct event_header_compact;
  packet.context := struct packet_context; };)";
    EXPECT_THROW(ctf::make_trace_plan(ctf::parse_metadata(nested)), ctf::Unsupported);
}

// Found by reading the parser while fuzzing it (docs/fuzzing.md): each of
// these overflowed the stack, was undefined behaviour, escaped as another
// exception or wrapped an index before it was bounded.
TEST(CtfMetadata, BoundsWhatAHostileFileCanAsk) {
    // Recursion: structures inside structures, a stack's worth.
    std::string deep = "/* CTF 1.8 */ typealias ";
    for (int i = 0; i < 100000; i++)
        deep += "struct { ";
    EXPECT_THROW(ctf::parse_metadata(deep), ctf::Unsupported);
    // Nesting through aliases, which the parser does not recurse into (but
    // destroying the types does).
    std::string aliased = "typealias integer { size = 8; } := t0;\n";
    for (int i = 0; i < 40; i++)
        aliased += "typealias struct { t" + std::to_string(i) + " x; } := t" +
                   std::to_string(i + 1) + ";\n";
    EXPECT_THROW(ctf::parse_metadata(aliased), ctf::Unsupported);
    std::string arrays = "typealias integer { size = 8; } := a0;\n";
    for (int i = 0; i < 40; i++)
        arrays += "typealias a" + std::to_string(i) + " := a" + std::to_string(i + 1) +
                  "[2];\n";
    EXPECT_THROW(ctf::parse_metadata(arrays), ctf::Unsupported);
    // Numbers: -2^63 is the smallest; an array length must fit an op's count.
    EXPECT_EQ(ctf::parse_metadata("clock { offset = -9223372036854775808; };")
                  .clocks.at(0)
                  .offset,
              INT64_MIN);
    EXPECT_THROW(ctf::parse_metadata("clock { offset = -9223372036854775809; };"),
                 ctf::Unsupported);
    EXPECT_THROW(
        ctf::parse_metadata(
            "typealias integer { size = 8; } := b; typealias b := c[4294967296];"),
        ctf::Unsupported);
    EXPECT_THROW(ctf::parse_metadata(
                     "typealias integer { size = 8; } := b; typealias b := c[-1];"),
                 ctf::Unsupported);
    // An enumeration's next value after the largest one wraps, not overflows.
    const auto md = ctf::parse_metadata(
        "typealias enum : integer { size = 8; } { a = 9223372036854775807, b } := e;");
    EXPECT_TRUE(md.streams.empty());
    // A trace uuid of other than hex digits.
    EXPECT_THROW(ctf::parse_metadata(
                     R"(trace { uuid = "zzb4cb5b-ff3c-4bd2-a789-ce6b14dcc802"; };)"),
                 ctf::Unsupported);
}

TEST(CtfProgram, RefusesStructuresTooWideForItsIndexes) {
    auto wide = std::make_shared<ctf::Type>();
    wide->kind = ctf::Type::Kind::Struct;
    auto byte = std::make_shared<ctf::Type>();
    byte->size = 8;
    for (int i = 0; i < 40000; i++)
        wide->members.push_back({"_f" + std::to_string(i), byte});
    EXPECT_THROW(ctf::EventProgram{wide}, ctf::Unsupported);
}

TEST(CtfProgram, DecodesAlignmentSequencesAndText) {
    const auto md = ctf::parse_metadata(std::string(kHeader) + kEvents);
    const ctf::EventProgram p(md.streams.at(0).events.at(1).payload);
    // The length member is not a field (as with Babeltrace2); the text array is
    // a string; names lose one `_`.
    ASSERT_EQ(p.specs().size(), 6u);
    EXPECT_EQ(p.specs()[0].name, "op");
    EXPECT_EQ(p.specs()[2].name, "stack");
    EXPECT_EQ(p.specs()[2].type, fluxtrace::FieldType::U64Array);
    EXPECT_TRUE(p.specs()[2].hex);
    EXPECT_EQ(p.specs()[3].type, fluxtrace::FieldType::String);

    // The payload is aligned as its most aligned member (rc, 32 bits): from
    // bit 8 it starts at byte 4.  Op at byte 4, rc at byte 8, the length at
    // byte 12, two stack entries, "ab\0..." in 6 bytes, "t", a double.
    std::vector<std::uint8_t> buf;
    put_bits(buf, 32, 8, 7);
    put_bits(buf, 64, 32, static_cast<std::uint32_t>(-5));
    put_bits(buf, 96, 32, 2);
    put_bits(buf, 128, 64, 0x1111);
    put_bits(buf, 192, 64, 0x2222);
    const char name[6] = {'a', 'b', 0, 'z', 'z', 'z'};
    buf.resize(32 + 6);
    std::memcpy(buf.data() + 32, name, 6);
    buf.push_back('t');
    buf.push_back(0);
    const double timeout = 2.5;
    buf.resize(buf.size() + 8);
    std::memcpy(buf.data() + buf.size() - 8, &timeout, 8);

    std::vector<ctf::Value> values(p.ops().size());
    std::uint64_t pos = 8;
    ASSERT_TRUE(p.run(buf.data(), pos, 8 * buf.size(), values.data()));
    EXPECT_EQ(pos, 8 * buf.size());
    // The check walk (fixed fields skipped in runs) ends at the same place...
    std::uint64_t checked = 8;
    ASSERT_TRUE(p.check(buf.data(), checked, 8 * buf.size(), values.data()));
    EXPECT_EQ(checked, pos);
    // ... and both refuse the data cut short anywhere.
    for (std::uint64_t end = 40; end < 8 * buf.size(); end += 8) {
        std::uint64_t at = 8;
        EXPECT_FALSE(p.run(buf.data(), at, end, values.data())) << "end " << end;
        at = 8;
        EXPECT_FALSE(p.check(buf.data(), at, end, values.data())) << "end " << end;
    }

    fluxtrace::RecordStore store;
    const auto &cls = store.intern_class("fluxtrace:msg", p.specs());
    pos = 8;
    ASSERT_TRUE(p.run(buf.data(), pos, 8 * buf.size(), values.data()));
    fluxtrace::RecordBuilder b(store, cls, p.var_size(values.data()));
    p.build(b, buf.data(), values.data());
    const auto r = b.finish(1, 2, 3, fluxtrace::StringPool::kEmpty, 0);
    EXPECT_EQ(r.u64("op"), 7u);
    EXPECT_EQ(r.i64("rc"), -5);
    ASSERT_EQ(r.u64s("stack").size(), 2u);
    EXPECT_EQ(r.u64s("stack")[1], 0x2222u);
    EXPECT_EQ(r.str("name"), "ab");
    EXPECT_EQ(r.str("topic"), "t");
    EXPECT_EQ(r.f64("timeout"), 2.5);
}

// The record count the fast reader announces before the first record (for
// consumers that reserve their memory once) is the number it delivers.
TEST(CtfReader, AnnouncesHowManyRecordsItDelivers) {
    for (const auto choice : {ctf::ReaderChoice::Fast, ctf::ReaderChoice::Bt2}) {
        fluxtrace::RecordStore store;
        fluxtrace::bt2::ReadOptions options;
        std::vector<std::uint64_t> announced;
        std::uint64_t delivered = 0, delivered_at_announce = UINT64_MAX;
        options.on_record_count = [&](std::uint64_t n) {
            announced.push_back(n);
            delivered_at_announce = delivered;
        };
        ctf::ChoosingReader reader(store, options, choice);
        reader.read({std::string(FIXTURES_DIR) + "/normal"},
                    [&](const fluxtrace::Record &) { delivered++; });
        ASSERT_GT(delivered, 0u);
        if (choice == ctf::ReaderChoice::Bt2) {
            EXPECT_TRUE(announced.empty()); // Babeltrace2 does not know it
            continue;
        }
        ASSERT_EQ(announced.size(), 1u);
        EXPECT_EQ(announced[0], delivered);
        EXPECT_EQ(delivered_at_announce, 0u);
    }
}

// Two trace directories under one path: merged when they share a clock (one
// host), as Babeltrace2 would order them; refused (and left to Babeltrace2)
// when their clocks differ, or when one stream id appears in two directories
// of one trace uuid.
TEST(CtfReader, SeveralDirectoriesInOneSource) {
    namespace fs = std::filesystem;
    const fs::path fixtures = FIXTURES_DIR;
    const fs::path normal = fixtures / "normal" / "ust/uid/0/64-bit";
    const fs::path tmp =
        fs::temp_directory_path() / ("fluxtrace-ctf-test-" + std::to_string(::getpid()));
    // normal's two stream files, one per directory (as per-uid directories).
    const fs::path split = tmp / "split";
    for (const char *d : {"ust/uid/0/64-bit", "ust/uid/1/64-bit"})
        fs::create_directories(split / d);
    for (const char *d : {"ust/uid/0/64-bit", "ust/uid/1/64-bit"})
        fs::copy_file(normal / "metadata", split / d / "metadata");
    fs::copy_file(normal / "c_1", split / "ust/uid/0/64-bit/c_1");
    fs::copy_file(normal / "c_0", split / "ust/uid/1/64-bit/c_0");
    // normal twice: the same stream ids in one trace uuid.
    const fs::path twice = tmp / "twice";
    fs::create_directories(twice / "ust/uid/0");
    fs::create_directories(twice / "ust/uid/1");
    fs::copy(normal, twice / "ust/uid/0/64-bit", fs::copy_options::recursive);
    fs::copy(normal, twice / "ust/uid/1/64-bit", fs::copy_options::recursive);
    // normal and another host's trace.
    const fs::path hosts = tmp / "hosts";
    fs::create_directories(hosts / "ust/uid/0");
    fs::create_directories(hosts / "ust/uid/1");
    fs::copy(normal, hosts / "ust/uid/0/64-bit", fs::copy_options::recursive);
    fs::copy(fixtures / "other-host" / "ust/uid/0/64-bit", hosts / "ust/uid/1/64-bit",
             fs::copy_options::recursive);

    const auto read = [](const fs::path &path, std::string &why) {
        fluxtrace::RecordStore store;
        ctf::FastReader reader(store, false);
        std::vector<std::string> seen;
        why = reader.prepare({path.string()});
        if (why.empty())
            reader.read([&](const fluxtrace::Record &r) {
                seen.push_back(std::to_string(r.ts_ns()) + " " + std::string(r.name()) +
                               " " + std::to_string(r.vtid()));
            });
        return seen;
    };
    std::string why;
    const auto single = read(fixtures / "normal", why);
    ASSERT_EQ(why, "");
    ASSERT_FALSE(single.empty());
    EXPECT_EQ(read(split, why), single); // same records, same order
    EXPECT_EQ(why, "");
    read(twice, why);
    EXPECT_EQ(why, "two data files of one stream");
    read(hosts, why);
    EXPECT_EQ(why, "trace directories of different clocks in one source");
    fs::remove_all(tmp);
}
