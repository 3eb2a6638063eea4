// RETRIEVE DATA and SET DATA on BER-TLV structured EFs (ETSI TS 102 221 V17.1.0 §11.3),
// through the card's APDU interface.
#include "card/fs/data_objects.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "card/card.h"
#include "test/card/card_helpers.h"
#include "util/tlv.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

constexpr std::uint16_t kFileSize = 600;
constexpr const char* kVerifyAdm =
    "0020000A08"
    "3132333435363738";

// A BER-TLV EF 6F60 (SFI 0A) in DF 7F10, readable by all and updatable with ADM1, and a
// transparent EF 6F61 beside it.
void add_files(Card& card) {
  FileSystem& fs = card.file_system();
  FileSpec df;
  df.type = FileType::df;
  df.fid = 0x7F10;
  df.security = SecurityAttributes{SecurityAttributes::Form::expanded, from_hex("80011F9000")};
  Handle dir = fs.create(fs.mf(), df);

  FileSpec ber;
  ber.structure = EfStructure::ber_tlv;
  ber.fid = 0x6F60;
  ber.sfi = 0x0A;
  ber.size = kFileSize;
  // Read always; update with ADM1 (key reference 0A).
  ber.security =
      SecurityAttributes{SecurityAttributes::Form::expanded, from_hex("8001019000"
                                                                      "800102A40683010A950108")};
  ber.content = from_hex(
      "8001AA"
      "A203010203");
  fs.create(dir, ber);

  FileSpec plain;
  plain.fid = 0x6F61;
  plain.size = 4;
  plain.security = SecurityAttributes{SecurityAttributes::Form::expanded, from_hex("8001039000")};
  fs.create(dir, plain);
}

class DataObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card.power_on();
    add_files(card);
    ASSERT_EQ(sw_of(card, "00A4080C047F106F60"), 0x9000);
  }

  // Sends SET DATA blocks for `object`, `block` bytes each; returns the last status word.
  std::uint16_t set_in_blocks(const Bytes& object, std::size_t block) {
    std::uint16_t sw = 0;
    for (std::size_t at = 0; at < object.size(); at += block) {
      std::size_t n = std::min(block, object.size() - at);
      std::string p2 = at == 0 ? "80" : "00";
      sw = sw_of(card,
                 fmt::format("80DB00{}{:02X}{}", p2, n, to_hex(ByteView(object).subspan(at, n))));
      if (at + n < object.size() && sw != 0x63F1) return sw;
    }
    return sw;
  }

  // Retrieves the object with `tag` in blocks of `le` bytes (0 for Le = 00) and returns the
  // concatenation and the last status word.
  std::pair<Bytes, std::uint16_t> retrieve(const std::string& tag, std::size_t le) {
    std::string le_hex = fmt::format("{:02X}", le);
    auto reply = send(card, fmt::format("80CB0080{:02X}{}{}", tag.size() / 2, tag, le_hex));
    Bytes all = reply.data;
    for (int guard = 0; reply.sw == 0x62F1 && guard < 1000; ++guard) {
      reply = send(card, "80CB0000" + le_hex);
      // 6CXX: the last block is shorter than Le; ask again with the exact length.
      if ((reply.sw >> 8) == 0x6C)
        reply = send(card, fmt::format("80CB0000{:02X}", reply.sw & 0xFF));
      append(all, reply.data);
    }
    return {all, reply.sw};
  }

  Bytes object_of(std::uint32_t tag, std::size_t length) {
    Bytes value(length);
    for (std::size_t i = 0; i < length; ++i) value[i] = static_cast<std::uint8_t>(i * 7 + 1);
    return tlv::encode(tag, value);
  }

  Card card;
};

TEST_F(DataObjectTest, RetrievesStoredObjects) {
  auto reply = send(card,
                    "80CB00800180"
                    "00");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "8001AA");
  reply = send(card,
               "80CB008001A2"
               "00");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "A203010203");
}

TEST_F(DataObjectTest, TagListNamesEveryObject) {
  auto reply = send(card,
                    "80CB0080015C"
                    "00");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "5C0280A2");
}

TEST_F(DataObjectTest, RetrieveBySfiMakesTheFileCurrent) {
  ASSERT_EQ(sw_of(card, "00A4080C047F106F61"), 0x9000);
  auto reply = send(card,
                    "80CB008A0180"
                    "00");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "8001AA");
  EXPECT_EQ(sw_of(card,
                  "80CB008A01A2"
                  "00"),
            0x9000);
  EXPECT_EQ(sw_of(card,
                  "80CB008B0180"
                  "00"),
            0x6A82);  // no EF with SFI 0B
}

TEST_F(DataObjectTest, LongObjectInBlocks) {
  // Writing needs ADM1, 12345678 in the default profile.
  Bytes object = object_of(0xDF21, 500);
  EXPECT_EQ(set_in_blocks(object, 200), 0x6982);
  ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  EXPECT_EQ(set_in_blocks(object, 200), 0x9000);

  auto [read, sw] = retrieve("DF21", 0);
  EXPECT_EQ(sw, 0x9000);
  EXPECT_EQ(to_hex(read), to_hex(object));
  auto [read_small, sw_small] = retrieve("DF21", 0x40);
  EXPECT_EQ(sw_small, 0x9000);
  EXPECT_EQ(to_hex(read_small), to_hex(object));

  // The object went after the existing two, in the tag list too.
  EXPECT_EQ(to_hex(send(card, "80CB0080015C00").data), "5C0480A2DF21");
}

TEST_F(DataObjectTest, ReplacingKeepsOrderAndFreesSpace) {
  ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  ASSERT_EQ(sw_of(card,
                  "80DB008006"
                  "80040A0B0C0D"),
            0x9000);
  EXPECT_EQ(to_hex(send(card, "80CB0080018000").data), "80040A0B0C0D");
  EXPECT_EQ(to_hex(send(card, "80CB0080015C00").data), "5C0280A2");
  EXPECT_EQ(to_hex(send(card, "80CB008001A200").data), "A203010203");

  // The file has 600 bytes: 6 + 5 are used, so an object of 589 bytes fits and 590 do not.
  Bytes fits = object_of(0x90, 585);  // tag 90, length 82 0249
  ASSERT_EQ(fits.size(), 589u);
  Bytes too_big = object_of(0x90, 586);
  EXPECT_EQ(set_in_blocks(too_big, 255), 0x6A84);
  EXPECT_EQ(set_in_blocks(fits, 255), 0x9000);
  EXPECT_EQ(set_in_blocks(object_of(0x91, 1), 255), 0x6A84);

  // Deleting by tag alone frees the space again.
  EXPECT_EQ(sw_of(card, "80DB00800190"), 0x9000);
  EXPECT_EQ(sw_of(card, "80CB0080019000"), 0x6A88);
  EXPECT_EQ(sw_of(card, "80DB00800190"), 0x6A88);
  EXPECT_EQ(set_in_blocks(object_of(0x91, 1), 255), 0x9000);
}

TEST_F(DataObjectTest, FcpReportsFreeMemory) {
  auto reply = send(card,
                    "00A4080404"
                    "7F106F60"
                    "00");
  ASSERT_EQ(reply.sw, 0x9000);
  auto fcp = tlv::parse_one(reply.data);
  ASSERT_TRUE(fcp);
  auto descriptor = tlv::find(fcp->value, 0x82);
  ASSERT_TRUE(descriptor);
  EXPECT_EQ(to_hex(descriptor->value), "7921");
  auto proprietary = tlv::find(fcp->value, 0xA5);
  ASSERT_TRUE(proprietary);
  // 600 - 8 used = 592 (0250) free; DER only; 600 (0258) reserved and maximum.
  EXPECT_EQ(to_hex(proprietary->value),
            "83020250"
            "840101"
            "85020258"
            "86020258");
  EXPECT_EQ(to_hex(tlv::find(fcp->value, 0x80)->value), "0258");
}

TEST_F(DataObjectTest, InterruptedSetRemovesTheObject) {
  ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  // Replace A2 in two blocks, but select another file between them.
  EXPECT_EQ(sw_of(card,
                  "80DB008005"
                  "A20411"
                  "2233"),
            0x63F1);
  EXPECT_EQ(sw_of(card, "00A4000C026F61"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4000C026F60"), 0x9000);
  EXPECT_EQ(sw_of(card,
                  "80DB000002"
                  "4455"),
            0x6985);
  EXPECT_EQ(sw_of(card, "80CB008001A200"), 0x6A88);
  EXPECT_EQ(to_hex(send(card, "80CB0080015C00").data), "5C0180");
}

TEST_F(DataObjectTest, RetransmitReplacesTheLastBlock) {
  ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  // A1 of 5 bytes: 11 22, then EE EE, which P2 40 replaces by 33 44.
  auto start_with_retransmission = [&] {
    EXPECT_EQ(sw_of(card,
                    "80DB008004"
                    "A1051122"),
              0x63F1);
    EXPECT_EQ(sw_of(card,
                    "80DB000002"
                    "EEEE"),
              0x63F1);
    EXPECT_EQ(sw_of(card,
                    "80DB004002"
                    "3344"),
              0x63F1);
  };
  start_with_retransmission();
  EXPECT_EQ(sw_of(card,
                  "80DB000002"
                  "5566"),
            0x6700);  // one byte was missing: too long
  EXPECT_EQ(sw_of(card, "80CB008001A100"), 0x6A88);

  start_with_retransmission();
  EXPECT_EQ(sw_of(card,
                  "80DB000001"
                  "55"),
            0x9000);
  EXPECT_EQ(to_hex(send(card, "80CB008001A100").data), "A1051122334455");

  // RETRIEVE DATA repeats its previous block on request.
  Bytes object = object_of(0xA3, 300);
  ASSERT_EQ(set_in_blocks(object, 255), 0x9000);
  auto first = send(card,
                    "80CB008001A3"
                    "00");
  EXPECT_EQ(first.sw, 0x62F1);
  EXPECT_EQ(first.data.size(), 256u);
  auto again = send(card,
                    "80CB0040"
                    "00");
  EXPECT_EQ(again.sw, 0x62F1);
  EXPECT_EQ(to_hex(again.data), to_hex(first.data));
  auto rest = send(card,
                   "80CB0000"
                   "00");
  EXPECT_EQ(rest.sw, 0x9000);
  EXPECT_EQ(rest.data.size(), object.size() - 256);
  EXPECT_EQ(sw_of(card,
                  "80CB0000"
                  "00"),
            0x6985);  // nothing left
}

TEST_F(DataObjectTest, ExactLeBeyondTheEndGets6C) {
  ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  ASSERT_EQ(set_in_blocks(object_of(0xA3, 20), 255), 0x9000);  // 22 bytes in all
  auto first = send(card,
                    "80CB008001A3"
                    "10");
  EXPECT_EQ(first.sw, 0x62F1);
  EXPECT_EQ(first.data.size(), 16u);
  EXPECT_EQ(sw_of(card,
                  "80CB0000"
                  "10"),
            0x6C06);
  auto rest = send(card,
                   "80CB0000"
                   "06");
  EXPECT_EQ(rest.sw, 0x9000);
  EXPECT_EQ(rest.data.size(), 6u);
}

TEST_F(DataObjectTest, T0TerminalUsesGetResponse) {
  // A case-4 first block without Le, as a T=0 terminal sends it.
  auto reply = send(card, "80CB008001A2");
  EXPECT_EQ(reply.sw, 0x6105);
  reply = send(card, "00C0000005");
  EXPECT_EQ(reply.sw, 0x9000);
  EXPECT_EQ(to_hex(reply.data), "A203010203");
}

TEST_F(DataObjectTest, StatusWordsOfEachError) {
  EXPECT_EQ(sw_of(card, "80CB0180018000"), 0x6A86);  // P1 not 00
  EXPECT_EQ(sw_of(card, "80CB00A0018000"), 0x6A86);  // P2 b6 set
  EXPECT_EQ(sw_of(card, "80CB009F018000"), 0x6A86);  // SFI 1F
  EXPECT_EQ(sw_of(card,
                  "80CB0001"
                  "00"),
            0x6A86);  // P2 neither first, next nor retransmit
  EXPECT_EQ(sw_of(card,
                  "80CB0080"
                  "00"),
            0x6700);                                   // first block without a tag
  EXPECT_EQ(sw_of(card, "80CB008002800100"), 0x6A80);  // more than a tag
  EXPECT_EQ(sw_of(card, "80CB0080019F00"), 0x6A80);    // truncated two-byte tag
  EXPECT_EQ(sw_of(card, "80CB0080018100"), 0x6A88);    // absent tag
  EXPECT_EQ(sw_of(card,
                  "80CB0000"
                  "00"),
            0x6985);  // next block without a transfer
  EXPECT_EQ(sw_of(card,
                  "80DB000001"
                  "00"),
            0x6985);

  ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  EXPECT_EQ(sw_of(card,
                  "80DB008003"
                  "5C0100"),
            0x6A80);  // 5C is reserved
  EXPECT_EQ(sw_of(card,
                  "80DB008004"
                  "81810101"),
            0x6A80);  // length not in DER form
  EXPECT_EQ(sw_of(card,
                  "80DB008003"
                  "810102"),
            0x9000);
  EXPECT_EQ(sw_of(card,
                  "80DB008005"
                  "81010102"
                  "03"),
            0x6A80);  // more value than length
  EXPECT_EQ(sw_of(card,
                  "80DB008004"
                  "9082FFFF"),
            0x6A84);  // larger than the file
  EXPECT_EQ(sw_of(card, "80DB0080"), 0x6700);
  EXPECT_EQ(sw_of(card,
                  "80DB008003"
                  "81010100"),
            0x6700);  // Le on a case-3 command

  // Commands on files of another structure, and without a current EF.
  ASSERT_EQ(sw_of(card, "00A4000C026F61"), 0x9000);
  EXPECT_EQ(sw_of(card, "80CB0080018000"), 0x6981);
  EXPECT_EQ(sw_of(card,
                  "80DB008003"
                  "800100"),
            0x6981);
  ASSERT_EQ(sw_of(card, "00A4080C027F10"), 0x9000);
  EXPECT_EQ(sw_of(card, "80CB0080018000"), 0x6986);
  // These commands take the proprietary class only.
  EXPECT_EQ(sw_of(card, "00CB0080018000"), 0x6E00);
}

TEST_F(DataObjectTest, DeactivatedFileRefusesBothCommands) {
  FileSystem& fs = card.file_system();
  Handle ef = *fs.child_by_fid(*fs.child_by_fid(fs.mf(), 0x7F10), 0x6F60);
  fs.set_life_cycle(ef, lcs::operational_deactivated);
  EXPECT_EQ(sw_of(card, "80CB0080018000"), 0x6985);
  EXPECT_EQ(sw_of(card,
                  "80DB008003"
                  "800100"),
            0x6985);
}

TEST_F(DataObjectTest, BadContentIsRefusedAtCreation) {
  FileSystem& fs = card.file_system();
  FileSpec spec;
  spec.structure = EfStructure::ber_tlv;
  spec.fid = 0x6F70;
  spec.size = 16;
  for (const char* content : {"8002AA",
                              "800100"
                              "800100",
                              "5C0100",
                              "800100"
                              "00",
                              "81810101"}) {
    spec.content = from_hex(content);
    EXPECT_THROW(fs.create(fs.mf(), spec), std::invalid_argument) << content;
  }
  spec.content = from_hex("800100FFFF");
  EXPECT_NO_THROW(fs.create(fs.mf(), spec));
}

TEST(StoredObjects, ParsesObjectsAndPadding) {
  auto objects =
      stored_objects(from_hex("8001AA"
                              "DF2102BBCC"
                              "FFFF"));
  ASSERT_TRUE(objects);
  ASSERT_EQ(objects->size(), 2u);
  EXPECT_EQ((*objects)[1].tag, 0xDF21u);
  EXPECT_EQ((*objects)[1].offset, 3u);
  EXPECT_EQ((*objects)[1].size, 5u);
  EXPECT_EQ(used_bytes(from_hex("8001AA"
                                "DF2102BBCC"
                                "FFFF")),
            8u);
  EXPECT_EQ(used_bytes(from_hex("FFFF")), 0u);
  EXPECT_FALSE(
      stored_objects(from_hex("8001AA"
                              "FF"
                              "8001BB")));  // data after the padding
}

// A power cut at each persistent write of a SET DATA that replaces the first object with a
// longer one, moving the second: after the card comes back both objects are whole, the first
// either old or new.
TEST(DataObjectTearing, SetDataIsAllOrNothing) {
  auto path = std::filesystem::temp_directory_path() /
              ("uicc-setdata-tearing-" + std::to_string(::getpid()) + ".img");
  const std::string apdu =
      "80DB008009"
      "8007"
      "01020304050607";
  auto prepare = [&](Card& card) {
    card.power_on();
    add_files(card);
    ASSERT_EQ(sw_of(card, "00A4080C047F106F60"), 0x9000);
    ASSERT_EQ(sw_of(card, kVerifyAdm), 0x9000);
  };

  std::uint64_t writes = 0;
  {
    std::filesystem::remove(path);
    Card card(testing::image_options(path));
    prepare(card);
    std::uint64_t before = card.store().write_count();
    ASSERT_EQ(sw_of(card, apdu), 0x9000);
    writes = card.store().write_count() - before;
  }
  ASSERT_GE(writes, 1u);

  for (std::uint64_t cut = 1; cut <= writes; ++cut) {
    SCOPED_TRACE(fmt::format("power cut after write {} of {}", cut, writes));
    std::filesystem::remove(path);
    {
      Card card(testing::image_options(path));
      prepare(card);
      card.store().cut_power_after(cut);
      EXPECT_THROW(card.transmit(from_hex(apdu)), store::PowerLoss);
    }
    Card card(testing::image_options(path));
    card.power_on();
    ASSERT_EQ(sw_of(card, "00A4080C047F106F60"), 0x9000);
    std::string first = to_hex(send(card,
                                    "80CB00800180"
                                    "00")
                                   .data);
    EXPECT_TRUE(first == "8001AA" || first == "800701020304050607") << first;
    EXPECT_EQ(to_hex(send(card, "80CB008001A200").data), "A203010203");
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace uicc::card
