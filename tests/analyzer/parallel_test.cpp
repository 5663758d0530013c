// parallel_for (analyzer/parallel.hpp): every index once, whatever the number
// of threads; the exception of the smallest index that threw.
#include "analyzer/parallel.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

TEST(ParallelFor, CallsEveryIndexOnce) {
    for (const unsigned jobs : {1u, 2u, 3u, 64u}) {
        std::vector<std::atomic<int>> calls(1000);
        fluxtrace::parallel_for(calls.size(), jobs, [&](size_t i) { calls[i]++; });
        for (size_t i = 0; i < calls.size(); i++)
            ASSERT_EQ(calls[i].load(), 1) << "index " << i << " with " << jobs << " jobs";
    }
}

TEST(ParallelFor, NothingToDo) {
    int calls = 0;
    fluxtrace::parallel_for(0, 4, [&](size_t) { calls++; });
    EXPECT_EQ(calls, 0);
}

TEST(ParallelFor, RethrowsTheSmallestIndexThatThrew) {
    for (const unsigned jobs : {1u, 2u, 8u}) {
        try {
            fluxtrace::parallel_for(100, jobs, [](size_t i) {
                if (i == 97 || i == 41 || i == 60)
                    throw std::runtime_error(std::to_string(i));
            });
            ADD_FAILURE() << "nothing thrown with " << jobs << " jobs";
        } catch (const std::runtime_error &e) {
            EXPECT_STREQ(e.what(), "41") << jobs << " jobs";
        }
    }
}

TEST(ParallelFor, AvailableCpusIsAtLeastOne) {
    EXPECT_GE(fluxtrace::available_cpus(), 1u);
}

} // namespace
