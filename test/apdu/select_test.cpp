#include "apdu/select.h"

#include <gtest/gtest.h>

namespace uicc::apdu {
namespace {

TEST(SelectByName, PartialAndOccurrence) {
  Bytes usim = from_hex("A0000000871002FFFFFFFF8907090000");
  Bytes isim = from_hex("A0000000871004FFFFFFFF8907090000");
  Bytes usim2 = from_hex("A0000000871002FF49FF0589");
  Bytes isd = from_hex("A000000151000000");
  std::vector<ByteView> aids{usim, isim, usim2, isd};

  Bytes prefix = from_hex("A0000000871002");
  EXPECT_EQ(find_by_name(aids, prefix, Occurrence::first, std::nullopt), 0u);
  EXPECT_EQ(find_by_name(aids, prefix, Occurrence::last, std::nullopt), 2u);
  EXPECT_EQ(find_by_name(aids, prefix, Occurrence::next, 0u), 2u);
  EXPECT_EQ(find_by_name(aids, prefix, Occurrence::next, 2u), std::nullopt);
  EXPECT_EQ(find_by_name(aids, prefix, Occurrence::previous, 2u), 0u);
  EXPECT_EQ(find_by_name(aids, prefix, Occurrence::next, 3u), 0u);  // current does not match
  EXPECT_EQ(find_by_name(aids, from_hex("A0000000871003"), Occurrence::first, std::nullopt), std::nullopt);
  EXPECT_EQ(find_by_name(aids, isd, Occurrence::first, std::nullopt), 3u);
}

}  // namespace
}  // namespace uicc::apdu
