// javacard.security.MessageDigest on OpenSSL: one digest context per object, reused for every
// message (Java Card 3.0.5 API, MessageDigest).
#pragma once

#include <cstdint>
#include <memory>

#include "util/bytes.h"
#include "vm/api/crypto/openssl.h"

namespace uicc::api::crypto {

// The OpenSSL digest of a MessageDigest.ALG_* value, or nullptr if the card lacks it.
const EVP_MD* digest_of(std::int8_t algorithm);
// MessageDigest.LENGTH_* of an algorithm; 0 if unknown.
std::size_t digest_length(std::int8_t algorithm);

class MessageDigest {
 public:
  // Throws CryptoError NO_SUCH_ALGORITHM for an algorithm the card lacks (ALG_NULL included).
  explicit MessageDigest(std::int8_t algorithm);

  std::int8_t algorithm() const { return algorithm_; }
  std::size_t length() const { return length_; }

  void update(ByteView data);
  // Hashes `data` after what update() accumulated, returns the digest (valid until the next
  // call) and resets the object for a new message.
  ByteView do_final(ByteView data);
  void reset();

 private:
  std::int8_t algorithm_;
  const EVP_MD* md_;
  std::size_t length_;
  MdCtx ctx_;
  std::uint8_t out_[EVP_MAX_MD_SIZE] = {};
};

}  // namespace uicc::api::crypto
