// The built-in API from Java: java/com/uicc/test/api/ApiExercise.java, compiled against
// uicc-api.jar and converted by the SDK, runs on the VM and returns published vectors. Every
// test runs twice: with the CAP file as the SDK writes it, and as a GlobalPlatform LOAD
// without its Descriptor component, for which the verifier infers the methods' signatures.
#include <gtest/gtest.h>

#include <fstream>

#include <fmt/format.h>

#include "test/vm/api/cap_files.h"
#include "test/vm/runtime/wallet_applet.h"
#include "vm/api/builtin_registry.h"
#include "vm/runtime/runtime.h"

namespace uicc::api {
namespace {

constexpr const char* kPackage = "F075696363020A";
constexpr const char* kApplet = "F075696363020A01";

class JavaApplet : public ::testing::TestWithParam<bool> {
 protected:
  JavaApplet() {
    const Bytes cap = read_file(UICC_API_EXERCISE_CAP);
    runtime_.load_package(GetParam() ? cap : without_descriptor(cap));
    runtime_.install_applet(vm::Aid::from_hex(kPackage), vm::Aid::from_hex(kApplet),
                            vm::Aid::from_hex(kApplet), vm::test::install_parameters(kApplet));
    EXPECT_TRUE(runtime_.select(0, vm::Aid::from_hex(kApplet)));
    EXPECT_EQ(send("00A4040008" + std::string(kApplet)).status, 0x9000);
  }

  vm::Response send(const std::string& hex) { return runtime_.process(0, from_hex(hex)); }

  std::string reply(const std::string& hex) {
    const vm::Response r = send(hex);
    return to_hex(r.data) + (r.data.empty() ? "" : " ") + fmt::format("{:04X}", r.status);
  }

  store::Store store_;
  vm::Runtime runtime_{store_, builtin_registry()};
};

TEST_P(JavaApplet, TransactionsAndUtil) {
  // persistent = 11 11 11 11; the transaction's 22 at [0] is undone, the non-atomic 5A at [1]
  // stays; depth 0 afterwards; API version 3.0.5.
  EXPECT_EQ(reply("80010000015A"), "115A1111000305 9000");
}

TEST_P(JavaApplet, OwnerPinChecksAndCounts) {
  EXPECT_EQ(reply("800200000831323334"
                  "31323334"),
            "010301 9000");
  EXPECT_EQ(reply("800200000831323334"
                  "31323335"),
            "000200 9000");
}

TEST_P(JavaApplet, AesCbcWithMethod2Padding) {
  // Key and 3-byte message; CBC with a zero IV over 61 62 63 80 00..00 (ISO/IEC 9797-1
  // padding method 2), value computed with openssl enc -aes-128-cbc -nopad.
  EXPECT_EQ(reply("8003000013"
                  "000102030405060708090A0B0C0D0E0F"
                  "616263"),
            "DBD0B134C556C3779D5F113FD277B3D8 9000");
}

TEST_P(JavaApplet, HmacAndRetailMac) {
  // RFC 4231 §4.3 (key "Jefe"), then the SCP02 C-MAC of pySim's test (GlobalPlatform Card
  // Specification 2.3.1 Appendix E, MAC algorithm 3 with padding method 2).
  const std::string data =
      to_hex(Bytes{'w', 'h', 'a', 't', ' ', 'd', 'o', ' ', 'y', 'a', ' ', 'w', 'a', 'n',
                   't', ' ', 'f', 'o', 'r', ' ', 'n', 'o', 't', 'h', 'i', 'n', 'g', '?'});
  EXPECT_EQ(reply("800400001C" + data),
            "5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843"
            "EBECE14C7D6A4376 9000");
}

TEST_P(JavaApplet, KeyPairsSignVerifyAndAgree) {
  // ECDSA verifies, both ECDH sides agree, RSA-1024 PKCS#1 verifies with a 128-byte signature.
  EXPECT_EQ(reply("8005000000"), "01010180 9000");
}

TEST_P(JavaApplet, ChecksumGcmAndSha1) {
  // CRC-32 of "123456789" (CRC catalogue check value), GCM test case 2 of McGrew and Viega
  // (ciphertext, tag), SHA-1("abc") of FIPS 180-4.
  EXPECT_EQ(reply("8006000000"),
            "CBF43926"
            "0388DACE60B6A392F328C2B971B2FE78"
            "AB6E47D42CEC13BDF53A67B21257BDDF"
            "A9993E364706816ABA3E25717850C26C9CD0D89D 9000");
}

TEST_P(JavaApplet, OwnAidFromTheRuntime) {
  const vm::Response r = send("8007000000");
  EXPECT_EQ(r.status, 0x9000);
  ASSERT_EQ(r.data.size(), 1u + 8u + 8u);
  EXPECT_EQ(to_hex(ByteView(r.data).first(9)), "08F075696363020A01");
}

TEST_P(JavaApplet, CryptoExceptionReasons) {
  // NO_SUCH_ALGORITHM (3) and INVALID_INIT (4).
  EXPECT_EQ(reply("8008000000"), "0304 9000");
}

INSTANTIATE_TEST_SUITE_P(Descriptor, JavaApplet, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& param) {
                           return param.param ? "WithDescriptor" : "WithoutDescriptor";
                         });

}  // namespace
}  // namespace uicc::api
