// Crypto primitives on OpenSSL 3 for the card and the host tools: AES and DES/3DES in ECB
// and CBC, ISO/IEC 9797-1 padding and MAC algorithms 1 and 3, AES-CMAC (NIST SP 800-38B),
// SHA-1 and SHA-2 digests, random bytes, and RSA and ECDSA signatures.
//
// Every function is self-contained: no state is kept between calls, no padding is added
// unless a Padding argument requests it, and an input of the wrong size is rejected with
// std::invalid_argument naming the size, never silently truncated or padded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "util/bytes.h"
#include "util/secret.h"

namespace uicc::crypto {

inline constexpr std::size_t kDesBlockSize = 8;
inline constexpr std::size_t kAesBlockSize = 16;

// An OpenSSL operation failed although its arguments were valid (for example, an algorithm
// missing from the OpenSSL build). The message names the operation and OpenSSL's reason.
class CryptoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// AES with a 16-, 24- or 32-byte key (FIPS 197). Data must be a whole number of 16-byte
// blocks; a CBC IV must be 16 bytes.
Bytes aes_ecb_encrypt(const SecretBytes& key, ByteView data);
Bytes aes_ecb_decrypt(const SecretBytes& key, ByteView data);
Bytes aes_cbc_encrypt(const SecretBytes& key, ByteView iv, ByteView data);
Bytes aes_cbc_decrypt(const SecretBytes& key, ByteView iv, ByteView data);

// AES-ECB encryption of many single blocks under one key, for algorithms built on the raw
// block cipher (Milenage). The key schedule is computed once, at construction.
class AesBlockEncryptor {
 public:
  explicit AesBlockEncryptor(const SecretBytes& key);
  ~AesBlockEncryptor();
  AesBlockEncryptor(const AesBlockEncryptor&) = delete;
  AesBlockEncryptor& operator=(const AesBlockEncryptor&) = delete;
  AesBlockEncryptor(AesBlockEncryptor&&) noexcept;
  AesBlockEncryptor& operator=(AesBlockEncryptor&&) noexcept;

  // Encrypts one 16-byte block; `in` and `out` may be the same buffer.
  void encrypt(const std::uint8_t* in, std::uint8_t* out) const;

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// DES with an 8-byte key, two-key 3DES (K1 K2 K1) with a 16-byte key, three-key 3DES with a
// 24-byte key (NIST SP 800-67). Parity bits are ignored, as cards ignore them. Data must be a
// whole number of 8-byte blocks; a CBC IV must be 8 bytes.
Bytes des_ecb_encrypt(const SecretBytes& key, ByteView data);
Bytes des_ecb_decrypt(const SecretBytes& key, ByteView data);
Bytes des_cbc_encrypt(const SecretBytes& key, ByteView iv, ByteView data);
Bytes des_cbc_decrypt(const SecretBytes& key, ByteView iv, ByteView data);

// ISO/IEC 9797-1:2011 §6.1 padding methods.
enum class Padding : std::uint8_t {
  none,     // the data must already be a whole number of blocks
  method1,  // zero bytes up to the next block boundary (none if aligned; one block if empty)
  method2,  // one 80 byte, then zero bytes up to the block boundary (always adds 1..n bytes)
};

// Pads `data` to a multiple of `block_size`. With Padding::none, throws std::invalid_argument
// if `data` is not aligned.
Bytes pad(ByteView data, std::size_t block_size, Padding method);

// Removes padding method 2. Returns nullopt if `data` is not a whole number of blocks, or if
// its last block holds no 80 byte followed only by zero bytes.
std::optional<Bytes> unpad_method2(ByteView data, std::size_t block_size);

// ISO/IEC 9797-1:2011 MAC algorithm 1 (CBC-MAC): every block through DES or 3DES in CBC mode
// as the key size selects (8, 16 or 24 bytes), the last block of the chain is the MAC.
// `iv` is 8 bytes, or empty for zeros. Returns the full 8-byte block; callers truncate.
Bytes des_mac_algorithm1(const SecretBytes& key, ByteView data, Padding padding, ByteView iv = {});

// ISO/IEC 9797-1:2011 MAC algorithm 3 ("retail MAC", ANSI X9.19): CBC with single DES under
// K = key[0..8) over every block, then the last result decrypted under K' = key[8..16) and
// encrypted again under K. The key is 16 bytes. `iv` is 8 bytes, or empty for zeros.
Bytes des_mac_algorithm3(const SecretBytes& key, ByteView data, Padding padding, ByteView iv = {});

// AES-CMAC (NIST SP 800-38B, RFC 4493) with a 16-, 24- or 32-byte key. Returns 16 bytes.
Bytes aes_cmac(const SecretBytes& key, ByteView data);

// FIPS 180-4 digests.
Bytes sha1(ByteView data);
Bytes sha256(ByteView data);
Bytes sha384(ByteView data);
Bytes sha512(ByteView data);

// Fills `out` from OpenSSL's CSPRNG. Throws CryptoError if the generator is not seeded.
void random_bytes(MutableByteView out);
Bytes random_bytes(std::size_t count);

// Returns a ^ b. Throws std::invalid_argument if the sizes differ.
Bytes xor_bytes(ByteView a, ByteView b);

// ---------------------------------------------------------------------------------------------
// Asymmetric signatures with keys given as their raw components, as GlobalPlatform key data
// carries them: RSASSA-PKCS1-v1_5 and RSASSA-PSS (GlobalPlatform Card Specification 2.3.1
// §B.3), and ECDSA with signatures in the plain r || s format of BSI TR-03111 (GPCS §B.4.3).

struct RsaPublicKey {
  Bytes modulus;   // big-endian, no leading zero byte needed
  Bytes exponent;  // big-endian, e.g. 01 00 01
};

struct RsaPrivateKey {
  Bytes modulus;
  Bytes public_exponent;
  SecretBytes private_exponent;
};

// The curves of GPCS 2.3.1 Table B-2 that OpenSSL provides, with their key parameter
// references.
enum class Curve : std::uint8_t {
  p256 = 0x00,
  p384 = 0x01,
  p521 = 0x02,
  brainpool_p256r1 = 0x03,
  brainpool_p384r1 = 0x05,
  brainpool_p512r1 = 0x07,
};

// The curve with GlobalPlatform key parameter reference `reference`, or nullopt if the
// reference names a curve this implementation lacks.
std::optional<Curve> curve_from_reference(std::uint8_t reference);
// The byte length of the curve's order, which is also the length of r and of s.
std::size_t curve_size(Curve curve);

struct EcPublicKey {
  Curve curve = Curve::p256;
  Bytes point;  // uncompressed: 04 || X || Y
};

struct EcPrivateKey {
  Curve curve = Curve::p256;
  SecretBytes scalar;  // big-endian, curve_size bytes
};

enum class Hash : std::uint8_t { sha1, sha256, sha384, sha512 };

// GPCS 2.3.1 Table B-3: SHA-256 for 256-383 bit curves, SHA-384 up to 511, SHA-512 above.
Hash ecdsa_hash(Curve curve);

// Verification returns false for a wrong signature, a signature of the wrong length, or a
// key OpenSSL rejects (for example a point that is not on the curve).
bool rsa_pkcs1_verify(const RsaPublicKey& key, Hash hash, ByteView message, ByteView signature);
bool rsa_pss_verify(const RsaPublicKey& key, Hash hash, ByteView message, ByteView signature);
bool ecdsa_verify(const EcPublicKey& key, Hash hash, ByteView message, ByteView signature);

// Signing throws CryptoError if OpenSSL rejects the key.
Bytes rsa_pkcs1_sign(const RsaPrivateKey& key, Hash hash, ByteView message);
// PSS with MGF1 over the same hash and a salt as long as the hash (GPCS §B.3.2.1).
Bytes rsa_pss_sign(const RsaPrivateKey& key, Hash hash, ByteView message);
// Returns r || s, each curve_size bytes.
Bytes ecdsa_sign(const EcPrivateKey& key, Hash hash, ByteView message);

// Key generation, for host tools and tests.
RsaPrivateKey generate_rsa_key(unsigned bits);
RsaPublicKey public_key(const RsaPrivateKey& key);
EcPrivateKey generate_ec_key(Curve curve);
EcPublicKey public_key(const EcPrivateKey& key);

// Reads a private key from PEM text (PKCS#8 or traditional), as the openssl command line
// writes it. Throws CryptoError naming what OpenSSL could not parse.
struct PrivateKey {
  std::optional<RsaPrivateKey> rsa;
  std::optional<EcPrivateKey> ec;
};
PrivateKey read_private_key_pem(std::string_view pem);

}  // namespace uicc::crypto
