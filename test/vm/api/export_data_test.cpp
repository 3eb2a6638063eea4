#include "vm/api/export_data.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "apdu/status_word.h"
#include "util/bytes.h"

namespace uicc::api {
namespace {

struct ExpectedPackage {
  std::string_view name;
  std::string_view aid;
  int major;
  int minor;
};

// Java Card 3.0.5 Classic, GlobalPlatform API 1.6, ETSI TS 102 241 and 3GPP TS 31.130 V16.0.0.
constexpr ExpectedPackage kPackages[] = {
    {"java.lang", "A0000000620001", 1, 0},
    {"java.io", "A0000000620002", 1, 0},
    {"javacard.framework", "A0000000620101", 1, 6},
    {"javacard.security", "A0000000620102", 1, 6},
    {"javacardx.crypto", "A0000000620201", 1, 6},
    {"javacardx.apdu", "A0000000620209", 1, 0},
    {"javacardx.apdu.util", "A000000062020901", 1, 0},
    {"javacardx.framework.util", "A000000062020801", 1, 1},
    {"javacardx.framework.util.intx", "A00000006202080101", 1, 0},
    {"org.globalplatform", "A00000015100", 1, 6},
    {"uicc.access", "A0000000090005FFFFFFFF8911000000", 1, 0},
    {"uicc.system", "A0000000090005FFFFFFFF8913000000", 1, 1},
    {"uicc.toolkit", "A0000000090005FFFFFFFF8912000000", 1, 0},
    {"uicc.usim.access", "A0000000871005FFFFFFFF8913100000", 1, 4},
    {"uicc.usim.toolkit", "A0000000871005FFFFFFFF8913200000", 1, 9},
};

TEST(BuiltinPackages, HaveOfficialAidsAndVersions) {
  EXPECT_EQ(builtin_packages().size(), std::size(kPackages));
  for (const ExpectedPackage& expected : kPackages) {
    SCOPED_TRACE(std::string(expected.name));
    const PackageInfo* package = find_package(expected.name);
    ASSERT_NE(package, nullptr);
    EXPECT_EQ(to_hex(package->aid), expected.aid);
    EXPECT_EQ(package->major, expected.major);
    EXPECT_EQ(package->minor, expected.minor);
    EXPECT_TRUE(package->library);
    EXPECT_EQ(find_package(from_hex(expected.aid)), package);
  }
}

TEST(BuiltinPackages, FindClassByNameTokenAndQualifiedName) {
  const PackageInfo* framework = find_package("javacard.framework");
  ASSERT_NE(framework, nullptr);
  const ClassInfo* apdu = find_class(*framework, "APDU");
  ASSERT_NE(apdu, nullptr);
  EXPECT_EQ(apdu->token, 10);
  EXPECT_EQ(find_class(*framework, std::uint8_t{10}), apdu);
  EXPECT_EQ(find_class("javacard.framework.APDU"), apdu);
  EXPECT_EQ(package_of(*apdu), framework);
  EXPECT_EQ(find_class("javacard.framework.NoSuchClass"), nullptr);
  EXPECT_EQ(find_class("no.such.Package"), nullptr);
  EXPECT_EQ(find_class("APDU"), nullptr);
}

// APDU has a static method 6 (getCLAChannel) and a virtual method 6 (setIncomingAndReceive):
// the two token spaces are separate.
TEST(BuiltinPackages, KeepStaticAndVirtualTokensApart) {
  const ClassInfo* apdu = find_class("javacard.framework.APDU");
  ASSERT_NE(apdu, nullptr);
  const MethodInfo* channel = find_method(*apdu, "getCLAChannel", "()B");
  ASSERT_NE(channel, nullptr);
  EXPECT_TRUE(channel->is_static());
  EXPECT_EQ(channel->token, 6);
  const MethodInfo* receive = find_method(*apdu, "setIncomingAndReceive", "()S");
  ASSERT_NE(receive, nullptr);
  EXPECT_FALSE(receive->is_static());
  EXPECT_EQ(receive->token, 6);
}

TEST(BuiltinPackages, ListInheritedVirtualMethodsWithTheirTokens) {
  const ClassInfo* iso_exception = find_class("javacard.framework.ISOException");
  ASSERT_NE(iso_exception, nullptr);
  const MethodInfo* get_reason = find_method(*iso_exception, "getReason", "()S");
  ASSERT_NE(get_reason, nullptr);
  EXPECT_EQ(get_reason->token, 1);
  ASSERT_FALSE(iso_exception->supers.empty());
  EXPECT_EQ(iso_exception->supers.front(), "java.lang.Object");
  EXPECT_EQ(iso_exception->supers.back(), "javacard.framework.CardRuntimeException");
}

TEST(BuiltinPackages, TokensAreUniquePerSpace) {
  for (const PackageInfo& package : builtin_packages()) {
    std::set<int> class_tokens;
    for (const ClassInfo& cls : package.classes) {
      SCOPED_TRACE(std::string(package.name) + "." + std::string(cls.name));
      EXPECT_TRUE(class_tokens.insert(cls.token).second);
      std::set<std::pair<bool, int>> method_tokens;
      for (const MethodInfo& method : cls.methods) {
        EXPECT_TRUE(method_tokens.insert({method.is_static(), method.token}).second)
            << method.name << method.descriptor;
      }
    }
  }
}

// The ISO7816 interface's status words are the ones the APDU layer sends.
TEST(BuiltinPackages, Iso7816StatusWordsMatchApduLayer) {
  const ClassInfo* iso = find_class("javacard.framework.ISO7816");
  ASSERT_NE(iso, nullptr);
  const std::pair<std::string_view, apdu::StatusWord> pairs[] = {
      {"SW_NO_ERROR", apdu::sw::ok},
      {"SW_WRONG_LENGTH", apdu::sw::wrong_length},
      {"SW_SECURITY_STATUS_NOT_SATISFIED", apdu::sw::security_status_not_satisfied},
      {"SW_CONDITIONS_NOT_SATISFIED", apdu::sw::conditions_not_satisfied},
      {"SW_APPLET_SELECT_FAILED", apdu::sw::applet_selection_failed},
      {"SW_WRONG_DATA", apdu::sw::wrong_data},
      {"SW_FILE_NOT_FOUND", apdu::sw::file_not_found},
      {"SW_INCORRECT_P1P2", apdu::sw::incorrect_p1_p2},
      {"SW_WRONG_P1P2", apdu::sw::wrong_p1_p2},
      {"SW_INS_NOT_SUPPORTED", apdu::sw::ins_not_supported},
      {"SW_CLA_NOT_SUPPORTED", apdu::sw::cla_not_supported},
      {"SW_UNKNOWN", apdu::sw::technical_problem},
  };
  for (const auto& [name, status] : pairs) {
    const ConstantInfo* constant = find_constant(*iso, name);
    ASSERT_NE(constant, nullptr) << name;
    EXPECT_EQ(constant->type, 'S');
    EXPECT_EQ(static_cast<std::uint16_t>(constant->value), status.value) << name;
  }
}

TEST(BuiltinPackages, ConstantsKeepTheirSign) {
  const ClassInfo* iso = find_class("javacard.framework.ISO7816");
  ASSERT_NE(iso, nullptr);
  const ConstantInfo* select = find_constant(*iso, "INS_SELECT");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->type, 'B');
  EXPECT_EQ(select->value, -92);  // 0xA4 as a Java byte
  const ConstantInfo* ok = find_constant(*iso, "SW_NO_ERROR");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->value, -28672);  // 0x9000 as a Java short
}

TEST(BuiltinPackages, EverySuperclassAndInterfaceIsBuiltIn) {
  for (const PackageInfo& package : builtin_packages()) {
    for (const ClassInfo& cls : package.classes) {
      for (std::string_view name : cls.supers) {
        EXPECT_NE(find_class(name), nullptr) << cls.name << " extends " << name;
      }
      for (std::string_view name : cls.interfaces) {
        const ClassInfo* target = find_class(name);
        ASSERT_NE(target, nullptr) << cls.name << " implements " << name;
        EXPECT_TRUE(target->is_interface()) << name;
      }
    }
  }
}

}  // namespace
}  // namespace uicc::api
