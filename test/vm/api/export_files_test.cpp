// The export files that the build writes for the SDK (target uicc_api_exp), read back with the
// cap layer's reader and compared with the tables the VM links against.
#include "vm/api/export_files.h"

#include <gtest/gtest.h>

namespace uicc::api {
namespace {

TEST(ExportFiles, ReadBackEqualsTheVmTables) {
  ASSERT_FALSE(builtin_packages().empty());
  for (const PackageInfo& package : builtin_packages()) {
    SCOPED_TRACE(std::string(package.name));
    const auto path = cap::export_file_path(UICC_API_EXP_DIR, package.name);
    const cap::ExportFile read = cap::read_export_file(path);
    EXPECT_EQ(read, export_file_of(package));
    EXPECT_EQ(read.classes.size(), package.classes.size());
  }
}

TEST(ExportFiles, CarryTokensAndConstants) {
  const auto path = cap::export_file_path(UICC_API_EXP_DIR, "javacard.framework");
  const cap::ExportFile file = cap::read_export_file(path);
  EXPECT_EQ(to_hex(file.package.aid), "A0000000620101");
  EXPECT_EQ(file.package.major, 1);
  EXPECT_EQ(file.package.minor, 6);
  const cap::ExportClass* apdu = file.find_class("javacard/framework/APDU");
  ASSERT_NE(apdu, nullptr);
  EXPECT_EQ(apdu->token, 10);
  const cap::ExportMethod* receive = apdu->find_method("setIncomingAndReceive", "()S");
  ASSERT_NE(receive, nullptr);
  EXPECT_EQ(receive->token, 6);
  const cap::ExportClass* iso = file.find_class("javacard/framework/ISO7816");
  ASSERT_NE(iso, nullptr);
  const cap::ExportField* sw = iso->find_field("SW_WRONG_LENGTH");
  ASSERT_NE(sw, nullptr);
  EXPECT_EQ(sw->token, cap::kConstantFieldToken);
  EXPECT_EQ(sw->constant_value, 0x6700);
}

}  // namespace
}  // namespace uicc::api
