#include "vm/runtime/value.h"

#include <gtest/gtest.h>

namespace uicc::vm {
namespace {

TEST(Aid, AcceptsFiveToSixteenBytes) {
  EXPECT_EQ(Aid::from_hex("A000000062").size(), 5u);
  EXPECT_EQ(Aid::from_hex("A0000000620101FFFFFFFFFFFFFFFFFF").size(), 16u);
}

TEST(Aid, RejectsWrongLengthWithValue) {
  try {
    Aid::from_hex("A0000000");
    FAIL() << "a 4-byte AID was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "AID A0000000 has 4 bytes, expected 5 to 16");
  }
  EXPECT_THROW(Aid::from_hex("A0000000620101FFFFFFFFFFFFFFFFFF00"), std::invalid_argument);
}

TEST(Aid, ComparesBytesAndRid) {
  Aid a = Aid::from_hex("A000000062010101");
  Aid b = Aid::from_hex("A000000062020202");
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(a.same_rid(b));
  EXPECT_FALSE(a.same_rid(Aid::from_hex("A000000063")));
  EXPECT_EQ(a, Aid::from_hex("a000000062010101"));
  EXPECT_TRUE(a < b);
}

TEST(Slot, KeepsShortsSignExtended) {
  EXPECT_EQ(slot_of_short(-1), 0xFFFFFFFFu);
  EXPECT_EQ(short_of_slot(slot_of_short(-32768)), -32768);
  EXPECT_EQ(int_of_slot(slot_of_int(-2147483647 - 1)), -2147483647 - 1);
}

TEST(ArrayType, ElementSizes) {
  EXPECT_EQ(element_size(ArrayType::boolean_array), 1u);
  EXPECT_EQ(element_size(ArrayType::byte_array), 1u);
  EXPECT_EQ(element_size(ArrayType::short_array), 2u);
  EXPECT_EQ(element_size(ArrayType::int_array), 4u);
  EXPECT_EQ(element_size(ArrayType::reference_array), 4u);
  EXPECT_EQ(kind_of_array(ArrayType::short_array), object_kind::kShortArray);
}

}  // namespace
}  // namespace uicc::vm
