#include "vm/api/crypto/cipher.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "util/secret.h"
#include "vm/api/api_constants.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/api/crypto/message_digest.h"

namespace uicc::api::crypto {

namespace jcipher = jc::javacardx::crypto::Cipher;
namespace jmd = jc::javacard::security::MessageDigest;

void Cipher::require_init() const {
  if (mode_ == 0) fail(Reason::invalid_init, "Cipher not initialized");
}

void Cipher::check_mode(std::int8_t mode) {
  if (mode != jcipher::MODE_ENCRYPT && mode != jcipher::MODE_DECRYPT) {
    fail(Reason::illegal_value, fmt::format("Cipher mode {} is neither encrypt nor decrypt", mode));
  }
}

void pad_block(Bytes& data, std::size_t block, BlockPadding padding) {
  switch (padding) {
    case BlockPadding::none:
      return;
    case BlockPadding::iso9797_m1:
      // ISO/IEC 9797-1:2011 §6.1.1, padding method 1: zeros up to a positive multiple.
      if (data.empty()) data.resize(block, 0);
      data.resize((data.size() + block - 1) / block * block, 0);
      return;
    case BlockPadding::iso9797_m2:
      // ISO/IEC 9797-1:2011 §6.1.2, padding method 2: one 0x80 byte, then zeros.
      data.push_back(0x80);
      data.resize((data.size() + block - 1) / block * block, 0);
      return;
    case BlockPadding::pkcs5: {
      // RFC 8018 §6.1.1 (PKCS #5): n bytes of value n, 1 <= n <= block.
      const std::size_t n = block - data.size() % block;
      data.insert(data.end(), n, static_cast<std::uint8_t>(n));
      return;
    }
  }
}

std::optional<std::size_t> unpad_block(ByteView data, std::size_t block, BlockPadding padding) {
  switch (padding) {
    case BlockPadding::none:
    case BlockPadding::iso9797_m1:
      return data.size();
    case BlockPadding::iso9797_m2: {
      // The marker is in the last block: scan back over at most block - 1 zeros.
      std::size_t i = data.size();
      const std::size_t floor = data.size() >= block ? data.size() - block : 0;
      while (i > floor && data[i - 1] == 0x00) --i;
      if (i == floor || data[i - 1] != 0x80) return std::nullopt;
      return i - 1;
    }
    case BlockPadding::pkcs5: {
      if (data.empty()) return std::nullopt;
      const std::size_t n = data.back();
      if (n == 0 || n > block || n > data.size()) return std::nullopt;
      std::uint8_t diff = 0;
      for (std::size_t i = data.size() - n; i < data.size(); ++i) {
        diff |= static_cast<std::uint8_t>(data[i] ^ n);
      }
      if (diff != 0) return std::nullopt;
      return data.size() - n;
    }
  }
  return std::nullopt;
}

namespace {

enum class Family { des, aes };
enum class BlockMode { ecb, cbc, ctr };

struct BlockSpec {
  std::int8_t algorithm;
  std::int8_t cipher;
  std::int8_t padding_id;
  Family family;
  BlockMode mode;
  BlockPadding padding;
};

// Java Card 3.0.5 API, javacardx.crypto.Cipher: ALG_* values and their (CIPHER_*, PAD_*) pairs.
constexpr std::array kBlockSpecs = {
    BlockSpec{jcipher::ALG_DES_CBC_NOPAD, jcipher::CIPHER_DES_CBC, jcipher::PAD_NOPAD, Family::des,
              BlockMode::cbc, BlockPadding::none},
    BlockSpec{jcipher::ALG_DES_CBC_ISO9797_M1, jcipher::CIPHER_DES_CBC, jcipher::PAD_ISO9797_M1,
              Family::des, BlockMode::cbc, BlockPadding::iso9797_m1},
    BlockSpec{jcipher::ALG_DES_CBC_ISO9797_M2, jcipher::CIPHER_DES_CBC, jcipher::PAD_ISO9797_M2,
              Family::des, BlockMode::cbc, BlockPadding::iso9797_m2},
    BlockSpec{jcipher::ALG_DES_CBC_PKCS5, jcipher::CIPHER_DES_CBC, jcipher::PAD_PKCS5, Family::des,
              BlockMode::cbc, BlockPadding::pkcs5},
    BlockSpec{jcipher::ALG_DES_ECB_NOPAD, jcipher::CIPHER_DES_ECB, jcipher::PAD_NOPAD, Family::des,
              BlockMode::ecb, BlockPadding::none},
    BlockSpec{jcipher::ALG_DES_ECB_ISO9797_M1, jcipher::CIPHER_DES_ECB, jcipher::PAD_ISO9797_M1,
              Family::des, BlockMode::ecb, BlockPadding::iso9797_m1},
    BlockSpec{jcipher::ALG_DES_ECB_ISO9797_M2, jcipher::CIPHER_DES_ECB, jcipher::PAD_ISO9797_M2,
              Family::des, BlockMode::ecb, BlockPadding::iso9797_m2},
    BlockSpec{jcipher::ALG_DES_ECB_PKCS5, jcipher::CIPHER_DES_ECB, jcipher::PAD_PKCS5, Family::des,
              BlockMode::ecb, BlockPadding::pkcs5},
    BlockSpec{jcipher::ALG_AES_BLOCK_128_CBC_NOPAD, jcipher::CIPHER_AES_CBC, jcipher::PAD_NOPAD,
              Family::aes, BlockMode::cbc, BlockPadding::none},
    BlockSpec{jcipher::ALG_AES_BLOCK_128_ECB_NOPAD, jcipher::CIPHER_AES_ECB, jcipher::PAD_NOPAD,
              Family::aes, BlockMode::ecb, BlockPadding::none},
    BlockSpec{jcipher::ALG_AES_CBC_ISO9797_M1, jcipher::CIPHER_AES_CBC, jcipher::PAD_ISO9797_M1,
              Family::aes, BlockMode::cbc, BlockPadding::iso9797_m1},
    BlockSpec{jcipher::ALG_AES_CBC_ISO9797_M2, jcipher::CIPHER_AES_CBC, jcipher::PAD_ISO9797_M2,
              Family::aes, BlockMode::cbc, BlockPadding::iso9797_m2},
    BlockSpec{jcipher::ALG_AES_CBC_PKCS5, jcipher::CIPHER_AES_CBC, jcipher::PAD_PKCS5, Family::aes,
              BlockMode::cbc, BlockPadding::pkcs5},
    BlockSpec{jcipher::ALG_AES_ECB_ISO9797_M1, jcipher::CIPHER_AES_ECB, jcipher::PAD_ISO9797_M1,
              Family::aes, BlockMode::ecb, BlockPadding::iso9797_m1},
    BlockSpec{jcipher::ALG_AES_ECB_ISO9797_M2, jcipher::CIPHER_AES_ECB, jcipher::PAD_ISO9797_M2,
              Family::aes, BlockMode::ecb, BlockPadding::iso9797_m2},
    BlockSpec{jcipher::ALG_AES_ECB_PKCS5, jcipher::CIPHER_AES_ECB, jcipher::PAD_PKCS5, Family::aes,
              BlockMode::ecb, BlockPadding::pkcs5},
    // CTR has no CIPHER_* constant in the 3.0.5 API, so only getInstance(ALG_AES_CTR) reaches it.
    BlockSpec{jcipher::ALG_AES_CTR, 0, jcipher::PAD_NULL, Family::aes, BlockMode::ctr,
              BlockPadding::none},
};

// The OpenSSL cipher for a family, mode and key length. DES keys always run as three-key
// 3DES-EDE: a single DES key K is K||K||K and a two-key key K1||K2 is K1||K2||K1, which gives
// the same results and keeps single DES off OpenSSL's legacy provider.
const EVP_CIPHER* evp_block_cipher(Family family, BlockMode mode, std::size_t key_length) {
  if (family == Family::des) {
    return fetch_cipher(mode == BlockMode::ecb ? "DES-EDE3-ECB" : "DES-EDE3-CBC");
  }
  static constexpr const char* kNames[3][3] = {
      {"AES-128-ECB", "AES-128-CBC", "AES-128-CTR"},
      {"AES-192-ECB", "AES-192-CBC", "AES-192-CTR"},
      {"AES-256-ECB", "AES-256-CBC", "AES-256-CTR"},
  };
  const std::size_t row = key_length == 16 ? 0 : key_length == 24 ? 1 : 2;
  return fetch_cipher(kNames[row][static_cast<std::size_t>(mode)]);
}

}  // namespace

SecretBytes des_ede3_key(ByteView key) {
  SecretBytes expanded(24);
  auto out = expanded.mutable_view();
  for (std::size_t i = 0; i < 24; ++i) {
    if (key.size() == 8) {
      out[i] = key[i % 8];
    } else if (key.size() == 16) {
      out[i] = key[i < 16 ? i : i - 16];
    } else {
      out[i] = key[i];
    }
  }
  return expanded;
}

namespace {

class BlockCipher final : public Cipher {
 public:
  explicit BlockCipher(const BlockSpec& spec)
      : Cipher(spec.algorithm, spec.cipher, spec.padding_id), spec_(spec), ctx_(new_cipher_ctx()) {
    block_ = spec.family == Family::des ? 8 : 16;
  }

  void init(const KeyData& key, std::int8_t mode, const ByteView* iv) override {
    check_mode(mode);
    ByteView key_bytes;
    SecretBytes expanded;
    if (spec_.family == Family::des) {
      const auto* des = std::get_if<DesKeyData>(&key);
      if (des == nullptr) fail(Reason::illegal_value, "DES cipher needs a DES key");
      if (des->key.size() != 8 && des->key.size() != 16 && des->key.size() != 24) {
        fail(Reason::illegal_value, fmt::format("DES key of {} bytes", des->key.size()));
      }
      expanded = des_ede3_key(des->key);
      key_bytes = expanded.view();
    } else {
      const auto* aes = std::get_if<AesKeyData>(&key);
      if (aes == nullptr) fail(Reason::illegal_value, "AES cipher needs an AES key");
      if (aes->key.size() != 16 && aes->key.size() != 24 && aes->key.size() != 32) {
        fail(Reason::illegal_value, fmt::format("AES key of {} bytes", aes->key.size()));
      }
      key_bytes = aes->key;
    }
    // Java Card 3.0.5 API, Cipher.init(Key, byte, byte[], short, short): CBC takes an IV of
    // one block, CTR an initial counter block; ECB takes none.
    iv_.assign(block_, 0);
    if (iv != nullptr) {
      if (spec_.mode == BlockMode::ecb) fail(Reason::illegal_value, "ECB mode takes no IV");
      if (iv->size() != block_) {
        fail(Reason::illegal_value, fmt::format("IV of {} bytes, expected {}", iv->size(), block_));
      }
      iv_.assign(iv->begin(), iv->end());
    }
    const EVP_CIPHER* evp = evp_block_cipher(spec_.family, spec_.mode, key_bytes.size());
    if (evp == nullptr) fail_openssl("cipher not available");
    const int enc = mode == jcipher::MODE_ENCRYPT ? 1 : 0;
    if (EVP_CipherInit_ex2(ctx_.get(), evp, key_bytes.data(), iv_.data(), enc, nullptr) != 1) {
      fail_openssl("EVP_CipherInit_ex2");
    }
    EVP_CIPHER_CTX_set_padding(ctx_.get(), 0);
    mode_ = mode;
    pending_.clear();
    seen_input_ = false;
  }

  ByteView update(ByteView input) override {
    require_init();
    if (!input.empty()) seen_input_ = true;
    if (spec_.mode == BlockMode::ctr) return run(input);
    // Whole blocks go through at once. Decryption with padding holds the last block back,
    // because only doFinal() can tell whether it carries the padding.
    pending_.insert(pending_.end(), input.begin(), input.end());
    std::size_t ready = pending_.size() / block_ * block_;
    if (holds_last_block() && ready == pending_.size() && ready > 0) ready -= block_;
    ByteView result = run({pending_.data(), ready});
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(ready));
    return result;
  }

  ByteView do_final(ByteView input) override {
    require_init();
    // A failed doFinal also ends the message, so the next one starts from the init state.
    try {
      return finish(input);
    } catch (...) {
      restart();
      throw;
    }
  }

  std::size_t max_output(std::size_t input_length) const override {
    return pending_.size() + input_length + block_;
  }

 private:
  ByteView finish(ByteView input) {
    if (!input.empty()) seen_input_ = true;
    if (spec_.mode == BlockMode::ctr) {
      ByteView result = run(input);
      restart();
      return result;
    }
    // Fast path for block-aligned input with nothing pending, the common one-shot call.
    if (pending_.empty() && spec_.padding == BlockPadding::none) {
      check_aligned(input.size());
      ByteView result = run(input);
      restart();
      return result;
    }
    pending_.insert(pending_.end(), input.begin(), input.end());
    if (mode_ == jcipher::MODE_ENCRYPT) {
      pad_block(pending_, block_, spec_.padding);
      check_aligned(pending_.size());
      ByteView result = run(pending_);
      restart();
      return result;
    }
    check_aligned(pending_.size());
    ByteView plain = run(pending_);
    const auto kept = unpad_block(plain, block_, spec_.padding);
    restart();
    if (!kept) fail(Reason::illegal_use, "decrypted data has no valid padding");
    return plain.first(*kept);
  }

  bool holds_last_block() const {
    return mode_ == jcipher::MODE_DECRYPT && spec_.padding != BlockPadding::none;
  }

  void check_aligned(std::size_t length) const {
    if (length % block_ != 0) {
      fail(Reason::illegal_use,
           fmt::format("{} bytes are not a multiple of the {}-byte block", length, block_));
    }
    if (length == 0 && !seen_input_ && spec_.padding == BlockPadding::none) {
      fail(Reason::illegal_use, "no input data for a cipher without padding");
    }
  }

  ByteView run(ByteView input) {
    out_.resize(input.size() + block_);
    int written = 0;
    if (!input.empty() && EVP_CipherUpdate(ctx_.get(), out_.data(), &written, input.data(),
                                           static_cast<int>(input.size())) != 1) {
      fail_openssl("EVP_CipherUpdate");
    }
    return {out_.data(), static_cast<std::size_t>(written)};
  }

  // Java Card 3.0.5 API, Cipher.doFinal: the object returns to its state after init(), with
  // the IV of CBC mode reset to zeros.
  void restart() {
    pending_.clear();
    seen_input_ = false;
    if (spec_.mode == BlockMode::ecb) return;
    std::fill(iv_.begin(), iv_.end(), 0);
    if (EVP_CipherInit_ex2(ctx_.get(), nullptr, nullptr, iv_.data(), -1, nullptr) != 1) {
      fail_openssl("EVP_CipherInit_ex2");
    }
  }

  BlockSpec spec_;
  std::size_t block_;
  CipherCtx ctx_;
  Bytes iv_;
  Bytes pending_;
  Bytes out_;
  bool seen_input_ = false;
};

enum class RsaPadding { none, pkcs1, oaep };

class RsaCipher final : public Cipher {
 public:
  RsaCipher(std::int8_t algorithm, std::int8_t padding_id, RsaPadding padding,
            const EVP_MD* oaep_md)
      : Cipher(algorithm, jcipher::CIPHER_RSA, padding_id), padding_(padding), oaep_md_(oaep_md) {}

  void init(const KeyData& key, std::int8_t mode, const ByteView* iv) override {
    check_mode(mode);
    if (iv != nullptr) fail(Reason::illegal_value, "RSA takes no IV");
    private_raw_.reset();
    if (const auto* pub = std::get_if<RsaPublicKeyData>(&key)) {
      pkey_ = make_pkey(*pub);
      public_ = true;
    } else if (const auto* crt = std::get_if<RsaCrtKeyData>(&key)) {
      pkey_ = make_pkey(*crt);
      public_ = false;
    } else if (const auto* priv = std::get_if<RsaPrivateKeyData>(&key)) {
      if (padding_ == RsaPadding::oaep) {
        // NOTE: OAEP with a private key needs the CRT form (TYPE_RSA_CRT_PRIVATE).
        fail(Reason::illegal_value, "OAEP needs a public or CRT private RSA key");
      }
      modulus_.assign(priv->modulus.begin(), priv->modulus.end());
      exponent_ = SecretBytes(priv->exponent);
      private_raw_ = true;
      pkey_.reset();
      public_ = false;
    } else {
      fail(Reason::illegal_value, "RSA cipher needs an RSA key");
    }
    size_ = rsa_modulus_size(key);
    mode_ = mode;
    pending_.clear();
  }

  ByteView update(ByteView input) override {
    require_init();
    pending_.insert(pending_.end(), input.begin(), input.end());
    out_.clear();
    return out_;
  }

  ByteView do_final(ByteView input) override {
    require_init();
    pending_.insert(pending_.end(), input.begin(), input.end());
    Bytes data;
    data.swap(pending_);
    if (private_raw_) {
      out_ = private_raw_operation(data);
    } else {
      out_ = pkey_operation(data);
    }
    return out_;
  }

  std::size_t max_output(std::size_t) const override { return size_; }

 private:
  // The four operations: encrypt with a public key (PKCS#1 type 2), decrypt with a private
  // key, "encrypt" with a private key (type 1, as a signature primitive) and "decrypt" with a
  // public key (verify-recover). Without padding both directions are the raw exponentiation.
  Bytes pkey_operation(const Bytes& data) {
    const bool encrypt = mode_ == jcipher::MODE_ENCRYPT;
    if (padding_ == RsaPadding::none && data.size() != size_) {
      fail(Reason::illegal_use,
           fmt::format("RSA without padding needs {} bytes, got {}", size_, data.size()));
    }
    if (data.size() > size_) {
      fail(Reason::illegal_use,
           fmt::format("RSA input of {} bytes exceeds the {}-byte modulus", data.size(), size_));
    }
    PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
    if (!ctx) fail_openssl("EVP_PKEY_CTX_new_from_pkey");
    // Raw RSA in either direction: public exponent for a public key, private for a private one.
    const bool use_public_op = public_;
    int status = 0;
    if (padding_ == RsaPadding::none || (encrypt == use_public_op)) {
      status = use_public_op ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get());
    } else {
      status =
          use_public_op ? EVP_PKEY_verify_recover_init(ctx.get()) : EVP_PKEY_sign_init(ctx.get());
    }
    if (status != 1) fail_openssl("EVP_PKEY_*_init");
    int pad = padding_ == RsaPadding::none   ? RSA_NO_PADDING
              : padding_ == RsaPadding::oaep ? RSA_PKCS1_OAEP_PADDING
                                             : RSA_PKCS1_PADDING;
    if (padding_ == RsaPadding::oaep && encrypt != use_public_op) {
      fail(Reason::illegal_value,
           "OAEP encrypts with the public key and decrypts with the private");
    }
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), pad) != 1) fail_openssl("set_rsa_padding");
    if (padding_ == RsaPadding::oaep) {
      if (EVP_PKEY_CTX_set_rsa_oaep_md(ctx.get(), oaep_md_) != 1 ||
          EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), oaep_md_) != 1) {
        fail_openssl("set_rsa_oaep_md");
      }
    }
    Bytes out(size_);
    std::size_t out_len = out.size();
    if (padding_ == RsaPadding::none || encrypt == use_public_op) {
      status = use_public_op
                   ? EVP_PKEY_encrypt(ctx.get(), out.data(), &out_len, data.data(), data.size())
                   : EVP_PKEY_decrypt(ctx.get(), out.data(), &out_len, data.data(), data.size());
    } else {
      status =
          use_public_op
              ? EVP_PKEY_verify_recover(ctx.get(), out.data(), &out_len, data.data(), data.size())
              : EVP_PKEY_sign(ctx.get(), out.data(), &out_len, data.data(), data.size());
    }
    if (status != 1) {
      ERR_clear_error();
      fail(Reason::illegal_use, encrypt ? "RSA input too long or not below the modulus"
                                        : "RSA decryption failed: bad padding or length");
    }
    out.resize(out_len);
    return out;
  }

  // The non-CRT private key: the padding is applied or checked here around rsa_private_raw.
  Bytes private_raw_operation(const Bytes& data) {
    RsaPrivateKeyData key{modulus_, exponent_.view()};
    if (padding_ == RsaPadding::none) {
      if (data.size() != size_) {
        fail(Reason::illegal_use, fmt::format("RSA without padding needs {} bytes", size_));
      }
      return rsa_private_raw(key, data);
    }
    if (mode_ == jcipher::MODE_ENCRYPT) {
      // RFC 8017 §9.2 step 5 layout, block type 1: 00 01 FF..FF 00 || data.
      if (data.size() + 11 > size_) fail(Reason::illegal_use, "RSA input too long for PKCS#1");
      Bytes block(size_, 0xFF);
      block[0] = 0x00;
      block[1] = 0x01;
      block[size_ - data.size() - 1] = 0x00;
      std::copy(data.begin(), data.end(), block.end() - static_cast<std::ptrdiff_t>(data.size()));
      return rsa_private_raw(key, block);
    }
    // RFC 8017 §7.2.2: EM = 00 02 PS 00 M with at least 8 nonzero padding bytes.
    if (data.size() != size_)
      fail(Reason::illegal_use, "RSA ciphertext length differs from modulus");
    Bytes em = rsa_private_raw(key, data);
    std::size_t separator = 2;
    while (separator < em.size() && em[separator] != 0) ++separator;
    if (em[0] != 0x00 || em[1] != 0x02 || separator >= em.size() || separator < 10) {
      fail(Reason::illegal_use, "RSA decryption failed: bad padding");
    }
    return Bytes(em.begin() + static_cast<std::ptrdiff_t>(separator + 1), em.end());
  }

  RsaPadding padding_;
  const EVP_MD* oaep_md_;
  Pkey pkey_;
  bool public_ = false;
  std::optional<bool> private_raw_;
  Bytes modulus_;
  SecretBytes exponent_;
  std::size_t size_ = 0;
  Bytes pending_;
  Bytes out_;
};

std::unique_ptr<Cipher> make_rsa(std::int8_t algorithm, std::int8_t padding) {
  switch (padding) {
    case jcipher::PAD_NOPAD:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::none, nullptr);
    case jcipher::PAD_PKCS1:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::pkcs1, nullptr);
    case jcipher::PAD_PKCS1_OAEP:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::oaep,
                                         digest_of(jmd::ALG_SHA));
    case jcipher::PAD_PKCS1_OAEP_SHA224:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::oaep,
                                         digest_of(jmd::ALG_SHA_224));
    case jcipher::PAD_PKCS1_OAEP_SHA256:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::oaep,
                                         digest_of(jmd::ALG_SHA_256));
    case jcipher::PAD_PKCS1_OAEP_SHA384:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::oaep,
                                         digest_of(jmd::ALG_SHA_384));
    case jcipher::PAD_PKCS1_OAEP_SHA512:
      return std::make_unique<RsaCipher>(algorithm, padding, RsaPadding::oaep,
                                         digest_of(jmd::ALG_SHA_512));
    default:
      return nullptr;
  }
}

}  // namespace

std::unique_ptr<Cipher> Cipher::create(std::int8_t algorithm) {
  for (const BlockSpec& spec : kBlockSpecs) {
    if (spec.algorithm == algorithm) return std::make_unique<BlockCipher>(spec);
  }
  std::unique_ptr<Cipher> rsa;
  switch (algorithm) {
    case jcipher::ALG_RSA_NOPAD:
      rsa = make_rsa(algorithm, jcipher::PAD_NOPAD);
      break;
    case jcipher::ALG_RSA_PKCS1:
      rsa = make_rsa(algorithm, jcipher::PAD_PKCS1);
      break;
    case jcipher::ALG_RSA_PKCS1_OAEP:
      rsa = make_rsa(algorithm, jcipher::PAD_PKCS1_OAEP);
      break;
    default:
      break;
  }
  if (!rsa)
    fail(Reason::no_such_algorithm, fmt::format("Cipher algorithm {} not supported", algorithm));
  return rsa;
}

std::unique_ptr<Cipher> Cipher::create(std::int8_t cipher_algorithm,
                                       std::int8_t padding_algorithm) {
  for (const BlockSpec& spec : kBlockSpecs) {
    if (spec.cipher != 0 && spec.cipher == cipher_algorithm &&
        spec.padding_id == padding_algorithm) {
      return std::make_unique<BlockCipher>(spec);
    }
  }
  if (cipher_algorithm == jcipher::CIPHER_RSA) {
    std::int8_t algorithm = 0;
    if (padding_algorithm == jcipher::PAD_NOPAD) algorithm = jcipher::ALG_RSA_NOPAD;
    if (padding_algorithm == jcipher::PAD_PKCS1) algorithm = jcipher::ALG_RSA_PKCS1;
    if (padding_algorithm == jcipher::PAD_PKCS1_OAEP) algorithm = jcipher::ALG_RSA_PKCS1_OAEP;
    if (auto rsa = make_rsa(algorithm, padding_algorithm)) return rsa;
  }
  fail(Reason::no_such_algorithm,
       fmt::format("Cipher {} with padding {} not supported", cipher_algorithm, padding_algorithm));
}

}  // namespace uicc::api::crypto
