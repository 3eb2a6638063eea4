// The SDK's sample applets as GlobalPlatform LOAD files often carry them: without the
// Descriptor component. The verifier then infers every method's argument types from its code
// and the code of its overrides, and must accept what javac and the converter produce. Each
// sample runs the commands of its own tests.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "applets/builtin_applets.h"
#include "test/vm/api/cap_files.h"
#include "vm/api/builtin_registry.h"
#include "vm/runtime/runtime.h"

namespace uicc::api {
namespace {

class WithoutDescriptor : public ::testing::Test {
 protected:
  void load(const char* path, bool strip = true) {
    const Bytes cap = read_file(path);
    runtime_.load_package(strip ? without_descriptor(cap) : cap);
  }

  // Installs an applet whose instance AID is its class AID, with `parameters` as its
  // application parameters, and selects it.
  void install_and_select(const std::string& package, const std::string& applet,
                          const std::string& parameters = "") {
    const Bytes aid = from_hex(applet);
    Bytes install;
    install.push_back(static_cast<std::uint8_t>(aid.size()));
    append(install, aid);
    append(install, from_hex("0100"));
    const Bytes application = from_hex(parameters);
    install.push_back(static_cast<std::uint8_t>(application.size()));
    append(install, application);
    runtime_.install_applet(vm::Aid::from_hex(package), vm::Aid::from_hex(applet),
                            vm::Aid::from_hex(applet), install);
    select(applet);
  }

  void select(const std::string& applet) {
    ASSERT_TRUE(runtime_.select(0, vm::Aid::from_hex(applet)));
    EXPECT_EQ(reply(fmt::format("00A40400{:02X}{}", applet.size() / 2, applet)), "9000");
  }

  std::string reply(const std::string& hex) {
    const vm::Response r = runtime_.process(0, from_hex(hex));
    return to_hex(r.data) + (r.data.empty() ? "" : " ") + fmt::format("{:04X}", r.status);
  }

  store::Store store_;
  vm::Runtime runtime_{store_, builtin_registry()};
};

TEST_F(WithoutDescriptor, HelloWorld) {
  load(UICC_SAMPLE_HELLO_CAP);
  install_and_select("F0756963630101", "F075696363010101");
  EXPECT_EQ(reply("8010000000"), "48656C6C6F2C20776F726C6421 9000");
}

TEST_F(WithoutDescriptor, Echo) {
  load(UICC_SAMPLE_ECHO_CAP);
  install_and_select("F0756963630102", "F075696363010201");
  EXPECT_EQ(reply("802000000301020300"), "010203 9000");
  EXPECT_EQ(reply("80220000040A0B0C0D00"), "0D0C0B0A 9000");
}

TEST_F(WithoutDescriptor, WalletWithPin) {
  load(UICC_SAMPLE_WALLET_CAP);
  install_and_select("F0756963630103", "F075696363010301", "31323334");
  EXPECT_EQ(reply("80300000020064"), "6982");
  EXPECT_EQ(reply("802000000431323334"), "9000");
  EXPECT_EQ(reply("80300000020064"), "9000");
  EXPECT_EQ(reply("8050000002"), "0064 9000");
}

TEST_F(WithoutDescriptor, CryptoDemo) {
  load(UICC_SAMPLE_CRYPTO_CAP);
  install_and_select("F0756963630107", "F075696363010701");
  // FIPS 180-2 Appendix B.1 and FIPS 197 Appendix C.1, as in the SDK's sample tests.
  EXPECT_EQ(reply("801000000361626300"),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD 9000");
  EXPECT_EQ(reply("8020000010000102030405060708090A0B0C0D0E0F"), "9000");
  EXPECT_EQ(reply("802200001000112233445566778899AABBCCDDEEFF00"),
            "69C4E0D86A7B0430D8CDB78070B4C55A 9000");
}

// The library's interface Counter has no implementation in the library, so without the
// library's Descriptor component nothing states its methods' signatures: the client, which
// calls them, is refused. With the library's Descriptor, server and client load without
// theirs and work across the firewall.
TEST_F(WithoutDescriptor, SharedInterfaceNeedsTheLibraryDescriptor) {
  load(UICC_SAMPLE_COUNTER_LIB_CAP, false);
  load(UICC_SAMPLE_COUNTER_SERVER_CAP);
  load(UICC_SAMPLE_COUNTER_CLIENT_CAP);
  install_and_select("F0756963630105", "F075696363010501");
  install_and_select("F0756963630106", "F075696363010601");
  EXPECT_EQ(reply("8010000500"), "0005 9000");
  EXPECT_EQ(reply("801200000301020400"), "07 9000");

  store::Store other;
  vm::Runtime runtime(other, builtin_registry());
  runtime.load_package(without_descriptor(read_file(UICC_SAMPLE_COUNTER_LIB_CAP)));
  runtime.load_package(without_descriptor(read_file(UICC_SAMPLE_COUNTER_SERVER_CAP)));
  try {
    runtime.load_package(without_descriptor(read_file(UICC_SAMPLE_COUNTER_CLIENT_CAP)));
    ADD_FAILURE() << "the client was loaded";
  } catch (const vm::LoadError& e) {
    EXPECT_NE(std::string(e.what()).find("the invoked method's result type is unknown"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(WithoutDescriptor, UsimLoads) {
  const ByteView usim = applets::usim_cap();
  const vm::PackageInfo info = runtime_.load_package(without_descriptor(usim));
  EXPECT_EQ(to_hex(info.aid.bytes()), to_hex(applets::kUsimPackageAid));
}

}  // namespace
}  // namespace uicc::api
