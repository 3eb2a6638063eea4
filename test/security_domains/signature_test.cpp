#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test/security_domains/vector_file.h"
#include "util/crypto.h"

namespace uicc::crypto {
namespace {

const std::filesystem::path kData = std::filesystem::path(UICC_TEST_DATA_DIR) / "crypto";

Hash hash_of(const std::string& name) {
  if (name == "sha1") return Hash::sha1;
  if (name == "sha256") return Hash::sha256;
  if (name == "sha384") return Hash::sha384;
  if (name == "sha512") return Hash::sha512;
  throw std::invalid_argument("unknown hash " + name);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Bytes flipped(Bytes bytes, std::size_t index) {
  bytes[index] ^= 0x01;
  return bytes;
}

TEST(RsaPkcs1, SignsAndVerifiesOpensslVector) {
  for (const auto& v : test::read_section(kData / "signature.vec", "RSA-PKCS1")) {
    SCOPED_TRACE(v.label());
    RsaPrivateKey key{v.bytes("Modulus"), v.bytes("Exponent"), v.secret("PrivateExponent")};
    Hash hash = hash_of(v.text("Hash"));
    EXPECT_EQ(to_hex(rsa_pkcs1_sign(key, hash, v.bytes("In"))), to_hex(v.bytes("Signature")));
    EXPECT_TRUE(rsa_pkcs1_verify(public_key(key), hash, v.bytes("In"), v.bytes("Signature")));
    EXPECT_FALSE(
        rsa_pkcs1_verify(public_key(key), hash, v.bytes("In"), flipped(v.bytes("Signature"), 5)));
    EXPECT_FALSE(
        rsa_pkcs1_verify(public_key(key), hash, flipped(v.bytes("In"), 0), v.bytes("Signature")));
    EXPECT_FALSE(
        rsa_pkcs1_verify(public_key(key), Hash::sha256, v.bytes("In"), v.bytes("Signature")));
  }
}

TEST(RsaPss, VerifiesOpensslVector) {
  for (const auto& v : test::read_section(kData / "signature.vec", "RSA-PSS")) {
    SCOPED_TRACE(v.label());
    RsaPublicKey key{v.bytes("Modulus"), v.bytes("Exponent")};
    Hash hash = hash_of(v.text("Hash"));
    EXPECT_TRUE(rsa_pss_verify(key, hash, v.bytes("In"), v.bytes("Signature")));
    EXPECT_FALSE(rsa_pss_verify(key, hash, v.bytes("In"), flipped(v.bytes("Signature"), 100)));
    // The same signature is no PKCS #1 v1.5 signature.
    EXPECT_FALSE(rsa_pkcs1_verify(key, hash, v.bytes("In"), v.bytes("Signature")));
  }
}

TEST(RsaPss, SignatureRoundTripsAndIsRandomised) {
  RsaPrivateKey key = generate_rsa_key(2048);
  Bytes message = from_hex("0102030405");
  Bytes first = rsa_pss_sign(key, Hash::sha256, message);
  Bytes second = rsa_pss_sign(key, Hash::sha256, message);
  EXPECT_NE(first, second);
  EXPECT_TRUE(rsa_pss_verify(public_key(key), Hash::sha256, message, first));
  EXPECT_TRUE(rsa_pss_verify(public_key(key), Hash::sha256, message, second));
}

TEST(Ecdsa, VerifiesOpensslVectors) {
  for (const auto& v : test::read_section(kData / "signature.vec", "ECDSA")) {
    SCOPED_TRACE(v.label());
    auto curve =
        curve_from_reference(static_cast<std::uint8_t>(std::stoul(v.text("Curve"), nullptr, 16)));
    ASSERT_TRUE(curve);
    EcPublicKey key{*curve, v.bytes("Point")};
    Hash hash = hash_of(v.text("Hash"));
    EXPECT_EQ(hash, ecdsa_hash(*curve));
    EXPECT_TRUE(ecdsa_verify(key, hash, v.bytes("In"), v.bytes("Signature")));
    EXPECT_FALSE(ecdsa_verify(key, hash, v.bytes("In"), flipped(v.bytes("Signature"), 3)));
    EXPECT_FALSE(ecdsa_verify(key, hash, flipped(v.bytes("In"), 1), v.bytes("Signature")));
    Bytes truncated = v.bytes("Signature");
    truncated.pop_back();
    EXPECT_FALSE(ecdsa_verify(key, hash, v.bytes("In"), truncated));
  }
}

TEST(Ecdsa, SignatureRoundTripsOnEveryCurve) {
  for (Curve curve : {Curve::p256, Curve::p384, Curve::p521, Curve::brainpool_p256r1,
                      Curve::brainpool_p384r1, Curve::brainpool_p512r1}) {
    SCOPED_TRACE(static_cast<int>(curve));
    EcPrivateKey key = generate_ec_key(curve);
    EXPECT_EQ(key.scalar.size(), curve_size(curve));
    Bytes message = crypto::random_bytes(40);
    Bytes signature = ecdsa_sign(key, ecdsa_hash(curve), message);
    EXPECT_EQ(signature.size(), 2 * curve_size(curve));
    EcPublicKey verification = public_key(key);
    EXPECT_EQ(verification.point.size(), 1 + 2 * curve_size(curve));
    EXPECT_TRUE(ecdsa_verify(verification, ecdsa_hash(curve), message, signature));
  }
}

TEST(Ecdsa, RejectsPointOffTheCurve) {
  EcPublicKey key = public_key(generate_ec_key(Curve::p256));
  key.point[10] ^= 0x01;
  EXPECT_FALSE(ecdsa_verify(key, Hash::sha256, from_hex("00"), Bytes(64, 1)));
}

TEST(PrivateKeyPem, ReadsOpensslKeys) {
  PrivateKey rsa = read_private_key_pem(read_text(kData / "rsa1024.pem"));
  ASSERT_TRUE(rsa.rsa);
  auto rsa_vector = test::read_section(kData / "signature.vec", "RSA-PKCS1").front();
  EXPECT_EQ(to_hex(rsa.rsa->modulus), to_hex(rsa_vector.bytes("Modulus")));
  EXPECT_EQ(to_hex(rsa_pkcs1_sign(*rsa.rsa, Hash::sha1, rsa_vector.bytes("In"))),
            to_hex(rsa_vector.bytes("Signature")));

  PrivateKey ec = read_private_key_pem(read_text(kData / "ec_p256.pem"));
  ASSERT_TRUE(ec.ec);
  EXPECT_EQ(ec.ec->curve, Curve::p256);
  auto ec_vector = test::read_section(kData / "signature.vec", "ECDSA").front();
  EXPECT_EQ(to_hex(public_key(*ec.ec).point), to_hex(ec_vector.bytes("Point")));

  EXPECT_THROW(read_private_key_pem("not a key"), CryptoError);
}

TEST(Curves, MapGlobalPlatformReferences) {
  EXPECT_EQ(curve_from_reference(0x00), Curve::p256);
  EXPECT_EQ(curve_from_reference(0x07), Curve::brainpool_p512r1);
  EXPECT_FALSE(curve_from_reference(0x04));  // brainpoolP256t1 is not in OpenSSL's list
  EXPECT_FALSE(curve_from_reference(0x40));
  EXPECT_EQ(ecdsa_hash(Curve::p521), Hash::sha512);
  EXPECT_EQ(ecdsa_hash(Curve::brainpool_p384r1), Hash::sha384);
}

}  // namespace
}  // namespace uicc::crypto
