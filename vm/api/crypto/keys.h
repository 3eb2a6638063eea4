// Key material as the engines take it: views of the components that the Java Card key objects
// (javacard.security.*Key) keep, and their conversion to OpenSSL keys. Components are unsigned
// big-endian integers, EC points uncompressed (04 || X || Y), as the Java Card API exchanges them.
#pragma once

#include <cstdint>
#include <variant>

#include <openssl/ec.h>

#include "util/bytes.h"
#include "vm/api/crypto/openssl.h"

namespace uicc::api::crypto {

struct DesKeyData {
  ByteView key;  // 8 (DES), 16 (two-key 3DES) or 24 bytes (three-key 3DES)
};
struct AesKeyData {
  ByteView key;  // 16, 24 or 32 bytes
};
struct HmacKeyData {
  ByteView key;  // any length from 1 byte
};
struct RsaPublicKeyData {
  ByteView modulus;
  ByteView exponent;
};
// The non-CRT private key (modulus and private exponent only).
struct RsaPrivateKeyData {
  ByteView modulus;
  ByteView exponent;
};
// The CRT private key of javacard.security.RSAPrivateCrtKey: P, Q, DP1 = d mod (p-1),
// DQ1 = d mod (q-1) and PQ = q^-1 mod p. It carries neither the modulus nor any exponent.
struct RsaCrtKeyData {
  ByteView p;
  ByteView q;
  ByteView dp;
  ByteView dq;
  ByteView pq;
};
// Domain parameters of a curve over a prime field (javacard.security.ECKey).
struct EcDomain {
  ByteView field;  // the prime p
  ByteView a;
  ByteView b;
  ByteView g;           // the base point, uncompressed
  ByteView r;           // the order of G
  std::uint16_t k = 1;  // the cofactor
};
struct EcPublicKeyData {
  EcDomain domain;
  ByteView w;  // the public point, uncompressed
};
struct EcPrivateKeyData {
  EcDomain domain;
  ByteView s;  // the private scalar
};

using KeyData = std::variant<DesKeyData, AesKeyData, HmacKeyData, RsaPublicKeyData,
                             RsaPrivateKeyData, RsaCrtKeyData, EcPublicKeyData, EcPrivateKeyData>;

// RSA and EC keys as OpenSSL keys. Throws CryptoError ILLEGAL_VALUE when the components do
// not form a valid key (a point off the curve, an even modulus, an inconsistent CRT set).
// RsaPrivateKeyData has no OpenSSL form, because OpenSSL's private operations need the
// public exponent; the engines handle it with rsa_private_raw().
Pkey make_pkey(const RsaPublicKeyData& key);
Pkey make_pkey(const RsaCrtKeyData& key);
Pkey make_pkey(const EcPublicKeyData& key);
Pkey make_pkey(const EcPrivateKeyData& key);
// An EC key with domain parameters only, for key generation.
Pkey make_ec_parameters(const EcDomain& domain);

struct EcGroupFree {
  void operator()(EC_GROUP* group) const { EC_GROUP_free(group); }
};
struct EcPointFree {
  void operator()(EC_POINT* point) const { EC_POINT_clear_free(point); }
};
using EcGroup = std::unique_ptr<EC_GROUP, EcGroupFree>;
using EcPoint = std::unique_ptr<EC_POINT, EcPointFree>;

// The curve of the domain parameters, for point arithmetic. Throws ILLEGAL_VALUE if they do not
// describe a curve.
EcGroup make_ec_group(const EcDomain& domain);

// m^d mod n for a non-CRT private key, in constant time; `input` must be below the modulus
// (CryptoError ILLEGAL_USE otherwise). The result has the modulus's length.
Bytes rsa_private_raw(const RsaPrivateKeyData& key, ByteView input);

// Modulus length in bytes of an RSA key of any of the three forms.
std::size_t rsa_modulus_size(const KeyData& key);

// Byte length of the field elements of a curve (the length of X in an uncompressed point).
std::size_t ec_field_size(const EcDomain& domain);

}  // namespace uicc::api::crypto
