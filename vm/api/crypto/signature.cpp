#include "vm/api/crypto/signature.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#include "util/secret.h"
#include "vm/api/api_constants.h"
#include "vm/api/crypto/cipher.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/api/crypto/message_digest.h"

namespace uicc::api::crypto {

namespace jsig = jc::javacard::security::Signature;
namespace jmd = jc::javacard::security::MessageDigest;
namespace jcipher = jc::javacardx::crypto::Cipher;

void Signature::check_mode(std::int8_t mode) {
  if (mode != jsig::MODE_SIGN && mode != jsig::MODE_VERIFY) {
    fail(Reason::illegal_value, fmt::format("Signature mode {} is neither sign nor verify", mode));
  }
}

void Signature::require_mode(std::int8_t mode) const {
  if (mode_ == 0) fail(Reason::invalid_init, "Signature not initialized");
  if (mode_ != mode) {
    fail(Reason::invalid_init, mode == jsig::MODE_SIGN ? "Signature initialized for verify"
                                                       : "Signature initialized for sign");
  }
}

ByteView Signature::sign_hash(ByteView) {
  require_mode(jsig::MODE_SIGN);
  fail(Reason::illegal_use, "this Signature algorithm computes no separate message digest");
}

bool Signature::verify_hash(ByteView, ByteView) {
  require_mode(jsig::MODE_VERIFY);
  fail(Reason::illegal_use, "this Signature algorithm computes no separate message digest");
}

namespace {

// ---------------------------------------------------------------------------------------------
// CBC-MAC: DES and 3DES (MAC4, MAC8), AES (MAC128), and ISO/IEC 9797-1 MAC algorithm 3.

enum class MacCipher { des, aes };

class CbcMac final : public Signature {
 public:
  CbcMac(std::int8_t algorithm, std::int8_t cipher, std::int8_t padding_id, MacCipher kind,
         BlockPadding padding, std::size_t mac_length, bool retail)
      : Signature(algorithm, jmd::ALG_NULL, cipher, padding_id),
        kind_(kind),
        padding_(padding),
        mac_length_(mac_length),
        retail_(retail),
        block_(kind == MacCipher::des ? 8 : 16),
        ctx_(new_cipher_ctx()),
        final_ctx_(new_cipher_ctx()) {}

  void init(const KeyData& key, std::int8_t mode, const ByteView* iv) override {
    check_mode(mode);
    SecretBytes block_key;
    SecretBytes final_key;
    const EVP_CIPHER* evp = nullptr;
    if (kind_ == MacCipher::des) {
      const auto* des = std::get_if<DesKeyData>(&key);
      if (des == nullptr) fail(Reason::illegal_value, "DES MAC needs a DES key");
      const std::size_t n = des->key.size();
      if (retail_) {
        // ISO/IEC 9797-1:2011 §7.4, MAC algorithm 3: single DES with K over every block, then
        // decrypt with K' and encrypt with K on the last. That is 3DES-EDE(K, K', K) on the
        // last block, so a two-key 3DES key K||K' is the whole key.
        if (n != 16) fail(Reason::illegal_value, "retail MAC needs a two-key 3DES key");
        block_key = des_ede3_key(des->key.first(8));
        final_key = des_ede3_key(des->key);
      } else {
        if (n != 8 && n != 16 && n != 24) fail(Reason::illegal_value, "DES key of wrong length");
        block_key = des_ede3_key(des->key);
      }
      evp = fetch_cipher("DES-EDE3-ECB");
    } else {
      const auto* aes = std::get_if<AesKeyData>(&key);
      if (aes == nullptr) fail(Reason::illegal_value, "AES MAC needs an AES key");
      const std::size_t n = aes->key.size();
      if (n != 16 && n != 24 && n != 32) fail(Reason::illegal_value, "AES key of wrong length");
      block_key = SecretBytes(aes->key);
      evp = fetch_cipher(n == 16 ? "AES-128-ECB" : n == 24 ? "AES-192-ECB" : "AES-256-ECB");
    }
    iv_.assign(block_, 0);
    if (iv != nullptr) {
      if (iv->size() != block_) {
        fail(Reason::illegal_value, fmt::format("IV of {} bytes, expected {}", iv->size(), block_));
      }
      iv_.assign(iv->begin(), iv->end());
    }
    init_ecb(ctx_, evp, block_key.view());
    if (retail_) init_ecb(final_ctx_, evp, final_key.view());
    mode_ = mode;
    restart(iv_);
  }

  void update(ByteView data) override {
    if (mode_ == 0) fail(Reason::invalid_init, "Signature not initialized");
    if (!data.empty()) seen_input_ = true;
    // Every full block but the last is chained at once; the last waits for sign or verify,
    // because MAC algorithm 3 treats it differently.
    for (std::uint8_t byte : data) {
      if (pending_.size() == block_) {
        chain(ctx_, pending_);
        pending_.clear();
      }
      pending_.push_back(byte);
    }
  }

  ByteView sign(ByteView data) override {
    require_mode(jsig::MODE_SIGN);
    update(data);
    compute();
    return {mac_.data(), mac_length_};
  }

  bool verify(ByteView data, ByteView signature) override {
    require_mode(jsig::MODE_VERIFY);
    update(data);
    compute();
    return signature.size() == mac_length_ &&
           constant_time_equal(signature, ByteView(mac_.data(), mac_length_));
  }

  std::size_t length() const override { return mac_length_; }

 private:
  static void init_ecb(CipherCtx& ctx, const EVP_CIPHER* evp, ByteView key) {
    if (evp == nullptr) fail_openssl("cipher not available");
    if (EVP_EncryptInit_ex2(ctx.get(), evp, key.data(), nullptr, nullptr) != 1) {
      fail_openssl("EVP_EncryptInit_ex2");
    }
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  }

  void chain(CipherCtx& ctx, ByteView block) {
    std::uint8_t x[16];
    for (std::size_t i = 0; i < block_; ++i) x[i] = static_cast<std::uint8_t>(state_[i] ^ block[i]);
    int written = 0;
    if (EVP_EncryptUpdate(ctx.get(), state_.data(), &written, x, static_cast<int>(block_)) != 1) {
      fail_openssl("EVP_EncryptUpdate");
    }
  }

  void compute() {
    if (padding_ == BlockPadding::none) {
      if (!seen_input_) fail(Reason::illegal_use, "no input data for a MAC without padding");
      if (pending_.size() != block_) {
        restart(Bytes(block_, 0));
        fail(Reason::illegal_use, "message is not block aligned for a MAC without padding");
      }
    }
    pad_block(pending_, block_, padding_);
    for (std::size_t offset = 0; offset + block_ < pending_.size(); offset += block_) {
      chain(ctx_, ByteView(pending_).subspan(offset, block_));
    }
    chain(retail_ ? final_ctx_ : ctx_, ByteView(pending_).last(block_));
    mac_ = state_;
    // Java Card 3.0.5 API, Signature.sign/verify: the IV of CBC mode resets to zeros.
    restart(Bytes(block_, 0));
  }

  void restart(const Bytes& iv) {
    state_ = iv;
    pending_.clear();
    seen_input_ = false;
  }

  MacCipher kind_;
  BlockPadding padding_;
  std::size_t mac_length_;
  bool retail_;
  std::size_t block_;
  CipherCtx ctx_;
  CipherCtx final_ctx_;
  Bytes iv_;
  Bytes state_;
  Bytes pending_;
  Bytes mac_;
  bool seen_input_ = false;
};

// ---------------------------------------------------------------------------------------------
// AES-CMAC (NIST SP 800-38B) and HMAC (RFC 2104) through OpenSSL's EVP_MAC.

class EvpMacSignature final : public Signature {
 public:
  // `digest` is set for HMAC, null for CMAC.
  EvpMacSignature(std::int8_t algorithm, std::int8_t digest_id, std::int8_t cipher,
                  const EVP_MD* digest)
      : Signature(algorithm, digest_id, cipher, jcipher::PAD_NULL), digest_(digest) {}

  void init(const KeyData& key, std::int8_t mode, const ByteView* iv) override {
    check_mode(mode);
    if (iv != nullptr) fail(Reason::illegal_value, "this MAC takes no IV");
    ByteView key_bytes;
    OSSL_PARAM params[2];
    if (digest_ != nullptr) {
      const auto* hmac = std::get_if<HmacKeyData>(&key);
      if (hmac == nullptr || hmac->key.empty())
        fail(Reason::illegal_value, "HMAC needs an HMAC key");
      key_bytes = hmac->key;
      params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                   const_cast<char*>(EVP_MD_get0_name(digest_)), 0);
      length_ = static_cast<std::size_t>(EVP_MD_get_size(digest_));
    } else {
      const auto* aes = std::get_if<AesKeyData>(&key);
      if (aes == nullptr) fail(Reason::illegal_value, "AES-CMAC needs an AES key");
      const std::size_t n = aes->key.size();
      if (n != 16 && n != 24 && n != 32) fail(Reason::illegal_value, "AES key of wrong length");
      key_bytes = aes->key;
      const char* name = n == 16 ? "AES-128-CBC" : n == 24 ? "AES-192-CBC" : "AES-256-CBC";
      params[0] =
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, const_cast<char*>(name), 0);
      length_ = 16;
    }
    params[1] = OSSL_PARAM_construct_end();
    ctx_.reset(EVP_MAC_CTX_new(fetch_mac(digest_ != nullptr ? "HMAC" : "CMAC")));
    if (!ctx_ || EVP_MAC_init(ctx_.get(), key_bytes.data(), key_bytes.size(), params) != 1) {
      fail_openssl("EVP_MAC_init");
    }
    mode_ = mode;
  }

  void update(ByteView data) override {
    if (mode_ == 0) fail(Reason::invalid_init, "Signature not initialized");
    if (!data.empty() && EVP_MAC_update(ctx_.get(), data.data(), data.size()) != 1) {
      fail_openssl("EVP_MAC_update");
    }
  }

  ByteView sign(ByteView data) override {
    require_mode(jsig::MODE_SIGN);
    return finish(data);
  }

  bool verify(ByteView data, ByteView signature) override {
    require_mode(jsig::MODE_VERIFY);
    ByteView mac = finish(data);
    return signature.size() == mac.size() && constant_time_equal(signature, mac);
  }

  std::size_t length() const override {
    if (mode_ == 0 && digest_ == nullptr) return 16;
    return digest_ != nullptr ? static_cast<std::size_t>(EVP_MD_get_size(digest_)) : length_;
  }

 private:
  ByteView finish(ByteView data) {
    update(data);
    std::size_t size = 0;
    if (EVP_MAC_final(ctx_.get(), out_, &size, sizeof out_) != 1) fail_openssl("EVP_MAC_final");
    // A null key keeps the key of the last init, so the next message starts afresh.
    if (EVP_MAC_init(ctx_.get(), nullptr, 0, nullptr) != 1) fail_openssl("EVP_MAC_init");
    return {out_, size};
  }

  const EVP_MD* digest_;
  MacCtx ctx_;
  std::size_t length_ = 0;
  std::uint8_t out_[EVP_MAX_MD_SIZE] = {};
};

// ---------------------------------------------------------------------------------------------
// RSA (PKCS#1 v1.5, PSS) and ECDSA: the message digest first, then the key operation on it.

enum class PkeyScheme { rsa_pkcs1, rsa_pss, ecdsa_der, ecdsa_plain };

// DigestInfo prefixes of RFC 8017 §9.2, note 1, for signing with a non-CRT private key.
ByteView digest_info_prefix(std::int8_t digest) {
  static const Bytes kMd5 = from_hex("3020300C06082A864886F70D020505000410");
  static const Bytes kSha1 = from_hex("3021300906052B0E03021A05000414");
  static const Bytes kRipemd160 = from_hex("3021300906052B2403020105000414");
  static const Bytes kSha224 = from_hex("302D300D06096086480165030402040500041C");
  static const Bytes kSha256 = from_hex("3031300D060960864801650304020105000420");
  static const Bytes kSha384 = from_hex("3041300D060960864801650304020205000430");
  static const Bytes kSha512 = from_hex("3051300D060960864801650304020305000440");
  switch (digest) {
    case jmd::ALG_MD5:
      return kMd5;
    case jmd::ALG_SHA:
      return kSha1;
    case jmd::ALG_RIPEMD160:
      return kRipemd160;
    case jmd::ALG_SHA_224:
      return kSha224;
    case jmd::ALG_SHA_256:
      return kSha256;
    case jmd::ALG_SHA_384:
      return kSha384;
    case jmd::ALG_SHA_512:
      return kSha512;
    default:
      return {};
  }
}

class PkeySignature final : public Signature {
 public:
  PkeySignature(std::int8_t algorithm, std::int8_t digest, std::int8_t cipher, std::int8_t padding,
                PkeyScheme scheme)
      : Signature(algorithm, digest, cipher, padding), scheme_(scheme), md_(digest) {}

  void init(const KeyData& key, std::int8_t mode, const ByteView* iv) override {
    check_mode(mode);
    if (iv != nullptr) fail(Reason::illegal_value, "this Signature algorithm takes no IV");
    raw_private_ = false;
    pkey_.reset();
    const bool rsa = scheme_ == PkeyScheme::rsa_pkcs1 || scheme_ == PkeyScheme::rsa_pss;
    const bool sign = mode == jsig::MODE_SIGN;
    if (rsa) {
      if (const auto* pub = std::get_if<RsaPublicKeyData>(&key); pub != nullptr && !sign) {
        pkey_ = make_pkey(*pub);
      } else if (const auto* crt = std::get_if<RsaCrtKeyData>(&key); crt != nullptr && sign) {
        pkey_ = make_pkey(*crt);
      } else if (const auto* priv = std::get_if<RsaPrivateKeyData>(&key); priv != nullptr && sign) {
        // NOTE: PSS signing needs the CRT form (TYPE_RSA_CRT_PRIVATE); PKCS#1 v1.5 works with
        // both private forms.
        if (scheme_ == PkeyScheme::rsa_pss) {
          fail(Reason::illegal_value, "PSS signing needs a CRT private RSA key");
        }
        modulus_.assign(priv->modulus.begin(), priv->modulus.end());
        exponent_ = SecretBytes(priv->exponent);
        raw_private_ = true;
      } else {
        fail(Reason::illegal_value, sign ? "RSA signing needs a private RSA key"
                                         : "RSA verification needs a public RSA key");
      }
      length_ = rsa_modulus_size(key);
    } else {
      const EcDomain* domain = nullptr;
      if (const auto* pub = std::get_if<EcPublicKeyData>(&key); pub != nullptr && !sign) {
        pkey_ = make_pkey(*pub);
        domain = &pub->domain;
      } else if (const auto* priv = std::get_if<EcPrivateKeyData>(&key); priv != nullptr && sign) {
        pkey_ = make_pkey(*priv);
        domain = &priv->domain;
      } else {
        fail(Reason::illegal_value, sign ? "ECDSA signing needs a private EC key"
                                         : "ECDSA verification needs a public EC key");
      }
      Bn order = bn_from(domain->r);
      order_size_ = static_cast<std::size_t>(BN_num_bytes(order.get()));
      // DER: SEQUENCE { INTEGER r, INTEGER s }, each integer at most one byte longer than the
      // order for its sign bit.
      const std::size_t body = 2 * (2 + order_size_ + 1);
      length_ = scheme_ == PkeyScheme::ecdsa_plain ? 2 * order_size_ : body + (body > 127 ? 3 : 2);
    }
    if (pkey_) prepare_ctx(sign);
    mode_ = mode;
    md_.reset();
  }

  void update(ByteView data) override {
    if (mode_ == 0) fail(Reason::invalid_init, "Signature not initialized");
    md_.update(data);
  }

  ByteView sign(ByteView data) override {
    require_mode(jsig::MODE_SIGN);
    return sign_digest(md_.do_final(data));
  }

  bool verify(ByteView data, ByteView signature) override {
    require_mode(jsig::MODE_VERIFY);
    return verify_digest(md_.do_final(data), signature);
  }

  ByteView sign_hash(ByteView hash) override {
    require_mode(jsig::MODE_SIGN);
    md_.reset();
    if (hash.size() != md_.length())
      fail(Reason::illegal_use, "hash length differs from digest length");
    return sign_digest(hash);
  }

  bool verify_hash(ByteView hash, ByteView signature) override {
    require_mode(jsig::MODE_VERIFY);
    md_.reset();
    if (hash.size() != md_.length())
      fail(Reason::illegal_use, "hash length differs from digest length");
    return verify_digest(hash, signature);
  }

  std::size_t length() const override {
    if (mode_ == 0)
      fail(Reason::invalid_init, "Signature not initialized: length depends on the key");
    return length_;
  }

 private:
  void prepare_ctx(bool sign) {
    ctx_.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr));
    if (!ctx_) fail_openssl("EVP_PKEY_CTX_new_from_pkey");
    if ((sign ? EVP_PKEY_sign_init(ctx_.get()) : EVP_PKEY_verify_init(ctx_.get())) != 1) {
      fail_openssl("EVP_PKEY_sign_init");
    }
    const EVP_MD* evp = digest_of(digest_algorithm());
    if (EVP_PKEY_CTX_set_signature_md(ctx_.get(), evp) != 1) fail_openssl("set_signature_md");
    if (scheme_ == PkeyScheme::rsa_pkcs1) {
      if (EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_PADDING) != 1) fail_openssl("padding");
    } else if (scheme_ == PkeyScheme::rsa_pss) {
      // PKCS#1 v2.2 PSS with MGF1 over the same digest and a salt as long as the digest, the
      // usual choice; verification accepts any salt length.
      if (EVP_PKEY_CTX_set_rsa_padding(ctx_.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
          EVP_PKEY_CTX_set_rsa_mgf1_md(ctx_.get(), evp) != 1 ||
          EVP_PKEY_CTX_set_rsa_pss_saltlen(
              ctx_.get(), sign ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO) != 1) {
        fail_openssl("PSS parameters");
      }
    }
  }

  ByteView sign_digest(ByteView digest) {
    if (raw_private_) {
      ByteView prefix = digest_info_prefix(digest_algorithm());
      const std::size_t t = prefix.size() + digest.size();
      if (t + 11 > modulus_.size()) fail(Reason::illegal_use, "RSA key too short for this digest");
      // RFC 8017 §9.2 (EMSA-PKCS1-v1_5): 00 01 FF..FF 00 || DigestInfo.
      Bytes em(modulus_.size(), 0xFF);
      em[0] = 0x00;
      em[1] = 0x01;
      em[em.size() - t - 1] = 0x00;
      std::copy(prefix.begin(), prefix.end(), em.end() - static_cast<std::ptrdiff_t>(t));
      std::copy(digest.begin(), digest.end(),
                em.end() - static_cast<std::ptrdiff_t>(digest.size()));
      out_ = rsa_private_raw(RsaPrivateKeyData{modulus_, exponent_.view()}, em);
      return out_;
    }
    std::size_t size = 0;
    if (EVP_PKEY_sign(ctx_.get(), nullptr, &size, digest.data(), digest.size()) != 1) {
      fail_openssl("EVP_PKEY_sign");
    }
    out_.resize(size);
    if (EVP_PKEY_sign(ctx_.get(), out_.data(), &size, digest.data(), digest.size()) != 1) {
      ERR_clear_error();
      fail(Reason::illegal_use, "signing failed: the key is too short for this digest");
    }
    out_.resize(size);
    if (scheme_ == PkeyScheme::ecdsa_plain) {
      auto plain = ecdsa_der_to_plain(out_, order_size_);
      if (!plain) fail_openssl("ECDSA signature not in DER");
      out_ = std::move(*plain);
    }
    return out_;
  }

  bool verify_digest(ByteView digest, ByteView signature) {
    Bytes der;
    if (scheme_ == PkeyScheme::ecdsa_plain) {
      if (signature.size() != 2 * order_size_) return false;
      auto converted = ecdsa_plain_to_der(signature);
      if (!converted) return false;
      der = std::move(*converted);
      signature = der;
    }
    if ((scheme_ == PkeyScheme::rsa_pkcs1 || scheme_ == PkeyScheme::rsa_pss) &&
        signature.size() != length_) {
      return false;
    }
    const int status = EVP_PKEY_verify(ctx_.get(), signature.data(), signature.size(),
                                       digest.data(), digest.size());
    ERR_clear_error();
    return status == 1;
  }

  PkeyScheme scheme_;
  MessageDigest md_;
  Pkey pkey_;
  PkeyCtx ctx_;
  bool raw_private_ = false;
  Bytes modulus_;
  SecretBytes exponent_;
  std::size_t length_ = 0;
  std::size_t order_size_ = 0;
  Bytes out_;
};

// ---------------------------------------------------------------------------------------------
// The algorithm table: Java Card 3.0.5 API, Signature.ALG_* and their (digest, SIG_CIPHER_*,
// PAD_*) triples.

enum class Kind { cbc_mac, cmac, hmac, pkey };

struct SignatureSpec {
  std::int8_t algorithm;
  std::int8_t digest;
  std::int8_t cipher;
  std::int8_t padding;
  Kind kind;
  MacCipher mac_cipher = MacCipher::des;
  BlockPadding block_padding = BlockPadding::none;
  std::size_t mac_length = 0;
  bool retail = false;
  PkeyScheme scheme = PkeyScheme::rsa_pkcs1;
};

SignatureSpec des_mac(std::int8_t alg, std::int8_t pad, BlockPadding padding, std::size_t length,
                      bool retail = false) {
  return {
      alg,     jmd::ALG_NULL, length == 4 ? jsig::SIG_CIPHER_DES_MAC4 : jsig::SIG_CIPHER_DES_MAC8,
      pad,     Kind::cbc_mac, MacCipher::des,
      padding, length,        retail};
}

SignatureSpec aes_mac(std::int8_t alg, std::int8_t pad, BlockPadding padding) {
  return {
      alg, jmd::ALG_NULL, jsig::SIG_CIPHER_AES_MAC128, pad, Kind::cbc_mac, MacCipher::aes, padding,
      16};
}

SignatureSpec hmac(std::int8_t alg, std::int8_t digest) {
  return {alg, digest, jsig::SIG_CIPHER_HMAC, jcipher::PAD_NULL, Kind::hmac};
}

SignatureSpec pkey(std::int8_t alg, std::int8_t digest, std::int8_t cipher, std::int8_t pad,
                   PkeyScheme scheme) {
  SignatureSpec spec{alg, digest, cipher, pad, Kind::pkey};
  spec.scheme = scheme;
  return spec;
}

const std::vector<SignatureSpec>& specs() {
  using BP = BlockPadding;
  using PS = PkeyScheme;
  static const std::vector<SignatureSpec> table = {
      des_mac(jsig::ALG_DES_MAC4_NOPAD, jcipher::PAD_NOPAD, BP::none, 4),
      des_mac(jsig::ALG_DES_MAC8_NOPAD, jcipher::PAD_NOPAD, BP::none, 8),
      des_mac(jsig::ALG_DES_MAC4_ISO9797_M1, jcipher::PAD_ISO9797_M1, BP::iso9797_m1, 4),
      des_mac(jsig::ALG_DES_MAC8_ISO9797_M1, jcipher::PAD_ISO9797_M1, BP::iso9797_m1, 8),
      des_mac(jsig::ALG_DES_MAC4_ISO9797_M2, jcipher::PAD_ISO9797_M2, BP::iso9797_m2, 4),
      des_mac(jsig::ALG_DES_MAC8_ISO9797_M2, jcipher::PAD_ISO9797_M2, BP::iso9797_m2, 8),
      des_mac(jsig::ALG_DES_MAC4_PKCS5, jcipher::PAD_PKCS5, BP::pkcs5, 4),
      des_mac(jsig::ALG_DES_MAC8_PKCS5, jcipher::PAD_PKCS5, BP::pkcs5, 8),
      des_mac(jsig::ALG_DES_MAC4_ISO9797_1_M1_ALG3, jcipher::PAD_ISO9797_1_M1_ALG3, BP::iso9797_m1,
              4, true),
      des_mac(jsig::ALG_DES_MAC8_ISO9797_1_M1_ALG3, jcipher::PAD_ISO9797_1_M1_ALG3, BP::iso9797_m1,
              8, true),
      des_mac(jsig::ALG_DES_MAC4_ISO9797_1_M2_ALG3, jcipher::PAD_ISO9797_1_M2_ALG3, BP::iso9797_m2,
              4, true),
      des_mac(jsig::ALG_DES_MAC8_ISO9797_1_M2_ALG3, jcipher::PAD_ISO9797_1_M2_ALG3, BP::iso9797_m2,
              8, true),
      aes_mac(jsig::ALG_AES_MAC_128_NOPAD, jcipher::PAD_NOPAD, BP::none),
      aes_mac(0, jcipher::PAD_ISO9797_M1, BP::iso9797_m1),
      aes_mac(0, jcipher::PAD_ISO9797_M2, BP::iso9797_m2),
      aes_mac(0, jcipher::PAD_PKCS5, BP::pkcs5),
      {jsig::ALG_AES_CMAC_128, jmd::ALG_NULL, jsig::SIG_CIPHER_AES_CMAC128, jcipher::PAD_NULL,
       Kind::cmac},
      hmac(jsig::ALG_HMAC_SHA1, jmd::ALG_SHA),
      hmac(jsig::ALG_HMAC_SHA_256, jmd::ALG_SHA_256),
      hmac(jsig::ALG_HMAC_SHA_384, jmd::ALG_SHA_384),
      hmac(jsig::ALG_HMAC_SHA_512, jmd::ALG_SHA_512),
      hmac(jsig::ALG_HMAC_MD5, jmd::ALG_MD5),
      hmac(jsig::ALG_HMAC_RIPEMD160, jmd::ALG_RIPEMD160),
      pkey(jsig::ALG_RSA_SHA_PKCS1, jmd::ALG_SHA, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1,
           PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_MD5_PKCS1, jmd::ALG_MD5, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1,
           PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_RIPEMD160_PKCS1, jmd::ALG_RIPEMD160, jsig::SIG_CIPHER_RSA,
           jcipher::PAD_PKCS1, PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_SHA_224_PKCS1, jmd::ALG_SHA_224, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1,
           PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_SHA_256_PKCS1, jmd::ALG_SHA_256, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1,
           PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_SHA_384_PKCS1, jmd::ALG_SHA_384, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1,
           PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_SHA_512_PKCS1, jmd::ALG_SHA_512, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1,
           PS::rsa_pkcs1),
      pkey(jsig::ALG_RSA_SHA_PKCS1_PSS, jmd::ALG_SHA, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1_PSS,
           PS::rsa_pss),
      pkey(jsig::ALG_RSA_MD5_PKCS1_PSS, jmd::ALG_MD5, jsig::SIG_CIPHER_RSA, jcipher::PAD_PKCS1_PSS,
           PS::rsa_pss),
      pkey(jsig::ALG_RSA_RIPEMD160_PKCS1_PSS, jmd::ALG_RIPEMD160, jsig::SIG_CIPHER_RSA,
           jcipher::PAD_PKCS1_PSS, PS::rsa_pss),
      pkey(jsig::ALG_RSA_SHA_224_PKCS1_PSS, jmd::ALG_SHA_224, jsig::SIG_CIPHER_RSA,
           jcipher::PAD_PKCS1_PSS, PS::rsa_pss),
      pkey(jsig::ALG_RSA_SHA_256_PKCS1_PSS, jmd::ALG_SHA_256, jsig::SIG_CIPHER_RSA,
           jcipher::PAD_PKCS1_PSS, PS::rsa_pss),
      pkey(jsig::ALG_RSA_SHA_384_PKCS1_PSS, jmd::ALG_SHA_384, jsig::SIG_CIPHER_RSA,
           jcipher::PAD_PKCS1_PSS, PS::rsa_pss),
      pkey(jsig::ALG_RSA_SHA_512_PKCS1_PSS, jmd::ALG_SHA_512, jsig::SIG_CIPHER_RSA,
           jcipher::PAD_PKCS1_PSS, PS::rsa_pss),
      pkey(jsig::ALG_ECDSA_SHA, jmd::ALG_SHA, jsig::SIG_CIPHER_ECDSA, jcipher::PAD_NULL,
           PS::ecdsa_der),
      pkey(jsig::ALG_ECDSA_SHA_224, jmd::ALG_SHA_224, jsig::SIG_CIPHER_ECDSA, jcipher::PAD_NULL,
           PS::ecdsa_der),
      pkey(jsig::ALG_ECDSA_SHA_256, jmd::ALG_SHA_256, jsig::SIG_CIPHER_ECDSA, jcipher::PAD_NULL,
           PS::ecdsa_der),
      pkey(jsig::ALG_ECDSA_SHA_384, jmd::ALG_SHA_384, jsig::SIG_CIPHER_ECDSA, jcipher::PAD_NULL,
           PS::ecdsa_der),
      pkey(jsig::ALG_ECDSA_SHA_512, jmd::ALG_SHA_512, jsig::SIG_CIPHER_ECDSA, jcipher::PAD_NULL,
           PS::ecdsa_der),
      pkey(0, jmd::ALG_SHA, jsig::SIG_CIPHER_ECDSA_PLAIN, jcipher::PAD_NULL, PS::ecdsa_plain),
      pkey(0, jmd::ALG_SHA_224, jsig::SIG_CIPHER_ECDSA_PLAIN, jcipher::PAD_NULL, PS::ecdsa_plain),
      pkey(0, jmd::ALG_SHA_256, jsig::SIG_CIPHER_ECDSA_PLAIN, jcipher::PAD_NULL, PS::ecdsa_plain),
      pkey(0, jmd::ALG_SHA_384, jsig::SIG_CIPHER_ECDSA_PLAIN, jcipher::PAD_NULL, PS::ecdsa_plain),
      pkey(0, jmd::ALG_SHA_512, jsig::SIG_CIPHER_ECDSA_PLAIN, jcipher::PAD_NULL, PS::ecdsa_plain),
  };
  return table;
}

std::unique_ptr<Signature> build(const SignatureSpec& spec) {
  switch (spec.kind) {
    case Kind::cbc_mac:
      return std::make_unique<CbcMac>(spec.algorithm, spec.cipher, spec.padding, spec.mac_cipher,
                                      spec.block_padding, spec.mac_length, spec.retail);
    case Kind::cmac:
      return std::make_unique<EvpMacSignature>(spec.algorithm, spec.digest, spec.cipher, nullptr);
    case Kind::hmac:
    case Kind::pkey: {
      // The provider may lack a digest (RIPEMD-160 is in OpenSSL's legacy provider in some
      // versions); the algorithm is then not supported.
      const EVP_MD* digest = digest_of(spec.digest);
      if (digest == nullptr) return nullptr;
      if (spec.kind == Kind::hmac) {
        return std::make_unique<EvpMacSignature>(spec.algorithm, spec.digest, spec.cipher, digest);
      }
      return std::make_unique<PkeySignature>(spec.algorithm, spec.digest, spec.cipher, spec.padding,
                                             spec.scheme);
    }
  }
  return nullptr;
}

}  // namespace

std::unique_ptr<Signature> Signature::create(std::int8_t algorithm) {
  if (algorithm != 0) {
    for (const SignatureSpec& spec : specs()) {
      if (spec.algorithm != algorithm) continue;
      if (auto signature = build(spec)) return signature;
    }
  }
  fail(Reason::no_such_algorithm, fmt::format("Signature algorithm {} not supported", algorithm));
}

std::unique_ptr<Signature> Signature::create(std::int8_t digest_algorithm,
                                             std::int8_t cipher_algorithm,
                                             std::int8_t padding_algorithm) {
  for (const SignatureSpec& spec : specs()) {
    if (spec.digest != digest_algorithm || spec.cipher != cipher_algorithm ||
        spec.padding != padding_algorithm) {
      continue;
    }
    if (auto signature = build(spec)) return signature;
  }
  fail(Reason::no_such_algorithm,
       fmt::format("Signature with digest {}, cipher {}, padding {} not supported",
                   digest_algorithm, cipher_algorithm, padding_algorithm));
}

// DER INTEGERs are minimal, big-endian and signed: a leading zero byte comes before a high
// bit and nowhere else.
std::optional<Bytes> ecdsa_der_to_plain(ByteView der, std::size_t size) {
  std::size_t pos = 0;
  auto read_length = [&](std::size_t& length) {
    if (pos >= der.size()) return false;
    const std::uint8_t first = der[pos++];
    if (first < 0x80) {
      length = first;
      return true;
    }
    if (first != 0x81 || pos >= der.size()) return false;
    length = der[pos++];
    return true;
  };
  std::size_t length = 0;
  if (pos >= der.size() || der[pos++] != 0x30 || !read_length(length) ||
      pos + length != der.size()) {
    return std::nullopt;
  }
  Bytes plain(2 * size, 0);
  for (int part = 0; part < 2; ++part) {
    if (pos >= der.size() || der[pos++] != 0x02 || !read_length(length) || length == 0 ||
        pos + length > der.size()) {
      return std::nullopt;
    }
    ByteView value = der.subspan(pos, length);
    pos += length;
    while (!value.empty() && value[0] == 0) value = value.subspan(1);
    if (value.size() > size) return std::nullopt;
    std::copy(value.begin(), value.end(),
              plain.begin() + static_cast<std::ptrdiff_t>((part + 1) * size - value.size()));
  }
  if (pos != der.size()) return std::nullopt;
  return plain;
}

std::optional<Bytes> ecdsa_plain_to_der(ByteView plain) {
  if (plain.empty() || plain.size() % 2 != 0 || plain.size() > 2 * 66) return std::nullopt;
  Bytes body;
  const std::size_t size = plain.size() / 2;
  for (int part = 0; part < 2; ++part) {
    ByteView value = plain.subspan(static_cast<std::size_t>(part) * size, size);
    while (value.size() > 1 && value[0] == 0) value = value.subspan(1);
    const bool sign_pad = (value[0] & 0x80) != 0;
    body.push_back(0x02);
    body.push_back(static_cast<std::uint8_t>(value.size() + (sign_pad ? 1 : 0)));
    if (sign_pad) body.push_back(0x00);
    body.insert(body.end(), value.begin(), value.end());
  }
  Bytes der{0x30};
  if (body.size() > 127) der.push_back(0x81);
  der.push_back(static_cast<std::uint8_t>(body.size()));
  der.insert(der.end(), body.begin(), body.end());
  return der;
}

}  // namespace uicc::api::crypto
