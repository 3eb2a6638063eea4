// The crypto engines' Java Card behaviour beyond the vectors: every CryptoException reason they
// document, padding round trips, split input, re-keying, IV reset and reuse after errors.
#include <gtest/gtest.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/aead_cipher.h"
#include "vm/api/crypto/checksum.h"
#include "vm/api/crypto/cipher.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/api/crypto/key_agreement.h"
#include "vm/api/crypto/key_pair.h"
#include "vm/api/crypto/message_digest.h"
#include "vm/api/crypto/random_data.h"
#include "vm/api/crypto/signature.h"

namespace uicc::api::crypto {
namespace {

namespace jmd = jc::javacard::security::MessageDigest;
namespace jsig = jc::javacard::security::Signature;
namespace jka = jc::javacard::security::KeyAgreement;
namespace jrandom = jc::javacard::security::RandomData;
namespace jchecksum = jc::javacard::security::Checksum;
namespace jcipher = jc::javacardx::crypto::Cipher;
namespace jaead = jc::javacardx::crypto::AEADCipher;

Bytes to_bytes(ByteView view) {
  return Bytes(view.begin(), view.end());
}

// Runs `f` and returns the CryptoException reason it threw, or nullopt.
template <typename F>
std::optional<Reason> reason_of(F&& f) {
  try {
    f();
  } catch (const CryptoError& error) {
    return error.reason();
  }
  return std::nullopt;
}

const Bytes kAes128 = from_hex("2B7E151628AED2A6ABF7158809CF4F3C");
const Bytes kDes2 = from_hex("0123456789ABCDEFFEDCBA9876543210");

TEST(CipherEngine, UnsupportedAlgorithmsThrowNoSuchAlgorithm) {
  for (std::int8_t id : {jcipher::ALG_AES_BLOCK_192_ECB_NOPAD, jcipher::ALG_AES_BLOCK_256_CBC_NOPAD,
                         jcipher::ALG_RSA_ISO9796, jcipher::ALG_RSA_ISO14888,
                         jcipher::ALG_KOREAN_SEED_ECB_NOPAD, std::int8_t{0}, std::int8_t{99}}) {
    EXPECT_EQ(reason_of([&] { Cipher::create(id); }), Reason::no_such_algorithm) << int{id};
  }
  EXPECT_EQ(reason_of([] { Cipher::create(jcipher::CIPHER_AES_CBC, jcipher::PAD_PKCS1); }),
            Reason::no_such_algorithm);
}

TEST(CipherEngine, InitRejectsBadModeKeyAndIv) {
  auto cbc = Cipher::create(jcipher::ALG_AES_BLOCK_128_CBC_NOPAD);
  const AesKeyData aes{kAes128};
  EXPECT_EQ(reason_of([&] { cbc->init(aes, 3, nullptr); }), Reason::illegal_value);
  EXPECT_EQ(reason_of([&] { cbc->init(DesKeyData{kDes2}, jcipher::MODE_ENCRYPT, nullptr); }),
            Reason::illegal_value);
  const Bytes short_iv(8, 0);
  ByteView iv = short_iv;
  EXPECT_EQ(reason_of([&] { cbc->init(aes, jcipher::MODE_ENCRYPT, &iv); }), Reason::illegal_value);
  auto ecb = Cipher::create(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD);
  const Bytes block_iv(16, 0);
  ByteView iv16 = block_iv;
  EXPECT_EQ(reason_of([&] { ecb->init(aes, jcipher::MODE_ENCRYPT, &iv16); }),
            Reason::illegal_value);
  const Bytes bad_key(15, 1);
  EXPECT_EQ(reason_of([&] { ecb->init(AesKeyData{bad_key}, jcipher::MODE_ENCRYPT, nullptr); }),
            Reason::illegal_value);
}

TEST(CipherEngine, UseBeforeInitThrowsInvalidInit) {
  auto cipher = Cipher::create(jcipher::ALG_DES_CBC_NOPAD);
  EXPECT_FALSE(cipher->initialized());
  EXPECT_EQ(reason_of([&] { cipher->update(Bytes(8, 0)); }), Reason::invalid_init);
  EXPECT_EQ(reason_of([&] { cipher->do_final(Bytes(8, 0)); }), Reason::invalid_init);
}

TEST(CipherEngine, NoPaddingRejectsUnalignedAndEmptyInput) {
  auto cipher = Cipher::create(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD);
  cipher->init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nullptr);
  EXPECT_EQ(reason_of([&] { cipher->do_final(Bytes(15, 0)); }), Reason::illegal_use);
  EXPECT_EQ(reason_of([&] { cipher->do_final({}); }), Reason::illegal_use);
  // The object stays usable after the error.
  EXPECT_EQ(cipher->do_final(Bytes(16, 0)).size(), 16u);
}

TEST(CipherEngine, PaddingsRoundTripEveryLength) {
  const std::int8_t algorithms[] = {
      jcipher::ALG_DES_CBC_ISO9797_M1, jcipher::ALG_DES_CBC_ISO9797_M2,
      jcipher::ALG_DES_CBC_PKCS5,      jcipher::ALG_DES_ECB_ISO9797_M2,
      jcipher::ALG_DES_ECB_PKCS5,      jcipher::ALG_AES_CBC_ISO9797_M2,
      jcipher::ALG_AES_CBC_PKCS5,      jcipher::ALG_AES_ECB_ISO9797_M1,
      jcipher::ALG_AES_ECB_PKCS5,
  };
  for (std::int8_t id : algorithms) {
    auto cipher = Cipher::create(id);
    const bool des = id <= jcipher::ALG_DES_ECB_PKCS5;
    const std::size_t block = des ? 8 : 16;
    const KeyData key = des ? KeyData{DesKeyData{kDes2}} : KeyData{AesKeyData{kAes128}};
    const bool m1 = id == jcipher::ALG_DES_CBC_ISO9797_M1 || id == jcipher::ALG_AES_ECB_ISO9797_M1;
    for (std::size_t length = 0; length <= 2 * block + 1; ++length) {
      SCOPED_TRACE(testing::Message() << "algorithm " << int{id} << " length " << length);
      Bytes plain(length);
      for (std::size_t i = 0; i < length; ++i) plain[i] = static_cast<std::uint8_t>(0xA0 + i);
      cipher->init(key, jcipher::MODE_ENCRYPT, nullptr);
      const Bytes encrypted = to_bytes(cipher->do_final(plain));
      ASSERT_EQ(encrypted.size() % block, 0u);
      ASSERT_GE(encrypted.size(), length);
      cipher->init(key, jcipher::MODE_DECRYPT, nullptr);
      // Decrypt in two parts: the padded last block is held back until doFinal.
      Bytes decrypted = to_bytes(cipher->update(ByteView(encrypted).first(encrypted.size() / 2)));
      append(decrypted, cipher->do_final(ByteView(encrypted).subspan(encrypted.size() / 2)));
      if (m1) {
        // Method 1 padding (zeros) cannot be removed: the zeros stay.
        ASSERT_EQ(ByteView(decrypted).first(length).size(), length);
        EXPECT_TRUE(std::equal(plain.begin(), plain.end(), decrypted.begin()));
      } else {
        EXPECT_EQ(decrypted, plain);
      }
    }
  }
}

TEST(CipherEngine, BadPaddingThrowsIllegalUse) {
  auto cipher = Cipher::create(jcipher::ALG_AES_CBC_PKCS5);
  cipher->init(AesKeyData{kAes128}, jcipher::MODE_DECRYPT, nullptr);
  // 16 random-looking bytes decrypt to a block whose last byte is almost never a valid count.
  auto raw = Cipher::create(jcipher::ALG_AES_BLOCK_128_CBC_NOPAD);
  raw->init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nullptr);
  Bytes block(16, 0x11);
  block[15] = 0x00;  // a zero count is never valid PKCS#5 padding
  const Bytes encrypted = to_bytes(raw->do_final(block));
  EXPECT_EQ(reason_of([&] { cipher->do_final(encrypted); }), Reason::illegal_use);
  EXPECT_EQ(reason_of([&] { cipher->do_final(Bytes(15, 0)); }), Reason::illegal_use);

  auto m2 = Cipher::create(jcipher::ALG_AES_CBC_ISO9797_M2);
  m2->init(AesKeyData{kAes128}, jcipher::MODE_DECRYPT, nullptr);
  EXPECT_EQ(reason_of([&] { m2->do_final(encrypted); }), Reason::illegal_use);
}

TEST(CipherEngine, CbcIvResetsToZeroAfterDoFinal) {
  auto cipher = Cipher::create(jcipher::ALG_AES_BLOCK_128_CBC_NOPAD);
  const Bytes iv_bytes = from_hex("000102030405060708090A0B0C0D0E0F");
  ByteView iv = iv_bytes;
  const Bytes plain(16, 0x42);
  cipher->init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, &iv);
  const Bytes first = to_bytes(cipher->do_final(plain));
  const Bytes second = to_bytes(cipher->do_final(plain));
  cipher->init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nullptr);
  const Bytes zero_iv = to_bytes(cipher->do_final(plain));
  EXPECT_NE(first, second);
  EXPECT_EQ(second, zero_iv);
}

TEST(CipherEngine, ReKeyChangesTheResult) {
  auto cipher = Cipher::create(jcipher::ALG_AES_BLOCK_128_ECB_NOPAD);
  const Bytes other = from_hex("000102030405060708090A0B0C0D0E0F");
  const Bytes plain = from_hex("00112233445566778899AABBCCDDEEFF");
  cipher->init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nullptr);
  const Bytes a = to_bytes(cipher->do_final(plain));
  cipher->init(AesKeyData{other}, jcipher::MODE_ENCRYPT, nullptr);
  EXPECT_EQ(to_bytes(cipher->do_final(plain)), from_hex("69C4E0D86A7B0430D8CDB78070B4C55A"));
  EXPECT_NE(a, from_hex("69C4E0D86A7B0430D8CDB78070B4C55A"));
}

TEST(CipherEngine, TwoArgumentFactoryMatchesAlgorithm) {
  auto a = Cipher::create(jcipher::CIPHER_DES_CBC, jcipher::PAD_ISO9797_M2);
  EXPECT_EQ(a->algorithm(), jcipher::ALG_DES_CBC_ISO9797_M2);
  EXPECT_EQ(a->cipher_algorithm(), jcipher::CIPHER_DES_CBC);
  EXPECT_EQ(a->padding_algorithm(), jcipher::PAD_ISO9797_M2);
  auto rsa = Cipher::create(jcipher::CIPHER_RSA, jcipher::PAD_PKCS1_OAEP_SHA256);
  EXPECT_EQ(rsa->cipher_algorithm(), jcipher::CIPHER_RSA);
}

TEST(CipherEngine, DesKeyLengthsGiveSingleAndTripleDes) {
  // A two-key 3DES key with K1 = K2 is single DES: the Stallings example again.
  const Bytes single = from_hex("133457799BBCDFF1");
  const Bytes doubled = from_hex("133457799BBCDFF1133457799BBCDFF1");
  auto cipher = Cipher::create(jcipher::ALG_DES_ECB_NOPAD);
  cipher->init(DesKeyData{doubled}, jcipher::MODE_ENCRYPT, nullptr);
  EXPECT_EQ(to_bytes(cipher->do_final(from_hex("0123456789ABCDEF"))), from_hex("85E813540F0AB405"));
  const Bytes bad(12, 0);
  EXPECT_EQ(reason_of([&] { cipher->init(DesKeyData{bad}, jcipher::MODE_ENCRYPT, nullptr); }),
            Reason::illegal_value);
  cipher->init(DesKeyData{single}, jcipher::MODE_ENCRYPT, nullptr);
  EXPECT_EQ(to_bytes(cipher->do_final(from_hex("0123456789ABCDEF"))), from_hex("85E813540F0AB405"));
}

TEST(MessageDigestEngine, UnsupportedAlgorithmThrowsNoSuchAlgorithm) {
  EXPECT_EQ(reason_of([] { MessageDigest md(jmd::ALG_NULL); }), Reason::no_such_algorithm);
  EXPECT_EQ(reason_of([] { MessageDigest md(42); }), Reason::no_such_algorithm);
}

TEST(MessageDigestEngine, ResetDiscardsAccumulatedInput) {
  MessageDigest md(jmd::ALG_SHA_256);
  md.update(Bytes{'x', 'y'});
  md.reset();
  EXPECT_EQ(to_bytes(md.do_final(Bytes{'a', 'b', 'c'})),
            from_hex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
}

TEST(SignatureEngine, UnsupportedAlgorithmsThrowNoSuchAlgorithm) {
  for (std::int8_t id : {jsig::ALG_AES_MAC_192_NOPAD, jsig::ALG_DSA_SHA, jsig::ALG_RSA_SHA_ISO9796,
                         jsig::ALG_RSA_SHA_RFC2409, jsig::ALG_KOREAN_SEED_MAC_NOPAD, std::int8_t{0},
                         std::int8_t{120}}) {
    EXPECT_EQ(reason_of([&] { Signature::create(id); }), Reason::no_such_algorithm) << int{id};
  }
  EXPECT_EQ(reason_of([] {
              Signature::create(jmd::ALG_SHA_256, jsig::SIG_CIPHER_DSA, jcipher::PAD_NULL);
            }),
            Reason::no_such_algorithm);
}

TEST(SignatureEngine, ModeChecksThrowInvalidInit) {
  auto mac = Signature::create(jsig::ALG_AES_CMAC_128);
  EXPECT_EQ(reason_of([&] { mac->sign({}); }), Reason::invalid_init);
  EXPECT_EQ(reason_of([&] { mac->update(Bytes(3, 0)); }), Reason::invalid_init);
  mac->init(AesKeyData{kAes128}, jsig::MODE_VERIFY, nullptr);
  EXPECT_EQ(reason_of([&] { mac->sign({}); }), Reason::invalid_init);
  mac->init(AesKeyData{kAes128}, jsig::MODE_SIGN, nullptr);
  EXPECT_EQ(reason_of([&] { mac->verify({}, Bytes(16, 0)); }), Reason::invalid_init);
  EXPECT_EQ(reason_of([&] { mac->init(AesKeyData{kAes128}, 0, nullptr); }), Reason::illegal_value);
  EXPECT_EQ(reason_of([&] { mac->init(DesKeyData{kDes2}, jsig::MODE_SIGN, nullptr); }),
            Reason::illegal_value);
}

TEST(SignatureEngine, MacWithoutPaddingNeedsAlignedInput) {
  auto mac = Signature::create(jsig::ALG_DES_MAC8_NOPAD);
  mac->init(DesKeyData{kDes2}, jsig::MODE_SIGN, nullptr);
  EXPECT_EQ(reason_of([&] { mac->sign(Bytes(7, 0)); }), Reason::illegal_use);
  EXPECT_EQ(reason_of([&] { mac->sign({}); }), Reason::illegal_use);
  EXPECT_EQ(mac->sign(Bytes(16, 0)).size(), 8u);
}

TEST(SignatureEngine, MacFourIsPrefixOfMacEight) {
  auto mac8 = Signature::create(jsig::ALG_DES_MAC8_ISO9797_M2);
  auto mac4 = Signature::create(jsig::ALG_DES_MAC4_ISO9797_M2);
  mac8->init(DesKeyData{kDes2}, jsig::MODE_SIGN, nullptr);
  mac4->init(DesKeyData{kDes2}, jsig::MODE_SIGN, nullptr);
  const Bytes message{1, 2, 3, 4, 5};
  const Bytes full = to_bytes(mac8->sign(message));
  EXPECT_EQ(to_bytes(mac4->sign(message)), Bytes(full.begin(), full.begin() + 4));
  EXPECT_EQ(mac4->length(), 4u);
}

TEST(SignatureEngine, MacIvIsUsedOnceThenZero) {
  auto mac = Signature::create(jsig::ALG_AES_MAC_128_NOPAD);
  const Bytes iv_bytes(16, 0x5A);
  ByteView iv = iv_bytes;
  const Bytes block(16, 0x33);
  mac->init(AesKeyData{kAes128}, jsig::MODE_SIGN, &iv);
  const Bytes with_iv = to_bytes(mac->sign(block));
  const Bytes after = to_bytes(mac->sign(block));
  mac->init(AesKeyData{kAes128}, jsig::MODE_SIGN, nullptr);
  EXPECT_EQ(to_bytes(mac->sign(block)), after);
  EXPECT_NE(with_iv, after);
}

TEST(SignatureEngine, RetailMacNeedsTwoKeyDes) {
  auto mac = Signature::create(jsig::ALG_DES_MAC8_ISO9797_1_M2_ALG3);
  const Bytes single(8, 1);
  EXPECT_EQ(reason_of([&] { mac->init(DesKeyData{single}, jsig::MODE_SIGN, nullptr); }),
            Reason::illegal_value);
}

TEST(SignatureEngine, MacsRejectPrecomputedHash) {
  auto mac = Signature::create(jsig::ALG_HMAC_SHA_256);
  mac->init(HmacKeyData{kAes128}, jsig::MODE_SIGN, nullptr);
  EXPECT_EQ(reason_of([&] { mac->sign_hash(Bytes(32, 0)); }), Reason::illegal_use);
}

TEST(SignatureEngine, EcdsaLengthAndHashChecks) {
  auto ecdsa = Signature::create(jsig::ALG_ECDSA_SHA_256);
  EXPECT_EQ(reason_of([&] { ecdsa->length(); }), Reason::invalid_init);
  const auto domain = standard_curve(256);
  ASSERT_TRUE(domain);
  const EcKeyPairData pair = generate_ec(domain->view());
  ecdsa->init(EcPrivateKeyData{domain->view(), pair.s.view()}, jsig::MODE_SIGN, nullptr);
  EXPECT_EQ(ecdsa->length(), 72u);
  EXPECT_EQ(reason_of([&] { ecdsa->sign_hash(Bytes(20, 0)); }), Reason::illegal_use);
  const Bytes hash(32, 0x77);
  const Bytes signature = to_bytes(ecdsa->sign_hash(hash));
  ecdsa->init(EcPublicKeyData{domain->view(), pair.w}, jsig::MODE_VERIFY, nullptr);
  EXPECT_TRUE(ecdsa->verify_hash(hash, signature));
  EXPECT_FALSE(ecdsa->verify_hash(Bytes(32, 0x78), signature));
  // Wrong key direction.
  EXPECT_EQ(reason_of([&] {
              ecdsa->init(EcPublicKeyData{domain->view(), pair.w}, jsig::MODE_SIGN, nullptr);
            }),
            Reason::illegal_value);
}

TEST(EcKeys, PointOffTheCurveIsIllegalValue) {
  const auto domain = standard_curve(256);
  ASSERT_TRUE(domain);
  Bytes w = domain->g;
  w.back() ^= 0x01;
  EXPECT_EQ(reason_of([&] {
              make_pkey(EcPublicKeyData{domain->view(), w});
            }),
            Reason::illegal_value);
  const Bytes zero(32, 0);
  EXPECT_EQ(reason_of([&] {
              make_pkey(EcPrivateKeyData{domain->view(), zero});
            }),
            Reason::illegal_value);
}

TEST(KeyAgreementEngine, BothSidesDeriveTheSameSecret) {
  for (const char* curve : {"prime256v1", "secp384r1", "brainpoolP256r1"}) {
    SCOPED_TRACE(curve);
    const auto domain = named_curve(curve);
    ASSERT_TRUE(domain);
    const EcKeyPairData alice = generate_ec(domain->view());
    const EcKeyPairData bob = generate_ec(domain->view());
    const std::size_t size = (alice.w.size() - 1) / 2;
    KeyAgreement a(jka::ALG_EC_SVDP_DH_PLAIN);
    KeyAgreement b(jka::ALG_EC_SVDP_DH_PLAIN);
    a.init(EcPrivateKeyData{domain->view(), alice.s.view()});
    b.init(EcPrivateKeyData{domain->view(), bob.s.view()});
    const Bytes x = a.generate_secret(bob.w);
    EXPECT_EQ(x.size(), size);
    EXPECT_EQ(x, b.generate_secret(alice.w));

    KeyAgreement xy(jka::ALG_EC_SVDP_DH_PLAIN_XY);
    xy.init(EcPrivateKeyData{domain->view(), alice.s.view()});
    const Bytes point = xy.generate_secret(bob.w);
    ASSERT_EQ(point.size(), 1 + 2 * size);
    EXPECT_EQ(point[0], 0x04);
    EXPECT_EQ(Bytes(point.begin() + 1, point.begin() + 1 + static_cast<std::ptrdiff_t>(size)), x);

    KeyAgreement sha(jka::ALG_EC_SVDP_DH);
    sha.init(EcPrivateKeyData{domain->view(), alice.s.view()});
    MessageDigest sha1(jmd::ALG_SHA);
    EXPECT_EQ(sha.generate_secret(bob.w), to_bytes(sha1.do_final(x)));

    // Cofactor 1 on these curves: DHC equals DH.
    KeyAgreement dhc(jka::ALG_EC_SVDP_DHC_PLAIN);
    dhc.init(EcPrivateKeyData{domain->view(), alice.s.view()});
    EXPECT_EQ(dhc.generate_secret(bob.w), x);
  }
}

TEST(KeyAgreementEngine, DocumentedErrors) {
  EXPECT_EQ(reason_of([] { KeyAgreement k(jka::ALG_EC_PACE_GM); }), Reason::no_such_algorithm);
  EXPECT_EQ(reason_of([] { KeyAgreement k(jka::ALG_DH_PLAIN); }), Reason::no_such_algorithm);
  KeyAgreement k(jka::ALG_EC_SVDP_DH_PLAIN);
  const auto domain = standard_curve(256);
  EXPECT_EQ(reason_of([&] { k.generate_secret(domain->g); }), Reason::invalid_init);
  EXPECT_EQ(reason_of([&] { k.init(AesKeyData{kAes128}); }), Reason::illegal_value);
  const EcKeyPairData pair = generate_ec(domain->view());
  k.init(EcPrivateKeyData{domain->view(), pair.s.view()});
  Bytes off = pair.w;
  off[5] ^= 0x10;
  EXPECT_EQ(reason_of([&] { k.generate_secret(off); }), Reason::illegal_value);
}

TEST(RandomDataEngine, ProducesFreshBytes) {
  RandomData random(jrandom::ALG_SECURE_RANDOM);
  Bytes a(32), b(32);
  random.generate(a);
  random.set_seed(Bytes{1, 2, 3});
  random.generate(b);
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(32, 0));
  Bytes large(10000);
  random.generate(large);
  EXPECT_EQ(reason_of([] { RandomData r(0); }), Reason::no_such_algorithm);
  EXPECT_EQ(reason_of([] { RandomData r(7); }), Reason::no_such_algorithm);
}

// Check values of the CRC catalogue ("123456789"): CRC-16/GSM (the API's default start value
// 0) 0xCE3C and CRC-16/GENIBUS (start 0xFFFF) 0xD64E; CRC-32 (start 0xFFFFFFFF, as PKZIP)
// 0xCBF43926. The CRC-32 with start 0 was computed with Python's zlib.crc32(data, 0xFFFFFFFF).
TEST(ChecksumEngine, MatchesCatalogueCheckValues) {
  const Bytes check{'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  Checksum crc16(jchecksum::ALG_ISO3309_CRC16);
  EXPECT_EQ(crc16.do_final(check), from_hex("CE3C"));
  crc16.init(from_hex("FFFF"));
  crc16.update(ByteView(check).first(4));
  EXPECT_EQ(crc16.do_final(ByteView(check).subspan(4)), from_hex("D64E"));
  // doFinal put the start value back to zero.
  EXPECT_EQ(crc16.do_final(check), from_hex("CE3C"));

  Checksum crc32(jchecksum::ALG_ISO3309_CRC32);
  EXPECT_EQ(crc32.do_final(check), from_hex("D202D277"));
  crc32.init(from_hex("FFFFFFFF"));
  EXPECT_EQ(crc32.do_final(check), from_hex("CBF43926"));
  EXPECT_EQ(reason_of([&] { crc32.init(from_hex("FFFF")); }), Reason::illegal_value);
  EXPECT_EQ(reason_of([] { Checksum c(3); }), Reason::no_such_algorithm);
}

TEST(AeadCipherEngine, DocumentedErrors) {
  EXPECT_EQ(reason_of([] { AeadCipher a(jcipher::ALG_AES_CTR); }), Reason::no_such_algorithm);
  AeadCipher gcm(jaead::ALG_AES_GCM);
  const Bytes nonce(12, 1);
  EXPECT_EQ(reason_of([&] { gcm.update(Bytes(3, 0)); }), Reason::invalid_init);
  EXPECT_EQ(
      reason_of([&] { gcm.init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nonce, 0, 0, 11); }),
      Reason::illegal_value);
  EXPECT_EQ(reason_of([&] { gcm.init(DesKeyData{kDes2}, jcipher::MODE_ENCRYPT, nonce, 0, 0, 16); }),
            Reason::illegal_value);
  gcm.init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nonce, 0, 0, 16);
  gcm.update(Bytes(5, 0));
  EXPECT_EQ(reason_of([&] { gcm.update_aad(Bytes(2, 0)); }), Reason::illegal_use);
  EXPECT_EQ(reason_of([&] { gcm.retrieve_tag(16); }), Reason::illegal_use);
  gcm.do_final({});
  EXPECT_EQ(reason_of([&] { gcm.verify_tag(Bytes(16, 0), 16); }), Reason::illegal_use);
  EXPECT_EQ(gcm.retrieve_tag(12).size(), 12u);

  AeadCipher ccm(jaead::ALG_AES_CCM);
  EXPECT_EQ(
      reason_of([&] { ccm.init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nonce, 0, 4, 5); }),
      Reason::illegal_value);
  const Bytes short_nonce(6, 0);
  EXPECT_EQ(reason_of([&] {
              ccm.init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, short_nonce, 0, 4, 8);
            }),
            Reason::illegal_value);
  ccm.init(AesKeyData{kAes128}, jcipher::MODE_ENCRYPT, nonce, 2, 4, 8);
  EXPECT_EQ(reason_of([&] { ccm.update_aad(Bytes(3, 0)); }), Reason::illegal_use);
  ccm.update_aad(Bytes(2, 0));
  EXPECT_EQ(reason_of([&] { ccm.update(Bytes(5, 0)); }), Reason::illegal_use);
  EXPECT_EQ(reason_of([&] { ccm.do_final(Bytes(3, 0)); }), Reason::illegal_use);
}

TEST(KeyPairGeneration, RsaSizesAndExponent) {
  for (std::size_t bits : {512u, 1024u, 2048u}) {
    const RsaKeyPairData pair = generate_rsa(bits, std::nullopt);
    EXPECT_EQ(pair.modulus.size(), bits / 8);
    EXPECT_EQ(pair.modulus[0] & 0x80, 0x80);
    EXPECT_EQ(pair.public_exponent, from_hex("010001"));
  }
  const RsaKeyPairData three = generate_rsa(1024, from_hex("03"));
  EXPECT_EQ(three.public_exponent, from_hex("03"));
  EXPECT_EQ(reason_of([] { generate_rsa(511, std::nullopt); }), Reason::illegal_value);
  EXPECT_EQ(reason_of([] { generate_rsa(4104, std::nullopt); }), Reason::illegal_value);
  EXPECT_EQ(reason_of([] { generate_rsa(1024, from_hex("010000")); }), Reason::illegal_value);
}

TEST(KeyPairGeneration, EcKeysLieOnTheirCurves) {
  for (const char* curve : {"prime256v1", "secp384r1", "brainpoolP256r1"}) {
    SCOPED_TRACE(curve);
    const auto domain = named_curve(curve);
    ASSERT_TRUE(domain);
    const EcKeyPairData pair = generate_ec(domain->view());
    EXPECT_EQ(pair.w.size(), domain->g.size());
    EXPECT_NO_THROW(make_pkey(EcPublicKeyData{domain->view(), pair.w}));
    EXPECT_EQ(pair.s.size(), domain->r.size());
  }
  EXPECT_FALSE(standard_curve(255));
  EXPECT_TRUE(standard_curve(521));
}

}  // namespace
}  // namespace uicc::api::crypto
