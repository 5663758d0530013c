#include "analyzer/string_pool.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fluxtrace {
namespace {

TEST(StringPool, EqualStringsShareOneId) {
    StringPool pool;
    std::string topic = "kvs.lookup";
    const StrId a = pool.intern(topic);
    topic[0] = 'K'; // the pool keeps its own copy
    const StrId b = pool.intern("kvs.lookup");
    EXPECT_EQ(a, b);
    EXPECT_EQ(pool.view(a), "kvs.lookup");
    EXPECT_NE(pool.intern(topic), a);
}

TEST(StringPool, EmptyStringIsIdZero) {
    StringPool pool;
    EXPECT_EQ(pool.intern(""), StringPool::kEmpty);
    EXPECT_EQ(pool.view(StringPool::kEmpty), "");
}

TEST(StringPool, FindDoesNotIntern) {
    StringPool pool;
    EXPECT_EQ(pool.find("absent"), StringPool::kNotFound);
    const auto size = pool.size();
    pool.find("absent");
    EXPECT_EQ(pool.size(), size);
    const StrId id = pool.intern("present");
    EXPECT_EQ(pool.find("present"), id);
}

TEST(StringPool, ViewsStayValidAsThePoolGrows) {
    StringPool pool;
    const std::string_view first = pool.view(pool.intern("first"));
    for (int i = 0; i < 100000; i++)
        pool.intern("s" + std::to_string(i));
    EXPECT_EQ(first, "first");
    EXPECT_EQ(pool.view(pool.find("s99999")), "s99999");
}

} // namespace
} // namespace fluxtrace
