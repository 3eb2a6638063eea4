#include "util/tlv.h"

#include <gtest/gtest.h>

namespace uicc::tlv {
namespace {

TEST(Tlv, ParsesMultiByteTagAndLongLength) {
  Bytes value(200, 0xAB);
  Bytes encoded = encode(0x9F7F, value);
  ASSERT_EQ(encoded.size(), 2u + 2u + 200u);
  EXPECT_EQ(encoded[2], 0x81);
  auto element = parse_one(encoded);
  ASSERT_TRUE(element);
  EXPECT_EQ(element->tag, 0x9F7Fu);
  EXPECT_EQ(element->value.size(), 200u);
  EXPECT_EQ(element->size, encoded.size());
}

TEST(Tlv, FindsNestedTemplateMembers) {
  // An FCP template as TS 102 221 §11.1.1.3 lays it out (EF.ICCID, 10 bytes, transparent).
  Bytes fcp = from_hex("621C8202412183022FE2A5038001718A01058B032F06048002000A880110");
  auto outer = parse_one(fcp);
  ASSERT_TRUE(outer);
  EXPECT_TRUE(outer->constructed());
  auto fid = find(outer->value, 0x83);
  ASSERT_TRUE(fid);
  EXPECT_EQ(to_hex(fid->value), "2FE2");
}

TEST(Tlv, RejectsMalformedEncodings) {
  EXPECT_FALSE(parse_one(from_hex("")));
  EXPECT_FALSE(parse_one(from_hex("9F")));          // tag continues past the end
  EXPECT_FALSE(parse_one(from_hex("8A")));          // no length
  EXPECT_FALSE(parse_one(from_hex("8A0501")));      // value shorter than its length
  EXPECT_FALSE(parse_one(from_hex("8A80")));        // indefinite length
  EXPECT_FALSE(parse_one(from_hex("8A850000000001")));  // five length bytes
  EXPECT_FALSE(parse_all(from_hex("8A010580")));    // trailing garbage
}

}  // namespace
}  // namespace uicc::tlv
