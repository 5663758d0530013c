#include <gtest/gtest.h>

#include <cstring>

#include "policy.h"

namespace {

ft_policy policy_of(const char *payload, const char *stack = nullptr) {
    ft_policy p;
    ft_policy_from_env(&p, payload, stack);
    return p;
}

const char kCommit[] = R"({"namespace":"primary","flags":0,"ops":[]})";

} // namespace

TEST(Policy, DefaultKeepsBytesOnlyForDecodedTopics) {
    ft_policy p = policy_of(nullptr);
    EXPECT_TRUE(p.valid);
    EXPECT_STREQ(p.mode_name, "decoded");
    EXPECT_EQ(p.stack_depth, FT_STACK_DEFAULT);

    ft_payload kvs = ft_policy_payload(&p, 1, "kvs.commit", kCommit, sizeof kCommit - 1);
    EXPECT_EQ(kvs.len, sizeof kCommit - 1);
    EXPECT_EQ(kvs.bytes, kCommit);
    EXPECT_TRUE(kvs.has_hash);
    EXPECT_EQ(kvs.hash, ft_hash_bytes(kCommit, sizeof kCommit - 1));

    const char secret[] = R"({"jobspec":{"environment":{"TOKEN":"x"}}})";
    ft_payload job =
        ft_policy_payload(&p, 1, "job-manager.submit", secret, sizeof secret);
    EXPECT_EQ(job.bytes, nullptr);
    EXPECT_EQ(job.len, 0u);
    EXPECT_TRUE(job.has_hash);

    // every event message is decoded, whatever its topic
    ft_payload ev = ft_policy_payload(&p, 4, "job-state", secret, sizeof secret);
    EXPECT_EQ(ev.len, sizeof secret);
}

TEST(Policy, DefaultCapsPrefix) {
    ft_policy p = policy_of(nullptr);
    std::string big(FT_PAYLOAD_DEFAULT_CAP * 3, 'x');
    ft_payload out = ft_policy_payload(&p, 2, "kvs-watch.lookup", big.data(), big.size());
    EXPECT_EQ(out.len, FT_PAYLOAD_DEFAULT_CAP);
    // the hash covers the whole payload, not the prefix
    EXPECT_EQ(out.hash, ft_hash_bytes(big.data(), big.size()));
}

TEST(Policy, NoneRecordsNoBytesAndNoHashes) {
    ft_policy p = policy_of("none");
    EXPECT_TRUE(p.valid);
    ft_payload out = ft_policy_payload(&p, 1, "kvs.commit", kCommit, sizeof kCommit);
    EXPECT_EQ(out.bytes, nullptr);
    EXPECT_FALSE(out.has_hash);
    ft_hash v = ft_policy_value_hash(&p, "value", 5);
    EXPECT_FALSE(v.has_hash);
}

TEST(Policy, HashRecordsHashesOnly) {
    ft_policy p = policy_of("hash");
    ft_payload out = ft_policy_payload(&p, 1, "kvs.commit", kCommit, sizeof kCommit);
    EXPECT_EQ(out.bytes, nullptr);
    EXPECT_TRUE(out.has_hash);
    EXPECT_TRUE(ft_policy_value_hash(&p, "v", 1).has_hash);
}

TEST(Policy, AllAndPrefixKeepEveryTopic) {
    ft_policy all = policy_of("all");
    const char body[] = "0123456789";
    EXPECT_EQ(ft_policy_payload(&all, 1, "job-manager.submit", body, 10).len, 10u);
    ft_policy four = policy_of("4");
    ft_payload out = ft_policy_payload(&four, 1, "job-manager.submit", body, 10);
    EXPECT_EQ(out.len, 4u);
    EXPECT_EQ(std::memcmp(out.bytes, "0123", 4), 0);
}

TEST(Policy, BadValuesFallBackAndSaySo) {
    for (const char *bad : {"everything", "-1", "65537", "12abc"}) {
        ft_policy p = policy_of(bad);
        EXPECT_FALSE(p.valid) << bad;
        EXPECT_STREQ(p.mode_name, "decoded") << bad;
    }
    ft_policy s = policy_of(nullptr, "65");
    EXPECT_FALSE(s.valid);
    EXPECT_EQ(s.stack_depth, FT_STACK_DEFAULT);
    EXPECT_EQ(policy_of(nullptr, "0").stack_depth, 0u);
    EXPECT_EQ(policy_of(nullptr, "64").stack_depth, 64u);
}

TEST(Policy, ValueHashMatchesRawBytes) {
    // A value written with flux_kvs_txn_put("abc") travels as the bytes "abc"
    // (no NUL); readers hash the same decoded bytes.
    ft_policy p = policy_of(nullptr);
    EXPECT_EQ(ft_policy_value_hash(&p, "abc", 3).hash, ft_hash_bytes("abc", 3));
    EXPECT_NE(ft_policy_value_hash(&p, "abc", 3).hash, ft_hash_bytes("abc", 4));
}
