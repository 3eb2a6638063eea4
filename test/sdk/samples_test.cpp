// The sample applets, built by add_javacard_package during the build, loaded into the VM
// and driven with APDUs.
#include <gtest/gtest.h>

#include "test/sdk/card_session.h"
#include "tools/sdk/converter/card_loader.h"

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

TEST(Samples, EchoReturnsAndReversesData) {
  test::CardSession card;
  card.load(sample_cap("sample_echo", "com/uicc/samples/echo", "echo"));
  EXPECT_EQ(card.send("00A4040008F075696363010201").to_string(), "9000");
  EXPECT_EQ(card.send("802000000301020300").to_string(), "010203 9000");
  EXPECT_EQ(card.send("80220000040A0B0C0D00").to_string(), "0D0C0B0A 9000");
  EXPECT_EQ(card.send("8024000002").to_string(), "0002 9000");
}

class WalletTest : public testing::Test {
 protected:
  WalletTest() {
    InstallSpec spec;
    spec.class_aid = from_hex("F075696363010301");
    spec.parameters = from_hex("31323334");  // PIN "1234"
    card_.load(sample_cap("sample_wallet", "com/uicc/samples/wallet", "wallet"), {spec});
    EXPECT_EQ(card_.send("00A4040008F075696363010301").to_string(), "9000");
  }
  test::CardSession card_;
};

TEST_F(WalletTest, CreditNeedsPin) {
  EXPECT_EQ(card_.send("80300000020064").to_string(), "6982");
  EXPECT_EQ(card_.send("802000000431313131").to_string(), "63C2");
  EXPECT_EQ(card_.send("802000000431323334").to_string(), "9000");
  EXPECT_EQ(card_.send("80300000020064").to_string(), "9000");
  EXPECT_EQ(card_.send("8050000002").to_string(), "0064 9000");
}

TEST_F(WalletTest, AmountsAreChecked) {
  EXPECT_EQ(card_.send("802000000431323334").to_string(), "9000");
  EXPECT_EQ(card_.send("80300000021389").to_string(), "6A83");  // 5001
  EXPECT_EQ(card_.send("80300000020000").to_string(), "6A83");
  EXPECT_EQ(card_.send("804000000200C8").to_string(), "6A85");  // below zero
  for (int i = 0; i < 4; ++i) EXPECT_EQ(card_.send("80300000021388").to_string(), "9000");
  EXPECT_EQ(card_.send("80300000020001").to_string(), "6A84");  // above 20000
  EXPECT_EQ(card_.send("8050000002").to_string(), "4E20 9000");
}

TEST_F(WalletTest, LogFollowsTheBalance) {
  EXPECT_EQ(card_.send("802000000431323334").to_string(), "9000");
  EXPECT_EQ(card_.send("80300000020100").to_string(), "9000");
  EXPECT_EQ(card_.send("80400000020010").to_string(), "9000");
  EXPECT_EQ(card_.send("8052000005").to_string(), "4000100002 9000");
  EXPECT_EQ(card_.send("8050000002").to_string(), "00F0 9000");
}

TEST_F(WalletTest, BlockedPinRefusesSelection) {
  EXPECT_EQ(card_.send("802000000431313131").to_string(), "63C2");
  EXPECT_EQ(card_.send("802000000431313131").to_string(), "63C1");
  EXPECT_EQ(card_.send("802000000431313131").to_string(), "63C0");
  EXPECT_EQ(card_.send("802000000431323334").to_string(), "6983");
  EXPECT_EQ(card_.send("00A4040008F075696363010301").to_string(), "6999");
}

void load_counter_packages(test::CardSession& card) {
  card.load(sample_cap("sample_counter_lib", "com/uicc/samples/counterlib", "counterlib"));
  card.load(sample_cap("sample_counter_server", "com/uicc/samples/counterserver", "counterserver"));
  card.load(sample_cap("sample_counter_client", "com/uicc/samples/counterclient", "counterclient"));
}

TEST(Samples, ClientCallsLibraryCode) {
  test::CardSession card;
  load_counter_packages(card);
  EXPECT_EQ(card.send("00A4040008F075696363010601").to_string(), "9000");
  EXPECT_EQ(card.send("801200000301020400").to_string(), "07 9000");
}

TEST(Samples, ClientUsesServerAcrossTheFirewall) {
  test::CardSession card;
  load_counter_packages(card);
  EXPECT_EQ(card.send("00A4040008F075696363010601").to_string(), "9000");
  EXPECT_EQ(card.send("8010000500").to_string(), "0005 9000");
  EXPECT_EQ(card.send("8010000700").to_string(), "000C 9000");
  EXPECT_EQ(card.send("00A4040008F075696363010501").to_string(), "9000");
  EXPECT_EQ(card.send("8010000000").to_string(), "000C 9000");
}

TEST(Samples, CryptoDemoMatchesPublishedVectors) {
  test::CardSession card;
  card.load(sample_cap("sample_crypto", "com/uicc/samples/crypto", "crypto"));
  EXPECT_EQ(card.send("00A4040008F075696363010701").to_string(), "9000");
  // FIPS 180-2 Appendix B.1: SHA-256("abc").
  EXPECT_EQ(card.send("801000000361626300").to_string(),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD 9000");
  // FIPS 197 Appendix C.1: AES-128.
  EXPECT_EQ(card.send("8020000010000102030405060708090A0B0C0D0E0F").to_string(), "9000");
  EXPECT_EQ(card.send("802200001000112233445566778899AABBCCDDEEFF00").to_string(),
            "69C4E0D86A7B0430D8CDB78070B4C55A 9000");
  EXPECT_EQ(card.send("802600001069C4E0D86A7B0430D8CDB78070B4C55A00").to_string(),
            "00112233445566778899AABBCCDDEEFF 9000");
  test::Reply random = card.send("8030000010");
  EXPECT_EQ(random.status, 0x9000);
  EXPECT_EQ(random.data.size(), 16u);
}

}  // namespace
}  // namespace uicc::sdk
