#include "apdu/cla.h"

#include <gtest/gtest.h>

namespace uicc::apdu {
namespace {

struct Row {
  std::uint8_t cla;
  ClassKind kind;
  std::uint8_t channel;
  SecureMessaging sm;
  bool chaining;
};

// ISO/IEC 7816-4:2020 Tables 2 and 3, ETSI TS 102 221 §10.1.1 Table 10.3.
TEST(ClassByte, DecodesEachCodingRow) {
  const Row rows[] = {
      {0x00, ClassKind::first_interindustry, 0, SecureMessaging::none, false},
      {0x03, ClassKind::first_interindustry, 3, SecureMessaging::none, false},
      {0x04, ClassKind::first_interindustry, 0, SecureMessaging::proprietary, false},
      {0x08, ClassKind::first_interindustry, 0, SecureMessaging::header_not_authenticated, false},
      {0x0D, ClassKind::first_interindustry, 1, SecureMessaging::header_authenticated, false},
      {0x10, ClassKind::first_interindustry, 0, SecureMessaging::none, true},
      {0x40, ClassKind::further_interindustry, 4, SecureMessaging::none, false},
      {0x4F, ClassKind::further_interindustry, 19, SecureMessaging::none, false},
      {0x61, ClassKind::further_interindustry, 5, SecureMessaging::header_not_authenticated, false},
      {0x80, ClassKind::proprietary_first, 0, SecureMessaging::none, false},
      {0x84, ClassKind::proprietary_first, 0, SecureMessaging::proprietary, false},
      {0x82, ClassKind::proprietary_first, 2, SecureMessaging::none, false},
      {0xC1, ClassKind::proprietary_further, 5, SecureMessaging::none, false},
      {0xE0, ClassKind::proprietary_further, 4, SecureMessaging::header_not_authenticated, false},
      {0xA0, ClassKind::gsm, 0, SecureMessaging::none, false},
      {0xFF, ClassKind::invalid, 0, SecureMessaging::none, true},
      {0x20, ClassKind::invalid, 0, SecureMessaging::none, false},
  };
  for (const auto& row : rows) {
    ClassByte cla{row.cla};
    EXPECT_EQ(cla.kind(), row.kind) << std::hex << int(row.cla);
    EXPECT_EQ(cla.channel(), row.channel) << std::hex << int(row.cla);
    EXPECT_EQ(cla.secure_messaging(), row.sm) << std::hex << int(row.cla);
    EXPECT_EQ(cla.chaining(), row.chaining) << std::hex << int(row.cla);
  }
}

TEST(ClassByte, EncodeMatchesDecode) {
  for (std::uint8_t channel = 0; channel < 20; ++channel) {
    for (bool proprietary : {false, true}) {
      ClassByte cla{ClassByte::encode(channel, proprietary, false)};
      EXPECT_EQ(cla.channel(), channel);
      EXPECT_EQ(cla.proprietary(), proprietary);
      EXPECT_TRUE(cla.valid());
    }
  }
}

}  // namespace
}  // namespace uicc::apdu
