// The sample applets, built by add_javacard_package during the build, loaded into the VM
// and driven with APDUs.
#include <gtest/gtest.h>

#include "test/sdk/card_session.h"

namespace uicc::sdk {
namespace {

std::string sample_cap(const std::string& target, const std::string& package_path,
                       const std::string& name) {
  return std::string(UICC_SDK_SAMPLE_CLASSES) + "/" + target + "/out/" + package_path +
         "/javacard/" + name + ".cap";
}

TEST(Samples, HelloWorldGreets) {
  test::CardSession card;
  card.load(sample_cap("sample_hello", "com/uicc/samples/hello", "hello"));
  EXPECT_EQ(card.send("00A4040008F075696363010101").to_string(), "9000");
  // "Hello, world!"
  EXPECT_EQ(card.send("8010000000").to_string(), "48656C6C6F2C20776F726C6421 9000");
  EXPECT_EQ(card.send("8020000000").to_string(), "6D00");
}

}  // namespace
}  // namespace uicc::sdk
