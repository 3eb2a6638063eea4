// javacard.security.KeyAgreement for elliptic curves over prime fields: the Diffie-Hellman
// secret value derivation primitives of IEEE 1363 (ECSVDP-DH and the cofactor variant
// ECSVDP-DHC), with the outputs the Java Card 3.0.5 API names (KeyAgreement.ALG_EC_SVDP_*).
#pragma once

#include <cstdint>

#include "util/bytes.h"
#include "util/secret.h"
#include "vm/api/crypto/keys.h"

namespace uicc::api::crypto {

class KeyAgreement {
 public:
  // ALG_EC_SVDP_DH (= _KDF) and ALG_EC_SVDP_DHC (= _KDF): SHA-1 of the X coordinate;
  // ALG_EC_SVDP_DH_PLAIN and _DHC_PLAIN: the X coordinate; ALG_EC_SVDP_DH_PLAIN_XY: the
  // uncompressed point. Throws CryptoError NO_SUCH_ALGORITHM for the others.
  explicit KeyAgreement(std::int8_t algorithm);

  std::int8_t algorithm() const { return algorithm_; }
  // Throws ILLEGAL_VALUE unless `key` is an EC private key.
  void init(const KeyData& key);
  // Returns the secret for the other party's public point (uncompressed or compressed).
  // Throws INVALID_INIT before init(), ILLEGAL_VALUE for a point not on the curve.
  Bytes generate_secret(ByteView public_point);

 private:
  std::int8_t algorithm_;
  bool cofactor_ = false;
  bool initialized_ = false;
  Bytes field_;
  Bytes a_;
  Bytes b_;
  Bytes g_;
  Bytes r_;
  std::uint16_t k_ = 1;
  SecretBytes s_;
};

}  // namespace uicc::api::crypto
