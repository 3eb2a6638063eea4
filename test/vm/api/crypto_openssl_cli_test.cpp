// The crypto engines against the openssl command-line program on random inputs: the same
// operation computed by an independent program must give the same bytes, or verify.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/cipher.h"
#include "vm/api/crypto/key_agreement.h"
#include "vm/api/crypto/key_pair.h"
#include "vm/api/crypto/message_digest.h"
#include "vm/api/crypto/signature.h"

namespace uicc::api::crypto {
namespace {

namespace fs = std::filesystem;
namespace jmd = jc::javacard::security::MessageDigest;
namespace jsig = jc::javacard::security::Signature;
namespace jka = jc::javacard::security::KeyAgreement;
namespace jcipher = jc::javacardx::crypto::Cipher;

Bytes to_bytes(ByteView view) {
  return Bytes(view.begin(), view.end());
}

class OpensslCli : public testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() / ("uicc-api-cli-" + std::to_string(::getpid()) + "-" +
                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  void write(const std::string& name, ByteView data) const {
    std::ofstream out(path(name), std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }

  Bytes read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
  }

  // Runs an openssl command (arguments after "openssl") and returns its exit status.
  int openssl(const std::string& arguments) const {
    const std::string command = "openssl " + arguments + " 2>" + path("stderr.txt");
    return std::system(command.c_str());
  }

  Bytes random_bytes(std::size_t n) {
    Bytes out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng_());
    return out;
  }

  void write_private_pem(EVP_PKEY* key, const std::string& name) const {
    FILE* f = std::fopen(path(name).c_str(), "w");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::fclose(f);
  }

  void write_public_pem(EVP_PKEY* key, const std::string& name) const {
    FILE* f = std::fopen(path(name).c_str(), "w");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(PEM_write_PUBKEY(f, key), 1);
    std::fclose(f);
  }

  fs::path dir_;
  std::mt19937 rng_{20261204};
};

Bytes bn_param(EVP_PKEY* key, const char* name, std::size_t width = 0) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
  Bytes out = bn_to_bytes(bn, width);
  BN_free(bn);
  return out;
}

TEST_F(OpensslCli, SymmetricCiphersMatchOnRandomInputs) {
  struct Case {
    std::int8_t algorithm;
    const char* name;
    std::size_t key;
    bool iv;
    bool aligned;
    const char* extra;
  };
  const Case cases[] = {
      {jcipher::ALG_AES_BLOCK_128_ECB_NOPAD, "aes-128-ecb", 16, false, true, "-nopad"},
      {jcipher::ALG_AES_BLOCK_128_ECB_NOPAD, "aes-256-ecb", 32, false, true, "-nopad"},
      {jcipher::ALG_AES_BLOCK_128_CBC_NOPAD, "aes-192-cbc", 24, true, true, "-nopad"},
      {jcipher::ALG_AES_CBC_PKCS5, "aes-128-cbc", 16, true, false, ""},
      {jcipher::ALG_AES_ECB_PKCS5, "aes-128-ecb", 16, false, false, ""},
      {jcipher::ALG_AES_CTR, "aes-128-ctr", 16, true, false, ""},
      {jcipher::ALG_DES_CBC_NOPAD, "des-ede3-cbc", 24, true, true, "-nopad"},
      {jcipher::ALG_DES_CBC_PKCS5, "des-ede3-cbc", 24, true, false, ""},
      {jcipher::ALG_DES_ECB_PKCS5, "des-ede3", 24, false, false, ""},
  };
  for (const Case& c : cases) {
    for (int round = 0; round < 3; ++round) {
      SCOPED_TRACE(testing::Message() << c.name << " round " << round);
      const Bytes key = random_bytes(c.key);
      const std::size_t block = c.key == 24 && c.name[0] == 'd' ? 8 : 16;
      const Bytes iv = random_bytes(block);
      std::size_t length = 1 + rng_() % 200;
      if (c.aligned) length = (length / block + 1) * block;
      const Bytes plain = random_bytes(length);
      write("plain.bin", plain);
      std::string command = std::string("enc -") + c.name + " -K " + to_hex(key) + " " + c.extra +
                            " -in " + path("plain.bin") + " -out " + path("cipher.bin");
      if (c.iv) command += " -iv " + to_hex(iv);
      ASSERT_EQ(openssl(command), 0);

      auto cipher = Cipher::create(c.algorithm);
      ByteView iv_view = iv;
      const KeyData key_data =
          c.name[0] == 'd' ? KeyData{DesKeyData{key}} : KeyData{AesKeyData{key}};
      cipher->init(key_data, jcipher::MODE_ENCRYPT, c.iv ? &iv_view : nullptr);
      Bytes ours = to_bytes(cipher->update(ByteView(plain).first(length / 3)));
      append(ours, cipher->do_final(ByteView(plain).subspan(length / 3)));
      EXPECT_EQ(ours, read("cipher.bin"));
    }
  }
}

TEST_F(OpensslCli, DigestsAndMacsMatchOnRandomInputs) {
  const std::pair<std::int8_t, const char*> digests[] = {
      {jmd::ALG_SHA, "sha1"},       {jmd::ALG_SHA_224, "sha224"}, {jmd::ALG_SHA_256, "sha256"},
      {jmd::ALG_SHA_384, "sha384"}, {jmd::ALG_SHA_512, "sha512"}, {jmd::ALG_SHA3_256, "sha3-256"},
  };
  for (const auto& [id, name] : digests) {
    SCOPED_TRACE(name);
    const Bytes data = random_bytes(1 + rng_() % 3000);
    write("data.bin", data);
    ASSERT_EQ(openssl(std::string("dgst -") + name + " -binary -out " + path("digest.bin") + " " +
                      path("data.bin")),
              0);
    MessageDigest md(id);
    EXPECT_EQ(to_bytes(md.do_final(data)), read("digest.bin"));

    const Bytes key = random_bytes(1 + rng_() % 100);
    ASSERT_EQ(openssl(std::string("dgst -") + name + " -mac HMAC -macopt hexkey:" + to_hex(key) +
                      " -binary -out " + path("mac.bin") + " " + path("data.bin")),
              0);
    if (id == jmd::ALG_SHA_224 || id == jmd::ALG_SHA3_256) continue;  // no Signature.ALG_HMAC_*
    const std::int8_t hmac = id == jmd::ALG_SHA       ? jsig::ALG_HMAC_SHA1
                             : id == jmd::ALG_SHA_256 ? jsig::ALG_HMAC_SHA_256
                             : id == jmd::ALG_SHA_384 ? jsig::ALG_HMAC_SHA_384
                                                      : jsig::ALG_HMAC_SHA_512;
    auto signature = Signature::create(hmac);
    signature->init(HmacKeyData{key}, jsig::MODE_SIGN, nullptr);
    EXPECT_EQ(to_bytes(signature->sign(data)), read("mac.bin"));
  }
  for (std::size_t key_length : {16u, 24u, 32u}) {
    const Bytes key = random_bytes(key_length);
    const Bytes data = random_bytes(rng_() % 300);
    write("data.bin", data);
    const std::string cipher = "aes-" + std::to_string(key_length * 8) + "-cbc";
    ASSERT_EQ(openssl("dgst -mac CMAC -macopt cipher:" + cipher + " -macopt hexkey:" + to_hex(key) +
                      " -binary -out " + path("cmac.bin") + " " + path("data.bin")),
              0);
    auto cmac = Signature::create(jsig::ALG_AES_CMAC_128);
    cmac->init(AesKeyData{key}, jsig::MODE_SIGN, nullptr);
    EXPECT_EQ(to_bytes(cmac->sign(data)), read("cmac.bin")) << key_length;
  }
}

struct RsaFixture {
  Pkey key;
  Bytes n, e, d, p, q, dp, dq, qinv;
};

RsaFixture make_rsa_fixture(std::size_t bits) {
  RsaFixture f;
  f.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", bits));
  const std::size_t half = bits / 16;
  f.n = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_N);
  f.e = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_E);
  f.d = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_D, bits / 8);
  f.p = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, half);
  f.q = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, half);
  f.dp = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, half);
  f.dq = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, half);
  f.qinv = bn_param(f.key.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, half);
  return f;
}

TEST_F(OpensslCli, RsaSignaturesAndEncryptionInteroperate) {
  const RsaFixture rsa = make_rsa_fixture(2048);
  write_private_pem(rsa.key.get(), "key.pem");
  write_public_pem(rsa.key.get(), "pub.pem");
  const RsaCrtKeyData crt{rsa.p, rsa.q, rsa.dp, rsa.dq, rsa.qinv};
  const RsaPrivateKeyData plain_private{rsa.n, rsa.d};
  const RsaPublicKeyData public_key{rsa.n, rsa.e};
  const Bytes message = random_bytes(300);
  write("message.bin", message);

  // PKCS#1 v1.5 signatures are deterministic: both private key forms give OpenSSL's bytes.
  ASSERT_EQ(openssl("dgst -sha256 -sign " + path("key.pem") + " -out " + path("sig.bin") + " " +
                    path("message.bin")),
            0);
  const Bytes expected = read("sig.bin");
  for (const KeyData& key : {KeyData{crt}, KeyData{plain_private}}) {
    auto signer = Signature::create(jsig::ALG_RSA_SHA_256_PKCS1);
    signer->init(key, jsig::MODE_SIGN, nullptr);
    EXPECT_EQ(signer->length(), 256u);
    EXPECT_EQ(to_bytes(signer->sign(message)), expected);
  }
  auto verifier = Signature::create(jsig::ALG_RSA_SHA_256_PKCS1);
  verifier->init(public_key, jsig::MODE_VERIFY, nullptr);
  EXPECT_TRUE(verifier->verify(message, expected));

  // PSS is randomized: each side verifies the other's signature.
  auto pss = Signature::create(jsig::ALG_RSA_SHA_256_PKCS1_PSS);
  pss->init(crt, jsig::MODE_SIGN, nullptr);
  write("pss.bin", pss->sign(message));
  EXPECT_EQ(
      openssl("dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -verify " +
              path("pub.pem") + " -signature " + path("pss.bin") + " -out " + path("verify.txt") +
              " " + path("message.bin")),
      0);
  ASSERT_EQ(openssl("dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32 -sign " +
                    path("key.pem") + " -out " + path("pss_cli.bin") + " " + path("message.bin")),
            0);
  pss->init(public_key, jsig::MODE_VERIFY, nullptr);
  EXPECT_TRUE(pss->verify(message, read("pss_cli.bin")));

  // OAEP (SHA-1) and PKCS#1 v1.5 encryption in both directions.
  const Bytes secret = random_bytes(40);
  write("secret.bin", secret);
  ASSERT_EQ(openssl("pkeyutl -encrypt -pubin -inkey " + path("pub.pem") +
                    " -pkeyopt rsa_padding_mode:oaep -in " + path("secret.bin") + " -out " +
                    path("oaep.bin")),
            0);
  auto oaep = Cipher::create(jcipher::ALG_RSA_PKCS1_OAEP);
  oaep->init(crt, jcipher::MODE_DECRYPT, nullptr);
  EXPECT_EQ(to_bytes(oaep->do_final(read("oaep.bin"))), secret);

  for (const KeyData& key : {KeyData{crt}, KeyData{plain_private}}) {
    auto pkcs1 = Cipher::create(jcipher::ALG_RSA_PKCS1);
    pkcs1->init(public_key, jcipher::MODE_ENCRYPT, nullptr);
    write("pkcs1.bin", pkcs1->do_final(secret));
    ASSERT_EQ(openssl("pkeyutl -decrypt -inkey " + path("key.pem") + " -in " + path("pkcs1.bin") +
                      " -out " + path("pkcs1_plain.bin")),
              0);
    EXPECT_EQ(read("pkcs1_plain.bin"), secret);
    pkcs1->init(key, jcipher::MODE_DECRYPT, nullptr);
    EXPECT_EQ(to_bytes(pkcs1->do_final(read("pkcs1.bin"))), secret);
  }

  // Without padding, the private operation is m^d mod n for both key forms (openssl runs it as
  // a decryption without padding).
  Bytes block = random_bytes(256);
  block[0] = 0x01;
  write("block.bin", block);
  ASSERT_EQ(openssl("pkeyutl -decrypt -inkey " + path("key.pem") +
                    " -pkeyopt rsa_padding_mode:none -in " + path("block.bin") + " -out " +
                    path("raw.bin")),
            0);
  for (const KeyData& key : {KeyData{crt}, KeyData{plain_private}}) {
    auto raw = Cipher::create(jcipher::ALG_RSA_NOPAD);
    raw->init(key, jcipher::MODE_ENCRYPT, nullptr);
    EXPECT_EQ(to_bytes(raw->do_final(block)), read("raw.bin"));
  }
  auto raw = Cipher::create(jcipher::ALG_RSA_NOPAD);
  raw->init(public_key, jcipher::MODE_DECRYPT, nullptr);
  EXPECT_EQ(to_bytes(raw->do_final(read("raw.bin"))), block);
}

struct EcFixture {
  Pkey key;
  Bytes w;
  Bytes s;
};

EcFixture make_ec_fixture(const char* group) {
  EcFixture f;
  f.key.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group));
  std::size_t length = 0;
  EVP_PKEY_get_octet_string_param(f.key.get(), OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &length);
  f.w.resize(length);
  EVP_PKEY_get_octet_string_param(f.key.get(), OSSL_PKEY_PARAM_PUB_KEY, f.w.data(), f.w.size(),
                                  &length);
  f.s = bn_param(f.key.get(), OSSL_PKEY_PARAM_PRIV_KEY);
  return f;
}

TEST_F(OpensslCli, EcdsaAndEcdhInteroperate) {
  const std::tuple<const char*, std::int8_t, const char*> curves[] = {
      {"prime256v1", jsig::ALG_ECDSA_SHA_256, "sha256"},
      {"secp384r1", jsig::ALG_ECDSA_SHA_384, "sha384"},
      {"brainpoolP256r1", jsig::ALG_ECDSA_SHA_256, "sha256"},
  };
  for (const auto& [curve, algorithm, digest] : curves) {
    SCOPED_TRACE(curve);
    const auto domain = named_curve(curve);
    ASSERT_TRUE(domain);
    const EcFixture ec = make_ec_fixture(curve);
    write_private_pem(ec.key.get(), "ec.pem");
    write_public_pem(ec.key.get(), "ec_pub.pem");
    const Bytes message = random_bytes(100);
    write("message.bin", message);

    auto signer = Signature::create(algorithm);
    signer->init(EcPrivateKeyData{domain->view(), ec.s}, jsig::MODE_SIGN, nullptr);
    write("sig.der", signer->sign(message));
    EXPECT_EQ(
        openssl(std::string("dgst -") + digest + " -verify " + path("ec_pub.pem") + " -signature " +
                path("sig.der") + " -out " + path("verify.txt") + " " + path("message.bin")),
        0);
    ASSERT_EQ(openssl(std::string("dgst -") + digest + " -sign " + path("ec.pem") + " -out " +
                      path("cli.der") + " " + path("message.bin")),
              0);
    auto verifier = Signature::create(algorithm);
    verifier->init(EcPublicKeyData{domain->view(), ec.w}, jsig::MODE_VERIFY, nullptr);
    EXPECT_TRUE(verifier->verify(message, read("cli.der")));

    const EcFixture peer = make_ec_fixture(curve);
    write_public_pem(peer.key.get(), "peer_pub.pem");
    ASSERT_EQ(openssl("pkeyutl -derive -inkey " + path("ec.pem") + " -peerkey " +
                      path("peer_pub.pem") + " -out " + path("shared.bin")),
              0);
    KeyAgreement agreement(jka::ALG_EC_SVDP_DH_PLAIN);
    agreement.init(EcPrivateKeyData{domain->view(), ec.s});
    EXPECT_EQ(agreement.generate_secret(peer.w), read("shared.bin"));
  }
}

}  // namespace
}  // namespace uicc::api::crypto
