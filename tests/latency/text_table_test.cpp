#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>

#include "analyzer/latency/text_table.hpp"

namespace fluxtrace::latency {
namespace {

TEST(TextTableTest, AlignsColumns) {
    TextTable t({{"topic"}, {"count", Align::Right}, {"note"}});
    t.add_row({"kvs.lookup", "12", "µs"});
    t.add_row({"a", "1234567"});
    std::ostringstream out;
    t.print(out, "  ");
    EXPECT_EQ(out.str(), "  topic         count  note\n"
                         "  kvs.lookup       12  µs\n"
                         "  a           1234567\n");
    EXPECT_EQ(t.row_count(), 2u);
}

TEST(TextTableTest, TooManyCells) {
    TextTable t({{"a"}});
    EXPECT_THROW(t.add_row({"1", "2"}), std::invalid_argument);
}

} // namespace
} // namespace fluxtrace::latency
