// The reader on CTF traces recorded with the real provider (fixtures/README).
// Values asserted here are the ones fixtures/gen/fixture_prog.c fires.
#include "analyzer/bt2/trace_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "analyzer/input_error.hpp"

namespace fluxtrace::bt2 {
namespace {

namespace fs = std::filesystem;

const std::string kFixtures = FIXTURES_DIR;

std::string fixture(const std::string &name) {
    return kFixtures + "/" + name;
}

struct Read {
    std::vector<Record> records;
    ReadStats stats;

    std::vector<Record> of(EventKind kind) const {
        std::vector<Record> out;
        for (const auto &r : records)
            if (r.kind() == kind)
                out.push_back(r);
        return out;
    }
    size_t count(EventKind kind) const { return of(kind).size(); }
};

Read read(RecordStore &store, const std::vector<std::string> &paths) {
    Read out;
    TraceReader reader(store);
    out.stats = reader.read(paths, [&](const Record &r) { out.records.push_back(r); });
    return out;
}

// The InputError `paths` cause, or "" when they read.
std::string input_error(const std::vector<std::string> &paths) {
    RecordStore store;
    try {
        read(store, paths);
    } catch (const InputError &e) {
        return e.what();
    }
    return "";
}

// A record's identity, to compare reads of the same trace.
using Key = std::tuple<std::uint64_t, std::int32_t, std::string>;
Key key(const Record &r) {
    return {r.ts_ns(), r.vtid(), std::string(r.name())};
}

class TempDir {
  public:
    TempDir() {
        std::string templ =
            (fs::temp_directory_path() / "fluxtrace-reader-test-XXXXXX").string();
        path_ = mkdtemp(templ.data());
    }
    ~TempDir() { fs::remove_all(path_); }
    const fs::path &path() const { return path_; }

  private:
    fs::path path_;
};

const std::string kTraceSubdir = "ust/uid/0/64-bit";

TEST(TraceReader, ReadsEveryKindOfRecord) {
    RecordStore store;
    const Read r = read(store, {fixture("normal")});
    const std::map<EventKind, size_t> expected = {
        {EventKind::Process, 1},    {EventKind::Dso, 1},
        {EventKind::Handle, 2},     {EventKind::Attr, 1},
        {EventKind::Msg, 2},        {EventKind::Rpc, 1},
        {EventKind::CbBegin, 40},   {EventKind::CbEnd, 40},
        {EventKind::Future, 1},     {EventKind::FutureWait, 40},
        {EventKind::ReactorRun, 2}, {EventKind::Loop, 1},
        {EventKind::KvsLookup, 1},  {EventKind::KvsValue, 1},
        {EventKind::KvsTxn, 1},     {EventKind::KvsCommit, 1},
        {EventKind::KvsResult, 1},  {EventKind::KvsVersion, 1},
        {EventKind::EventSub, 1},   {EventKind::EventPub, 1},
        {EventKind::Life, 2}};
    size_t fluxtrace = 0;
    for (const auto &[kind, n] : expected) {
        EXPECT_EQ(r.count(kind), n) << event_kind_name(kind);
        fluxtrace += n;
    }
    EXPECT_EQ(r.count(EventKind::UnknownFluxtrace), 0u);
    // The statedump of the loaded objects comes along, for symbolization.
    EXPECT_GT(r.count(EventKind::Foreign), 0u);
    for (const auto &rec : r.of(EventKind::Foreign))
        EXPECT_EQ(rec.name().rfind("lttng_ust_statedump:", 0), 0u) << rec.name();

    ASSERT_EQ(r.stats.sources.size(), 1u);
    const SourceStats &s = r.stats.sources[0];
    EXPECT_EQ(s.path, fixture("normal"));
    EXPECT_EQ(s.trace_dirs,
              std::vector<std::string>{fixture("normal") + "/" + kTraceSubdir});
    EXPECT_EQ(s.records, r.records.size());
    EXPECT_EQ(s.fluxtrace_records, fluxtrace);
    EXPECT_TRUE(r.stats.skipped.empty());
    EXPECT_EQ(r.stats.discarded_events(), 0u);
}

TEST(TraceReader, FieldValuesAsFired) {
    RecordStore store;
    const Read r = read(store, {fixture("normal")});

    const Record process = r.of(EventKind::Process).at(0);
    EXPECT_EQ(process.u64("format_version"), 1u);
    EXPECT_EQ(process.i64("ppid"), 1);
    EXPECT_EQ(process.str("exe"), "/usr/bin/fixture");
    EXPECT_EQ(process.str("flux_uri"), "local:///run/flux/local");
    EXPECT_EQ(process.procname(), "prog");

    const Record dso = r.of(EventKind::Dso).at(0);
    EXPECT_EQ(dso.u64("base"), 0x400000u);
    const std::uint8_t build_id[] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};
    EXPECT_EQ(dso.bytes("build_id"), Bytes(build_id, sizeof build_id));
    EXPECT_FALSE(dso.has("_build_id_length")); // the sequence says its length

    const auto msgs = r.of(EventKind::Msg);
    const Record send = msgs.at(0);
    EXPECT_EQ(send.u64("op"), 0u);
    EXPECT_EQ(send.str("topic"), "kvs.lookup");
    EXPECT_EQ(send.u64("matchtag"), 7u);
    EXPECT_EQ(send.u64("nodeid"), 0xFFFFFFFFu);
    EXPECT_EQ(send.u64("payload_hash"), 0x1234567890abcdefu);
    const std::string payload = "{\"key\":\"a.b\"}";
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(send.bytes("payload").data()),
                          send.bytes("payload").size()),
              payload);
    const std::uint64_t stack[] = {0x401000, 0x7f0000001234, 0x7f00000abcde};
    EXPECT_EQ(send.u64s("stack"), U64Array(stack, 3));
    const Record recv = msgs.at(1);
    EXPECT_EQ(recv.u64("op"), 2u);
    EXPECT_EQ(recv.str("route_first"), "broker-0");
    EXPECT_TRUE(recv.bytes("payload").empty());
    EXPECT_TRUE(recv.u64s("stack").empty());

    EXPECT_DOUBLE_EQ(r.of(EventKind::Future).at(0).f64("timeout"), 2.5);
    EXPECT_EQ(r.of(EventKind::KvsResult).at(0).i64("seq"), -3);
    EXPECT_EQ(r.of(EventKind::KvsResult).at(0).str("ref"), "sha1-0123");
    EXPECT_EQ(r.of(EventKind::Attr).at(0).str("attr"), "rank");
    EXPECT_EQ(r.of(EventKind::Attr).at(0).str("value"), "0");
    const Record pub = r.of(EventKind::EventPub).at(0);
    EXPECT_EQ(pub.i64("seq"), -1);
    EXPECT_EQ(pub.bytes("payload").size(), 3u);
    EXPECT_EQ(pub.bytes("payload")[1], 0xff);
    EXPECT_EQ(r.of(EventKind::KvsVersion).at(0).u64s("stack").size(), 0u);

    // Hex display survives as a hint for printing.
    EXPECT_TRUE(send.event_class().field("h").hex);
    EXPECT_FALSE(send.event_class().field("matchtag").hex);
}

TEST(TraceReader, ContextsAndOrder) {
    RecordStore store;
    const Read r = read(store, {fixture("normal")});
    const Record process = r.of(EventKind::Process).at(0);
    std::set<std::int32_t> vtids;
    for (const auto &rec : r.records) {
        EXPECT_EQ(rec.vpid(), process.vpid());
        EXPECT_EQ(rec.src(), 0);
        if (rec.is_fluxtrace())
            vtids.insert(rec.vtid());
    }
    // The main thread and the worker.
    EXPECT_EQ(vtids.size(), 2u);
    for (const auto &cb : r.of(EventKind::CbBegin))
        EXPECT_NE(cb.vtid(), process.vpid());
    EXPECT_TRUE(std::is_sorted(
        r.records.begin(), r.records.end(),
        [](const Record &a, const Record &b) { return a.ts_ns() < b.ts_ns(); }));
    // The worker's callbacks in the order it ran them.
    const auto ends = r.of(EventKind::CbEnd);
    for (size_t i = 0; i < ends.size(); i++)
        EXPECT_EQ(ends[i].u64("duration_ns"), 1500 + i);
}

TEST(TraceReader, StreamStats) {
    RecordStore store;
    const Read r = read(store, {fixture("normal")});
    std::uint64_t records = 0;
    std::set<std::string> names;
    for (const auto &s : r.stats.streams) {
        EXPECT_EQ(s.trace_dir, fixture("normal") + "/" + kTraceSubdir);
        names.insert(fs::path(s.name).filename().string());
        records += s.records;
    }
    EXPECT_EQ(names, (std::set<std::string>{"c_0", "c_1"}));
    EXPECT_EQ(records, r.records.size());
}

TEST(TraceReader, StreamingWithoutKeepingRecords) {
    RecordStore store;
    ReadOptions options;
    options.retain_records = false;
    TraceReader reader(store, options);
    size_t cb_ends = 0;
    std::uint64_t sum = 0;
    reader.read({fixture("normal")}, [&](const Record &r) {
        if (r.kind() == EventKind::CbEnd) {
            cb_ends++;
            sum += r.u64("duration_ns");
        }
    });
    EXPECT_EQ(cb_ends, 40u);
    EXPECT_EQ(sum, 40u * 1500 + 39 * 40 / 2);
    EXPECT_LE(store.bytes_used(), 4096u);
}

TEST(TraceReader, DiscardedEventsAreCounted) {
    RecordStore store;
    const Read r = read(store, {fixture("discarded")});
    EXPECT_GT(r.stats.discarded_events(), 0u);
    EXPECT_EQ(r.stats.discarded_packets(), 0u);
    EXPECT_EQ(r.records.size(), r.count(EventKind::Loop));
    // The burst fired 3000 records; each was either written or counted lost.
    EXPECT_EQ(r.records.size() + r.stats.discarded_events(), 3000u);
    std::uint64_t per_stream = 0;
    for (const auto &s : r.stats.streams)
        per_stream += s.discarded_events;
    EXPECT_EQ(per_stream, r.stats.discarded_events());
}

TEST(TraceReader, HostsAreSeparateSources) {
    RecordStore store;
    const Read r = read(store, {fixture("normal"), fixture("other-host")});
    ASSERT_EQ(r.stats.sources.size(), 2u);
    std::vector<Record> host_b;
    for (const auto &rec : r.records)
        if (rec.src() == 1)
            host_b.push_back(rec);
    ASSERT_EQ(host_b.size(), 4u);
    EXPECT_EQ(host_b[0].kind(), EventKind::Process);
    EXPECT_EQ(host_b[0].str("flux_uri"), "host-b");
    // Each source is whole and in its own order: all of source 0, then source 1.
    EXPECT_TRUE(std::is_sorted(
        r.records.begin(), r.records.end(),
        [](const Record &a, const Record &b) { return a.src() < b.src(); }));
    EXPECT_EQ(r.stats.sources[1].records, 4u);
    EXPECT_EQ(r.stats.sources[1].path, fixture("other-host"));
}

TEST(TraceReader, TruncatedStreamIsReadToItsLastCompletePacket) {
    RecordStore store;
    const Read whole = read(store, {fixture("normal")});
    const Read cut = read(store, {fixture("truncated")});

    ASSERT_EQ(cut.stats.skipped.size(), 1u);
    const SkippedPart &s = cut.stats.skipped[0];
    EXPECT_EQ(s.path, fixture("truncated") + "/" + kTraceSubdir + "/c_0");
    EXPECT_EQ(s.what, "the last 3996 bytes (after 2 complete packets)");
    EXPECT_EQ(s.cause, "it ends inside packet 3 (3996 of its 4096 bytes present)");

    // What is read is what the intact trace holds, less the worker's last packet.
    std::set<Key> all;
    for (const auto &rec : whole.records)
        all.insert(key(rec));
    for (const auto &rec : cut.records)
        EXPECT_TRUE(all.count(key(rec))) << rec.name() << " at " << rec.ts_ns();
    EXPECT_LT(cut.records.size(), whole.records.size());
    EXPECT_GT(cut.count(EventKind::CbEnd), 0u);
    EXPECT_LT(cut.count(EventKind::CbEnd), 40u);
    // The main thread's stream (c_1) is whole.
    for (const auto kind : {EventKind::Process, EventKind::Msg, EventKind::KvsCommit,
                            EventKind::EventPub, EventKind::Handle})
        EXPECT_EQ(cut.count(kind), whole.count(kind)) << event_kind_name(kind);
}

// Garbage inside a packet stops src.ctf.fs; the reader resumes after that packet.
TEST(TraceReader, CorruptPacketIsSkippedAndTheRestRead) {
    TempDir tmp;
    fs::copy(fixture("normal"), tmp.path() / "t", fs::copy_options::recursive);
    const auto c0 = tmp.path() / "t" / kTraceSubdir / "c_0";
    {
        std::fstream f(c0, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(4096 + 200); // inside the second of c_0's three packets
        const std::string garbage(1000, '\xff');
        f.write(garbage.data(), garbage.size());
    }
    RecordStore store;
    const Read whole = read(store, {fixture("normal")});
    const Read damaged = read(store, {(tmp.path() / "t").string()});

    ASSERT_EQ(damaged.stats.skipped.size(), 1u);
    const SkippedPart &s = damaged.stats.skipped[0];
    EXPECT_EQ(s.path, (tmp.path() / "t" / kTraceSubdir / "c_0").string());
    EXPECT_EQ(s.what.rfind("the packet at bytes 4096..8192 (its records after ts ", 0),
              0u)
        << s.what;
    EXPECT_EQ(s.cause.rfind("No event class with ID", 0), 0u) << s.cause;

    // Nothing twice, nothing invented, and the third packet is back.
    std::set<Key> all, seen;
    for (const auto &rec : whole.records)
        all.insert(key(rec));
    for (const auto &rec : damaged.records) {
        EXPECT_TRUE(all.count(key(rec))) << rec.name() << " at " << rec.ts_ns();
        EXPECT_TRUE(seen.insert(key(rec)).second) << rec.name() << " twice";
    }
    const auto ends = damaged.of(EventKind::CbEnd);
    ASSERT_FALSE(ends.empty());
    EXPECT_EQ(ends.back().u64("duration_ns"), 1500u + 39);
    EXPECT_LT(ends.size(), 40u);
    EXPECT_EQ(damaged.count(EventKind::Process), 1u);
    EXPECT_EQ(damaged.count(EventKind::Handle), 2u);
    EXPECT_TRUE(std::is_sorted(
        damaged.records.begin(), damaged.records.end(),
        [](const Record &a, const Record &b) { return a.ts_ns() < b.ts_ns(); }));
}

TEST(TraceReader, RefusesATraceWithoutEvents) {
    EXPECT_EQ(input_error({fixture("empty")}),
              fixture("empty") + ": no events in the trace");
}

TEST(TraceReader, RefusesAnotherProvidersTrace) {
    EXPECT_EQ(input_error({fixture("tracef")}),
              fixture("tracef") + ": no fluxtrace records (3 records of other providers: "
                                  "lttng_ust_tracef:event)");
}

TEST(TraceReader, RefusesAnotherFormatVersion) {
    const std::string error = input_error({fixture("badversion")});
    EXPECT_TRUE(std::regex_match(
        error,
        std::regex(
            fixture("badversion") +
            R"(: fluxtrace format_version 99 \(vpid \d+\); this analyzer reads versions 1 to 6)")))
        << error;
}

TEST(TraceReader, RefusesMissingPathsBeforeReadingAny) {
    RecordStore store;
    TraceReader reader(store);
    size_t delivered = 0;
    try {
        reader.read({fixture("normal"), fixture("no-such-dir")},
                    [&](const Record &) { delivered++; });
        FAIL() << "no error";
    } catch (const InputError &e) {
        EXPECT_EQ(std::string(e.what()),
                  fixture("no-such-dir") + ": no such file or directory");
        EXPECT_EQ(e.path(), fixture("no-such-dir"));
        EXPECT_EQ(e.cause(), "no such file or directory");
    }
    EXPECT_EQ(delivered, 0u);
}

TEST(TraceReader, RefusesADirectoryWithoutTrace) {
    TempDir tmp;
    std::ofstream(tmp.path() / "notes.txt") << "no trace here\n";
    EXPECT_EQ(input_error({tmp.path().string()}),
              tmp.path().string() + ": no CTF trace (no `metadata` file) under it");
    EXPECT_EQ(input_error({(tmp.path() / "notes.txt").string()}),
              (tmp.path() / "notes.txt").string() +
                  ": not a directory (give the directory of a CTF trace)");
}

TEST(TraceReader, UnreadableTraceBesideAGoodOneIsSkipped) {
    TempDir tmp;
    fs::copy(fixture("other-host"), tmp.path() / "good", fs::copy_options::recursive);
    fs::create_directories(tmp.path() / "bad");
    std::ofstream(tmp.path() / "bad" / "metadata") << "not CTF metadata\n";
    std::ofstream(tmp.path() / "bad" / "c_0") << "not CTF data\n";

    RecordStore store;
    const Read r = read(store, {tmp.path().string()});
    EXPECT_EQ(r.records.size(), 4u);
    ASSERT_EQ(r.stats.skipped.size(), 1u);
    EXPECT_EQ(r.stats.skipped[0].path, (tmp.path() / "bad").string());
    EXPECT_EQ(r.stats.skipped[0].what, "the whole trace");
    EXPECT_EQ(r.stats.sources[0].trace_dirs.size(), 2u);

    fs::remove_all(tmp.path() / "good");
    EXPECT_EQ(input_error({tmp.path().string()}),
              tmp.path().string() + ": unreadable trace: Cannot create trace for `" +
                  (tmp.path() / "bad").string() + "`.");
}

TEST(TraceReader, CallbackExceptionsReachTheCaller) {
    RecordStore store;
    TraceReader reader(store);
    size_t seen = 0;
    EXPECT_THROW(reader.read({fixture("normal")},
                             [&](const Record &) {
                                 if (++seen == 10)
                                     throw std::runtime_error("stop");
                             }),
                 std::runtime_error);
    EXPECT_EQ(seen, 10u);
    EXPECT_EQ(reader.stats().sources.at(0).records, 10u);
}

} // namespace
} // namespace fluxtrace::bt2
