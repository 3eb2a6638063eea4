// javacardx.crypto.AEADCipher on OpenSSL: AES-GCM (NIST SP 800-38D) and AES-CCM (NIST SP
// 800-38C), with the Java Card 3.0.5 call sequence: init with nonce and lengths, updateAAD,
// update and doFinal for the data, then retrieveTag (encryption) or verifyTag (decryption).
#pragma once

#include <cstdint>

#include "util/bytes.h"
#include "util/secret.h"
#include "vm/api/crypto/keys.h"
#include "vm/api/crypto/openssl.h"

namespace uicc::api::crypto {

class AeadCipher {
 public:
  // AEADCipher.ALG_AES_GCM or ALG_AES_CCM; CryptoError NO_SUCH_ALGORITHM otherwise.
  explicit AeadCipher(std::int8_t algorithm);

  std::int8_t algorithm() const { return algorithm_; }
  bool ccm() const { return ccm_; }

  // AEADCipher.init(Key, byte, byte[] nonce, short, short, short adataLen, short messageLen,
  // short tagSize). GCM ignores the two lengths; CCM needs them, and the data given later must
  // match them (ILLEGAL_USE otherwise). Tag sizes: GCM 4, 8 or 12 to 16 bytes; CCM 4 to 16,
  // even. Nonce: GCM at least 1 byte, CCM 7 to 13.
  void init(const KeyData& key, std::int8_t mode, ByteView nonce, std::size_t aad_length,
            std::size_t message_length, std::size_t tag_size);
  // Throws ILLEGAL_USE once data has been given, or beyond the announced length for CCM.
  void update_aad(ByteView aad);
  ByteView update(ByteView input);
  ByteView do_final(ByteView input);
  // Encryption only: the first `length` bytes of the tag, after doFinal.
  ByteView retrieve_tag(std::size_t length);
  // Decryption only: compares `tag` (at least `required_length` bytes) with the tag of the
  // data, after doFinal.
  bool verify_tag(ByteView tag, std::size_t required_length);

 private:
  void require_init() const;
  void start();

  std::int8_t algorithm_;
  bool ccm_;
  std::int8_t mode_ = 0;
  CipherCtx ctx_;
  SecretBytes key_;
  Bytes nonce_;
  std::size_t aad_length_ = 0;
  std::size_t message_length_ = 0;
  std::size_t tag_size_ = 16;
  Bytes aad_;
  Bytes data_;
  Bytes out_;
  Bytes tag_;
  bool data_started_ = false;
  bool finished_ = false;
};

}  // namespace uicc::api::crypto
