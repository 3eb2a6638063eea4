// uicc.access file views (ETSI TS 102 241) as an applet on the VM sees them, through a probe
// applet that calls one FileView method per APDU and returns a UICCException's reason in the
// status word 6FXX.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "card/card.h"
#include "test/card/card_helpers.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

class FileViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ifstream in(UICC_FILEVIEW_PROBE_CAP, std::ios::binary);
    Bytes cap((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(cap.empty());
    auto package = card.runtime().load_package(cap);
    Bytes parameters = from_hex("07F0756963632001" "0100" "00");
    card.runtime().install_applet(package.aid, vm::Aid::from_hex("F0756963632001"),
                                  vm::Aid::from_hex("F0756963632001"), parameters);
    card.refresh_applets();
    card.power_on();
    ASSERT_EQ(sw_of(card, "00A4040007F0756963632001"), 0x9000);
  }
  Card card;
};

TEST_F(FileViewTest, UiccViewReadsAndUpdatesMfFiles) {
  ASSERT_EQ(sw_of(card, "80010000"), 0x9000);
  auto fcp = send(card, "80A42FE200");
  ASSERT_EQ(fcp.sw, 0x9000);
  EXPECT_EQ(fcp.data.front(), 0x62);
  EXPECT_EQ(to_hex(send(card, "80B000000A").data), "98000101000000000081");
  EXPECT_EQ(sw_of(card, "80B0000805"), 0x6F07);  // out of file boundaries
  // An applet's view is not bound by the terminal's access rules: EF.ICCID is never updated
  // from outside, but the view may.
  EXPECT_EQ(sw_of(card, "80D6000002" "1234"), 0x9000);
  EXPECT_EQ(to_hex(send(card, "80B0000002").data), "1234");
  EXPECT_EQ(sw_of(card, "80A46F0700"), 0x6F04);   // EF.IMSI is not under the MF
  EXPECT_EQ(sw_of(card, "80A42F0000"), 0x9000);   // EF.DIR, a record EF
  EXPECT_EQ(sw_of(card, "80B0000001"), 0x6F02);   // command incompatible
  auto record = send(card, "80B2010420");
  EXPECT_EQ(record.sw, 0x9000);
  EXPECT_EQ(record.data.front(), 0x61);
  EXPECT_EQ(sw_of(card, "80B2090420"), 0x6F09);   // record not found
}

TEST_F(FileViewTest, AdfViewStaysInsideTheAdf) {
  ASSERT_EQ(sw_of(card, "8001010010A0000000871002FFFFFFFF8907090000"), 0x9000);
  EXPECT_EQ(sw_of(card, "80B0000001"), 0x6F01);  // no EF selected yet
  ASSERT_EQ(sw_of(card, "80A46F0700"), 0x9000);
  EXPECT_EQ(to_hex(send(card, "80B0000009").data), "080910100000000010");
  EXPECT_EQ(sw_of(card, "80A42FE200"), 0x6F04);  // the MF's files are outside an ADF's view
  EXPECT_EQ(to_hex(send(card, "80B0000009").data), "080910100000000010");  // selection kept
  ASSERT_EQ(sw_of(card, "80A46FB700"), 0x9000);
  auto found = send(card, "80A2010402" "11F2" "00");
  EXPECT_EQ(found.sw, 0x9000);
  EXPECT_EQ(to_hex(found.data), "01");
  EXPECT_EQ(sw_of(card, "8032000001" "01"), 0x6F02);  // INCREASE needs a cyclic EF
  EXPECT_EQ(sw_of(card, "80A50007"), 0x6F0A);         // a selector this card does not know
  EXPECT_EQ(sw_of(card, "80A50000"), 0x9000);         // back to the ADF
  EXPECT_EQ(sw_of(card, "80B0000001"), 0x6F01);
  EXPECT_EQ(sw_of(card, "8001010007A0000000871004"), 0x6A82);  // no such ADF
}

TEST_F(FileViewTest, DeactivationIsSeenByTheTerminal) {
  ASSERT_EQ(sw_of(card, "8001010010A0000000871002FFFFFFFF8907090000"), 0x9000);
  ASSERT_EQ(sw_of(card, "80A46F0500"), 0x9000);
  ASSERT_EQ(sw_of(card, "80040000"), 0x9000);
  ASSERT_EQ(sw_of(card, "01A4040C07A0000000871002"), 0x6881);  // channel 1 is not open
  ASSERT_EQ(send(card, "0070000001").data, Bytes{0x01});
  ASSERT_EQ(sw_of(card, "01A4040C07A0000000871002"), 0x9000);
  EXPECT_EQ(sw_of(card, "01A4000C026F05"), 0x6283);  // selected file invalidated
  ASSERT_EQ(sw_of(card, "80440000"), 0x9000);
  EXPECT_EQ(sw_of(card, "01A4000C026F05"), 0x9000);
}

TEST_F(FileViewTest, UstDecidesWhetherAuthenticationReturnsKc) {
  // Service 27 off in EF.UST (ADM update from the terminal on channel 1, where no applet
  // takes VERIFY): 3G AUTHENTICATE leaves Kc out.
  ASSERT_EQ(send(card, "0070000001").data, Bytes{0x01});
  ASSERT_EQ(sw_of(card, "0120000A083132333435363738"), 0x9000);
  ASSERT_EQ(sw_of(card, "01A4040C07A0000000871002"), 0x9000);
  ASSERT_EQ(sw_of(card, "01A4000C026F38"), 0x9000);
  ASSERT_EQ(sw_of(card, "01D6000301" "00"), 0x9000);
  auto reply = send(card, "01880081221023553cbe9637a89d218ae64dae47bf3510aa689c648351800041ed662ae8c74ecd00");
  ASSERT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data),
            "DB08A54211D5E3BA50BF10B40BA9A3C58B2A05BBF0D987B21BF8CB10F769BCD751044604127672711C6D3441");
}

}  // namespace
}  // namespace uicc::card
