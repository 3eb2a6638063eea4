#include "apdu/t0.h"

#include <gtest/gtest.h>

namespace uicc::apdu {
namespace {

Command cmd(std::string_view hex) { return std::get<Command>(parse_command(from_hex(hex))); }
Response data_response(std::size_t n) { return Response{Bytes(n, 0x5A), sw::ok}; }

TEST(T0Rules, CaseThreeWithDataAnswers61) {
  PendingResponse pending;
  auto wire = shape_response(cmd("00A40004022FE2"), data_response(30), pending);
  EXPECT_TRUE(wire.data.empty());
  EXPECT_EQ(wire.sw, StatusWord(0x611E));
  auto fetched = get_response(cmd("00C000001E"), pending);
  EXPECT_EQ(fetched.data.size(), 30u);
  EXPECT_EQ(fetched.sw, sw::ok);
  EXPECT_TRUE(pending.empty());
}

TEST(T0Rules, GetResponseInPieces) {
  PendingResponse pending;
  shape_response(cmd("00A40004022FE2"), Response{Bytes(300, 1), StatusWord(0x6282)}, pending);
  auto first = get_response(cmd("00C0000000"), pending);
  EXPECT_EQ(first.data.size(), 256u);
  EXPECT_EQ(first.sw, StatusWord(0x612C));
  auto wrong = get_response(cmd("00C0000030"), pending);
  EXPECT_EQ(wrong.sw, StatusWord(0x6C2C));
  auto rest = get_response(cmd("00C000002C"), pending);
  EXPECT_EQ(rest.data.size(), 44u);
  EXPECT_EQ(rest.sw, StatusWord(0x6282));  // the original status ends the transfer
}

TEST(T0Rules, WrongShortLeGives6C) {
  PendingResponse pending;
  auto wire = shape_response(cmd("00B0000010"), data_response(10), pending);
  EXPECT_EQ(wire.sw, StatusWord(0x6C0A));
  EXPECT_TRUE(wire.data.empty());
}

TEST(T0Rules, LeZeroTakesWhatIsAvailable) {
  PendingResponse pending;
  auto wire = shape_response(cmd("00B0000000"), data_response(10), pending);
  EXPECT_EQ(wire.data.size(), 10u);
  EXPECT_EQ(wire.sw, sw::ok);
}

TEST(T0Rules, CaseFourWithLeReturnsDataDirectly) {
  PendingResponse pending;
  auto wire = shape_response(cmd("00A40004022FE200"), data_response(30), pending);
  EXPECT_EQ(wire.data.size(), 30u);
  auto longer = shape_response(cmd("00A40004022FE210"), data_response(30), pending);
  EXPECT_EQ(longer.data.size(), 16u);
  EXPECT_EQ(longer.sw, StatusWord(0x610E));
}

TEST(T0Rules, ErrorsNeverCarryData) {
  PendingResponse pending;
  auto wire = shape_response(cmd("00B0000000"), Response{Bytes(4, 0), sw::security_status_not_satisfied}, pending);
  EXPECT_TRUE(wire.data.empty());
  EXPECT_EQ(wire.sw, sw::security_status_not_satisfied);
}

TEST(T0Rules, GetResponseStatusWords) {
  PendingResponse pending;
  EXPECT_EQ(get_response(cmd("00C0000010"), pending).sw, sw::conditions_not_satisfied);
  shape_response(cmd("00A40004022FE2"), data_response(4), pending);
  EXPECT_EQ(get_response(cmd("00C0010004"), pending).sw, sw::wrong_p1_p2);
  EXPECT_EQ(get_response(cmd("00C000000104"), pending).sw, sw::wrong_length);
}

}  // namespace
}  // namespace uicc::apdu
