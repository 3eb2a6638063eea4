#include "card/profile_file.h"

#include <gtest/gtest.h>

#include <span>

#include "card/card.h"
#include "test/card/card_helpers.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

struct BadProfile {
  std::string text;
  std::string message;
};

// Checks that each profile text is rejected with exactly its message.
void expect_rejected(std::span<const BadProfile> cases) {
  for (const auto& c : cases) {
    try {
      parse_profile(c.text, "p.toml");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const ProfileError& e) {
      EXPECT_EQ(e.what(), c.message) << c.text;
    }
  }
}

TEST(ProfileFile, ExampleLoadsAndBuildsCard) {
  Profile profile = load_profile(std::string(UICC_SOURCE_DIR) + "/docs/examples/profile.toml");
  EXPECT_EQ(profile.name, "lab card 7");
  ASSERT_TRUE(profile.usim);
  EXPECT_EQ(profile.usim->imsi, "001010000000007");
  EXPECT_FALSE(profile.usim->credentials.op_is_derived);
  EXPECT_EQ(to_hex(profile.usim->credentials.k.view()), "0396EB317B6D1C36F19C1C84CD6FFD16");

  CardOptions options;
  options.profile = profile;
  Card card(options);
  card.power_on();
  send(card, "00A4000C022FE2");
  EXPECT_EQ(to_hex(send(card, "00B000000A").data), "988812010000000000F7");
  EXPECT_EQ(sw_of(card, "00A4040007A0000000871002"), 0x6136);
  send(card, "00A4000C026F07");
  EXPECT_EQ(sw_of(card, "00B0000009"), 0x6982);  // PIN1 is enabled in this profile
  EXPECT_EQ(sw_of(card,
                  "0020000108"
                  "31323334FFFFFFFF"),
            0x9000);
  EXPECT_EQ(to_hex(send(card, "00B0000009").data), "080910100000000070");

  // The [[files]] entries: new content for EF.FPLMN, a new DF.TELECOM with EF.ADN, and a
  // BER-TLV EF in ADF.USIM.
  send(card, "00A4000C026F7B");
  EXPECT_EQ(to_hex(send(card, "00B000000C").data), "00F120FFFFFFFFFFFFFFFFFF");
  EXPECT_EQ(sw_of(card, "00A4080C047F106F3A"), 0x9000);
  EXPECT_EQ(to_hex(send(card, "00B201041E").data),
            "4C6162FFFFFFFFFFFFFFFFFFFFFFFFFF06919421436587FFFFFFFFFFFFFF");
  EXPECT_EQ(to_hex(send(card, "00B202041E").data), std::string(60, 'F'));
  EXPECT_EQ(sw_of(card, "00B20B041E"), 0x6A83);
  EXPECT_EQ(sw_of(card, "00A4000C027FFF"), 0x9000);
  EXPECT_EQ(sw_of(card, "00A4000C026FEE"), 0x9000);
  EXPECT_EQ(to_hex(send(card,
                        "80CB008001800"
                        "0")
                       .data),
            "800548656C6C6F");
}

TEST(ProfileFile, FilesAreCreatedAndFilled) {
  Profile profile = parse_profile(R"(
[[files]]
path = "3F00/2F05"
structure = "transparent"
size = 4
sfi = 5
content = "656E"

[[files]]
path = "7F20"
type = "df"

[[files]]
path = "7F20/6F3C"
structure = "cyclic"
record_length = 2
arr_record = 4
records = ["0102", "03"]

[[files]]
path = "7F20/6F3C"
records = ["0A0B"]
)",
                                  "p.toml");
  ASSERT_EQ(profile.files.size(), 4u);
  EXPECT_EQ(profile.files[2].create->record_count, 2u);  // from the records given

  CardOptions options;
  options.profile = profile;
  Card card(options);
  card.power_on();
  EXPECT_EQ(to_hex(send(card, "00B0850004").data), "656EFFFF");  // by SFI 05
  EXPECT_EQ(sw_of(card, "00A4080C047F206F3C"), 0x9000);
  // The last entry replaced both records: record 1 is 0A0B, record 2 empty.
  EXPECT_EQ(to_hex(send(card, "00B2010402").data), "0A0B");
  EXPECT_EQ(to_hex(send(card, "00B2020402").data), "FFFF");
  // EF.ARR 2F06 record 4: update with ADM1, so INCREASE needs ADM1 too.
  EXPECT_EQ(sw_of(card,
                  "8032000001"
                  "01"),
            0x6982);
}

TEST(ProfileFile, FileErrorsNameEntryAndProblem) {
  const BadProfile cases[] = {
      {"[[files]]\npath = \"6F3A\"\ncontent = \"00\"",
       "p.toml: files[0] (6F3A): file not found; give its structure to create it"},
      {"[[files]]\npath = \"7F10/6F3A\"\nstructure = \"transparent\"",
       "p.toml: files[0] (7F10/6F3A): directory 7F10 not found"},
      {"[[files]]\npath = \"2FE2/6F3A\"\nstructure = \"transparent\"",
       "p.toml: files[0] (2FE2/6F3A): 2FE2 is an EF, not a directory"},
      {"[[files]]\npath = \"2FE2\"\ncontent = \"00112233445566778899AA\"",
       "p.toml: files[0] (2FE2): content of 11 bytes exceeds the file size 10"},
      {"[[files]]\npath = \"2FE2\"\nrecords = [\"00\"]",
       "p.toml: files[0] (2FE2): only a record EF takes records"},
      {"[[files]]\npath = \"2F00\"\ncontent = \"00\"",
       "p.toml: files[0] (2F00): a record EF takes records, not content"},
      {"[[files]]\npath = \"2F00\"\nrecords = [\"00\", \"00\", \"00\", \"00\", \"00\"]",
       "p.toml: files[0] (2F00): 5 records given, the file has 4"},
      {"[[files]]\npath = \"2F00\"\nrecords = [\"" + std::string(66, '0') + "\"]",
       "p.toml: files[0] (2F00): record 1 has 33 bytes, the record length is 32"},
      {"[[files]]\npath = \"2FE2\"\nstructure = \"transparent\"",
       "p.toml: files[0] (2FE2): the file exists already; give only content or records"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"ber_tlv\"\nsize = 8\ncontent = \"80820001AA\"",
       "p.toml: files[0] (6F01): the content of a BER-TLV EF must be DER objects with distinct "
       "tags other than 5C, then FF padding"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"transparent\"\narr_record = 9",
       "p.toml: files[0] (6F01): arr_record 9 is outside 1..4 of EF.ARR 2F06"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"transparent\"\narr_fid = \"6F06\"",
       "p.toml: files[0] (6F01): no EF.ARR 6F06 above the file"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"transparent\"\nsfi = 2",
       "p.toml: files[0] (6F01): file 6F01: SFI 02 is taken in the DF"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"tree\"",
       "p.toml: files[0].structure: 'tree' is not transparent, linear_fixed, cyclic or ber_tlv"},
      {"[[files]]\npath = \"6F01\"\ntype = \"mf\"", "p.toml: files[0].type: 'mf' is not ef or df"},
      {"[[files]]\npath = \"6F01\"\nsize = 3",
       "p.toml: files[0].size: applies only to a new file, which needs 'structure' (or type = "
       "\"df\")"},
      {"[[files]]\npath = \"6F1\"",
       "p.toml: files[0].path: '6F1': '6F1' is not a FID of four hex digits"},
      {"[[files]]\npath = \"3F00\"", "p.toml: files[0].path: '3F00': FID 3F00 is reserved"},
      {"[[files]]\npath = \"6F01/ADF.USIM\"",
       "p.toml: files[0].path: '6F01/ADF.USIM': ADF.USIM must be the first step"},
      {"[[files]]\npath = \"7F10\"\ntype = \"df\"\ncontent = \"00\"",
       "p.toml: files[0].path: a DF has no content or records"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"linear_fixed\"\nrecords = [\"zz\"]",
       "p.toml: files[0].records[0]: expected a string of 1 to 255 hex bytes"},
      {"[[files]]\npath = \"6F01\"\nstructure = \"transparent\"\ncolour = 1",
       "p.toml: files[0].colour: unknown field"},
      {"files = [1]", "p.toml: files[0]: expected a table"},
      {"[[files]]\npath = \"ADF.USIM\"\ntype = \"df\"",
       "p.toml: files[0] (ADF.USIM): the file exists already; give only content or records"},
  };
  expect_rejected(cases);
}

TEST(ProfileFile, ErrorsNameFieldAndValue) {
  const BadProfile cases[] = {
      {"iccid = \"12\"", "p.toml: iccid: '12' is not 18 to 20 decimal digits"},
      {"iccid = 89", "p.toml: iccid: expected a string"},
      {"colour = \"red\"", "p.toml: colour: unknown field"},
      {"[pins]\npin1 = \"12a4\"", "p.toml: pins.pin1: '12a4' is not 4 to 8 decimal digits"},
      {"[pins]\npin_tries = 0", "p.toml: pins.pin_tries: 0 is outside 1..15"},
      {"[usim]\nk = \"00\"", "p.toml: usim.imsi: missing"},
      {"[usim]\nimsi = \"00101\"", "p.toml: usim.imsi: '00101' is not 6 to 15 decimal digits"},
      {"[usim]\nimsi = \"001010000000001\"\nk = \"00112233\"\nopc = \"00\"",
       "p.toml: usim.k: 4 bytes, expected 16"},
      {"[usim]\nimsi = \"001010000000001\"\nk = \"zz\"", "p.toml: usim.k: 'zz' is not hex"},
      {"[usim]\nimsi = \"001010000000001\"\nk = \"000102030405060708090a0b0c0d0e0f\"",
       "p.toml: usim.opc: give exactly one of opc and op"},
      {"[usim]\nimsi = \"001010000000001\"\nalgorithm = \"comp128\"",
       "p.toml: usim.algorithm: 'comp128' is neither milenage nor tuak"},
      {"[usim]\nimsi = \"001010000000001\"\nk = \"000102030405060708090a0b0c0d0e0f\"\nopc = "
       "\"000102030405060708090a0b0c0d0e0f\"\n[usim.milenage]\nr2 = 200",
       "p.toml: usim.milenage.r2: 200 is outside 0..127"},
      {"[usim]\nimsi = \"001010000000001\"\nk = \"000102030405060708090a0b0c0d0e0f\"\nopc = "
       "\"000102030405060708090a0b0c0d0e0f\"\nservices = [0]",
       "p.toml: usim.services: service numbers are integers in 1..255"},
      {"[usim]\nimsi = \"001010000000001\"\nk = \"000102030405060708090a0b0c0d0e0f\"\nopc = "
       "\"000102030405060708090a0b0c0d0e0f\"\nspn = \"caf\\u00e9\"",
       "p.toml: usim.spn: 'café' has a character outside the GSM default alphabet subset"},
      {"[usim]\nimsi = \"001010000000001\"\nalgorithm = \"tuak\"\nk = "
       "\"000102030405060708090a0b0c0d0e0f\"\n"
       "topc = \"00\"",
       "p.toml: usim.topc: 1 bytes, expected 32"},
  };
  expect_rejected(cases);
}

TEST(ProfileFile, SyntaxErrorNamesLine) {
  try {
    parse_profile("name = \"x\"\niccid = ", "p.toml");
    FAIL() << "accepted";
  } catch (const ProfileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("p.toml:2:", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace uicc::card
