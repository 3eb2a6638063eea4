// The crypto engines against published vectors (data/*.vec, each with its source), one shot
// and with the input split across update calls.
#include <gtest/gtest.h>

#include "test/vm/api/vector_file.h"
#include "vm/api/api_constants.h"
#include "vm/api/crypto/aead_cipher.h"
#include "vm/api/crypto/cipher.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/api/crypto/key_pair.h"
#include "vm/api/crypto/message_digest.h"
#include "vm/api/crypto/signature.h"

namespace uicc::api::crypto {
namespace {

using test::message_of;
using test::read_vectors;
using test::Record;
using test::where;
namespace jmd = jc::javacard::security::MessageDigest;
namespace jsig = jc::javacard::security::Signature;
namespace jcipher = jc::javacardx::crypto::Cipher;
namespace jaead = jc::javacardx::crypto::AEADCipher;

Bytes to_bytes(ByteView view) {
  return Bytes(view.begin(), view.end());
}

std::int8_t digest_id(const std::string& name) {
  if (name == "SHA-1") return jmd::ALG_SHA;
  if (name == "SHA-224") return jmd::ALG_SHA_224;
  if (name == "SHA-256") return jmd::ALG_SHA_256;
  if (name == "SHA-384") return jmd::ALG_SHA_384;
  if (name == "SHA-512") return jmd::ALG_SHA_512;
  throw std::invalid_argument("unknown digest " + name);
}

TEST(MessageDigestVectors, MatchFips180Examples) {
  const auto records = read_vectors("message_digest.vec");
  ASSERT_EQ(records.size(), 6u);
  for (const Record& r : records) {
    SCOPED_TRACE(where(r, "message_digest.vec"));
    MessageDigest md(digest_id(r.at("Algorithm")));
    const Bytes message = message_of(r);
    const Bytes expected = from_hex(r.at("Digest"));
    EXPECT_EQ(md.length(), expected.size());
    EXPECT_EQ(to_bytes(md.do_final(message)), expected);
    // Split byte by byte: the object was reset by do_final.
    for (std::uint8_t b : message) md.update(ByteView(&b, 1));
    EXPECT_EQ(to_bytes(md.do_final({})), expected);
  }
}

std::int8_t cipher_id(const std::string& name) {
  if (name == "ALG_AES_BLOCK_128_ECB_NOPAD") return jcipher::ALG_AES_BLOCK_128_ECB_NOPAD;
  if (name == "ALG_AES_BLOCK_128_CBC_NOPAD") return jcipher::ALG_AES_BLOCK_128_CBC_NOPAD;
  if (name == "ALG_AES_CTR") return jcipher::ALG_AES_CTR;
  if (name == "ALG_DES_ECB_NOPAD") return jcipher::ALG_DES_ECB_NOPAD;
  if (name == "ALG_DES_CBC_NOPAD") return jcipher::ALG_DES_CBC_NOPAD;
  throw std::invalid_argument("unknown cipher " + name);
}

KeyData symmetric_key(std::int8_t cipher, ByteView key) {
  if (cipher == jcipher::ALG_DES_ECB_NOPAD || cipher == jcipher::ALG_DES_CBC_NOPAD) {
    return DesKeyData{key};
  }
  return AesKeyData{key};
}

Bytes run_split(Cipher& cipher, ByteView input, std::size_t chunk) {
  Bytes out;
  std::size_t offset = 0;
  while (input.size() - offset > chunk) {
    append(out, cipher.update(input.subspan(offset, chunk)));
    offset += chunk;
  }
  append(out, cipher.do_final(input.subspan(offset)));
  return out;
}

TEST(CipherVectors, MatchPublishedExamples) {
  const auto records = read_vectors("cipher.vec");
  ASSERT_EQ(records.size(), 6u);
  for (const Record& r : records) {
    SCOPED_TRACE(where(r, "cipher.vec"));
    const std::int8_t id = cipher_id(r.at("Algorithm"));
    const Bytes key = from_hex(r.at("Key"));
    const Bytes plain = from_hex(r.at("Plaintext"));
    const Bytes expected = from_hex(r.at("Ciphertext"));
    std::optional<Bytes> iv;
    if (r.contains("IV")) iv = from_hex(r.at("IV"));
    ByteView iv_view = iv ? ByteView(*iv) : ByteView();
    auto cipher = Cipher::create(id);
    for (std::size_t chunk : {plain.size(), std::size_t{1}, std::size_t{5}, std::size_t{17}}) {
      SCOPED_TRACE(chunk);
      cipher->init(symmetric_key(id, key), jcipher::MODE_ENCRYPT, iv ? &iv_view : nullptr);
      EXPECT_EQ(run_split(*cipher, plain, chunk), expected);
      cipher->init(symmetric_key(id, key), jcipher::MODE_DECRYPT, iv ? &iv_view : nullptr);
      EXPECT_EQ(run_split(*cipher, expected, chunk), plain);
    }
  }
}

std::int8_t mac_id(const std::string& name) {
  if (name == "ALG_AES_CMAC_128") return jsig::ALG_AES_CMAC_128;
  if (name == "ALG_HMAC_SHA1") return jsig::ALG_HMAC_SHA1;
  if (name == "ALG_HMAC_SHA_256") return jsig::ALG_HMAC_SHA_256;
  if (name == "ALG_HMAC_SHA_384") return jsig::ALG_HMAC_SHA_384;
  if (name == "ALG_HMAC_SHA_512") return jsig::ALG_HMAC_SHA_512;
  if (name == "ALG_DES_MAC8_ISO9797_M2") return jsig::ALG_DES_MAC8_ISO9797_M2;
  if (name == "ALG_DES_MAC8_ISO9797_1_M2_ALG3") return jsig::ALG_DES_MAC8_ISO9797_1_M2_ALG3;
  throw std::invalid_argument("unknown MAC " + name);
}

KeyData mac_key(std::int8_t id, ByteView key) {
  if (id == jsig::ALG_AES_CMAC_128) return AesKeyData{key};
  if (id == jsig::ALG_DES_MAC8_ISO9797_M2 || id == jsig::ALG_DES_MAC8_ISO9797_1_M2_ALG3) {
    return DesKeyData{key};
  }
  return HmacKeyData{key};
}

TEST(SignatureVectors, MacsMatchPublishedExamples) {
  const auto records = read_vectors("signature_mac.vec");
  ASSERT_EQ(records.size(), 12u);
  for (const Record& r : records) {
    SCOPED_TRACE(where(r, "signature_mac.vec"));
    const std::int8_t id = mac_id(r.at("Algorithm"));
    const Bytes key = from_hex(r.at("Key"));
    const Bytes message = message_of(r);
    const Bytes expected = from_hex(r.at("Mac"));
    auto signature = Signature::create(id);
    signature->init(mac_key(id, key), jsig::MODE_SIGN, nullptr);
    EXPECT_EQ(signature->length(), expected.size());
    EXPECT_EQ(to_bytes(signature->sign(message)), expected);
    // Split in two at every offset: the object is back at its initial state after sign.
    for (std::size_t cut = 0; cut <= message.size(); ++cut) {
      signature->update(ByteView(message).first(cut));
      ASSERT_EQ(to_bytes(signature->sign(ByteView(message).subspan(cut))), expected) << cut;
    }
    signature->init(mac_key(id, key), jsig::MODE_VERIFY, nullptr);
    EXPECT_TRUE(signature->verify(message, expected));
    Bytes wrong = expected;
    wrong.back() ^= 0x01;
    EXPECT_FALSE(signature->verify(message, wrong));
    EXPECT_FALSE(signature->verify(message, ByteView(expected).first(expected.size() - 1)));
    EXPECT_TRUE(signature->verify(message, expected));
  }
}

TEST(AeadCipherVectors, MatchPublishedExamples) {
  const auto records = read_vectors("aead.vec");
  ASSERT_EQ(records.size(), 4u);
  for (const Record& r : records) {
    SCOPED_TRACE(where(r, "aead.vec"));
    const std::int8_t id =
        r.at("Algorithm") == "ALG_AES_GCM" ? jaead::ALG_AES_GCM : jaead::ALG_AES_CCM;
    const Bytes key = from_hex(r.at("Key"));
    const Bytes nonce = from_hex(r.at("Nonce"));
    const Bytes aad = from_hex(r.at("AAD"));
    const Bytes plain = from_hex(r.at("Plaintext"));
    const Bytes cipher_text = from_hex(r.at("Ciphertext"));
    const Bytes tag = from_hex(r.at("Tag"));
    AeadCipher aead(id);

    aead.init(AesKeyData{key}, jcipher::MODE_ENCRYPT, nonce, aad.size(), plain.size(), tag.size());
    aead.update_aad(aad);
    Bytes out = to_bytes(aead.update(ByteView(plain).first(plain.size() / 2)));
    append(out, aead.do_final(ByteView(plain).subspan(plain.size() / 2)));
    EXPECT_EQ(out, cipher_text);
    EXPECT_EQ(to_bytes(aead.retrieve_tag(tag.size())), tag);

    aead.init(AesKeyData{key}, jcipher::MODE_DECRYPT, nonce, aad.size(), plain.size(), tag.size());
    aead.update_aad(aad);
    EXPECT_EQ(to_bytes(aead.do_final(cipher_text)), plain);
    EXPECT_TRUE(aead.verify_tag(tag, tag.size()));

    aead.init(AesKeyData{key}, jcipher::MODE_DECRYPT, nonce, aad.size(), plain.size(), tag.size());
    aead.update_aad(aad);
    aead.do_final(cipher_text);
    Bytes wrong = tag;
    wrong[0] ^= 0x80;
    EXPECT_FALSE(aead.verify_tag(wrong, tag.size()));
  }
}

TEST(SignatureVectors, EcdsaRfc6979SignatureVerifies) {
  const auto records = read_vectors("ecdsa.vec");
  ASSERT_EQ(records.size(), 1u);
  const Record& r = records[0];
  const auto domain = named_curve(r.at("Curve").c_str());
  ASSERT_TRUE(domain);
  const Bytes w = from_hex(r.at("PublicKey"));
  const Bytes s = from_hex(r.at("PrivateKey"));
  const Bytes message = message_of(r);
  const Bytes plain = from_hex(r.at("Signature"));
  const EcPublicKeyData public_key{domain->view(), w};

  auto verifier =
      Signature::create(jmd::ALG_SHA_256, jsig::SIG_CIPHER_ECDSA_PLAIN, jcipher::PAD_NULL);
  verifier->init(public_key, jsig::MODE_VERIFY, nullptr);
  EXPECT_TRUE(verifier->verify(message, plain));
  EXPECT_FALSE(verifier->verify(Bytes{'S', 'a', 'm', 'p', 'l', 'e'}, plain));

  const auto der = ecdsa_plain_to_der(plain);
  ASSERT_TRUE(der);
  auto der_verifier = Signature::create(jsig::ALG_ECDSA_SHA_256);
  der_verifier->init(public_key, jsig::MODE_VERIFY, nullptr);
  EXPECT_TRUE(der_verifier->verify(message, *der));
  EXPECT_EQ(ecdsa_der_to_plain(*der, 32), plain);

  // A signature made with the private key verifies against the published public key.
  auto signer = Signature::create(jsig::ALG_ECDSA_SHA_256);
  signer->init(EcPrivateKeyData{domain->view(), s}, jsig::MODE_SIGN, nullptr);
  const Bytes fresh = to_bytes(signer->sign(message));
  EXPECT_LE(fresh.size(), signer->length());
  EXPECT_TRUE(der_verifier->verify(message, fresh));
}

}  // namespace
}  // namespace uicc::api::crypto
