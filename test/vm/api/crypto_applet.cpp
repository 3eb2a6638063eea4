#include "test/vm/api/crypto_applet.h"

#include "vm/api/api_constants.h"
#include "vm/api/export_data.h"

namespace uicc::api::test {
namespace {

using vm::test::CapBuilder;
using vm::test::ClassSpec;
using vm::test::Code;
using O = cap::Opcode;

std::uint8_t class_token(std::string_view qualified) {
  return find_class(qualified)->token;
}

std::uint8_t method_token(std::string_view cls, std::string_view name,
                          std::string_view descriptor) {
  return find_method(*find_class(cls), name, descriptor)->token;
}

}  // namespace

CapBuilder crypto_applet_package() {
  namespace jkb = jc::javacard::security::KeyBuilder;
  namespace jkp = jc::javacard::security::KeyPair;
  namespace jmd = jc::javacard::security::MessageDigest;
  namespace jsig = jc::javacard::security::Signature;
  namespace jcipher = jc::javacardx::crypto::Cipher;

  CapBuilder b(kCryptoPackage);
  b.import_package("A0000000620001", 1, 0);
  const std::uint8_t fw = b.import_package("A0000000620101", 1, 6);
  const std::uint8_t sec = b.import_package("A0000000620102", 1, 6);
  const std::uint8_t cx = b.import_package("A0000000620201", 1, 6);

  auto static_ref = [&](std::uint8_t package, std::string_view cls, std::string_view name,
                        std::string_view descriptor) {
    return b.cp_external_static_method(package, class_token(cls),
                                       method_token(cls, name, descriptor));
  };
  auto virtual_ref = [&](std::uint8_t package, std::string_view cls, std::string_view name,
                         std::string_view descriptor) {
    return b.cp_external_virtual_method(package, class_token(cls),
                                        method_token(cls, name, descriptor));
  };

  const std::uint8_t applet = class_token("javacard.framework.Applet");
  const std::uint16_t applet_init = static_ref(fw, "javacard.framework.Applet", "<init>", "()V");
  const std::uint16_t register_applet =
      virtual_ref(fw, "javacard.framework.Applet", "register", "()V");
  const std::uint16_t receive =
      virtual_ref(fw, "javacard.framework.APDU", "setIncomingAndReceive", "()S");
  const std::uint16_t get_buffer = virtual_ref(fw, "javacard.framework.APDU", "getBuffer", "()[B");
  const std::uint16_t send =
      virtual_ref(fw, "javacard.framework.APDU", "setOutgoingAndSend", "(SS)V");
  const std::uint16_t array_copy =
      static_ref(fw, "javacard.framework.Util", "arrayCopyNonAtomic", "([BS[BSS)S");
  const std::uint16_t build_key =
      static_ref(sec, "javacard.security.KeyBuilder", "buildKey", "(BSZ)Ljavacard/security/Key;");
  const std::uint16_t aes_key = b.cp_external_class(sec, class_token("javacard.security.AESKey"));
  const std::uint8_t set_key = method_token("javacard.security.AESKey", "setKey", "([BS)V");
  const std::uint16_t key_pair = b.cp_external_class(sec, class_token("javacard.security.KeyPair"));
  const std::uint16_t key_pair_init =
      static_ref(sec, "javacard.security.KeyPair", "<init>", "(BS)V");
  const std::uint16_t gen_key_pair =
      virtual_ref(sec, "javacard.security.KeyPair", "genKeyPair", "()V");
  const std::uint16_t get_private = virtual_ref(sec, "javacard.security.KeyPair", "getPrivate",
                                                "()Ljavacard/security/PrivateKey;");
  const std::uint16_t md_instance =
      static_ref(sec, "javacard.security.MessageDigest", "getInstance",
                 "(BZ)Ljavacard/security/MessageDigest;");
  const std::uint16_t md_final =
      virtual_ref(sec, "javacard.security.MessageDigest", "doFinal", "([BSS[BS)S");
  const std::uint16_t sig_instance = static_ref(sec, "javacard.security.Signature", "getInstance",
                                                "(BZ)Ljavacard/security/Signature;");
  const std::uint16_t sig_init =
      virtual_ref(sec, "javacard.security.Signature", "init", "(Ljavacard/security/Key;B)V");
  const std::uint16_t sig_sign =
      virtual_ref(sec, "javacard.security.Signature", "sign", "([BSS[BS)S");
  const std::uint16_t cipher_instance =
      static_ref(cx, "javacardx.crypto.Cipher", "getInstance", "(BZ)Ljavacardx/crypto/Cipher;");
  const std::uint16_t cipher_init =
      virtual_ref(cx, "javacardx.crypto.Cipher", "init", "(Ljavacard/security/Key;B)V");
  const std::uint16_t cipher_final =
      virtual_ref(cx, "javacardx.crypto.Cipher", "doFinal", "([BSS[BS)S");

  // Fields of class 0: key, cipher, digest, signature, data, out (all references).
  const auto f_key = static_cast<std::uint8_t>(b.cp_instance_field(0, 0));
  const auto f_cipher = static_cast<std::uint8_t>(b.cp_instance_field(0, 1));
  const auto f_digest = static_cast<std::uint8_t>(b.cp_instance_field(0, 2));
  const auto f_signature = static_cast<std::uint8_t>(b.cp_instance_field(0, 3));
  const auto f_data = static_cast<std::uint8_t>(b.cp_instance_field(0, 4));
  const auto f_out = static_cast<std::uint8_t>(b.cp_instance_field(0, 5));
  const std::uint16_t self = b.cp_class(0);

  // process(APDU): locals 0 this, 1 apdu, 2 buffer, 3 INS
  Code p;
  p.op(O::kAload1).op2(O::kInvokevirtual, get_buffer).op(O::kAstore2);
  p.op(O::kAload2).op(O::kSconst1).op(O::kBaload).op(O::kSstore3);
  auto on = [&](std::int8_t ins, const char* label) {
    p.op(O::kSload3).op(O::kBspush).s1(ins).branch(O::kIfScmpeqW, label);
  };
  on(0x10, "key");
  on(0x11, "pair");
  on(0x20, "aes");
  on(0x21, "sha");
  on(0x22, "ecdsa");
  on(0x23, "aes_loop");
  on(0x30, "data");
  on(0x31, "out");
  p.op(O::kReturn);

  p.label("key").op(O::kAload1).op2(O::kInvokevirtual, receive).op(O::kPop);
  p.op(O::kGetfieldAThis, f_key)
      .op(O::kAload2)
      .op(O::kSconst5)
      .op(O::kInvokeinterface)
      .u1(3)
      .u2(aes_key)
      .u1(set_key);
  p.op(O::kGetfieldAThis, f_cipher)
      .op(O::kGetfieldAThis, f_key)
      .op(O::kBspush)
      .s1(jcipher::MODE_ENCRYPT)
      .op2(O::kInvokevirtual, cipher_init)
      .op(O::kReturn);

  // new KeyPair(ALG_EC_FP, 256), genKeyPair(), signature.init(getPrivate(), MODE_SIGN)
  p.label("pair")
      .op2(O::kNew, key_pair)
      .op(O::kDup)
      .op(O::kBspush)
      .s1(jkp::ALG_EC_FP)
      .op(O::kSspush)
      .s2(256)
      .op2(O::kInvokespecial, key_pair_init)
      .op(O::kDup)
      .op2(O::kInvokevirtual, gen_key_pair)
      .op(O::kAstore2);
  p.op(O::kGetfieldAThis, f_signature)
      .op(O::kAload2)
      .op2(O::kInvokevirtual, get_private)
      .op(O::kBspush)
      .s1(jsig::MODE_SIGN)
      .op2(O::kInvokevirtual, sig_init)
      .op(O::kReturn);

  p.label("aes")
      .op(O::kGetfieldAThis, f_cipher)
      .op(O::kGetfieldAThis, f_data)
      .op(O::kSconst0)
      .op(O::kSspush)
      .s2(256)
      .op(O::kGetfieldAThis, f_data)
      .op(O::kSconst0)
      .op2(O::kInvokevirtual, cipher_final)
      .op(O::kPop)
      .op(O::kReturn);
  // P1 times the encryption of INS 20, to measure the call without the APDU around it.
  p.label("aes_loop")
      .op(O::kSconst0)
      .op(O::kSstore, 4)
      .op(O::kAload2)
      .op(O::kSconst2)
      .op(O::kBaload)
      .op(O::kSstore, 5);
  p.label("loop").op(O::kSload, 4).op(O::kSload, 5).branch(O::kIfScmpgeW, "loop_end");
  p.op(O::kGetfieldAThis, f_cipher)
      .op(O::kGetfieldAThis, f_data)
      .op(O::kSconst0)
      .op(O::kSspush)
      .s2(256)
      .op(O::kGetfieldAThis, f_data)
      .op(O::kSconst0)
      .op2(O::kInvokevirtual, cipher_final)
      .op(O::kPop)
      .op(O::kSinc)
      .u1(4)
      .s1(1)
      .branch(O::kGotoW, "loop");
  p.label("loop_end").op(O::kReturn);
  p.label("sha")
      .op(O::kGetfieldAThis, f_digest)
      .op(O::kGetfieldAThis, f_data)
      .op(O::kSconst0)
      .op(O::kSspush)
      .s2(1024)
      .op(O::kGetfieldAThis, f_out)
      .op(O::kSconst0)
      .op2(O::kInvokevirtual, md_final)
      .op(O::kPop)
      .op(O::kReturn);
  p.label("ecdsa")
      .op(O::kGetfieldAThis, f_signature)
      .op(O::kGetfieldAThis, f_data)
      .op(O::kSconst0)
      .op(O::kBspush)
      .s1(32)
      .op(O::kGetfieldAThis, f_out)
      .op(O::kSconst0)
      .op2(O::kInvokevirtual, sig_sign)
      .op(O::kPop)
      .op(O::kReturn);
  for (const auto& [label, field] : {std::pair{"data", f_data}, std::pair{"out", f_out}}) {
    p.label(label)
        .op(O::kGetfieldAThis, field)
        .op(O::kSconst0)
        .op(O::kAload2)
        .op(O::kSconst0)
        .op(O::kBspush)
        .s1(32)
        .op2(O::kInvokestatic, array_copy)
        .op(O::kPop)
        .op(O::kAload1)
        .op(O::kSconst0)
        .op(O::kBspush)
        .s1(32)
        .op2(O::kInvokevirtual, send)
        .op(O::kReturn);
  }
  const int m_process = b.add_method({8, 2, 4, p.take()});

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
      .op(O::kPutfieldA, f_key);
  auto factory = [&](std::int8_t algorithm, std::uint16_t method, std::uint8_t field) {
    init.op(O::kAload0)
        .op(O::kBspush)
        .s1(algorithm)
        .op(O::kSconst0)
        .op2(O::kInvokestatic, method)
        .op(O::kPutfieldA, field);
  };
  factory(jcipher::ALG_AES_BLOCK_128_CBC_NOPAD, cipher_instance, f_cipher);
  factory(jmd::ALG_SHA_256, md_instance, f_digest);
  factory(jsig::ALG_ECDSA_SHA_256, sig_instance, f_signature);
  init.op(O::kAload0).op(O::kSspush).s2(1024).op(O::kNewarray).u1(11).op(O::kPutfieldA, f_data);
  init.op(O::kAload0).op(O::kBspush).s1(80).op(O::kNewarray).u1(11).op(O::kPutfieldA, f_out);
  init.op(O::kReturn);
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
  cls.super_class = cap::ClassRef::external(fw, applet);
  cls.declared_instance_size = 6;
  cls.first_reference_token = 0;
  cls.reference_count = 6;
  cls.public_base =
      method_token("javacard.framework.Applet", "process", "(Ljavacard/framework/APDU;)V");
  cls.public_methods = {m_process};
  b.add_class(cls);
  b.add_applet(kCryptoApplet, m_install);
  return b;
}

}  // namespace uicc::api::test
