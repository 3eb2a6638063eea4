#include "util/bytes.h"

#include <gtest/gtest.h>

#include "util/secret.h"

namespace uicc {
namespace {

TEST(Hex, ParsesWithSeparators) {
  EXPECT_EQ(from_hex("00 A4:04\n0c"), (Bytes{0x00, 0xA4, 0x04, 0x0C}));
  EXPECT_EQ(from_hex(""), Bytes{});
}

TEST(Hex, RejectsOddDigitsAndBadCharacters) {
  EXPECT_FALSE(parse_hex("0A4"));
  EXPECT_FALSE(parse_hex("0G"));
  EXPECT_FALSE(parse_hex("0 A"));
  EXPECT_THROW(from_hex("zz"), std::invalid_argument);
}

TEST(Hex, FormatsUpperCase) {
  EXPECT_EQ(to_hex(Bytes{0xDE, 0xAD, 0x01}), "DEAD01");
  EXPECT_EQ(to_hex(Bytes{0x90, 0x00}, " "), "90 00");
}

TEST(ConstantTimeEqual, ComparesContentAndLength) {
  EXPECT_TRUE(constant_time_equal(Bytes{1, 2}, Bytes{1, 2}));
  EXPECT_FALSE(constant_time_equal(Bytes{1, 2}, Bytes{1, 3}));
  EXPECT_FALSE(constant_time_equal(Bytes{1, 2}, Bytes{1, 2, 3}));
}

TEST(SecretBytes, PrintsRedacted) {
  SecretBytes key(from_hex("465B5CE8"));
  std::ostringstream out;
  out << key;
  EXPECT_EQ(out.str(), "<redacted>");
  EXPECT_EQ(fmt::format("{}", key), "<redacted>");
  key.wipe();
  EXPECT_TRUE(key.empty());
}

}  // namespace
}  // namespace uicc
