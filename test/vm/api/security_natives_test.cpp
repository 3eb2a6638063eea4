// The natives of javacard.security and javacardx.crypto on a FakeVm: keys, their life cycle,
// and each crypto class end to end, including a power cycle between init() and use.
#include <gtest/gtest.h>

#include <filesystem>

#include "test/vm/api/fake_vm.h"
#include "vm/api/api_constants.h"

namespace uicc::api {
namespace {

using test::FakeVm;
using test::JavaThrow;
namespace jkb = jc::javacard::security::KeyBuilder;
namespace jkp = jc::javacard::security::KeyPair;
namespace jmd = jc::javacard::security::MessageDigest;
namespace jsig = jc::javacard::security::Signature;
namespace jka = jc::javacard::security::KeyAgreement;
namespace jrandom = jc::javacard::security::RandomData;
namespace jchecksum = jc::javacard::security::Checksum;
namespace jcipher = jc::javacardx::crypto::Cipher;
namespace jaead = jc::javacardx::crypto::AEADCipher;

Slot s(int value) {
  return vm::slot_of_short(static_cast<std::int16_t>(value));
}

std::int16_t crypto_reason(const std::function<void()>& f) {
  try {
    f();
  } catch (const JavaThrow& thrown) {
    EXPECT_EQ(thrown.cls, class_name("javacard.security.CryptoException")) << thrown.what();
    return thrown.reason;
  }
  ADD_FAILURE() << "no CryptoException";
  return 0;
}

Ref aes_key(FakeVm& vm, const Bytes& value, std::int8_t type = jkb::TYPE_AES) {
  const Ref key =
      vm.call_static("javacard.security.KeyBuilder", "buildKey(BSZ)Ljavacard/security/Key;",
                     {s(type), s(static_cast<int>(value.size() * 8)), 0});
  vm.call_virtual(key, "setKey([BS)V", {vm.bytes(value), s(0)});
  return key;
}

TEST(KeyNatives, SecretKeyLifeCycle) {
  FakeVm vm;
  const Ref key =
      vm.call_static("javacard.security.KeyBuilder", "buildKey(BSZ)Ljavacard/security/Key;",
                     {s(jkb::TYPE_AES), s(128), 0});
  EXPECT_TRUE(vm.instance_of(key, class_name("javacard.security.AESKey")));
  EXPECT_FALSE(vm.instance_of(key, class_name("javacard.security.DESKey")));
  EXPECT_EQ(vm.call_virtual(key, "isInitialized()Z", {}), 0u);
  EXPECT_EQ(vm.call_virtual(key, "getSize()S", {}), s(128));
  EXPECT_EQ(vm.call_virtual(key, "getType()B", {}), s(jkb::TYPE_AES));
  const Ref out = vm.bytes(Bytes(16, 0));
  EXPECT_EQ(crypto_reason([&] { vm.call_virtual(key, "getKey([BS)B", {out, s(0)}); }), 2);
  const Bytes value = from_hex("000102030405060708090A0B0C0D0E0F");
  vm.call_virtual(key, "setKey([BS)V", {vm.bytes(value), s(0)});
  EXPECT_EQ(vm.call_virtual(key, "isInitialized()Z", {}), 1u);
  EXPECT_EQ(vm.call_virtual(key, "getKey([BS)B", {out, s(0)}), s(16));
  EXPECT_EQ(vm.contents(out), value);
  vm.call_virtual(key, "clearKey()V", {});
  EXPECT_EQ(vm.call_virtual(key, "isInitialized()Z", {}), 0u);
  EXPECT_EQ(crypto_reason([&] {
              vm.call_static("javacard.security.KeyBuilder", "buildKey(BSZ)Ljavacard/security/Key;",
                             {s(jkb::TYPE_AES), s(100), 0});
            }),
            3);
  EXPECT_EQ(crypto_reason([&] {
              vm.call_static("javacard.security.KeyBuilder", "buildKey(BSZ)Ljavacard/security/Key;",
                             {s(jkb::TYPE_DSA_PRIVATE), s(1024), 0});
            }),
            3);
}

TEST(KeyNatives, TransientKeyIsClearedByReset) {
  FakeVm vm;
  const Ref key = aes_key(vm, Bytes(16, 7), jkb::TYPE_AES_TRANSIENT_RESET);
  EXPECT_EQ(vm.call_virtual(key, "isInitialized()Z", {}), 1u);
  vm.reset_card();
  EXPECT_EQ(vm.call_virtual(key, "isInitialized()Z", {}), 0u);
}

TEST(CipherNatives, AesEcbMatchesFips197AndFollowsReKey) {
  FakeVm vm;
  const Ref key = aes_key(vm, from_hex("000102030405060708090A0B0C0D0E0F"));
  const Ref cipher =
      vm.call_static("javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;",
                     {s(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD), 0});
  const Ref in = vm.bytes(from_hex("00112233445566778899AABBCCDDEEFF"));
  const Ref out = vm.bytes(Bytes(16, 0));
  EXPECT_EQ(crypto_reason([&] {
              vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
            }),
            4);
  vm.call_virtual(cipher, "init(Ljavacard/security/Key;B)V", {key, s(jcipher::MODE_ENCRYPT)});
  EXPECT_EQ(vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)}), s(16));
  EXPECT_EQ(vm.contents(out), from_hex("69C4E0D86A7B0430D8CDB78070B4C55A"));
  EXPECT_EQ(vm.call_virtual(cipher, "getAlgorithm()B", {}),
            s(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD));
  // A new key value is used from the next call on; a cleared key is an error.
  vm.call_virtual(key, "setKey([BS)V", {vm.bytes(Bytes(16, 0)), s(0)});
  vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
  EXPECT_NE(vm.contents(out), from_hex("69C4E0D86A7B0430D8CDB78070B4C55A"));
  vm.call_virtual(key, "clearKey()V", {});
  EXPECT_EQ(crypto_reason([&] {
              vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
            }),
            2);
  // The output must fit.
  vm.call_virtual(key, "setKey([BS)V", {vm.bytes(Bytes(16, 1)), s(0)});
  EXPECT_THROW(vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(1)}),
               JavaThrow);
  EXPECT_EQ(crypto_reason([&] {
              vm.call_static("javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;",
                             {s(jcipher::ALG_RSA_ISO9796), 0});
            }),
            3);
}

// A key written inside an aborted transaction goes back to its old value, and the cipher
// follows the key's value, not its own cached key schedule.
TEST(CipherNatives, FollowsKeyRolledBackByAbort) {
  FakeVm vm;
  const Ref key = aes_key(vm, from_hex("000102030405060708090A0B0C0D0E0F"));
  const Ref cipher =
      vm.call_static("javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;",
                     {s(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD), 0});
  vm.call_virtual(cipher, "init(Ljavacard/security/Key;B)V", {key, s(jcipher::MODE_ENCRYPT)});
  const Ref in = vm.bytes(from_hex("00112233445566778899AABBCCDDEEFF"));
  const Ref out = vm.bytes(Bytes(16, 0));
  vm.call_static("javacard.framework.JCSystem", "beginTransaction()V", {});
  vm.call_virtual(key, "setKey([BS)V", {vm.bytes(Bytes(16, 0x55)), s(0)});
  vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
  EXPECT_NE(vm.contents(out), from_hex("69C4E0D86A7B0430D8CDB78070B4C55A"));
  vm.call_static("javacard.framework.JCSystem", "abortTransaction()V", {});
  vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
  EXPECT_EQ(vm.contents(out), from_hex("69C4E0D86A7B0430D8CDB78070B4C55A"));
}

TEST(CipherNatives, InitStateSurvivesPowerCycle) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("uicc-api-power-" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove(path);
  Ref cipher = 0;
  Ref in = 0;
  Ref out = 0;
  Bytes first;
  {
    FakeVm vm(path);
    const Ref key = aes_key(vm, from_hex("2B7E151628AED2A6ABF7158809CF4F3C"));
    cipher = vm.call_static("javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;",
                            {s(jcipher::ALG_AES_BLOCK_128_CBC_NOPAD), 0});
    const Ref iv = vm.bytes(from_hex("000102030405060708090A0B0C0D0E0F"));
    vm.call_virtual(cipher, "init(Ljavacard/security/Key;B[BSS)V",
                    {key, s(jcipher::MODE_ENCRYPT), iv, s(0), s(16)});
    in = vm.bytes(from_hex("6BC1BEE22E409F96E93D7E117393172A"));
    out = vm.bytes(Bytes(16, 0));
    vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
    first = vm.contents(out);
    EXPECT_EQ(first, from_hex("7649ABAC8119B246CEE98E9B12E9197D"));  // SP 800-38A F.2.1
    vm.store().flush();
  }
  {
    // After the power cycle the object is back in its state after init(): the IV of init().
    FakeVm vm(path);
    vm.call_virtual(cipher, "doFinal([BSS[BS)S", {in, s(0), s(16), out, s(0)});
    EXPECT_EQ(vm.contents(out), first);
  }
  std::filesystem::remove(path);
}

TEST(SignatureNatives, HmacAndEcdsaWithGeneratedKeys) {
  FakeVm vm;
  const Ref hmac_key =
      vm.call_static("javacard.security.KeyBuilder", "buildKey(BSZ)Ljavacard/security/Key;",
                     {s(jkb::TYPE_HMAC), s(160), 0});
  vm.call_virtual(hmac_key, "setKey([BSS)V", {vm.bytes(Bytes(20, 0x0B)), s(0), s(20)});
  const Ref hmac =
      vm.call_static("javacard.security.Signature", "getInstance(BZ)Ljavacard/security/Signature;",
                     {s(jsig::ALG_HMAC_SHA_256), 0});
  vm.call_virtual(hmac, "init(Ljavacard/security/Key;B)V", {hmac_key, s(jsig::MODE_SIGN)});
  const Ref message = vm.bytes(Bytes{'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e'});
  const Ref mac = vm.bytes(Bytes(32, 0));
  EXPECT_EQ(vm.call_virtual(hmac, "sign([BSS[BS)S", {message, s(0), s(8), mac, s(0)}), s(32));
  // RFC 4231 §4.2, test case 1.
  EXPECT_EQ(vm.contents(mac),
            from_hex("B0344C61D8DB38535CA8AFCEAF0BF12B881DC200C9833DA726E9376C2E32CFF7"));
  EXPECT_EQ(vm.call_virtual(hmac, "getLength()S", {}), s(32));

  const Ref pair = vm.make("javacard.security.KeyPair", "<init>(BS)V", {s(jkp::ALG_EC_FP), s(256)});
  vm.call_virtual(pair, "genKeyPair()V", {});
  const Ref public_key = vm.call_virtual(pair, "getPublic()Ljavacard/security/PublicKey;", {});
  const Ref private_key = vm.call_virtual(pair, "getPrivate()Ljavacard/security/PrivateKey;", {});
  EXPECT_EQ(vm.call_virtual(public_key, "isInitialized()Z", {}), 1u);
  const Ref w = vm.bytes(Bytes(65, 0));
  EXPECT_EQ(vm.call_virtual(public_key, "getW([BS)S", {w, s(0)}), s(65));
  EXPECT_EQ(vm.call_virtual(public_key, "getK()S", {}), s(1));

  const Ref ecdsa =
      vm.call_static("javacard.security.Signature", "getInstance(BZ)Ljavacard/security/Signature;",
                     {s(jsig::ALG_ECDSA_SHA_256), 0});
  vm.call_virtual(ecdsa, "init(Ljavacard/security/Key;B)V", {private_key, s(jsig::MODE_SIGN)});
  const Ref signature = vm.bytes(Bytes(72, 0));
  const auto length = vm::short_of_slot(
      vm.call_virtual(ecdsa, "sign([BSS[BS)S", {message, s(0), s(8), signature, s(0)}));
  vm.call_virtual(ecdsa, "init(Ljavacard/security/Key;B)V", {public_key, s(jsig::MODE_VERIFY)});
  EXPECT_EQ(vm.call_virtual(ecdsa, "verify([BSS[BSS)Z",
                            {message, s(0), s(8), signature, s(0), s(length)}),
            1u);
  EXPECT_EQ(vm.call_virtual(ecdsa, "verify([BSS[BSS)Z",
                            {message, s(0), s(7), signature, s(0), s(length)}),
            0u);
  EXPECT_EQ(crypto_reason([&] {
              vm.call_virtual(ecdsa, "sign([BSS[BS)S", {message, s(0), s(8), signature, s(0)});
            }),
            4);
}

TEST(SignatureNatives, RsaCrtKeyPairSignsAndVerifies) {
  FakeVm vm;
  const Ref pair =
      vm.make("javacard.security.KeyPair", "<init>(BS)V", {s(jkp::ALG_RSA_CRT), s(1024)});
  vm.call_virtual(pair, "genKeyPair()V", {});
  const Ref public_key = vm.call_virtual(pair, "getPublic()Ljavacard/security/PublicKey;", {});
  const Ref private_key = vm.call_virtual(pair, "getPrivate()Ljavacard/security/PrivateKey;", {});
  EXPECT_TRUE(vm.instance_of(private_key, class_name("javacard.security.RSAPrivateCrtKey")));
  const Ref exponent = vm.bytes(Bytes(8, 0));
  EXPECT_EQ(vm.call_virtual(public_key, "getExponent([BS)S", {exponent, s(0)}), s(3));
  const Ref rsa =
      vm.call_static("javacard.security.Signature", "getInstance(BZ)Ljavacard/security/Signature;",
                     {s(jsig::ALG_RSA_SHA_256_PKCS1), 0});
  vm.call_virtual(rsa, "init(Ljavacard/security/Key;B)V", {private_key, s(jsig::MODE_SIGN)});
  const Ref message = vm.bytes(Bytes(50, 0x42));
  const Ref signature = vm.bytes(Bytes(128, 0));
  EXPECT_EQ(vm.call_virtual(rsa, "sign([BSS[BS)S", {message, s(0), s(50), signature, s(0)}),
            s(128));
  vm.call_virtual(rsa, "init(Ljavacard/security/Key;B)V", {public_key, s(jsig::MODE_VERIFY)});
  EXPECT_EQ(
      vm.call_virtual(rsa, "verify([BSS[BSS)Z", {message, s(0), s(50), signature, s(0), s(128)}),
      1u);

  const Ref cipher =
      vm.call_static("javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;",
                     {s(jcipher::ALG_RSA_PKCS1), 0});
  vm.call_virtual(cipher, "init(Ljavacard/security/Key;B)V",
                  {public_key, s(jcipher::MODE_ENCRYPT)});
  const Ref encrypted = vm.bytes(Bytes(128, 0));
  vm.call_virtual(cipher, "doFinal([BSS[BS)S", {message, s(0), s(20), encrypted, s(0)});
  vm.call_virtual(cipher, "init(Ljavacard/security/Key;B)V",
                  {private_key, s(jcipher::MODE_DECRYPT)});
  const Ref decrypted = vm.bytes(Bytes(128, 0));
  EXPECT_EQ(
      vm.call_virtual(cipher, "doFinal([BSS[BS)S", {encrypted, s(0), s(128), decrypted, s(0)}),
      s(20));
}

TEST(CryptoNatives, DigestRandomChecksumAndAgreement) {
  FakeVm vm;
  const Ref md =
      vm.call_static("javacard.security.MessageDigest",
                     "getInstance(BZ)Ljavacard/security/MessageDigest;", {s(jmd::ALG_SHA_256), 0});
  const Ref abc = vm.bytes(Bytes{'a', 'b', 'c'});
  const Ref digest = vm.bytes(Bytes(32, 0));
  vm.call_virtual(md, "update([BSS)V", {abc, s(0), s(1)});
  EXPECT_EQ(vm.call_virtual(md, "doFinal([BSS[BS)S", {abc, s(1), s(2), digest, s(0)}), s(32));
  EXPECT_EQ(vm.contents(digest),
            from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
  EXPECT_EQ(vm.call_virtual(md, "getLength()B", {}), s(32));

  const Ref random =
      vm.call_static("javacard.security.RandomData", "getInstance(B)Ljavacard/security/RandomData;",
                     {s(jrandom::ALG_SECURE_RANDOM)});
  const Ref bytes = vm.bytes(Bytes(32, 0));
  EXPECT_EQ(vm.call_virtual(random, "nextBytes([BSS)S", {bytes, s(8), s(16)}), s(24));
  const Bytes generated = vm.contents(bytes);
  EXPECT_EQ(Bytes(generated.begin(), generated.begin() + 8), Bytes(8, 0));
  EXPECT_NE(Bytes(generated.begin() + 8, generated.begin() + 24), Bytes(16, 0));

  const Ref crc =
      vm.call_static("javacard.security.Checksum", "getInstance(BZ)Ljavacard/security/Checksum;",
                     {s(jchecksum::ALG_ISO3309_CRC32), 0});
  vm.call_virtual(crc, "init([BSS)V", {vm.bytes(from_hex("FFFFFFFF")), s(0), s(4)});
  const Ref check = vm.bytes(Bytes{'1', '2', '3', '4', '5', '6', '7', '8', '9'});
  const Ref result = vm.bytes(Bytes(4, 0));
  EXPECT_EQ(vm.call_virtual(crc, "doFinal([BSS[BS)S", {check, s(0), s(9), result, s(0)}), s(4));
  EXPECT_EQ(vm.contents(result), from_hex("CBF43926"));

  Ref pairs[2];
  for (Ref& pair : pairs) {
    pair = vm.make("javacard.security.KeyPair", "<init>(BS)V", {s(jkp::ALG_EC_FP), s(256)});
    vm.call_virtual(pair, "genKeyPair()V", {});
  }
  Bytes secrets[2];
  for (int i = 0; i < 2; ++i) {
    const Ref agreement = vm.call_static("javacard.security.KeyAgreement",
                                         "getInstance(BZ)Ljavacard/security/KeyAgreement;",
                                         {s(jka::ALG_EC_SVDP_DH_PLAIN), 0});
    vm.call_virtual(agreement, "init(Ljavacard/security/PrivateKey;)V",
                    {vm.call_virtual(pairs[i], "getPrivate()Ljavacard/security/PrivateKey;", {})});
    const Ref w = vm.bytes(Bytes(65, 0));
    vm.call_virtual(vm.call_virtual(pairs[1 - i], "getPublic()Ljavacard/security/PublicKey;", {}),
                    "getW([BS)S", {w, s(0)});
    const Ref secret = vm.bytes(Bytes(32, 0));
    EXPECT_EQ(
        vm.call_virtual(agreement, "generateSecret([BSS[BS)S", {w, s(0), s(65), secret, s(0)}),
        s(32));
    secrets[i] = vm.contents(secret);
  }
  EXPECT_EQ(secrets[0], secrets[1]);
}

TEST(CryptoNatives, AesGcmThroughCipherGetInstance) {
  FakeVm vm;
  // McGrew and Viega, GCM test case 2.
  const Ref key = aes_key(vm, Bytes(16, 0));
  const Ref aead =
      vm.call_static("javacardx.crypto.Cipher", "getInstance(BZ)Ljavacardx/crypto/Cipher;",
                     {s(jaead::ALG_AES_GCM), 0});
  EXPECT_TRUE(vm.instance_of(aead, class_name("javacardx.crypto.AEADCipher")));
  const Ref nonce = vm.bytes(Bytes(12, 0));
  vm.call_virtual(aead, "init(Ljavacard/security/Key;B[BSSSSS)V",
                  {key, s(jcipher::MODE_ENCRYPT), nonce, s(0), s(12), s(0), s(16), s(16)});
  const Ref plain = vm.bytes(Bytes(16, 0));
  const Ref out = vm.bytes(Bytes(16, 0));
  EXPECT_EQ(vm.call_virtual(aead, "doFinal([BSS[BS)S", {plain, s(0), s(16), out, s(0)}), s(16));
  EXPECT_EQ(vm.contents(out), from_hex("0388DACE60B6A392F328C2B971B2FE78"));
  const Ref tag = vm.bytes(Bytes(16, 0));
  EXPECT_EQ(vm.call_virtual(aead, "retrieveTag([BSS)S", {tag, s(0), s(16)}), s(16));
  EXPECT_EQ(vm.contents(tag), from_hex("AB6E47D42CEC13BDF53A67B21257BDDF"));
}

}  // namespace
}  // namespace uicc::api
