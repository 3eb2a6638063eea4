#include "util/crypto.h"

#include <climits>
#include <memory>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

namespace uicc::crypto {

namespace {

struct CipherFree {
  void operator()(EVP_CIPHER* cipher) const { EVP_CIPHER_free(cipher); }
};
struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
struct MacFree {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacContextFree {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};
struct DigestFree {
  void operator()(EVP_MD* digest) const { EVP_MD_free(digest); }
};

using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;
using CipherContextPtr = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;
using MacPtr = std::unique_ptr<EVP_MAC, MacFree>;
using MacContextPtr = std::unique_ptr<EVP_MAC_CTX, MacContextFree>;
using DigestPtr = std::unique_ptr<EVP_MD, DigestFree>;

[[noreturn]] void fail_openssl(std::string_view operation) {
  unsigned long code = ERR_get_error();
  char reason[256] = "no OpenSSL error queued";
  if (code != 0) ERR_error_string_n(code, reason, sizeof reason);
  ERR_clear_error();
  throw CryptoError(fmt::format("{} failed: {}", operation, reason));
}

// Algorithms are fetched once per process: an explicit fetch per call would take OpenSSL's
// provider lock on every block.
EVP_CIPHER* fetch_cipher(const char* name) {
  EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
  if (cipher == nullptr) fail_openssl(fmt::format("fetching cipher {}", name));
  return cipher;
}

const EVP_CIPHER* aes_cipher(std::size_t key_size, bool cbc) {
  static const CipherPtr kAes128Ecb{fetch_cipher("AES-128-ECB")};
  static const CipherPtr kAes192Ecb{fetch_cipher("AES-192-ECB")};
  static const CipherPtr kAes256Ecb{fetch_cipher("AES-256-ECB")};
  static const CipherPtr kAes128Cbc{fetch_cipher("AES-128-CBC")};
  static const CipherPtr kAes192Cbc{fetch_cipher("AES-192-CBC")};
  static const CipherPtr kAes256Cbc{fetch_cipher("AES-256-CBC")};
  switch (key_size) {
    case 16:
      return cbc ? kAes128Cbc.get() : kAes128Ecb.get();
    case 24:
      return cbc ? kAes192Cbc.get() : kAes192Ecb.get();
    case 32:
      return cbc ? kAes256Cbc.get() : kAes256Ecb.get();
    default:
      throw std::invalid_argument(
          fmt::format("invalid AES key length {} bytes: expected 16, 24 or 32", key_size));
  }
}

// Single DES is served by three-key 3DES with K1 = K2 = K3, because OpenSSL 3 keeps single
// DES in its legacy provider, which is not loaded by default. E(K) D(K) E(K) equals E(K).
const EVP_CIPHER* des_ede3_cipher(bool cbc) {
  static const CipherPtr kEcb{fetch_cipher("DES-EDE3-ECB")};
  static const CipherPtr kCbc{fetch_cipher("DES-EDE3-CBC")};
  return cbc ? kCbc.get() : kEcb.get();
}

// Expands an 8-, 16- or 24-byte DES key to the 24-byte key of three-key 3DES.
SecretBytes expand_des_key(const SecretBytes& key) {
  ByteView k = key.view();
  SecretBytes expanded(24);
  std::uint8_t* out = expanded.data();
  switch (k.size()) {
    case 8:
      for (int i = 0; i < 3; ++i) std::copy(k.begin(), k.end(), out + 8 * i);
      break;
    case 16:
      std::copy(k.begin(), k.end(), out);
      std::copy(k.begin(), k.begin() + 8, out + 16);
      break;
    case 24:
      std::copy(k.begin(), k.end(), out);
      break;
    default:
      throw std::invalid_argument(
          fmt::format("invalid DES key length {} bytes: expected 8, 16 or 24", k.size()));
  }
  return expanded;
}

void check_blocks(ByteView data, std::size_t block_size, std::string_view what) {
  if (data.size() % block_size != 0) {
    throw std::invalid_argument(
        fmt::format("{} input of {} bytes is not a multiple of the {}-byte block", what,
                    data.size(), block_size));
  }
  if (data.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument(fmt::format("{} input of {} bytes is too long", what, data.size()));
  }
}

void check_iv(ByteView iv, std::size_t block_size, std::string_view what) {
  if (iv.size() != block_size) {
    throw std::invalid_argument(
        fmt::format("invalid {} IV length {} bytes: expected {}", what, iv.size(), block_size));
  }
}

Bytes run_cipher(const EVP_CIPHER* cipher, ByteView key, ByteView iv, ByteView data, bool encrypt) {
  CipherContextPtr context(EVP_CIPHER_CTX_new());
  if (!context) fail_openssl("allocating a cipher context");
  const unsigned char* iv_pointer = iv.empty() ? nullptr : iv.data();
  if (EVP_CipherInit_ex2(context.get(), cipher, key.data(), iv_pointer, encrypt ? 1 : 0, nullptr) !=
      1) {
    fail_openssl("initialising a cipher");
  }
  EVP_CIPHER_CTX_set_padding(context.get(), 0);

  Bytes out(data.size() + kAesBlockSize);
  int written = 0;
  if (EVP_CipherUpdate(context.get(), out.data(), &written, data.data(),
                       static_cast<int>(data.size())) != 1) {
    fail_openssl("ciphering");
  }
  int final_written = 0;
  if (EVP_CipherFinal_ex(context.get(), out.data() + written, &final_written) != 1) {
    fail_openssl("finishing a cipher");
  }
  out.resize(static_cast<std::size_t>(written + final_written));
  return out;
}

Bytes aes(const SecretBytes& key, ByteView iv, ByteView data, bool cbc, bool encrypt) {
  const EVP_CIPHER* cipher = aes_cipher(key.size(), cbc);
  check_blocks(data, kAesBlockSize, "AES");
  if (cbc) check_iv(iv, kAesBlockSize, "AES-CBC");
  return run_cipher(cipher, key.view(), iv, data, encrypt);
}

Bytes des(const SecretBytes& key, ByteView iv, ByteView data, bool cbc, bool encrypt) {
  SecretBytes expanded = expand_des_key(key);
  check_blocks(data, kDesBlockSize, "DES");
  if (cbc) check_iv(iv, kDesBlockSize, "DES-CBC");
  return run_cipher(des_ede3_cipher(cbc), expanded.view(), iv, data, encrypt);
}

// The padded MAC input: at least one whole block.
Bytes mac_input(ByteView data, Padding padding) {
  Bytes padded = pad(data, kDesBlockSize, padding);
  if (padded.empty()) throw std::invalid_argument("MAC input is empty and padding adds nothing");
  return padded;
}

Bytes mac_iv(ByteView iv) {
  if (iv.empty()) return Bytes(kDesBlockSize, 0);
  check_iv(iv, kDesBlockSize, "MAC");
  return Bytes(iv.begin(), iv.end());
}

Bytes digest(const char* name, ByteView data) {
  DigestPtr md(EVP_MD_fetch(nullptr, name, nullptr));
  if (!md) fail_openssl(fmt::format("fetching digest {}", name));
  Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md.get())));
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &size, md.get(), nullptr) != 1) {
    fail_openssl(fmt::format("computing {}", name));
  }
  out.resize(size);
  return out;
}

}  // namespace

Bytes aes_ecb_encrypt(const SecretBytes& key, ByteView data) {
  return aes(key, {}, data, false, true);
}
Bytes aes_ecb_decrypt(const SecretBytes& key, ByteView data) {
  return aes(key, {}, data, false, false);
}
Bytes aes_cbc_encrypt(const SecretBytes& key, ByteView iv, ByteView data) {
  return aes(key, iv, data, true, true);
}
Bytes aes_cbc_decrypt(const SecretBytes& key, ByteView iv, ByteView data) {
  return aes(key, iv, data, true, false);
}

struct AesBlockEncryptor::Context {
  CipherContextPtr cipher;
};

AesBlockEncryptor::AesBlockEncryptor(const SecretBytes& key)
    : context_(std::make_unique<Context>()) {
  const EVP_CIPHER* cipher = aes_cipher(key.size(), false);
  context_->cipher.reset(EVP_CIPHER_CTX_new());
  if (!context_->cipher) fail_openssl("allocating a cipher context");
  if (EVP_EncryptInit_ex2(context_->cipher.get(), cipher, key.data(), nullptr, nullptr) != 1) {
    fail_openssl("initialising AES");
  }
  EVP_CIPHER_CTX_set_padding(context_->cipher.get(), 0);
}

AesBlockEncryptor::~AesBlockEncryptor() = default;
AesBlockEncryptor::AesBlockEncryptor(AesBlockEncryptor&&) noexcept = default;
AesBlockEncryptor& AesBlockEncryptor::operator=(AesBlockEncryptor&&) noexcept = default;

void AesBlockEncryptor::encrypt(const std::uint8_t* in, std::uint8_t* out) const {
  // ECB keeps no state between blocks, so one initialised context serves every call.
  std::uint8_t block[kAesBlockSize];
  int written = 0;
  if (EVP_EncryptUpdate(context_->cipher.get(), block, &written, in,
                        static_cast<int>(kAesBlockSize)) != 1 ||
      written != static_cast<int>(kAesBlockSize)) {
    fail_openssl("encrypting an AES block");
  }
  std::copy(block, block + kAesBlockSize, out);
  OPENSSL_cleanse(block, sizeof block);
}

Bytes des_ecb_encrypt(const SecretBytes& key, ByteView data) {
  return des(key, {}, data, false, true);
}
Bytes des_ecb_decrypt(const SecretBytes& key, ByteView data) {
  return des(key, {}, data, false, false);
}
Bytes des_cbc_encrypt(const SecretBytes& key, ByteView iv, ByteView data) {
  return des(key, iv, data, true, true);
}
Bytes des_cbc_decrypt(const SecretBytes& key, ByteView iv, ByteView data) {
  return des(key, iv, data, true, false);
}

Bytes pad(ByteView data, std::size_t block_size, Padding method) {
  if (block_size == 0) throw std::invalid_argument("padding block size must not be zero");
  Bytes out(data.begin(), data.end());
  switch (method) {
    case Padding::none:
      check_blocks(data, block_size, "unpadded");
      break;
    case Padding::method1:
      // ISO/IEC 9797-1:2011 §6.3.1: the padded length is a positive multiple of the block.
      if (out.empty()) out.resize(block_size, 0);
      out.resize((out.size() + block_size - 1) / block_size * block_size, 0);
      break;
    case Padding::method2:
      out.push_back(0x80);
      out.resize((out.size() + block_size - 1) / block_size * block_size, 0);
      break;
  }
  return out;
}

std::optional<Bytes> unpad_method2(ByteView data, std::size_t block_size) {
  if (block_size == 0 || data.empty() || data.size() % block_size != 0) return std::nullopt;
  std::size_t end = data.size();
  std::size_t limit = data.size() - block_size;
  while (end > limit && data[end - 1] == 0x00) --end;
  if (end == limit || data[end - 1] != 0x80) return std::nullopt;
  return Bytes(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(end - 1));
}

Bytes des_mac_algorithm1(const SecretBytes& key, ByteView data, Padding padding, ByteView iv) {
  Bytes chain = mac_iv(iv);
  Bytes padded = mac_input(data, padding);
  Bytes encrypted = des_cbc_encrypt(key, chain, padded);
  return Bytes(encrypted.end() - kDesBlockSize, encrypted.end());
}

Bytes des_mac_algorithm3(const SecretBytes& key, ByteView data, Padding padding, ByteView iv) {
  if (key.size() != 16) {
    throw std::invalid_argument(
        fmt::format("invalid retail MAC key length {} bytes: expected 16", key.size()));
  }
  Bytes chain = mac_iv(iv);
  Bytes padded = mac_input(data, padding);
  SecretBytes k1(key.view().first(8));

  // Initial transformation 1 and the CBC chain run under K alone. Output transformation 3
  // then applies D(K') and E(K) to the last block, so the last step is two-key 3DES.
  std::size_t head = padded.size() - kDesBlockSize;
  if (head > 0) {
    Bytes encrypted = des_cbc_encrypt(k1, chain, ByteView(padded).first(head));
    chain.assign(encrypted.end() - kDesBlockSize, encrypted.end());
  }
  Bytes last = xor_bytes(chain, ByteView(padded).subspan(head));
  return des_ecb_encrypt(key, last);
}

Bytes aes_cmac(const SecretBytes& key, ByteView data) {
  static const MacPtr kCmac{EVP_MAC_fetch(nullptr, "CMAC", nullptr)};
  if (!kCmac) fail_openssl("fetching CMAC");
  const char* cipher_name = nullptr;
  switch (key.size()) {
    case 16:
      cipher_name = "AES-128-CBC";
      break;
    case 24:
      cipher_name = "AES-192-CBC";
      break;
    case 32:
      cipher_name = "AES-256-CBC";
      break;
    default:
      throw std::invalid_argument(
          fmt::format("invalid AES-CMAC key length {} bytes: expected 16, 24 or 32", key.size()));
  }

  MacContextPtr context(EVP_MAC_CTX_new(kCmac.get()));
  if (!context) fail_openssl("allocating a CMAC context");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(cipher_name), 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(context.get(), key.data(), key.size(), params) != 1) {
    fail_openssl("initialising AES-CMAC");
  }
  if (EVP_MAC_update(context.get(), data.data(), data.size()) != 1) {
    fail_openssl("updating AES-CMAC");
  }
  Bytes out(kAesBlockSize);
  std::size_t written = 0;
  if (EVP_MAC_final(context.get(), out.data(), &written, out.size()) != 1) {
    fail_openssl("finishing AES-CMAC");
  }
  out.resize(written);
  return out;
}

Bytes sha1(ByteView data) {
  return digest("SHA1", data);
}
Bytes sha256(ByteView data) {
  return digest("SHA2-256", data);
}
Bytes sha384(ByteView data) {
  return digest("SHA2-384", data);
}
Bytes sha512(ByteView data) {
  return digest("SHA2-512", data);
}

void random_bytes(MutableByteView out) {
  if (out.empty()) return;
  if (out.size() > static_cast<std::size_t>(INT_MAX)) {
    throw std::invalid_argument(fmt::format("random request of {} bytes is too long", out.size()));
  }
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    fail_openssl("generating random bytes");
  }
}

Bytes random_bytes(std::size_t count) {
  Bytes out(count);
  random_bytes(MutableByteView(out));
  return out;
}

Bytes xor_bytes(ByteView a, ByteView b) {
  if (a.size() != b.size()) {
    throw std::invalid_argument(
        fmt::format("cannot XOR buffers of {} and {} bytes", a.size(), b.size()));
  }
  Bytes out(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) out[i] = static_cast<std::uint8_t>(a[i] ^ b[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Asymmetric signatures

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

const char* group_name(Curve curve) {
  switch (curve) {
    case Curve::p256:
      return "P-256";
    case Curve::p384:
      return "P-384";
    case Curve::p521:
      return "P-521";
    case Curve::brainpool_p256r1:
      return "brainpoolP256r1";
    case Curve::brainpool_p384r1:
      return "brainpoolP384r1";
    case Curve::brainpool_p512r1:
      return "brainpoolP512r1";
  }
  throw std::invalid_argument("unknown curve");
}

std::optional<Curve> curve_from_group_name(std::string_view name) {
  for (Curve curve : {Curve::p256, Curve::p384, Curve::p521, Curve::brainpool_p256r1,
                      Curve::brainpool_p384r1, Curve::brainpool_p512r1}) {
    if (name == group_name(curve)) return curve;
  }
  // OpenSSL also reports the NIST curves by their SECG and X9.62 names.
  if (name == "prime256v1" || name == "secp256r1") return Curve::p256;
  if (name == "secp384r1") return Curve::p384;
  if (name == "secp521r1") return Curve::p521;
  return std::nullopt;
}

const char* digest_name(Hash hash) {
  switch (hash) {
    case Hash::sha1:
      return "SHA1";
    case Hash::sha256:
      return "SHA2-256";
    case Hash::sha384:
      return "SHA2-384";
    case Hash::sha512:
      return "SHA2-512";
  }
  throw std::invalid_argument("unknown hash");
}

Owned<BIGNUM> to_bignum(ByteView bytes) {
  Owned<BIGNUM> bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) fail_openssl("converting a key component");
  return bn;
}

Bytes from_bignum(const BIGNUM* bn) {
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  return out;
}

Owned<EVP_PKEY> build_key(const char* type, int selection, OSSL_PARAM_BLD* builder) {
  Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder));
  if (!params) fail_openssl("building key parameters");
  Owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1)
    fail_openssl("preparing a key import");
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(context.get(), &key, selection, params.get()) != 1) {
    fail_openssl(fmt::format("importing an {} key", type));
  }
  return Owned<EVP_PKEY>(key);
}

Owned<EVP_PKEY> rsa_key(ByteView modulus, ByteView exponent, const SecretBytes* private_exponent) {
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  Owned<BIGNUM> n = to_bignum(modulus);
  Owned<BIGNUM> e = to_bignum(exponent);
  Owned<BIGNUM> d;
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    fail_openssl("building RSA key parameters");
  }
  if (private_exponent != nullptr) {
    d = to_bignum(private_exponent->view());
    if (OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) != 1) {
      fail_openssl("building RSA key parameters");
    }
  }
  return build_key("RSA", private_exponent != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                   builder.get());
}

Owned<EVP_PKEY> ec_key(Curve curve, const Bytes* point, const SecretBytes* scalar) {
  Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                                  group_name(curve), 0) != 1) {
    fail_openssl("building EC key parameters");
  }
  Owned<BIGNUM> private_value;
  if (point != nullptr && OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                                           point->data(), point->size()) != 1) {
    fail_openssl("building EC key parameters");
  }
  if (scalar != nullptr) {
    private_value = to_bignum(scalar->view());
    if (OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, private_value.get()) != 1) {
      fail_openssl("building EC key parameters");
    }
  }
  return build_key("EC", scalar != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, builder.get());
}

enum class RsaPadding { pkcs1, pss, none };

// Applies the RSA padding choice to a signing or verification context.
void configure_padding(EVP_PKEY_CTX* context, RsaPadding padding) {
  if (padding == RsaPadding::none) return;
  int mode = padding == RsaPadding::pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING;
  if (EVP_PKEY_CTX_set_rsa_padding(context, mode) != 1) fail_openssl("setting RSA padding");
  if (padding == RsaPadding::pss &&
      EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) != 1) {
    fail_openssl("setting the PSS salt length");
  }
}

bool verify(EVP_PKEY* key, Hash hash, RsaPadding padding, ByteView message, ByteView signature) {
  Owned<EVP_MD_CTX> context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestVerifyInit_ex(context.get(), &key_context, digest_name(hash), nullptr,
                                          nullptr, key, nullptr) != 1) {
    ERR_clear_error();
    return false;
  }
  configure_padding(key_context, padding);
  int result = EVP_DigestVerify(context.get(), signature.data(), signature.size(), message.data(),
                                message.size());
  ERR_clear_error();
  return result == 1;
}

Bytes sign(EVP_PKEY* key, Hash hash, RsaPadding padding, ByteView message) {
  Owned<EVP_MD_CTX> context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  if (!context || EVP_DigestSignInit_ex(context.get(), &key_context, digest_name(hash), nullptr,
                                        nullptr, key, nullptr) != 1) {
    fail_openssl("initialising a signature");
  }
  configure_padding(key_context, padding);
  std::size_t size = 0;
  if (EVP_DigestSign(context.get(), nullptr, &size, message.data(), message.size()) != 1) {
    fail_openssl("sizing a signature");
  }
  Bytes signature(size);
  if (EVP_DigestSign(context.get(), signature.data(), &size, message.data(), message.size()) != 1) {
    fail_openssl("signing");
  }
  signature.resize(size);
  return signature;
}

Bytes bignum_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* value = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &value) != 1)
    fail_openssl(fmt::format("reading key parameter {}", name));
  Owned<BIGNUM> owned(value);
  return from_bignum(value);
}

Bytes left_pad(Bytes value, std::size_t size) {
  if (value.size() < size) value.insert(value.begin(), size - value.size(), 0x00);
  return value;
}

RsaPrivateKey rsa_private_from(const EVP_PKEY* key) {
  RsaPrivateKey rsa;
  rsa.modulus = bignum_param(key, OSSL_PKEY_PARAM_RSA_N);
  rsa.public_exponent = bignum_param(key, OSSL_PKEY_PARAM_RSA_E);
  Bytes d = bignum_param(key, OSSL_PKEY_PARAM_RSA_D);
  rsa.private_exponent = SecretBytes(d);
  std::fill(d.begin(), d.end(), 0);
  return rsa;
}

EcPrivateKey ec_private_from(const EVP_PKEY* key) {
  char name[64] = {};
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, nullptr) !=
      1) {
    fail_openssl("reading the EC group name");
  }
  std::optional<Curve> curve = curve_from_group_name(name);
  if (!curve) throw CryptoError(fmt::format("unsupported EC curve {}", name));
  EcPrivateKey ec;
  ec.curve = *curve;
  Bytes scalar = left_pad(bignum_param(key, OSSL_PKEY_PARAM_PRIV_KEY), curve_size(*curve));
  ec.scalar = SecretBytes(scalar);
  std::fill(scalar.begin(), scalar.end(), 0);
  return ec;
}

}  // namespace

std::optional<Curve> curve_from_reference(std::uint8_t reference) {
  switch (reference) {
    case 0x00:
      return Curve::p256;
    case 0x01:
      return Curve::p384;
    case 0x02:
      return Curve::p521;
    case 0x03:
      return Curve::brainpool_p256r1;
    case 0x05:
      return Curve::brainpool_p384r1;
    case 0x07:
      return Curve::brainpool_p512r1;
    default:
      return std::nullopt;
  }
}

std::size_t curve_size(Curve curve) {
  switch (curve) {
    case Curve::p256:
    case Curve::brainpool_p256r1:
      return 32;
    case Curve::p384:
    case Curve::brainpool_p384r1:
      return 48;
    case Curve::p521:
      return 66;
    case Curve::brainpool_p512r1:
      return 64;
  }
  throw std::invalid_argument("unknown curve");
}

Hash ecdsa_hash(Curve curve) {
  std::size_t bits = curve == Curve::p521 ? 521 : curve_size(curve) * 8;
  if (bits < 384) return Hash::sha256;
  if (bits < 512) return Hash::sha384;
  return Hash::sha512;
}

bool rsa_pkcs1_verify(const RsaPublicKey& key, Hash hash, ByteView message, ByteView signature) {
  try {
    Owned<EVP_PKEY> pkey = rsa_key(key.modulus, key.exponent, nullptr);
    return verify(pkey.get(), hash, RsaPadding::pkcs1, message, signature);
  } catch (const CryptoError&) {
    return false;
  }
}

bool rsa_pss_verify(const RsaPublicKey& key, Hash hash, ByteView message, ByteView signature) {
  try {
    Owned<EVP_PKEY> pkey = rsa_key(key.modulus, key.exponent, nullptr);
    return verify(pkey.get(), hash, RsaPadding::pss, message, signature);
  } catch (const CryptoError&) {
    return false;
  }
}

bool ecdsa_verify(const EcPublicKey& key, Hash hash, ByteView message, ByteView signature) {
  std::size_t size = curve_size(key.curve);
  if (signature.size() != 2 * size) return false;
  try {
    Owned<EVP_PKEY> pkey = ec_key(key.curve, &key.point, nullptr);
    // OpenSSL verifies DER-encoded signatures; TR-03111 transmits r || s.
    Owned<ECDSA_SIG> plain(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(signature.data(), static_cast<int>(size), nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + size, static_cast<int>(size), nullptr);
    if (!plain || r == nullptr || s == nullptr || ECDSA_SIG_set0(plain.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return false;
    }
    unsigned char* der = nullptr;
    int der_size = i2d_ECDSA_SIG(plain.get(), &der);
    if (der_size <= 0) return false;
    Bytes encoded(der, der + der_size);
    OPENSSL_free(der);
    return verify(pkey.get(), hash, RsaPadding::none, message, encoded);
  } catch (const CryptoError&) {
    return false;
  }
}

Bytes rsa_pkcs1_sign(const RsaPrivateKey& key, Hash hash, ByteView message) {
  Owned<EVP_PKEY> pkey = rsa_key(key.modulus, key.public_exponent, &key.private_exponent);
  return sign(pkey.get(), hash, RsaPadding::pkcs1, message);
}

Bytes rsa_pss_sign(const RsaPrivateKey& key, Hash hash, ByteView message) {
  Owned<EVP_PKEY> pkey = rsa_key(key.modulus, key.public_exponent, &key.private_exponent);
  return sign(pkey.get(), hash, RsaPadding::pss, message);
}

Bytes ecdsa_sign(const EcPrivateKey& key, Hash hash, ByteView message) {
  Owned<EVP_PKEY> pkey = ec_key(key.curve, nullptr, &key.scalar);
  Bytes der = sign(pkey.get(), hash, RsaPadding::none, message);
  const unsigned char* cursor = der.data();
  Owned<ECDSA_SIG> parsed(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  if (!parsed) fail_openssl("decoding an ECDSA signature");
  std::size_t size = curve_size(key.curve);
  Bytes plain(2 * size);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), plain.data(), static_cast<int>(size)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), plain.data() + size, static_cast<int>(size)) <
          0) {
    fail_openssl("encoding an ECDSA signature");
  }
  return plain;
}

RsaPrivateKey generate_rsa_key(unsigned bits) {
  EVP_PKEY* raw = EVP_RSA_gen(bits);
  if (raw == nullptr) fail_openssl(fmt::format("generating an RSA-{} key", bits));
  Owned<EVP_PKEY> key(raw);
  return rsa_private_from(key.get());
}

RsaPublicKey public_key(const RsaPrivateKey& key) {
  return {key.modulus, key.public_exponent};
}

EcPrivateKey generate_ec_key(Curve curve) {
  EVP_PKEY* raw = EVP_EC_gen(group_name(curve));
  if (raw == nullptr) fail_openssl(fmt::format("generating an EC key on {}", group_name(curve)));
  Owned<EVP_PKEY> key(raw);
  return ec_private_from(key.get());
}

EcPublicKey public_key(const EcPrivateKey& key) {
  // OpenSSL 3.0 does not derive the public point when a bare private scalar is imported, so
  // it is computed here as d * G.
  int nid = NID_undef;
  switch (key.curve) {
    case Curve::p256:
      nid = NID_X9_62_prime256v1;
      break;
    case Curve::p384:
      nid = NID_secp384r1;
      break;
    case Curve::p521:
      nid = NID_secp521r1;
      break;
    case Curve::brainpool_p256r1:
      nid = NID_brainpoolP256r1;
      break;
    case Curve::brainpool_p384r1:
      nid = NID_brainpoolP384r1;
      break;
    case Curve::brainpool_p512r1:
      nid = NID_brainpoolP512r1;
      break;
  }
  Owned<EC_GROUP> group(EC_GROUP_new_by_curve_name(nid));
  if (!group) fail_openssl("loading the EC group");
  Owned<EC_POINT> point(EC_POINT_new(group.get()));
  Owned<BIGNUM> scalar = to_bignum(key.scalar.view());
  if (!point ||
      EC_POINT_mul(group.get(), point.get(), scalar.get(), nullptr, nullptr, nullptr) != 1) {
    fail_openssl("deriving an EC public key");
  }
  Bytes encoded(1 + 2 * curve_size(key.curve));
  if (EC_POINT_point2oct(group.get(), point.get(), POINT_CONVERSION_UNCOMPRESSED, encoded.data(),
                         encoded.size(), nullptr) != encoded.size()) {
    fail_openssl("encoding an EC public key");
  }
  return {key.curve, encoded};
}

PrivateKey read_private_key_pem(std::string_view pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) fail_openssl("reading PEM");
  Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) fail_openssl("parsing a PEM private key");
  PrivateKey result;
  if (EVP_PKEY_is_a(key.get(), "RSA")) {
    result.rsa = rsa_private_from(key.get());
  } else if (EVP_PKEY_is_a(key.get(), "EC")) {
    result.ec = ec_private_from(key.get());
  } else {
    throw CryptoError("PEM private key is neither RSA nor EC");
  }
  return result;
}

}  // namespace uicc::crypto
