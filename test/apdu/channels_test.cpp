#include "apdu/channels.h"

#include <gtest/gtest.h>

namespace uicc::apdu {
namespace {

Command cmd(std::string_view hex) { return std::get<Command>(parse_command(from_hex(hex))); }

TEST(ManageChannel, OpensLowestFreeChannel) {
  ChannelTable table(4);
  Response response;
  auto result = table.manage(0, cmd("0070000001"), response);
  ASSERT_TRUE(result);
  EXPECT_EQ(std::get<ChannelTable::Opened>(*result).channel, 1);
  EXPECT_EQ(response.data, Bytes{0x01});
  EXPECT_TRUE(table.is_open(1));
}

TEST(ManageChannel, RunsOutOfChannels) {
  ChannelTable table(4);
  Response response;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(table.manage(0, cmd("0070000001"), response));
  EXPECT_FALSE(table.manage(0, cmd("0070000001"), response));
  EXPECT_EQ(response.sw, sw::function_not_supported);
}

TEST(ManageChannel, TwentyChannels) {
  ChannelTable table(20);
  Response response;
  ASSERT_TRUE(table.manage(0, cmd("00700013"), response));
  EXPECT_TRUE(table.is_open(19));
}

struct Row {
  const char* hex;
  StatusWord sw;
};

// Java Card 3.0.5 RE §4.5.1 and §4.6.1.
TEST(ManageChannel, StatusWordOfEachRefusal) {
  const Row rows[] = {
      {"0070000002", sw::wrong_le(1)},            // P2=00 needs Le=01
      {"00700000", sw::wrong_le(1)},              // no Le at all
      {"0070010001", sw::function_not_supported}, // P1 neither 00 nor 80
      {"00700014", sw::function_not_supported},   // channel 20
      {"00708000", sw::function_not_supported},   // closing the basic channel
      {"00708002", sw::no_information},           // closing a channel that is not open
      {"00700004", sw::incorrect_p1_p2},          // channel beyond the four offered
      {"00700000", sw::wrong_le(1)},
      {"0C70000001", sw::secure_messaging_not_supported},
      {"007000000101", sw::wrong_length},
  };
  for (const auto& row : rows) {
    ChannelTable table(4);
    Response response;
    EXPECT_FALSE(table.manage(0, cmd(row.hex), response)) << row.hex;
    EXPECT_EQ(response.sw, row.sw) << row.hex;
  }
}

TEST(ManageChannel, OpenTwiceAndClose) {
  ChannelTable table(4);
  Response response;
  ASSERT_TRUE(table.manage(0, cmd("00700002"), response));
  EXPECT_FALSE(table.manage(0, cmd("00700002"), response));
  EXPECT_EQ(response.sw, sw::incorrect_p1_p2);
  ASSERT_TRUE(table.manage(0, cmd("00708002"), response));
  EXPECT_FALSE(table.is_open(2));
  table.manage(0, cmd("00700003"), response);
  table.reset();
  EXPECT_FALSE(table.is_open(3));
  EXPECT_TRUE(table.is_open(0));
}

}  // namespace
}  // namespace uicc::apdu
