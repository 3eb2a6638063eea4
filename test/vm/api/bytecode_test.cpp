// The built-in API through bytecode: applets assembled with the runtime's test assembler run on
// the real VM (vm::Runtime) linked against builtin_registry(), and are driven by C-APDUs.
#include <gtest/gtest.h>

#include "test/vm/api/crypto_applet.h"
#include "test/vm/runtime/cap_builder.h"
#include "test/vm/runtime/wallet_applet.h"
#include "vm/api/api_constants.h"
#include "vm/api/builtin_registry.h"
#include "vm/api/export_data.h"
#include "vm/cap/cap_writer.h"
#include "vm/runtime/runtime.h"

namespace uicc::api {
namespace {

using vm::test::CapBuilder;
using vm::test::ClassSpec;
using vm::test::Code;
using O = cap::Opcode;
namespace jkb = jc::javacard::security::KeyBuilder;
namespace jcipher = jc::javacardx::crypto::Cipher;

Bytes encode(const cap::CapFile& built) {
  cap::CapFile cap = built;
  cap::update_directory(cap);
  return cap::write_cap_components(cap);
}

std::uint8_t class_token(std::string_view qualified) {
  return find_class(qualified)->token;
}

std::uint8_t method_token(std::string_view cls, std::string_view name,
                          std::string_view descriptor) {
  return find_method(*find_class(cls), name, descriptor)->token;
}

class ApiOnVm : public ::testing::Test {
 protected:
  ApiOnVm() { runtime_ = std::make_unique<vm::Runtime>(store_, builtin_registry()); }

  vm::Response send(const std::string& apdu) { return runtime_->process(0, from_hex(apdu)); }

  store::Store store_;
  std::unique_ptr<vm::Runtime> runtime_;
};

// The runtime's own wallet applet, written against the official tokens, runs on the real API.
TEST_F(ApiOnVm, WalletAppletRunsOnBuiltinApi) {
  using namespace vm::test;
  runtime_->load_package(encode(wallet_package().build()));
  runtime_->install_applet(vm::Aid::from_hex(kWalletPackage), vm::Aid::from_hex(kWalletClass),
                           vm::Aid::from_hex(kWalletInstance), install_parameters(kWalletInstance));
  ASSERT_TRUE(runtime_->select(0, vm::Aid::from_hex(kWalletInstance)));
  // The card passes the SELECT command itself to process(), where selectingApplet() is true.
  EXPECT_EQ(send("00A4040009A000000003100101AA").status, 0x9000);
  EXPECT_EQ(send("801000000105").status, 0x9000);  // balance += 5
  EXPECT_EQ(send("802200000107").status, 0x9000);  // committed transaction
  EXPECT_EQ(send("802000000109").status, 0x9000);  // aborted transaction
  const vm::Response read = send("8030000000");
  EXPECT_EQ(read.status, 0x9000);
  EXPECT_EQ(to_hex(read.data), "000607");
  EXPECT_EQ(send("8040000000").status, 0x6A82);  // ISOException.throwIt
  EXPECT_EQ(send("8050000000").status, 0x6F00);  // NullPointerException
  EXPECT_EQ(send("80FF000000").status, 0x6D00);
}

// An applet that keeps an AES key and an ECB cipher: INS 10 sets the key from the data and
// initializes the cipher, INS 20 encrypts the 16 data bytes and sends them back.
CapBuilder aes_package() {
  CapBuilder b("A0000005590101");
  b.import_package("A0000000620001", 1, 0);
  const std::uint8_t framework = b.import_package("A0000000620101", 1, 6);
  const std::uint8_t security = b.import_package("A0000000620102", 1, 6);
  const std::uint8_t crypto = b.import_package("A0000000620201", 1, 6);

  const std::uint8_t applet = class_token("javacard.framework.Applet");
  const std::uint8_t apdu = class_token("javacard.framework.APDU");
  const std::uint16_t applet_init = b.cp_external_static_method(
      framework, applet, method_token("javacard.framework.Applet", "<init>", "()V"));
  const std::uint16_t register_applet = b.cp_external_virtual_method(
      framework, applet, method_token("javacard.framework.Applet", "register", "()V"));
  const std::uint16_t receive = b.cp_external_virtual_method(
      framework, apdu, method_token("javacard.framework.APDU", "setIncomingAndReceive", "()S"));
  const std::uint16_t get_buffer = b.cp_external_virtual_method(
      framework, apdu, method_token("javacard.framework.APDU", "getBuffer", "()[B"));
  const std::uint16_t send = b.cp_external_virtual_method(
      framework, apdu, method_token("javacard.framework.APDU", "setOutgoingAndSend", "(SS)V"));
  const std::uint16_t build_key = b.cp_external_static_method(
      security, class_token("javacard.security.KeyBuilder"),
      method_token("javacard.security.KeyBuilder", "buildKey", "(BSZ)Ljavacard/security/Key;"));
  const std::uint16_t aes_key =
      b.cp_external_class(security, class_token("javacard.security.AESKey"));
  const std::uint8_t set_key = method_token("javacard.security.AESKey", "setKey", "([BS)V");
  const std::uint8_t cipher_class = class_token("javacardx.crypto.Cipher");
  const std::uint16_t get_instance = b.cp_external_static_method(
      crypto, cipher_class,
      method_token("javacardx.crypto.Cipher", "getInstance", "(BZ)Ljavacardx/crypto/Cipher;"));
  const std::uint16_t cipher_init = b.cp_external_virtual_method(
      crypto, cipher_class,
      method_token("javacardx.crypto.Cipher", "init", "(Ljavacard/security/Key;B)V"));
  const std::uint16_t do_final = b.cp_external_virtual_method(
      crypto, cipher_class, method_token("javacardx.crypto.Cipher", "doFinal", "([BSS[BS)S"));
  const auto key_field = static_cast<std::uint8_t>(b.cp_instance_field(0, 0));
  const auto cipher_field = static_cast<std::uint8_t>(b.cp_instance_field(0, 1));
  const std::uint16_t self = b.cp_class(0);

  // process(APDU): locals 0 this, 1 apdu, 2 buffer
  Code process;
  process.op(O::kAload1).op2(O::kInvokevirtual, receive).op(O::kPop);
  process.op(O::kAload1).op2(O::kInvokevirtual, get_buffer).op(O::kAstore2);
  process.op(O::kAload2)
      .op(O::kSconst1)
      .op(O::kBaload)
      .op(O::kBspush)
      .s1(0x10)
      .branch(O::kIfScmpneW, "encrypt");
  process.op(O::kGetfieldAThis, key_field)
      .op(O::kAload2)
      .op(O::kSconst5)
      .op(O::kInvokeinterface)
      .u1(3)
      .u2(aes_key)
      .u1(set_key);
  process.op(O::kGetfieldAThis, cipher_field)
      .op(O::kGetfieldAThis, key_field)
      .op(O::kBspush)
      .s1(jcipher::MODE_ENCRYPT)
      .op2(O::kInvokevirtual, cipher_init)
      .op(O::kReturn);
  process.label("encrypt")
      .op(O::kGetfieldAThis, cipher_field)
      .op(O::kAload2)
      .op(O::kSconst5)
      .op(O::kBspush)
      .s1(16)
      .op(O::kAload2)
      .op(O::kSconst0)
      .op2(O::kInvokevirtual, do_final)
      .op(O::kPop)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kBspush)
      .s1(16)
      .op2(O::kInvokevirtual, send)
      .op(O::kReturn);
  const int m_process = b.add_method({7, 2, 1, process.take()});

  // <init>(): super(); key = (AESKey) KeyBuilder.buildKey(TYPE_AES, 128, false);
  //           cipher = Cipher.getInstance(ALG_AES_BLOCK_128_ECB_NOPAD, false)
  Code init;
  init.op(O::kAload0).op2(O::kInvokespecial, applet_init);
  init.op(O::kAload0)
      .op(O::kBspush)
      .s1(jkb::TYPE_AES)
      .op(O::kSspush)
      .s2(128)
      .op(O::kSconst0)
      .op2(O::kInvokestatic, build_key)
      .op(O::kCheckcast)
      .u1(0)
      .u2(aes_key)
      .op(O::kPutfieldA, key_field);
  init.op(O::kAload0)
      .op(O::kBspush)
      .s1(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD)
      .op(O::kSconst0)
      .op2(O::kInvokestatic, get_instance)
      .op(O::kPutfieldA, cipher_field)
      .op(O::kReturn);
  const int m_init = b.add_method({4, 1, 0, init.take()});
  const std::uint16_t self_init = b.cp_static_method(m_init);

  Code install;
  install.op2(O::kNew, self)
      .op(O::kDup)
      .op2(O::kInvokespecial, self_init)
      .op2(O::kInvokevirtual, register_applet)
      .op(O::kReturn);
  const int m_install = b.add_method({2, 3, 0, install.take()});

  ClassSpec cls;
  cls.super_class = cap::ClassRef::external(framework, applet);
  cls.declared_instance_size = 2;
  cls.first_reference_token = 0;
  cls.reference_count = 2;
  cls.public_base =
      method_token("javacard.framework.Applet", "process", "(Ljavacard/framework/APDU;)V");
  cls.public_methods = {m_process};
  b.add_class(cls);
  b.add_applet("A000000559010101", m_install);
  return b;
}

TEST_F(ApiOnVm, AesAppletEncryptsFips197Vector) {
  runtime_->load_package(encode(aes_package().build()));
  runtime_->install_applet(
      vm::Aid::from_hex("A0000005590101"), vm::Aid::from_hex("A000000559010101"),
      vm::Aid::from_hex("A000000559010101"), vm::test::install_parameters("A000000559010101"));
  ASSERT_TRUE(runtime_->select(0, vm::Aid::from_hex("A000000559010101")));
  // This applet does not test selectingApplet(): the SELECT command reaches INS A4's branch,
  // which encrypts and fails because no key is set yet.
  EXPECT_EQ(send("00A4040008A000000559010101").status, 0x6F00);
  // Encrypting before the key is set: Cipher.init never ran, CryptoException INVALID_INIT
  // leaves process() and becomes 6F00.
  EXPECT_EQ(send("8020000010"
                 "00112233445566778899AABBCCDDEEFF")
                .status,
            0x6F00);
  EXPECT_EQ(send("8010000010"
                 "000102030405060708090A0B0C0D0E0F")
                .status,
            0x9000);
  // FIPS 197 Appendix C.1.
  const vm::Response r = send(
      "8020000010"
      "00112233445566778899AABBCCDDEEFF");
  EXPECT_EQ(r.status, 0x9000);
  EXPECT_EQ(to_hex(r.data), "69C4E0D86A7B0430D8CDB78070B4C55A");
}

// The benchmark's applet: each crypto command through bytecode gives OpenSSL's result.
TEST_F(ApiOnVm, CryptoAppletMatchesOpenSsl) {
  runtime_->load_package(encode(test::crypto_applet_package().build()));
  runtime_->install_applet(
      vm::Aid::from_hex(test::kCryptoPackage), vm::Aid::from_hex(test::kCryptoApplet),
      vm::Aid::from_hex(test::kCryptoApplet), vm::test::install_parameters(test::kCryptoApplet));
  ASSERT_TRUE(runtime_->select(0, vm::Aid::from_hex(test::kCryptoApplet)));
  EXPECT_EQ(send("00A4040008A000000559020201").status, 0x9000);
  EXPECT_EQ(send("8010000010"
                 "2B7E151628AED2A6ABF7158809CF4F3C")
                .status,
            0x9000);
  EXPECT_EQ(send("8020000000").status, 0x9000);
  // AES-CBC with a zero IV over zero data: the first block is AES-ECB of zeros,
  // 7DF76B0C1AB899B33E42F047B91B546F for this key (computed with openssl enc -aes-128-ecb).
  vm::Response data = send("8030000000");
  EXPECT_EQ(data.status, 0x9000);
  EXPECT_EQ(to_hex(ByteView(data.data).first(16)), "7DF76B0C1AB899B33E42F047B91B546F");

  EXPECT_EQ(send("8021000000").status, 0x9000);
  EXPECT_EQ(send("8031000000").data.size(), 32u);
  EXPECT_EQ(send("8011000000").status, 0x9000);
  EXPECT_EQ(send("8022000000").status, 0x9000);
  const vm::Response signature = send("8031000000");
  EXPECT_EQ(signature.data[0], 0x30);  // a DER SEQUENCE
}

}  // namespace
}  // namespace uicc::api
