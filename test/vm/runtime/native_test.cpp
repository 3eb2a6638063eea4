#include "vm/runtime/native.h"
#include "vm/runtime/runtime.h"  // compiled here so that the header stands alone

#include <gtest/gtest.h>

namespace uicc::vm {
namespace {

NativePackage package(const char* aid_hex) {
  NativePackage p;
  p.name = "com.example.lib";
  p.aid = Aid::from_hex(aid_hex);
  return p;
}

TEST(NativeRegistry, FindsPackagesByAid) {
  NativeRegistry registry;
  EXPECT_EQ(registry.add(package("A00000006201")), 0u);
  EXPECT_EQ(registry.add(package("A00000006202")), 1u);
  ASSERT_NE(registry.find(Aid::from_hex("A00000006202")), nullptr);
  EXPECT_EQ(registry.index_of(Aid::from_hex("A00000006202")), 1u);
  EXPECT_EQ(registry.find(Aid::from_hex("A00000006203")), nullptr);
  EXPECT_THROW(registry.index_of(Aid::from_hex("A00000006203")), std::out_of_range);
}

TEST(NativeRegistry, RejectsDuplicateAid) {
  NativeRegistry registry;
  registry.add(package("A00000006201"));
  EXPECT_THROW(registry.add(package("A00000006201")), std::invalid_argument);
}

TEST(PlatformHooks, DefaultsDescribeCardWithoutGlobalPlatform) {
  PlatformHooks hooks;
  EXPECT_EQ(hooks.card_life_cycle(), 0x0F);
  EXPECT_FALSE(hooks.application_life_cycle(Aid::from_hex("A000000151")).has_value());
  EXPECT_FALSE(hooks.privileges(Aid::from_hex("A000000151")).has_value());
}

}  // namespace
}  // namespace uicc::vm
