#include "card/card.h"

#include <gtest/gtest.h>

#include "test/card/card_helpers.h"
#include "util/tlv.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

class CardTest : public ::testing::Test {
 protected:
  void SetUp() override { card.power_on(); }
  Card card;
};

TEST_F(CardTest, ReadsIccidOfDefaultProfile) {
  EXPECT_EQ(sw_of(card, "00A4000C023F00"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4000C022FE2"), 0x9000);
  auto reply = send(card, "00B000000A");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "98000101000000000081");
}

TEST_F(CardTest, SelectReturnsFcpThroughGetResponse) {
  // A case-4 command without Le, as a T=0 terminal sends it.
  auto first = send(card, "00A40004022FE2");
  ASSERT_EQ(first.sw >> 8, 0x61);
  std::uint8_t length = static_cast<std::uint8_t>(first.sw & 0xFF);
  auto fcp = send(card, fmt::format("00C00000{:02X}", length));
  EXPECT_EQ(fcp.sw, 0x9000);
  ASSERT_EQ(fcp.data.size(), length);
  auto parsed = tlv::parse_one(fcp.data);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->tag, 0x62u);
  EXPECT_EQ(to_hex(tlv::find(parsed->value, 0x83)->value), "2FE2");
  EXPECT_EQ(to_hex(tlv::find(parsed->value, 0x80)->value), "000A");
  EXPECT_EQ(to_hex(tlv::find(parsed->value, 0x88)->value), "10");
  // The data was consumed.
  EXPECT_EQ(sw_of(card, "00C0000010"), 0x6985);
}

TEST_F(CardTest, WrongLeGetsExactLength) {
  send(card, "00A4000C022FE2");
  EXPECT_EQ(sw_of(card, "00B0000010"), 0x6C0A);
  EXPECT_EQ(send(card, "00B0000000").data.size(), 10u);
}

struct MalformedRow {
  const char* name;
  const char* apdu;
  std::uint16_t sw;
};

// ISO/IEC 7816-4:2020 §5.1 and §5.4 and ETSI TS 102 221 §10.2.1.
TEST_F(CardTest, MalformedApdusGetTheirStatusWords) {
  const MalformedRow rows[] = {
      {"two bytes", "00A4", 0x6700},
      {"Lc larger than data", "00A4000C053F00", 0x6700},
      {"Lc smaller than data", "00A4000C013F00", 0x6700},
      {"truncated extended Le", "00B000000001", 0x6700},
      {"extended Lc zero", "00D60000000000", 0x6700},
      {"extended Lc beyond data", "00D6000000000A0102", 0x6700},
      {"Le on a case-3 UPDATE BINARY", "00D600000101FF", 0x6700},
      {"CLA FF", "FFA4000C023F00", 0x6E00},
      {"CLA 20 (reserved)", "20A4000C023F00", 0x6E00},
      {"GSM class A0", "A0A40000023F00", 0x6E00},
      {"INS 60", "00600000", 0x6D00},
      {"INS 6F", "006F0000", 0x6D00},
      {"INS 90", "00900000", 0x6D00},
      {"INS 9F", "009F000000", 0x6D00},
      {"unknown INS", "00EE0000", 0x6D00},
      {"STATUS with ISO class", "00F2000000", 0x6E00},
      {"channel 2 not open", "02A4000C023F00", 0x6881},
      {"channel 5 beyond four", "41A4000C023F00", 0x6881},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(sw_of(card, row.apdu), row.sw) << row.name;
  }
}

TEST_F(CardTest, FileCommandStatusWords) {
  EXPECT_EQ(sw_of(card, "00A4000C026F07"), 0x6A82);                // no such file
  EXPECT_EQ(sw_of(card, "00B0000001"), 0x6986);                    // no EF selected
  send(card, "00A4000C022F00");
  EXPECT_EQ(sw_of(card, "00B0000001"), 0x6981);                    // READ BINARY on a record EF
  send(card, "00A4000C022FE2");
  EXPECT_EQ(sw_of(card, "00B2010420"), 0x6981);                    // READ RECORD on a transparent EF
  EXPECT_EQ(sw_of(card, "00D600000101"), 0x6982);                  // EF.ICCID is never updated
  EXPECT_EQ(sw_of(card, "00B00B0001"), 0x6B00);                    // offset beyond the file
  EXPECT_EQ(sw_of(card, "00A40010022FE2"), 0x6A86);                // P2 neither FCP nor no data
  EXPECT_EQ(sw_of(card, "00A4050C022FE2"), 0x6A86);                // unknown P1
  EXPECT_EQ(sw_of(card, "00A4000C032FE200"), 0x6700);              // FID of three bytes
  send(card, "00A4000C022F00");
  EXPECT_EQ(sw_of(card, "00B2050420"), 0x6A83);                    // record 5 of 4
  EXPECT_EQ(sw_of(card, "00DC010404" "01020304"), 0x6700);         // record length is 32
}

TEST_F(CardTest, AdmUnlocksUpdateUntilReset) {
  send(card, "00A4000C022F00");
  std::string record = "00DC0104" "20" + std::string(64, 'A');
  EXPECT_EQ(sw_of(card, record), 0x6982);
  EXPECT_EQ(sw_of(card, "0020000008" "3132333435363738"), 0x6B00);      // key reference 00 is invalid
  EXPECT_EQ(sw_of(card, "0020000208" "3132333435363738"), 0x6A88);      // PIN2 of application 2 is absent
  EXPECT_EQ(sw_of(card, "0020000A08" "3132333435363730"), 0x63C9);      // wrong ADM
  EXPECT_EQ(sw_of(card, "0020000A08" "3132333435363738"), 0x9000);
  EXPECT_EQ(sw_of(card, record), 0x9000);
  EXPECT_EQ(send(card, "00B2010420").data, Bytes(32, 0xAA));
  card.reset();
  send(card, "00A4000C022F00");
  EXPECT_EQ(sw_of(card, record), 0x6982);
}

TEST_F(CardTest, LogicalChannelsKeepTheirOwnSelection) {
  auto open = send(card, "0070000001");
  ASSERT_EQ(open.sw, 0x9000);
  ASSERT_EQ(open.data, Bytes{0x01});
  EXPECT_EQ(sw_of(card, "01A4000C022FE2"), 0x9000);
  EXPECT_EQ(sw_of(card, "00B0000001"), 0x6986);  // channel 0 still has no EF
  EXPECT_EQ(send(card, "01B0000002").data, from_hex("9800"));
  EXPECT_EQ(sw_of(card, "00708001"), 0x9000);
  EXPECT_EQ(sw_of(card, "01B0000002"), 0x6881);
  EXPECT_EQ(sw_of(card, "00708001"), 0x6200);  // closing again is a warning
}

TEST_F(CardTest, ResetClosesChannels) {
  ASSERT_EQ(sw_of(card, "0070000001"), 0x9000);
  card.reset();
  EXPECT_EQ(sw_of(card, "01A4000C023F00"), 0x6881);
}

TEST_F(CardTest, IssuerSecurityDomainAnswersGetData) {
  auto fci = send(card, "00A4040008A00000015100000000");
  EXPECT_EQ(fci.sw, 0x9000);
  EXPECT_EQ(fci.data.front(), 0x6F);
  auto cplc = send(card, "80CA9F7F00");
  EXPECT_EQ(cplc.sw, 0x9000);
  ASSERT_EQ(cplc.data.size(), 45u);
  EXPECT_EQ(to_hex(ByteView(cplc.data).first(3)), "9F7F2A");
  auto cplc_value = send(card, "00CA9F7F00");
  EXPECT_EQ(cplc_value.data.size(), 42u);
  auto card_data = send(card, "80CA006600");
  EXPECT_EQ(card_data.data.front(), 0x66);
  EXPECT_EQ(send(card, "80CA00E000").data.front(), 0xE0);  // key information template
  EXPECT_EQ(sw_of(card, "80CA00FE00"), 0x6A88);
  // SELECT without data selects the ISD as well.
  EXPECT_EQ(send(card, "00A4040000").data.front(), 0x6F);
}

TEST_F(CardTest, UnknownAidIsNotFound) {
  EXPECT_EQ(sw_of(card, "00A4040007A0000000871004"), 0x6A82);
  EXPECT_EQ(sw_of(card, "00A4040011A0000000871002FFFFFFFF890709000001"), 0x6A82);
}

TEST(CardImage, KeepsFileContentAndTryCountersAcrossRestarts) {
  auto path = std::filesystem::temp_directory_path() / ("uicc-card-test-" + std::to_string(::getpid()) + ".img");
  std::filesystem::remove(path);
  std::string record = "00DC0104" "20" + std::string(64, '5');
  {
    Card card(testing::image_options(path));
    card.power_on();
    send(card, "00A4000C022F00");
    ASSERT_EQ(sw_of(card, "0020000A08" "3132333435363738"), 0x9000);
    ASSERT_EQ(sw_of(card, record), 0x9000);
    ASSERT_EQ(sw_of(card, "0020008108" "39393939FFFFFFFF"), 0x63C2);  // PIN2 wrong once
  }
  {
    Card card(testing::image_options(path));
    card.power_on();
    send(card, "00A4000C022F00");
    EXPECT_EQ(send(card, "00B2010420").data, Bytes(32, 0x55));
    EXPECT_EQ(sw_of(card, "0020008100"), 0x63C2);
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace uicc::card
