#include "analyzer/event_kind.hpp"

#include <gtest/gtest.h>

#include "tracepoints/fluxtrace_ops.h"

namespace fluxtrace {
namespace {

// The analyzer's kinds follow the provider's own list.
static_assert(static_cast<int>(EventKind::Process) == FT_EV_PROCESS);
static_assert(static_cast<int>(EventKind::Msg) == FT_EV_MSG);
static_assert(static_cast<int>(EventKind::KvsVersion) == FT_EV_KVS_VERSION);
static_assert(static_cast<int>(EventKind::Life) == FT_EV_LIFE);
static_assert(static_cast<int>(EventKind::UnknownFluxtrace) == FT_EV_COUNT);
static_assert(kFluxtraceFormatVersion == FLUXTRACE_FORMAT_VERSION);

TEST(EventKind, FluxtraceNamesMapToKinds) {
    EXPECT_EQ(event_kind_from_name("fluxtrace:process"), EventKind::Process);
    EXPECT_EQ(event_kind_from_name("fluxtrace:msg"), EventKind::Msg);
    EXPECT_EQ(event_kind_from_name("fluxtrace:future_wait"), EventKind::FutureWait);
    EXPECT_EQ(event_kind_from_name("fluxtrace:life"), EventKind::Life);
}

TEST(EventKind, NamesRoundTrip) {
    for (int k = 0; k < static_cast<int>(EventKind::UnknownFluxtrace); k++) {
        const auto kind = static_cast<EventKind>(k);
        const std::string full = "fluxtrace:" + std::string(event_kind_name(kind));
        EXPECT_EQ(event_kind_from_name(full), kind) << full;
    }
}

TEST(EventKind, OtherProvidersAreForeign) {
    EXPECT_EQ(event_kind_from_name("lttng_ust_statedump:bin_info"), EventKind::Foreign);
    EXPECT_EQ(event_kind_from_name("fluxtracex:msg"), EventKind::Foreign);
    EXPECT_EQ(event_kind_from_name("msg"), EventKind::Foreign);
    EXPECT_FALSE(is_fluxtrace(EventKind::Foreign));
}

TEST(EventKind, NewerFluxtraceRecordsAreKnownAsFluxtrace) {
    EXPECT_EQ(event_kind_from_name("fluxtrace:from_the_future"),
              EventKind::UnknownFluxtrace);
    EXPECT_TRUE(is_fluxtrace(EventKind::UnknownFluxtrace));
}

} // namespace
} // namespace fluxtrace
