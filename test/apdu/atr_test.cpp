#include "apdu/atr.h"

#include <gtest/gtest.h>

namespace uicc::apdu {
namespace {

TEST(Atr, DefaultOffersT0ThenT1WithValidTck) {
  Bytes atr = default_atr();
  auto parsed = parse_atr(atr);
  ASSERT_TRUE(std::holds_alternative<AtrInfo>(parsed)) << std::get<std::string>(parsed);
  const auto& info = std::get<AtrInfo>(parsed);
  EXPECT_EQ(info.protocols, (std::vector<int>{0, 1, 15}));
  EXPECT_TRUE(info.has_tck);
  EXPECT_EQ(info.historical.front(), 0x80);
}

TEST(Atr, ChannelCountInCardCapabilities) {
  auto four = std::get<AtrInfo>(parse_atr(default_atr(4))).historical;
  auto twenty = std::get<AtrInfo>(parse_atr(default_atr(20))).historical;
  EXPECT_EQ(four[6] & 0x07, 3);
  EXPECT_EQ(twenty[6] & 0x07, 7);
}

TEST(Atr, RejectsBrokenAtrs) {
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_atr(from_hex("3B"))));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_atr(from_hex("3A00"))));
  Bytes bad_tck = default_atr();
  bad_tck.back() ^= 0x01;
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_atr(bad_tck)));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_atr(from_hex("3B8780"))));
  // The T=0-only ATR seen on a minimal vpcd card parses, with no TCK required.
  EXPECT_TRUE(std::holds_alternative<AtrInfo>(parse_atr(from_hex("3B87801FC78031E073FE210022"))));
}

}  // namespace
}  // namespace uicc::apdu
