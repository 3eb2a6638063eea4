#include "vm/api/crypto/aead_cipher.h"

#include <fmt/format.h>
#include <openssl/err.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/crypto_error.h"

namespace uicc::api::crypto {

namespace jaead = jc::javacardx::crypto::AEADCipher;
namespace jcipher = jc::javacardx::crypto::Cipher;

namespace {

const EVP_CIPHER* aes_aead(bool ccm, std::size_t key_length) {
  if (ccm) {
    return fetch_cipher(key_length == 16   ? "AES-128-CCM"
                        : key_length == 24 ? "AES-192-CCM"
                                           : "AES-256-CCM");
  }
  return fetch_cipher(key_length == 16   ? "AES-128-GCM"
                      : key_length == 24 ? "AES-192-GCM"
                                         : "AES-256-GCM");
}

}  // namespace

AeadCipher::AeadCipher(std::int8_t algorithm)
    : algorithm_(algorithm), ccm_(algorithm == jaead::ALG_AES_CCM), ctx_(new_cipher_ctx()) {
  if (algorithm != jaead::ALG_AES_GCM && algorithm != jaead::ALG_AES_CCM) {
    fail(Reason::no_such_algorithm,
         fmt::format("AEADCipher algorithm {} not supported", algorithm));
  }
}

void AeadCipher::require_init() const {
  if (mode_ == 0) fail(Reason::invalid_init, "AEADCipher not initialized");
}

void AeadCipher::init(const KeyData& key, std::int8_t mode, ByteView nonce, std::size_t aad_length,
                      std::size_t message_length, std::size_t tag_size) {
  if (mode != jcipher::MODE_ENCRYPT && mode != jcipher::MODE_DECRYPT) {
    fail(Reason::illegal_value,
         fmt::format("AEADCipher mode {} is neither encrypt nor decrypt", mode));
  }
  const auto* aes = std::get_if<AesKeyData>(&key);
  if (aes == nullptr) fail(Reason::illegal_value, "AEADCipher needs an AES key");
  if (aes->key.size() != 16 && aes->key.size() != 24 && aes->key.size() != 32) {
    fail(Reason::illegal_value, "AES key of wrong length");
  }
  if (ccm_) {
    // NIST SP 800-38C §A.1: nonce of 7 to 13 bytes, tag of 4 to 16 even bytes.
    if (nonce.size() < 7 || nonce.size() > 13)
      fail(Reason::illegal_value, "CCM nonce of 7 to 13 bytes");
    if (tag_size < 4 || tag_size > 16 || tag_size % 2 != 0) {
      fail(Reason::illegal_value, fmt::format("CCM tag size {} not allowed", tag_size));
    }
  } else {
    // NIST SP 800-38D §5.2.1.2: tags of 128, 120, 112, 104, 96 bits, or 64 and 32 bits.
    if (nonce.empty()) fail(Reason::illegal_value, "GCM nonce is empty");
    if (!(tag_size >= 12 && tag_size <= 16) && tag_size != 8 && tag_size != 4) {
      fail(Reason::illegal_value, fmt::format("GCM tag size {} not allowed", tag_size));
    }
  }
  key_ = SecretBytes(aes->key);
  nonce_.assign(nonce.begin(), nonce.end());
  aad_length_ = aad_length;
  message_length_ = message_length;
  tag_size_ = tag_size;
  mode_ = mode;
  start();
}

// GCM streams through OpenSSL at once. CCM collects AAD and data, because OpenSSL's CCM wants
// the whole message in one call and the tag before decryption, while the Java Card API gives
// the tag to verifyTag after doFinal.
void AeadCipher::start() {
  aad_.clear();
  data_.clear();
  tag_.clear();
  data_started_ = false;
  finished_ = false;
  if (ccm_) return;
  const EVP_CIPHER* evp = aes_aead(false, key_.size());
  const int enc = mode_ == jcipher::MODE_ENCRYPT ? 1 : 0;
  if (EVP_CipherInit_ex2(ctx_.get(), evp, nullptr, nullptr, enc, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce_.size()),
                          nullptr) != 1 ||
      EVP_CipherInit_ex2(ctx_.get(), nullptr, key_.data(), nonce_.data(), enc, nullptr) != 1) {
    fail_openssl("GCM init");
  }
}

void AeadCipher::update_aad(ByteView aad) {
  require_init();
  if (data_started_ || finished_) fail(Reason::illegal_use, "AAD after the data");
  if (ccm_) {
    if (aad_.size() + aad.size() > aad_length_)
      fail(Reason::illegal_use, "more AAD than announced");
    append(aad_, aad);
    return;
  }
  int written = 0;
  if (!aad.empty() && EVP_CipherUpdate(ctx_.get(), nullptr, &written, aad.data(),
                                       static_cast<int>(aad.size())) != 1) {
    fail_openssl("GCM AAD");
  }
}

ByteView AeadCipher::update(ByteView input) {
  require_init();
  if (finished_) fail(Reason::illegal_use, "data after doFinal");
  data_started_ = true;
  if (ccm_) {
    if (data_.size() + input.size() > message_length_) {
      fail(Reason::illegal_use, "more data than announced");
    }
    append(data_, input);
    out_.clear();
    return out_;
  }
  out_.resize(input.size() + 16);
  int written = 0;
  if (!input.empty() && EVP_CipherUpdate(ctx_.get(), out_.data(), &written, input.data(),
                                         static_cast<int>(input.size())) != 1) {
    fail_openssl("GCM update");
  }
  out_.resize(static_cast<std::size_t>(written));
  return out_;
}

ByteView AeadCipher::do_final(ByteView input) {
  ByteView last = update(input);
  if (!ccm_) {
    finished_ = true;
    if (mode_ == jcipher::MODE_ENCRYPT) {
      int written = 0;
      std::uint8_t scratch[16];
      tag_.resize(16);
      if (EVP_CipherFinal_ex(ctx_.get(), scratch, &written) != 1 ||
          EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_GET_TAG, 16, tag_.data()) != 1) {
        fail_openssl("GCM final");
      }
    }
    return last;
  }
  if (aad_.size() != aad_length_ || data_.size() != message_length_) {
    fail(Reason::illegal_use, fmt::format("CCM got {} AAD and {} data bytes, announced {} and {}",
                                          aad_.size(), data_.size(), aad_length_, message_length_));
  }
  // CCM runs the payload through CTR mode in both directions, and the tag is the CBC-MAC of the
  // plaintext. So decryption is an encryption of the ciphertext (which yields the plaintext)
  // followed by an encryption of that plaintext, whose tag is the one to compare.
  auto ccm_encrypt = [&](ByteView payload, Bytes& output, Bytes& tag) {
    CipherCtx ctx = new_cipher_ctx();
    int written = 0;
    if (EVP_EncryptInit_ex2(ctx.get(), aes_aead(true, key_.size()), nullptr, nullptr, nullptr) !=
            1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce_.size()),
                            nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tag_size_),
                            nullptr) != 1 ||
        EVP_EncryptInit_ex2(ctx.get(), nullptr, key_.data(), nonce_.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &written, nullptr,
                          static_cast<int>(payload.size())) != 1) {
      fail_openssl("CCM init");
    }
    if (!aad_.empty() && EVP_EncryptUpdate(ctx.get(), nullptr, &written, aad_.data(),
                                           static_cast<int>(aad_.size())) != 1) {
      fail_openssl("CCM AAD");
    }
    output.resize(payload.size() + 16);
    if (EVP_EncryptUpdate(ctx.get(), output.data(), &written, payload.data(),
                          static_cast<int>(payload.size())) != 1) {
      fail_openssl("CCM data");
    }
    output.resize(static_cast<std::size_t>(written));
    std::uint8_t scratch[16];
    tag.resize(tag_size_);
    if (EVP_EncryptFinal_ex(ctx.get(), scratch, &written) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tag_size_),
                            tag.data()) != 1) {
      fail_openssl("CCM tag");
    }
  };
  Bytes unused_tag;
  ccm_encrypt(data_, out_, mode_ == jcipher::MODE_ENCRYPT ? tag_ : unused_tag);
  if (mode_ == jcipher::MODE_DECRYPT) {
    Bytes ciphertext_again;
    ccm_encrypt(out_, ciphertext_again, tag_);
  }
  finished_ = true;
  return out_;
}

ByteView AeadCipher::retrieve_tag(std::size_t length) {
  require_init();
  if (mode_ != jcipher::MODE_ENCRYPT) fail(Reason::illegal_use, "retrieveTag needs encrypt mode");
  if (!finished_) fail(Reason::illegal_use, "retrieveTag before doFinal");
  if (length > tag_size_ || length > tag_.size()) {
    fail(Reason::illegal_value,
         fmt::format("tag length {} above the tag size {}", length, tag_size_));
  }
  return ByteView(tag_).first(length);
}

bool AeadCipher::verify_tag(ByteView tag, std::size_t required_length) {
  require_init();
  if (mode_ != jcipher::MODE_DECRYPT) fail(Reason::illegal_use, "verifyTag needs decrypt mode");
  if (!finished_) fail(Reason::illegal_use, "verifyTag before doFinal");
  if (required_length > tag_size_ || tag.size() < required_length || tag.size() > tag_size_) {
    fail(Reason::illegal_value, fmt::format("tag of {} bytes against required {} and size {}",
                                            tag.size(), required_length, tag_size_));
  }
  if (ccm_) return constant_time_equal(tag, ByteView(tag_).first(tag.size()));
  // GCM: OpenSSL compares the tag in its final step.
  int written = 0;
  std::uint8_t scratch[16];
  Bytes expected(tag.begin(), tag.end());
  if (EVP_CIPHER_CTX_ctrl(ctx_.get(), EVP_CTRL_AEAD_SET_TAG, static_cast<int>(expected.size()),
                          expected.data()) != 1) {
    fail_openssl("GCM set tag");
  }
  const bool ok = EVP_CipherFinal_ex(ctx_.get(), scratch, &written) == 1;
  ERR_clear_error();
  start();
  return ok;
}

}  // namespace uicc::api::crypto
