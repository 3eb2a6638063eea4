// Symmetric crypto primitives on OpenSSL 3 for the card and the host tools: AES and DES/3DES
// in ECB and CBC, ISO/IEC 9797-1 padding and MAC algorithms 1 and 3, AES-CMAC (NIST SP
// 800-38B), SHA-1 and SHA-2 digests, and random bytes.
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

}  // namespace uicc::crypto
