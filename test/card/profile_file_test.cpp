#include "card/profile_file.h"

#include <gtest/gtest.h>

#include "card/card.h"
#include "test/card/card_helpers.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

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
  EXPECT_EQ(sw_of(card, "0020000108" "31323334FFFFFFFF"), 0x9000);
  EXPECT_EQ(to_hex(send(card, "00B0000009").data), "080910100000000070");
}

struct BadProfile {
  const char* text;
  const char* message;
};

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
      {"[usim]\nimsi = \"001010000000001\"\nalgorithm = \"tuak\"\nk = \"000102030405060708090a0b0c0d0e0f\"\n"
       "topc = \"00\"",
       "p.toml: usim.topc: 1 bytes, expected 32"},
  };
  for (const auto& c : cases) {
    try {
      parse_profile(c.text, "p.toml");
      ADD_FAILURE() << "accepted: " << c.text;
    } catch (const ProfileError& e) {
      EXPECT_EQ(std::string(e.what()), c.message) << c.text;
    }
  }
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
