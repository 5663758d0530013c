#include "analyzer/hb/payload.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "trace_builder.hpp"

namespace fluxtrace::hb {
namespace {

Bytes bytes_of(const std::string &s) {
    return Bytes(reinterpret_cast<const std::uint8_t *>(s.data()), s.size());
}

TEST(Payload, JsonWithItsNul) {
    std::string p = R"({"seq":5})";
    p.push_back('\0');
    const auto d = decode_payload(bytes_of(p), p.size());
    ASSERT_EQ(d.status, PayloadStatus::Decoded);
    EXPECT_EQ(d.json["seq"], 5);
}

TEST(Payload, TruncatedIsNotDecoded) {
    const std::string p = R"({"seq":5})";
    EXPECT_EQ(decode_payload(bytes_of(p.substr(0, 4)), p.size()).status,
              PayloadStatus::Truncated);
    EXPECT_EQ(decode_payload(Bytes(), p.size()).status, PayloadStatus::NotKept);
    EXPECT_EQ(decode_payload(Bytes(), 0).status, PayloadStatus::Empty);
    EXPECT_EQ(decode_payload(bytes_of("not json"), 8).status, PayloadStatus::Invalid);
}

TEST(Payload, TreeobjValueHashIsTheRawBytesHash) {
    const std::vector<std::string> raws = {"", "v", "v0", "end",
                                           std::string("\0\xff\x10", 3)};
    for (const std::string &raw : raws) {
        const auto j = nlohmann::json::parse(test::value_payload(raw));
        EXPECT_EQ(treeobj_value_hash(j["val"]), value_hash(raw)) << raw;
    }
    EXPECT_FALSE(treeobj_value_hash(
        nlohmann::json::parse(R"({"ver":1,"type":"valref","data":["sha1-00"]})")));
}

TEST(Payload, ARootsBlobrefIsItsDirrefsOnly) {
    const std::string root = R"({"ver":1,"type":"dirref","data":["sha1-ab"]})";
    EXPECT_EQ(treeobj_text_dirref_blobref(root), "sha1-ab");
    EXPECT_EQ(treeobj_dirref_blobref(nlohmann::json::parse(root)), "sha1-ab");
    EXPECT_EQ(
        treeobj_text_dirref_blobref(R"({"ver":1,"type":"valref","data":["sha1-ab"]})"),
        "");
    EXPECT_EQ(treeobj_text_dirref_blobref(R"({"ver":1,"type":"dirref","data":[]})"), "");
    EXPECT_EQ(treeobj_text_dirref_blobref("{not json"), "");
}

TEST(Payload, Base64RejectsGarbage) {
    EXPECT_EQ(base64_decode("djA="), std::optional<std::string>("v0"));
    EXPECT_FALSE(base64_decode("dj!="));
}

TEST(Payload, KeysAreNormalised) {
    EXPECT_EQ(normalize_key(".a..b."), "a.b");
    EXPECT_EQ(normalize_key("load.0"), "load.0");
}

} // namespace
} // namespace fluxtrace::hb
