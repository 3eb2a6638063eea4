#include "card/usim_profile.h"

#include <gtest/gtest.h>

#include "card/card.h"
#include "test/card/card_helpers.h"
#include "util/tlv.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

struct EfRow {
  const char* name;
  std::uint16_t fid;
  std::uint8_t sfi;  // 0: none
  const char* descriptor;  // FCP tag 82 value
  std::uint16_t size;
};

// 3GPP TS 31.102 V17 §4.2: the EFs a terminal reads at attach, under ADF.USIM.
TEST(UsimFiles, AttachFilesHaveTheirStructure) {
  const EfRow rows[] = {
      {"EF.LI", 0x6F05, 0x02, "4121", 8},          {"EF.ARR", 0x6F06, 0x17, "42210030" "05", 240},
      {"EF.IMSI", 0x6F07, 0x07, "4121", 9},        {"EF.KEYS", 0x6F08, 0x08, "4121", 33},
      {"EF.KEYSPS", 0x6F09, 0x09, "4121", 33},     {"EF.HPPLMN", 0x6F31, 0x12, "4121", 1},
      {"EF.UST", 0x6F38, 0x04, "4121", 11},        {"EF.EST", 0x6F56, 0x05, "4121", 1},
      {"EF.START-HFN", 0x6F5B, 0x0F, "4121", 6},   {"EF.THRESHOLD", 0x6F5C, 0x10, "4121", 3},
      {"EF.PSLOCI", 0x6F73, 0x0C, "4121", 14},     {"EF.ACC", 0x6F78, 0x06, "4121", 2},
      {"EF.FPLMN", 0x6F7B, 0x0D, "4121", 12},      {"EF.LOCI", 0x6F7E, 0x0B, "4121", 11},
      {"EF.AD", 0x6FAD, 0x03, "4121", 4},          {"EF.ECC", 0x6FB7, 0x01, "42210004" "02", 8},
      {"EF.EPSLOCI", 0x6FE3, 0x1E, "4121", 18},    {"EF.SPN", 0x6F46, 0x00, "4121", 17},
      {"EF.MSISDN", 0x6F40, 0x00, "4221000E" "01", 14},
  };
  Card card;
  card.power_on();
  ASSERT_EQ(sw_of(card, "00A4040C07A0000000871002"), 0x9000);
  for (const auto& row : rows) {
    auto reply = send(card, fmt::format("00A40004 02 {:04X} 00", row.fid));
    ASSERT_EQ(reply.sw, 0x9000) << row.name;
    auto fcp = tlv::parse_one(reply.data);
    ASSERT_TRUE(fcp) << row.name;
    EXPECT_EQ(to_hex(tlv::find(fcp->value, 0x82)->value), row.descriptor) << row.name;
    EXPECT_EQ(get_u16(tlv::find(fcp->value, 0x80)->value, 0), row.size) << row.name;
    auto sfi = tlv::find(fcp->value, 0x88);
    ASSERT_TRUE(sfi) << row.name;
    if (row.sfi == 0) {
      EXPECT_TRUE(sfi->value.empty()) << row.name;
    } else {
      EXPECT_EQ(to_hex(sfi->value), fmt::format("{:02X}", row.sfi << 3)) << row.name;
    }
  }
}

TEST(UsimFiles, DefaultContent) {
  Card card;
  card.power_on();
  send(card, "00A4040C07A0000000871002");
  EXPECT_EQ(to_hex(send(card, "00B0870009").data), "080910100000000010");  // EF.IMSI by SFI 07
  EXPECT_EQ(to_hex(send(card, "00B0830004").data), "00000002");            // EF.AD
  EXPECT_EQ(to_hex(send(card, "00B0860002").data), "0002");                // EF.ACC: class 1
  EXPECT_EQ(to_hex(send(card, "00B08B000B").data), "FFFFFFFF00F1100000FF01");  // EF.LOCI
  EXPECT_EQ(to_hex(send(card, "00B2010C04").data), "11F2FF00");              // EF.ECC record 1: 112
  // EF.DIR at the MF lists the USIM first.
  send(card, "00A4000C023F00");
  auto dir = send(card, "00B201F420");
  ASSERT_EQ(dir.sw, 0x9000);
  ASSERT_GE(dir.data.size(), 22u);
  EXPECT_EQ(to_hex(ByteView(dir.data).first(22)), "61184F10A0000000871002FFFFFFFF89070900005004");
}

TEST(UsimFiles, ImsiEncoding) {
  EXPECT_EQ(to_hex(encode_imsi("001010000000001")), "080910100000000010");
  EXPECT_EQ(to_hex(encode_imsi("26201123456789")), "0821261021436587F9");  // even count: parity nibble 1
  EXPECT_THROW(encode_imsi("00101"), std::invalid_argument);
  EXPECT_THROW(encode_imsi("0010100000000012"), std::invalid_argument);
}

}  // namespace
}  // namespace uicc::card
