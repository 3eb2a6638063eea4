#include "card/fs/pins.h"

#include <gtest/gtest.h>

#include "card/card.h"
#include "test/card/card_helpers.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

constexpr const char* kPin2Wrong = "0020008108" "39393939FFFFFFFF";
constexpr const char* kPin2Right = "0020008108" "30303030FFFFFFFF";

class PinTest : public ::testing::Test {
 protected:
  void SetUp() override { card.power_on(); }
  Card card;
};

TEST_F(PinTest, VerifyCountsDownAndBlocks) {
  EXPECT_EQ(sw_of(card, "0020008100"), 0x63C3);
  EXPECT_EQ(sw_of(card, kPin2Wrong), 0x63C2);
  EXPECT_EQ(sw_of(card, kPin2Wrong), 0x63C1);
  EXPECT_EQ(sw_of(card, kPin2Right), 0x9000);  // success restores the counter
  EXPECT_EQ(sw_of(card, "0020008100"), 0x9000);
  for (int i = 0; i < 3; ++i) sw_of(card, kPin2Wrong);
  EXPECT_EQ(sw_of(card, kPin2Right), 0x6983);
  EXPECT_EQ(sw_of(card, "0020008100"), 0x6983);
}

TEST_F(PinTest, UnblockWithPuk) {
  for (int i = 0; i < 3; ++i) sw_of(card, kPin2Wrong);
  EXPECT_EQ(sw_of(card, "002C008100"), 0x63CA);
  EXPECT_EQ(sw_of(card, "002C008110" "3131313131313131" "31323334FFFFFFFF"), 0x63C9);
  EXPECT_EQ(sw_of(card, "002C008110" "3132333435363738" "3132FFFFFFFFFFFF"), 0x6A80);  // new PIN too short
  EXPECT_EQ(sw_of(card, "002C008110" "3132333435363738" "31323334FFFFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "0020008108" "31323334FFFFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "002C000A10" "3132333435363738" "31323334FFFFFFFF"), 0x6A88);  // ADM has no PUK
}

TEST_F(PinTest, ChangeDisableEnable) {
  EXPECT_EQ(sw_of(card, "0024008110" "30303030FFFFFFFF" "31313131FFFFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, kPin2Right), 0x63C2);
  EXPECT_EQ(sw_of(card, "0020008108" "31313131FFFFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "0026008108" "31313131FFFFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "0026008108" "31313131FFFFFFFF"), 0x6985);  // disabled already
  EXPECT_EQ(sw_of(card, "0020008108" "31313131FFFFFFFF"), 0x6984);  // verifying a disabled PIN
  EXPECT_EQ(sw_of(card, "0024008110" "31313131FFFFFFFF" "32323232FFFFFFFF"), 0x6984);
  EXPECT_EQ(sw_of(card, "0028008108" "31313131FFFFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "0028008108" "31313131FFFFFFFF"), 0x6985);  // enabled already
  EXPECT_EQ(sw_of(card, "0026000A08" "3132333435363738"), 0x6985);  // ADM cannot be disabled
}

TEST_F(PinTest, CommandFormatErrors) {
  EXPECT_EQ(sw_of(card, "0020018108" "30303030FFFFFFFF"), 0x6B00);
  EXPECT_EQ(sw_of(card, "0020008104" "30303030"), 0x6700);
  EXPECT_EQ(sw_of(card, "0024008108" "30303030FFFFFFFF"), 0x6700);
  EXPECT_EQ(sw_of(card, "002000810830303030FFFFFFFF00"), 0x6700);  // Le on a case-3 command
}

// A power cut right after the counter decrement, before the comparison result is known, must
// leave the try consumed even for the right PIN: tearing gives no free tries.
TEST(PinTearing, CutAfterDecrementConsumesTheTry) {
  auto path = std::filesystem::temp_directory_path() / ("uicc-pin-tearing-" + std::to_string(::getpid()) + ".img");
  for (const char* apdu : {kPin2Right, kPin2Wrong}) {
    std::filesystem::remove(path);
    {
      Card card(testing::image_options(path));
      card.power_on();
      card.store().cut_power_after(1);
      EXPECT_THROW(card.transmit(from_hex(apdu)), store::PowerLoss);
    }
    Card card(testing::image_options(path));
    card.power_on();
    EXPECT_EQ(sw_of(card, "0020008100"), 0x63C2) << apdu;
  }
  std::filesystem::remove(path);
}

TEST(PinFormat, RejectsNonDigits) {
  EXPECT_THROW(format_pin("12a4"), std::invalid_argument);
  EXPECT_THROW(format_pin("123"), std::invalid_argument);
  EXPECT_THROW(format_pin("123456789"), std::invalid_argument);
  EXPECT_EQ(to_hex(format_pin("0000").view()), "30303030FFFFFFFF");
}

}  // namespace
}  // namespace uicc::card
