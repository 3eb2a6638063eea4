#include "apdu/command.h"

#include <gtest/gtest.h>

namespace uicc::apdu {
namespace {

Command parse_ok(std::string_view hex) {
  auto result = parse_command(from_hex(hex));
  EXPECT_TRUE(std::holds_alternative<Command>(result)) << hex;
  return std::get<Command>(result);
}

TEST(CommandApdu, ParsesShortCases) {
  auto c1 = parse_ok("00A40000");
  EXPECT_EQ(c1.apdu_case(), ApduCase::case1);

  auto c2 = parse_ok("00B0000000");
  EXPECT_EQ(c2.apdu_case(), ApduCase::case2);
  EXPECT_EQ(c2.ne, 256u);

  auto c3 = parse_ok("00A4000C023F00");
  EXPECT_EQ(c3.apdu_case(), ApduCase::case3);
  EXPECT_EQ(to_hex(c3.data), "3F00");

  auto c4 = parse_ok("00A40004022FE210");
  EXPECT_EQ(c4.apdu_case(), ApduCase::case4);
  EXPECT_EQ(c4.ne, 16u);
  EXPECT_FALSE(c4.extended);
}

TEST(CommandApdu, ParsesExtendedCases) {
  auto c2 = parse_ok("00B00000000000");
  EXPECT_EQ(c2.apdu_case(), ApduCase::case2);
  EXPECT_EQ(c2.ne, 65536u);
  EXPECT_TRUE(c2.extended);

  Bytes c3_bytes = from_hex("80E2000000012C");
  c3_bytes.resize(c3_bytes.size() + 300, 0x5A);
  auto c3 = std::get<Command>(parse_command(c3_bytes));
  EXPECT_EQ(c3.apdu_case(), ApduCase::case3);
  EXPECT_EQ(c3.data.size(), 300u);

  auto c4 = parse_ok("0088008100000301020301F4");
  EXPECT_EQ(c4.apdu_case(), ApduCase::case4);
  EXPECT_EQ(c4.data.size(), 3u);
  EXPECT_EQ(c4.ne, 500u);
}

TEST(CommandApdu, EncodeRoundTrips) {
  for (std::string_view hex : {"00A40000", "00B0000000", "00A4000C023F00", "00A40004022FE210",
                               "00B00000000000", "0088008100000301020301F4"}) {
    EXPECT_EQ(to_hex(parse_ok(hex).encode()), hex);
  }
}

struct Malformed {
  const char* name;
  const char* hex;
};

// ISO/IEC 7816-4:2020 §5.1: any body that fits none of the case layouts is a length error.
TEST(CommandApdu, MalformedFormsGiveWrongLength) {
  const Malformed cases[] = {
      {"empty", ""},
      {"three bytes", "00A400"},
      {"Lc longer than data", "00A4000C053F00"},
      {"Lc shorter than data", "00A4000C013F002F00"},
      {"data plus two trailing bytes", "00A4000C013F000000"},
      {"extended marker only", "00B0000000" "00"},
      {"extended Le truncated", "00B000000001"},
      {"extended Lc zero", "00D6000000000001"},
      {"extended Lc longer than data", "00D600000000050102"},
      {"extended case 4 with one Le byte", "00D60000000002010200"},
  };
  for (const auto& c : cases) {
    auto result = parse_command(from_hex(c.hex));
    ASSERT_TRUE(std::holds_alternative<StatusWord>(result)) << c.name;
    EXPECT_EQ(std::get<StatusWord>(result), sw::wrong_length) << c.name;
  }
}

TEST(ResponseApdu, SplitsStatusWord) {
  auto r = parse_response(from_hex("0102039000"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->sw, sw::ok);
  EXPECT_EQ(r->data.size(), 3u);
  EXPECT_FALSE(parse_response(from_hex("90")));
}

TEST(StatusWord, RangesAndMeanings) {
  EXPECT_EQ(sw::pin_retries(2).retries_left(), 2);
  EXPECT_FALSE(sw::wrong_length.retries_left());
  EXPECT_TRUE(sw::more_data(300).is_more_data());
  EXPECT_EQ(sw::more_data(300).sw2(), 0);
  EXPECT_EQ(describe(sw::security_status_not_satisfied), "security status not satisfied");
  EXPECT_EQ(describe(StatusWord(0x6C09)), "wrong Le, exact length is 9");
  EXPECT_EQ(describe(StatusWord(0x63C1)), "verification failed, 1 retries left");
  EXPECT_EQ(fmt::format("{}", sw::file_not_found), "6A82");
}

}  // namespace
}  // namespace uicc::apdu
