#include "util/crypto.h"

#include <gtest/gtest.h>

#include "test/security_domains/vector_file.h"

namespace uicc::crypto {
namespace {

using test::read_section;

const std::filesystem::path kData = std::filesystem::path(UICC_TEST_DATA_DIR) / "crypto";

Padding padding_of(const std::string& name) {
  if (name == "none") return Padding::none;
  if (name == "method1") return Padding::method1;
  if (name == "method2") return Padding::method2;
  throw std::invalid_argument("unknown padding " + name);
}

TEST(Aes, EcbMatchesSp80038a) {
  for (const auto& v : read_section(kData / "aes.vec", "AES-ECB")) {
    SCOPED_TRACE(v.label());
    EXPECT_EQ(to_hex(aes_ecb_encrypt(v.secret("Key"), v.bytes("In"))), to_hex(v.bytes("Out")));
    EXPECT_EQ(to_hex(aes_ecb_decrypt(v.secret("Key"), v.bytes("Out"))), to_hex(v.bytes("In")));
  }
}

TEST(Aes, CbcMatchesSp80038a) {
  for (const auto& v : read_section(kData / "aes.vec", "AES-CBC")) {
    SCOPED_TRACE(v.label());
    EXPECT_EQ(to_hex(aes_cbc_encrypt(v.secret("Key"), v.bytes("IV"), v.bytes("In"))),
              to_hex(v.bytes("Out")));
    EXPECT_EQ(to_hex(aes_cbc_decrypt(v.secret("Key"), v.bytes("IV"), v.bytes("Out"))),
              to_hex(v.bytes("In")));
  }
}

TEST(Aes, BlockEncryptorMatchesEcb) {
  for (const auto& v : read_section(kData / "aes.vec", "AES-ECB")) {
    SCOPED_TRACE(v.label());
    AesBlockEncryptor encryptor(v.secret("Key"));
    Bytes data = v.bytes("In");
    // Encrypting in place, block by block, with one encryptor reused for every block.
    for (std::size_t offset = 0; offset < data.size(); offset += kAesBlockSize) {
      encryptor.encrypt(data.data() + offset, data.data() + offset);
    }
    EXPECT_EQ(to_hex(data), to_hex(v.bytes("Out")));
  }
  EXPECT_THROW(AesBlockEncryptor(SecretBytes(Bytes(8, 0))), std::invalid_argument);
}

TEST(Aes, RejectsBadKeyDataAndIvSizes) {
  SecretBytes key(Bytes(16, 0x11));
  EXPECT_THROW(aes_ecb_encrypt(SecretBytes(Bytes(15, 0)), Bytes(16, 0)), std::invalid_argument);
  EXPECT_THROW(aes_ecb_encrypt(SecretBytes(Bytes(20, 0)), Bytes(16, 0)), std::invalid_argument);
  EXPECT_THROW(aes_ecb_encrypt(SecretBytes(), Bytes(16, 0)), std::invalid_argument);
  EXPECT_THROW(aes_ecb_encrypt(key, Bytes(17, 0)), std::invalid_argument);
  EXPECT_THROW(aes_cbc_encrypt(key, Bytes(8, 0), Bytes(16, 0)), std::invalid_argument);
  EXPECT_THROW(aes_cbc_decrypt(key, Bytes{}, Bytes(16, 0)), std::invalid_argument);
}

TEST(Aes, EmptyInputGivesEmptyOutput) {
  SecretBytes key(Bytes(32, 0x22));
  EXPECT_TRUE(aes_ecb_encrypt(key, Bytes{}).empty());
  EXPECT_TRUE(aes_cbc_decrypt(key, Bytes(16, 0), Bytes{}).empty());
}

TEST(Des, EcbMatchesFips81AndSp80067) {
  for (const auto& v : read_section(kData / "des.vec", "DES-ECB")) {
    SCOPED_TRACE(v.label());
    EXPECT_EQ(to_hex(des_ecb_encrypt(v.secret("Key"), v.bytes("In"))), to_hex(v.bytes("Out")));
    EXPECT_EQ(to_hex(des_ecb_decrypt(v.secret("Key"), v.bytes("Out"))), to_hex(v.bytes("In")));
  }
}

TEST(Des, CbcMatchesFips81AndOpenssl) {
  for (const auto& v : read_section(kData / "des.vec", "DES-CBC")) {
    SCOPED_TRACE(v.label());
    EXPECT_EQ(to_hex(des_cbc_encrypt(v.secret("Key"), v.bytes("IV"), v.bytes("In"))),
              to_hex(v.bytes("Out")));
    EXPECT_EQ(to_hex(des_cbc_decrypt(v.secret("Key"), v.bytes("IV"), v.bytes("Out"))),
              to_hex(v.bytes("In")));
  }
}

TEST(Des, IgnoresParityBits) {
  Bytes key = from_hex("0123456789abcdef23456789abcdef01");
  Bytes flipped = key;
  for (auto& b : flipped) b ^= 0x01;
  Bytes data = from_hex("5468652071756663");
  EXPECT_EQ(des_ecb_encrypt(SecretBytes(key), data), des_ecb_encrypt(SecretBytes(flipped), data));
}

TEST(Des, TwoKeyReusesFirstKeyThird) {
  Bytes two = from_hex("0123456789abcdef23456789abcdef01");
  Bytes three = two;
  three.insert(three.end(), two.begin(), two.begin() + 8);
  Bytes data = from_hex("5468652071756663 6b2062726f776e20");
  EXPECT_EQ(des_ecb_encrypt(SecretBytes(two), data), des_ecb_encrypt(SecretBytes(three), data));
}

TEST(Des, RejectsBadKeyDataAndIvSizes) {
  SecretBytes key(Bytes(16, 0x11));
  EXPECT_THROW(des_ecb_encrypt(SecretBytes(Bytes(7, 0)), Bytes(8, 0)), std::invalid_argument);
  EXPECT_THROW(des_ecb_encrypt(SecretBytes(Bytes(32, 0)), Bytes(8, 0)), std::invalid_argument);
  EXPECT_THROW(des_ecb_encrypt(key, Bytes(9, 0)), std::invalid_argument);
  EXPECT_THROW(des_cbc_encrypt(key, Bytes(16, 0), Bytes(8, 0)), std::invalid_argument);
}

TEST(Padding, Method1AddsZerosOnlyWhenNeeded) {
  EXPECT_EQ(to_hex(pad(from_hex("0102"), 8, Padding::method1)), "0102000000000000");
  EXPECT_EQ(to_hex(pad(from_hex("0102030405060708"), 8, Padding::method1)), "0102030405060708");
  EXPECT_EQ(to_hex(pad(Bytes{}, 8, Padding::method1)), "0000000000000000");
}

TEST(Padding, Method2AlwaysAddsAMarker) {
  EXPECT_EQ(to_hex(pad(from_hex("0102"), 8, Padding::method2)), "0102800000000000");
  EXPECT_EQ(to_hex(pad(from_hex("01020304050607"), 8, Padding::method2)), "0102030405060780");
  EXPECT_EQ(to_hex(pad(from_hex("0102030405060708"), 8, Padding::method2)),
            "01020304050607088000000000000000");
  EXPECT_EQ(pad(Bytes{}, 16, Padding::method2).size(), 16u);
}

TEST(Padding, NoneRejectsUnalignedData) {
  EXPECT_THROW(pad(from_hex("01"), 8, Padding::none), std::invalid_argument);
  EXPECT_EQ(pad(Bytes(16, 1), 8, Padding::none).size(), 16u);
  EXPECT_THROW(pad(Bytes(16, 1), 0, Padding::method2), std::invalid_argument);
}

TEST(Padding, UnpadMethod2InvertsPad) {
  for (std::size_t length = 0; length <= 17; ++length) {
    Bytes data(length, 0xA5);
    EXPECT_EQ(unpad_method2(pad(data, 16, Padding::method2), 16), data) << "length " << length;
  }
}

TEST(Padding, UnpadMethod2RejectsMalformedPadding) {
  EXPECT_FALSE(unpad_method2(from_hex("0102030405060700"), 8));  // no marker
  EXPECT_FALSE(unpad_method2(from_hex("0102030405068001"), 8));  // data after the marker
  EXPECT_FALSE(unpad_method2(from_hex("0102038000"), 8));        // not a whole block
  EXPECT_FALSE(unpad_method2(Bytes{}, 8));
  // The marker must sit in the last block: a block of zeros after it is not padding.
  EXPECT_FALSE(unpad_method2(from_hex("01020380000000000000000000000000"), 8));
}

TEST(Iso9797Mac, Algorithm1MatchesFips113AndOpenssl) {
  for (const auto& v : read_section(kData / "iso9797_mac.vec", "MAC-ALGORITHM-1")) {
    SCOPED_TRACE(v.label());
    Bytes iv = v.has("IV") ? v.bytes("IV") : Bytes{};
    EXPECT_EQ(to_hex(des_mac_algorithm1(v.secret("Key"), v.bytes("In"),
                                        padding_of(v.text("Padding")), iv)),
              to_hex(v.bytes("Out")));
  }
}

TEST(Iso9797Mac, Algorithm3MatchesPublishedAndOpenssl) {
  for (const auto& v : read_section(kData / "iso9797_mac.vec", "MAC-ALGORITHM-3")) {
    SCOPED_TRACE(v.label());
    Bytes iv = v.has("IV") ? v.bytes("IV") : Bytes{};
    EXPECT_EQ(to_hex(des_mac_algorithm3(v.secret("Key"), v.bytes("In"),
                                        padding_of(v.text("Padding")), iv)),
              to_hex(v.bytes("Out")));
  }
}

TEST(Iso9797Mac, Algorithm3OfOneBlockIsTwoKey3Des) {
  SecretBytes key(from_hex("404142434445464748494a4b4c4d4e4f"));
  Bytes block = from_hex("0011223344556677");
  EXPECT_EQ(des_mac_algorithm3(key, block, Padding::none), des_ecb_encrypt(key, block));
}

TEST(Iso9797Mac, RejectsBadKeyIvAndAlignment) {
  SecretBytes key(Bytes(16, 0x40));
  EXPECT_THROW(des_mac_algorithm3(SecretBytes(Bytes(8, 0)), Bytes(8, 0), Padding::none),
               std::invalid_argument);
  EXPECT_THROW(des_mac_algorithm3(key, Bytes(8, 0), Padding::none, Bytes(4, 0)),
               std::invalid_argument);
  EXPECT_THROW(des_mac_algorithm1(key, Bytes(7, 0), Padding::none), std::invalid_argument);
  EXPECT_THROW(des_mac_algorithm1(key, Bytes{}, Padding::none), std::invalid_argument);
  EXPECT_THROW(des_mac_algorithm3(key, Bytes{}, Padding::none), std::invalid_argument);
}

TEST(AesCmac, MatchesSp80038b) {
  for (const auto& v : read_section(kData / "cmac.vec", "AES-CMAC")) {
    SCOPED_TRACE(v.label());
    EXPECT_EQ(to_hex(aes_cmac(v.secret("Key"), v.bytes("In"))), to_hex(v.bytes("Out")));
  }
}

TEST(AesCmac, RejectsBadKeySize) {
  EXPECT_THROW(aes_cmac(SecretBytes(Bytes(8, 0)), Bytes{}), std::invalid_argument);
}

TEST(Sha, MatchesFips180) {
  struct Algorithm {
    const char* section;
    Bytes (*function)(ByteView);
  };
  for (const Algorithm& algorithm : {Algorithm{"SHA-1", sha1}, Algorithm{"SHA-256", sha256},
                                     Algorithm{"SHA-384", sha384}, Algorithm{"SHA-512", sha512}}) {
    for (const auto& v : read_section(kData / "sha.vec", algorithm.section)) {
      SCOPED_TRACE(v.label());
      EXPECT_EQ(to_hex(algorithm.function(v.bytes("In"))), to_hex(v.bytes("Out")));
    }
  }
}

TEST(Random, FillsAndDiffers) {
  Bytes a = random_bytes(32);
  Bytes b = random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  // Two equal 256-bit draws have probability 2^-256: equality means the generator is broken.
  EXPECT_NE(a, b);
  EXPECT_TRUE(random_bytes(0).empty());
}

TEST(XorBytes, CombinesEqualSizesOnly) {
  EXPECT_EQ(to_hex(xor_bytes(from_hex("F00F"), from_hex("0FF0"))), "FFFF");
  EXPECT_THROW(xor_bytes(from_hex("00"), from_hex("0000")), std::invalid_argument);
}

}  // namespace
}  // namespace uicc::crypto
