// javacard.security.Signature on OpenSSL: CBC-MACs of DES, 3DES and AES with the Java Card
// paddings, the ISO/IEC 9797-1 MAC algorithm 3 (retail MAC), AES-CMAC, HMAC, RSA with
// PKCS#1 v1.5 or PSS, and ECDSA (Java Card 3.0.5 API, Signature).
//
// After sign() or verify() the object is back in the state init() left it in, with the IV of
// a CBC-MAC reset to zeros, as the Java Card API specifies.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "util/bytes.h"
#include "vm/api/crypto/keys.h"

namespace uicc::api::crypto {

class Signature {
 public:
  virtual ~Signature() = default;

  // Signature.getInstance(byte algorithm, ...). Throws CryptoError NO_SUCH_ALGORITHM.
  static std::unique_ptr<Signature> create(std::int8_t algorithm);
  // Signature.getInstance(byte messageDigestAlgorithm, byte cipherAlgorithm,
  // byte paddingAlgorithm, ...).
  static std::unique_ptr<Signature> create(std::int8_t digest_algorithm,
                                           std::int8_t cipher_algorithm,
                                           std::int8_t padding_algorithm);

  std::int8_t algorithm() const { return algorithm_; }
  std::int8_t digest_algorithm() const { return digest_algorithm_; }
  std::int8_t cipher_algorithm() const { return cipher_algorithm_; }
  std::int8_t padding_algorithm() const { return padding_algorithm_; }
  // Signature.MODE_SIGN or MODE_VERIFY; 0 before init().
  std::int8_t mode() const { return mode_; }

  // Signature.init. `iv` is the bArray parameter (absent for init(Key, byte)). Throws
  // ILLEGAL_VALUE for an unknown mode, a key of the wrong type, or a bad IV.
  virtual void init(const KeyData& key, std::int8_t mode, const ByteView* iv) = 0;
  virtual void update(ByteView data) = 0;
  // Returns the signature (valid until the next call). Throws INVALID_INIT unless
  // initialized for signing, ILLEGAL_USE for unaligned or empty input without padding.
  virtual ByteView sign(ByteView data) = 0;
  // False for a wrong signature and for a signature of the wrong length.
  virtual bool verify(ByteView data, ByteView signature) = 0;
  // signPreComputedHash and verifyPreComputedHash: ILLEGAL_USE for MACs, which hash nothing
  // first, and for a hash of the wrong length.
  virtual ByteView sign_hash(ByteView hash);
  virtual bool verify_hash(ByteView hash, ByteView signature);
  // Signature.getLength: the signature's length in bytes (the maximum for ECDSA).
  virtual std::size_t length() const = 0;

 protected:
  Signature(std::int8_t algorithm, std::int8_t digest, std::int8_t cipher, std::int8_t padding)
      : algorithm_(algorithm),
        digest_algorithm_(digest),
        cipher_algorithm_(cipher),
        padding_algorithm_(padding) {}
  static void check_mode(std::int8_t mode);
  void require_mode(std::int8_t mode) const;

  std::int8_t mode_ = 0;

 private:
  std::int8_t algorithm_;
  std::int8_t digest_algorithm_;
  std::int8_t cipher_algorithm_;
  std::int8_t padding_algorithm_;
};

// Converts an ECDSA signature between DER (SEQUENCE of two INTEGERs, as ALG_ECDSA_* produce)
// and the plain r || s form of SIG_CIPHER_ECDSA_PLAIN, each half `size` bytes.
std::optional<Bytes> ecdsa_der_to_plain(ByteView der, std::size_t size);
std::optional<Bytes> ecdsa_plain_to_der(ByteView plain);

}  // namespace uicc::api::crypto
