#include "analyzer/record.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "analyzer/field_error.hpp"
#include "analyzer/record_builder.hpp"
#include "analyzer/record_store.hpp"

namespace fluxtrace {
namespace {

// The message of the exception `statement` throws, or "" when it throws none.
template <typename F>
std::string field_error(F &&statement) {
    try {
        statement();
    } catch (const FieldError &e) {
        return e.what();
    }
    return "";
}

const RecordHeader kHeader{1000, 42, 43, "broker", 1};

TEST(Record, HeaderAndTypedFields) {
    RecordStore store;
    const std::uint8_t payload[] = {0x7b, 0x00, 0xff};
    const std::uint64_t stack[] = {0x401000, 0x7f0000001234};
    const Record r = store.add("msg", kHeader,
                               {{"h", std::uint64_t{0xabc000}, true},
                                {"rc", std::int64_t{-1}},
                                {"topic", std::string_view("kvs.lookup")},
                                {"timeout", 2.5},
                                {"payload", Bytes(payload, 3)},
                                {"stack", U64Array(stack, 2), true}});
    EXPECT_EQ(r.name(), "msg");
    EXPECT_EQ(r.event_class().full_name(), "fluxtrace:msg");
    EXPECT_EQ(r.kind(), EventKind::Msg);
    EXPECT_TRUE(r.is_fluxtrace());
    EXPECT_EQ(r.ts_ns(), 1000u);
    EXPECT_EQ(r.vpid(), 42);
    EXPECT_EQ(r.vtid(), 43);
    EXPECT_EQ(r.procname(), "broker");
    EXPECT_EQ(r.src(), 1);

    EXPECT_EQ(r.u64("h"), 0xabc000u);
    EXPECT_EQ(r.i64("h"), 0xabc000);
    EXPECT_EQ(r.i64("rc"), -1);
    EXPECT_EQ(r.str("topic"), "kvs.lookup");
    EXPECT_EQ(r.str_id("topic"), store.strings().find("kvs.lookup"));
    EXPECT_DOUBLE_EQ(r.f64("timeout"), 2.5);
    EXPECT_EQ(r.bytes("payload"), Bytes(payload, 3));
    EXPECT_EQ(r.u64s("stack"), U64Array(stack, 2));
    EXPECT_TRUE(r.has("topic"));
    EXPECT_FALSE(r.has("nodeid"));
    EXPECT_EQ(r.field_count(), 6u);
    EXPECT_TRUE(r.event_class().fields()[0].hex);
    EXPECT_FALSE(r.event_class().fields()[1].hex);
}

TEST(Record, ValuesOutliveTheBuffersTheyCameFrom) {
    RecordStore store;
    std::vector<std::uint8_t> payload = {1, 2, 3};
    std::string topic = "event.pub";
    const Record r = store.add("event_pub", {},
                               {{"topic", std::string_view(topic)},
                                {"payload", Bytes(payload.data(), payload.size())}});
    payload.assign(3, 0);
    topic.assign("xxxxxxxxx");
    EXPECT_EQ(r.str("topic"), "event.pub");
    EXPECT_EQ(r.bytes("payload")[2], 3);
}

TEST(Record, ClearErrors) {
    RecordStore store;
    const Record r = store.add("msg", kHeader,
                               {{"rc", std::int64_t{-1}},
                                {"topic", std::string_view("t")},
                                {"big", std::uint64_t{UINT64_MAX}}});
    EXPECT_EQ(field_error([&] { r.u64("matchtag"); }),
              "`msg` record has no field `matchtag`");
    EXPECT_EQ(field_error([&] { r.u64("topic"); }),
              "field `topic` of `msg` record is a string, not an integer");
    EXPECT_EQ(field_error([&] { r.str("rc"); }),
              "field `rc` of `msg` record is a signed integer, not a string");
    EXPECT_EQ(field_error([&] { r.u64("rc"); }),
              "field `rc` of `msg` record is -1, not an unsigned integer");
    EXPECT_EQ(field_error([&] { r.i64("big"); }),
              "field `big` of `msg` record is 18446744073709551615, not a signed 64-bit "
              "integer");
    EXPECT_EQ(field_error([&] { r.bytes("topic"); }),
              "field `topic` of `msg` record is a string, not a byte sequence");
    EXPECT_EQ(field_error([&] { r.f64("rc"); }),
              "field `rc` of `msg` record is a signed integer, not a real number");
    EXPECT_EQ(field_error([&] { r.event_class().field("nope"); }),
              "`msg` record has no field `nope`");
}

TEST(Record, OtherProvidersKeepTheirFullName) {
    RecordStore store;
    const Record r =
        store.add("lttng_ust_statedump:bin_info", kHeader, {{"memsz", std::uint64_t{8}}});
    EXPECT_EQ(r.name(), "lttng_ust_statedump:bin_info");
    EXPECT_EQ(r.kind(), EventKind::Foreign);
    EXPECT_FALSE(r.is_fluxtrace());
}

TEST(Record, GenericValues) {
    RecordStore store;
    const Record r = store.add("loop", kHeader,
                               {{"r", std::uint64_t{7}, true},
                                {"busy_ns", std::int64_t{-5}},
                                {"why", std::string_view("idle")}});
    EXPECT_EQ(std::get<std::uint64_t>(r.value_at(0)), 7u);
    EXPECT_EQ(std::get<std::int64_t>(r.value("busy_ns")), -5);
    EXPECT_EQ(std::get<std::string_view>(r.value_at(2)), "idle");
}

TEST(EventClass, OneClassPerNameAndLayout) {
    RecordStore store;
    const Record a = store.add("rpc", {}, {{"matchtag", std::uint64_t{1}}});
    const Record b = store.add("rpc", {}, {{"matchtag", std::uint64_t{2}}});
    const Record c = store.add("rpc", {}, {{"matchtag", std::int64_t{2}}});
    EXPECT_EQ(&a.event_class(), &b.event_class());
    EXPECT_NE(&a.event_class(), &c.event_class());
    EXPECT_EQ(store.class_count(), 2u);
    EXPECT_EQ(a.u64("matchtag"), 1u);
    EXPECT_EQ(b.u64("matchtag"), 2u);
}

TEST(EventClass, PackedLayoutIsAligned) {
    RecordStore store;
    const EventClass &cls =
        store.intern_class("fluxtrace:msg", {{"op", FieldType::Unsigned, 1},
                                             {"h", FieldType::Unsigned, 8, true},
                                             {"rc", FieldType::Signed, 4},
                                             {"topic", FieldType::String},
                                             {"flags", FieldType::Signed, 2},
                                             {"payload", FieldType::Bytes}});
    // 8 (h) + 8 (payload ref) + 4 (rc) + 4 (topic) + 2 (flags) + 1 (op) -> 32.
    EXPECT_EQ(cls.fixed_size(), 32u);
    for (const auto &f : cls.fields())
        EXPECT_EQ(f.offset % f.width, 0u) << f.name;
    EXPECT_EQ(cls.index_of("topic"), 3);
    EXPECT_EQ(cls.index_of("absent"), -1);
    EXPECT_THROW(store.intern_class("fluxtrace:x", {{"bad", FieldType::Unsigned, 3}}),
                 std::invalid_argument);
}

TEST(RecordBuilder, NarrowIntegersAndUnsetFields) {
    RecordStore store;
    const EventClass &cls =
        store.intern_class("fluxtrace:msg", {{"op", FieldType::Unsigned, 1},
                                             {"rc", FieldType::Signed, 4},
                                             {"route_count", FieldType::Signed, 2},
                                             {"tiny", FieldType::Signed, 1},
                                             {"topic", FieldType::String},
                                             {"payload", FieldType::Bytes},
                                             {"stack", FieldType::U64Array},
                                             {"timeout", FieldType::Real}});
    RecordBuilder b(store, cls, RecordBuilder::var_bytes(3) + RecordBuilder::var_u64s(2));
    b.set_unsigned(0, 255);
    b.set_signed(1, -2);
    b.set_signed(2, -300);
    std::memcpy(b.reserve_bytes(5, 3), "abc", 3);
    std::uint64_t *stack = b.reserve_u64s(6, 2);
    stack[0] = 1;
    stack[1] = UINT64_MAX;
    const Record r = b.finish(5, 1, 2, store.strings().intern("p"), 0);
    EXPECT_EQ(r.u64("op"), 255u);
    EXPECT_EQ(r.i64("rc"), -2);
    EXPECT_EQ(r.i64("route_count"), -300);
    EXPECT_EQ(r.integer_bits_at(1), static_cast<std::uint64_t>(-2));
    EXPECT_EQ(r.i64("tiny"), 0);
    EXPECT_EQ(r.str("topic"), "");
    EXPECT_DOUBLE_EQ(r.f64("timeout"), 0.0);
    EXPECT_EQ(std::string(reinterpret_cast<const char *>(r.bytes("payload").data()), 3),
              "abc");
    EXPECT_EQ(r.u64s("stack")[1], UINT64_MAX);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(r.u64s("stack").data()) % 8, 0u);
    EXPECT_THROW(b.reserve_bytes(5, 1), std::logic_error); // the variable part is full
}

// 10M records must fit in memory: Record plus packed values, per record.
TEST(RecordStore, ResidentBytesPerRecord) {
    RecordStore store;
    const EventClass &msg =
        store.intern_class("fluxtrace:msg", {{"op", FieldType::Unsigned, 1},
                                             {"h", FieldType::Unsigned, 8},
                                             {"m", FieldType::Unsigned, 8},
                                             {"rc", FieldType::Signed, 4},
                                             {"err", FieldType::Signed, 4},
                                             {"type", FieldType::Signed, 4},
                                             {"topic", FieldType::String},
                                             {"nodeid", FieldType::Unsigned, 4},
                                             {"matchtag", FieldType::Unsigned, 4},
                                             {"msgflags", FieldType::Unsigned, 4},
                                             {"route_first", FieldType::String},
                                             {"route_count", FieldType::Signed, 4},
                                             {"seq", FieldType::Unsigned, 4},
                                             {"errnum", FieldType::Signed, 4},
                                             {"payload_len", FieldType::Unsigned, 4},
                                             {"has_hash", FieldType::Unsigned, 1},
                                             {"payload_hash", FieldType::Unsigned, 8},
                                             {"payload", FieldType::Bytes},
                                             {"stack", FieldType::U64Array}});
    const EventClass &cb =
        store.intern_class("fluxtrace:cb_end", {{"kind", FieldType::Unsigned, 1},
                                                {"obj", FieldType::Unsigned, 8},
                                                {"fn", FieldType::Unsigned, 8},
                                                {"duration_ns", FieldType::Unsigned, 8}});
    constexpr int kRecords = 200000;
    std::vector<Record> records;
    records.reserve(kRecords);
    for (int i = 0; i < kRecords; i++) {
        // Half messages with a 4-frame stack, half small callback records.
        if (i % 2 == 0) {
            RecordBuilder b(store, msg, RecordBuilder::var_u64s(4));
            b.set_string(6, i % 4 ? "kvs.lookup" : "kvs.commit");
            b.set_unsigned(8, static_cast<std::uint64_t>(i));
            std::uint64_t *s = b.reserve_u64s(18, 4);
            for (int k = 0; k < 4; k++)
                s[k] = 0x400000 + static_cast<std::uint64_t>(k);
            records.push_back(b.finish(static_cast<std::uint64_t>(i), 1, 1, 0, 0));
        } else {
            RecordBuilder b(store, cb, 0);
            b.set_unsigned(3, 100);
            records.push_back(b.finish(static_cast<std::uint64_t>(i), 1, 1, 0, 0));
        }
    }
    const double per_record = static_cast<double>(store.bytes_reserved() +
                                                  records.capacity() * sizeof(Record)) /
                              kRecords;
    EXPECT_LT(per_record, 150.0);
    EXPECT_EQ(records[kRecords - 2].u64("matchtag"),
              static_cast<std::uint64_t>(kRecords - 2));
    RecordProperty("bytes_per_record", std::to_string(per_record));
}

} // namespace
} // namespace fluxtrace
