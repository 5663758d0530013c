#include <gtest/gtest.h>

#include <thread>
#include <vector>

extern "C" {
#include "ptrmap.h"
}

namespace {
const void *key(uintptr_t i) {
    return reinterpret_cast<const void *>(0x1000 + i * 16);
}
void *val(uintptr_t i) {
    return reinterpret_cast<void *>(0x900000 + i);
}
} // namespace

TEST(PtrMap, PutTakeAcrossGrowthAndTombstones) {
    const uintptr_t n = 5000;
    for (uintptr_t i = 0; i < n; i++)
        ft_ptrmap_put(key(i), val(i));
    for (uintptr_t i = 0; i < n; i += 2)
        EXPECT_EQ(ft_ptrmap_take(key(i)), val(i));
    for (uintptr_t i = 0; i < n; i += 2)
        EXPECT_EQ(ft_ptrmap_take(key(i)), nullptr) << "taken twice";
    // re-insert over tombstones, then everything is found exactly once
    for (uintptr_t i = 0; i < n; i += 2)
        ft_ptrmap_put(key(i), val(i + 1));
    for (uintptr_t i = 0; i < n; i++)
        EXPECT_EQ(ft_ptrmap_take(key(i)), i % 2 ? val(i) : val(i + 1));
}

TEST(PtrMap, ReputReplaces) {
    ft_ptrmap_put(key(1), val(1));
    ft_ptrmap_put(key(1), val(2));
    EXPECT_EQ(ft_ptrmap_take(key(1)), val(2));
    EXPECT_EQ(ft_ptrmap_take(key(1)), nullptr);
}

TEST(PtrMap, ConcurrentThreads) {
    std::vector<std::thread> threads;
    for (uintptr_t t = 0; t < 4; t++)
        threads.emplace_back([t] {
            for (uintptr_t i = 0; i < 2000; i++) {
                uintptr_t k = 100000 + t * 10000 + i;
                ft_ptrmap_put(key(k), val(k));
                EXPECT_EQ(ft_ptrmap_take(key(k)), val(k));
            }
        });
    for (auto &th : threads)
        th.join();
}
