#include "card/fs/file_system.h"

#include <gtest/gtest.h>

#include "card/card.h"
#include "card/fs/access.h"
#include "test/card/card_helpers.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

class FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card.power_on();
    FileSystem& fs = card.file_system();
    Handle mf = fs.mf();

    FileSpec df;
    df.type = FileType::df;
    df.fid = 0x7F10;
    df.security = SecurityAttributes{SecurityAttributes::Form::expanded, from_hex("800101900080011E9000")};
    df_ = fs.create(mf, df);

    FileSpec cyclic;
    cyclic.structure = EfStructure::cyclic;
    cyclic.fid = 0x6F39;
    cyclic.sfi = 0x05;
    cyclic.record_length = 3;
    cyclic.record_count = 3;
    cyclic.security = SecurityAttributes{SecurityAttributes::Form::expanded, from_hex("8001039000")};
    cyclic.content = from_hex("000001" "000002" "000003");
    fs.create(df_, cyclic);

    FileSpec linear;
    linear.structure = EfStructure::linear_fixed;
    linear.fid = 0x6F3A;
    linear.record_length = 4;
    linear.record_count = 3;
    linear.security = SecurityAttributes{SecurityAttributes::Form::compact, from_hex("0300 00")};
    linear.content = from_hex("AA000000" "BB000000" "AA110000");
    fs.create(df_, linear);

    FileSpec locked;
    locked.fid = 0x6F3B;
    locked.size = 4;
    locked.security = SecurityAttributes{SecurityAttributes::Form::expanded, from_hex("80010190008001029700")};
    fs.create(df_, locked);
  }

  Card card;
  Handle df_ = store::kNull;
};

TEST_F(FileSystemTest, RejectsInvalidFileSpecs) {
  FileSystem& fs = card.file_system();
  FileSpec duplicate;
  duplicate.fid = 0x6F39;
  duplicate.size = 1;
  try {
    fs.create(df_, duplicate);
    FAIL() << "duplicate FID accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "file 6F39: a file with this FID exists in the DF already");
  }
  FileSpec too_big;
  too_big.fid = 0x6F40;
  too_big.size = 2;
  too_big.content = from_hex("010203");
  EXPECT_THROW(fs.create(df_, too_big), std::invalid_argument);
  FileSpec reserved;
  reserved.fid = 0x3FFF;
  EXPECT_THROW(fs.create(df_, reserved), std::invalid_argument);
  FileSpec sfi_taken;
  sfi_taken.fid = 0x6F41;
  sfi_taken.sfi = 0x05;
  sfi_taken.size = 1;
  EXPECT_THROW(fs.create(df_, sfi_taken), std::invalid_argument);
}

TEST_F(FileSystemTest, SelectsByPathAndParent) {
  EXPECT_EQ(sw_of(card, "00A4080C047F106F39"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4030C"), 0x9000);  // parent of 7F10 is the MF
  EXPECT_EQ(sw_of(card, "00A4090C047F106F3A"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4080C047F106F99"), 0x6A82);
  EXPECT_EQ(sw_of(card, "00A4080C037F106F"), 0x6700);
  EXPECT_EQ(sw_of(card, "00A4010C026F39"), 0x6A82);  // P1 01 selects DFs only
}

TEST_F(FileSystemTest, CyclicRecordsRotate) {
  send(card, "00A4080C047F106F39");
  EXPECT_EQ(to_hex(send(card, "00B2010403").data), "000001");
  EXPECT_EQ(sw_of(card, "00DC000303" "000009"), 0x9000);
  EXPECT_EQ(to_hex(send(card, "00B2010403").data), "000009");
  EXPECT_EQ(to_hex(send(card, "00B2020403").data), "000001");
  EXPECT_EQ(to_hex(send(card, "00B2030403").data), "000002");
  EXPECT_EQ(sw_of(card, "00DC010403" "000009"), 0x6A86);  // absolute mode on a cyclic EF
  // Next wraps around in a cyclic EF.
  EXPECT_EQ(to_hex(send(card, "00B2000303").data), "000002");
  EXPECT_EQ(to_hex(send(card, "00B2000203").data), "000009");
}

TEST_F(FileSystemTest, IncreaseAddsToNewestRecord) {
  send(card, "00A4080C047F106F39");
  auto reply = send(card, "8032000002" "0100" "00");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "000101" "000100");
  EXPECT_EQ(to_hex(send(card, "00B2010403").data), "000101");
  ASSERT_EQ(sw_of(card, "00DC000303" "FFFFFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "8032000001" "01"), 0x9850);
  EXPECT_EQ(sw_of(card, "8032000004" "00000001"), 0x6700);
}

TEST_F(FileSystemTest, SearchRecordFindsPrefix) {
  send(card, "00A4080C047F106F3A");
  auto reply = send(card, "00A2000401AA00");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "0103");
  EXPECT_EQ(to_hex(send(card, "00A2000501AA00").data), "0301");
  EXPECT_EQ(sw_of(card, "00A2000401CC"), 0x6282);
  EXPECT_EQ(sw_of(card, "00A2000601AA"), 0x6A86);
}

TEST_F(FileSystemTest, LinearRecordsStopAtTheEnds) {
  send(card, "00A4080C047F106F3A");
  EXPECT_EQ(to_hex(send(card, "00B2000204").data), "AA000000");  // next from none is record 1
  EXPECT_EQ(to_hex(send(card, "00B2000204").data), "BB000000");
  EXPECT_EQ(to_hex(send(card, "00B2000204").data), "AA110000");
  EXPECT_EQ(sw_of(card, "00B2000204"), 0x6A83);
  EXPECT_EQ(sw_of(card, "00B2010204"), 0x6A86);  // next mode takes P1 = 00
}

TEST_F(FileSystemTest, AccessRulesInEachForm) {
  send(card, "00A4080C047F106F3B");
  EXPECT_EQ(sw_of(card, "00B0000004"), 0x9000);
  EXPECT_EQ(sw_of(card, "00D6000001" "00"), 0x6982);  // expanded form: update never
  send(card, "00A4080C047F106F3A");
  EXPECT_EQ(sw_of(card, "00DC010404" "01020304"), 0x9000);  // compact form 03 00 00: always
}

TEST_F(FileSystemTest, DeactivatedFileIsSelectableButNotReadable) {
  send(card, "00A4080C047F106F3A");
  EXPECT_EQ(sw_of(card, "00040000"), 0x6982);  // compact form grants no deactivation
  send(card, "00A4080C047F106F39");
  EXPECT_EQ(sw_of(card, "00040000"), 0x6982);
  // The DF's expanded rule grants (de)activation of the DF itself (bits 10 and 08) to all.
  EXPECT_EQ(sw_of(card, "0004080002" "7F10"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4080C027F10"), 0x6283);
  EXPECT_EQ(sw_of(card, "0044080002" "7F10"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4080C027F10"), 0x9000);
}

TEST_F(FileSystemTest, StatusReturnsCurrentDf) {
  send(card, "00A4080C047F106F3A");
  auto reply = send(card, "80F2000000");
  EXPECT_EQ(reply.sw, 0x9000);
  ASSERT_FALSE(reply.data.empty());
  EXPECT_EQ(reply.data[0], 0x62);
  EXPECT_EQ(sw_of(card, "80F2000C00"), 0x9000);
  EXPECT_EQ(sw_of(card, "80F2030000"), 0x6A86);
  EXPECT_EQ(sw_of(card, "80F2000500"), 0x6A86);
}

TEST_F(FileSystemTest, TerminalProfileAccepted) {
  EXPECT_EQ(sw_of(card, "801000000A" "FFFFFFFF7F0000DFFF00"), 0x9000);
  EXPECT_EQ(sw_of(card, "80100000"), 0x6700);
}

}  // namespace
}  // namespace uicc::card
