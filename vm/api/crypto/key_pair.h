// Key pair generation for javacard.security.KeyPair: RSA (plain and CRT private form) and EC over
// prime fields with the applet's domain parameters or, when it set none, a standard curve of the
// requested size.
#pragma once

#include <cstdint>
#include <optional>

#include "util/bytes.h"
#include "util/secret.h"
#include "vm/api/crypto/keys.h"

namespace uicc::api::crypto {

struct RsaKeyPairData {
  Bytes modulus;
  Bytes public_exponent;
  SecretBytes private_exponent;  // d, for the non-CRT private key
  SecretBytes p;
  SecretBytes q;
  SecretBytes dp;
  SecretBytes dq;
  SecretBytes pq;  // q^-1 mod p
};

// Generates an RSA key of `bits` bits (512 to 4096, a multiple of 8) with `public_exponent`
// (65537 when none is given). Throws ILLEGAL_VALUE for other sizes or an even exponent.
RsaKeyPairData generate_rsa(std::size_t bits, std::optional<ByteView> public_exponent);

// EC domain parameters with owned components.
struct EcDomainData {
  Bytes field;
  Bytes a;
  Bytes b;
  Bytes g;
  Bytes r;
  std::uint16_t k = 1;

  EcDomain view() const { return {field, a, b, g, r, k}; }
};

// The parameters of the standard prime curve of that size: secp192r1, secp224r1, secp256r1
// (P-256), secp384r1 or secp521r1 (SEC 2 version 2.0). nullopt for other sizes.
std::optional<EcDomainData> standard_curve(std::size_t bits);
// The parameters of a named curve known to OpenSSL (e.g. "brainpoolP256r1"), for tests.
std::optional<EcDomainData> named_curve(const char* name);

struct EcKeyPairData {
  Bytes w;        // uncompressed public point
  SecretBytes s;  // private scalar, as long as the order
};

EcKeyPairData generate_ec(const EcDomain& domain);

}  // namespace uicc::api::crypto
