// The analyzer's view of the schema (analyzer/schema.hpp) against what the
// provider writes: the `normal` fixture was recorded through the real provider
// header (fixtures/gen/fixture_prog.c) and holds every record kind.
#include "analyzer/schema.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzer/ctf/reader_choice.hpp"
#include "analyzer/record_store.hpp"
#include "tracepoints/fluxtrace_ops.h"

namespace fluxtrace {
namespace {

static_assert(static_cast<int>(MsgOp::Recv) == FT_MSG_RECV);
static_assert(static_cast<int>(WaitApi::KvsGetrootGet) == FT_WAIT_KVS_GETROOT_GET);
static_assert(static_cast<int>(LifeOp::ThreadStart) == FT_LIFE_THREAD_START);

TEST(Schema, CodesSayWhatTheyStandFor) {
    EXPECT_EQ(what(WaitApi::RpcGet), "flux_rpc_get");
    EXPECT_EQ(what(CbKind::MsgHandler), "msg_handler");
    EXPECT_EQ(what(CbKind::Unknown), "");
    EXPECT_EQ(what(static_cast<TxnOp>(200)), "");
}

TEST(Schema, FieldReferencesNameTheirRecordsFields) {
    EXPECT_EQ(std::string_view(field::cb_end::duration_ns), "duration_ns");
    EXPECT_EQ(field::kSlotKinds[static_cast<size_t>(field::msg::topic.slot)],
              EventKind::Msg);
    EXPECT_EQ(field::kSlotNames[static_cast<size_t>(field::loop::busy_ns.slot)],
              "busy_ns");
}

TEST(Schema, RetiredFieldsNameTheirRecordsFields) {
    EXPECT_EQ(std::string_view(field::cb_end::obj), "obj");
    EXPECT_EQ(field::kSlotKinds[static_cast<size_t>(field::cb_end::obj.slot)],
              EventKind::CbEnd);
}

// Every record kind the provider wrote has exactly the schema's fields, in
// order.  The fixture is of format 1: the fields added since are left out, and
// the records format 3 changed have what formats 1 and 2 wrote, and the kinds
// added since are absent (shim.cover checks the `watcher` record's fields on a
// fresh recording, shim.pyframes the `pycode` record and every `pystack`).
TEST(Schema, MatchesWhatTheProviderWrote) {
    const field::Field added_since_format_1[] = {field::process::flux_core_version};
    const std::set<EventKind> kinds_added_since_format_1 = {EventKind::Watcher,
                                                            EventKind::PyCode};
    const std::string_view added_to_every_stack_since_format_5 = "pystack";
    std::map<EventKind, std::vector<std::string>> expected = {
        {EventKind::CbEnd, {"kind", "obj", "fn", "duration_ns"}},
        {EventKind::Loop, {"r", "busy_ns"}},
    };
    const std::set<EventKind> changed_in_format_3 = {EventKind::CbEnd, EventKind::Loop};
    for (size_t i = 0; i < field::kSlotCount; i++) {
        const auto slot = static_cast<field::Slot>(i);
        if (changed_in_format_3.count(field::kSlotKinds[i]) == 0 &&
            field::kSlotNames[i] != added_to_every_stack_since_format_5 &&
            std::none_of(std::begin(added_since_format_1), std::end(added_since_format_1),
                         [&](const field::Field &f) { return f.slot == slot; }))
            expected[field::kSlotKinds[i]].emplace_back(field::kSlotNames[i]);
    }

    std::map<EventKind, std::vector<std::string>> written;
    RecordStore store;
    bt2::ReadOptions options;
    ctf::ChoosingReader reader(store, options, ctf::ReaderChoice::Fast);
    reader.read({std::string(FIXTURES_DIR) + "/normal"}, [&](const Record &r) {
        if (!is_fluxtrace(r.kind()) || written.count(r.kind()))
            return;
        auto &names = written[r.kind()];
        for (const auto &f : r.event_class().fields())
            names.emplace_back(f.name);
    });
    EXPECT_EQ(written.size(), FT_EV_COUNT - kinds_added_since_format_1.size())
        << "a kind is missing";
    for (const auto &[kind, names] : written)
        EXPECT_EQ(names, expected[kind]) << event_kind_name(kind);
}

} // namespace
} // namespace fluxtrace
