#include "util/crypto.h"

#include <climits>
#include <memory>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

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

}  // namespace uicc::crypto
