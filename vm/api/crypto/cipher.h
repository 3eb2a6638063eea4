// javacardx.crypto.Cipher on OpenSSL: DES, 3DES and AES in ECB, CBC and CTR mode with the Java
// Card paddings, and RSA with PKCS#1 v1.5, OAEP or no padding (Java Card 3.0.5 API, Cipher).
//
// A Cipher keeps its OpenSSL context from init() to init(), so encrypting block after block
// allocates nothing. After doFinal() the object is back in the state init() left it in, with
// the IV reset to zeros as the Java Card API specifies for CBC mode.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "util/bytes.h"
#include "util/secret.h"
#include "vm/api/crypto/keys.h"

namespace uicc::api::crypto {

class Cipher {
 public:
  virtual ~Cipher() = default;

  // Cipher.getInstance(byte algorithm, ...). Throws CryptoError NO_SUCH_ALGORITHM.
  static std::unique_ptr<Cipher> create(std::int8_t algorithm);
  // Cipher.getInstance(byte cipherAlgorithm, byte paddingAlgorithm, ...).
  static std::unique_ptr<Cipher> create(std::int8_t cipher_algorithm,
                                        std::int8_t padding_algorithm);

  std::int8_t algorithm() const { return algorithm_; }
  std::int8_t cipher_algorithm() const { return cipher_algorithm_; }
  std::int8_t padding_algorithm() const { return padding_algorithm_; }
  bool initialized() const { return mode_ != 0; }
  // Cipher.MODE_ENCRYPT or MODE_DECRYPT; 0 before init().
  std::int8_t mode() const { return mode_; }

  // Cipher.init. `iv` is the bArray parameter, absent for init(Key, byte). Throws ILLEGAL_VALUE
  // for an unknown mode, a key of the wrong type or size, or an IV the algorithm does not take.
  virtual void init(const KeyData& key, std::int8_t mode, const ByteView* iv) = 0;
  // Returns the output produced so far (valid until the next call). Throws INVALID_INIT
  // before init().
  virtual ByteView update(ByteView input) = 0;
  // Returns the last output and resets to the state after init(). Throws ILLEGAL_USE for
  // unaligned input without padding, no input at all without padding, or bad padding.
  virtual ByteView do_final(ByteView input) = 0;
  // The maximum number of bytes update() or do_final() returns for `input_length` more input bytes.
  virtual std::size_t max_output(std::size_t input_length) const = 0;

 protected:
  Cipher(std::int8_t algorithm, std::int8_t cipher_algorithm, std::int8_t padding_algorithm)
      : algorithm_(algorithm),
        cipher_algorithm_(cipher_algorithm),
        padding_algorithm_(padding_algorithm) {}
  void require_init() const;
  static void check_mode(std::int8_t mode);

  std::int8_t mode_ = 0;

 private:
  std::int8_t algorithm_;
  std::int8_t cipher_algorithm_;
  std::int8_t padding_algorithm_;
};

// The block paddings of the Java Card API (Cipher.PAD_*) that the symmetric engines apply.
enum class BlockPadding { none, iso9797_m1, iso9797_m2, pkcs5 };

// Appends the padding to `data` for a cipher of `block` bytes. ISO 9797-1 method 1 pads an
// empty message to one block of zeros, because the result must be a positive multiple.
void pad_block(Bytes& data, std::size_t block, BlockPadding padding);
// Returns the length of `data` without its padding, or nullopt if the padding is malformed.
// Method 1 padding cannot be distinguished from data, so it is left in place.
std::optional<std::size_t> unpad_block(ByteView data, std::size_t block, BlockPadding padding);

// A DES key of 8, 16 or 24 bytes as the 24-byte three-key 3DES-EDE key that computes the same
// function: K becomes K||K||K and K1||K2 becomes K1||K2||K1.
SecretBytes des_ede3_key(ByteView key);

}  // namespace uicc::api::crypto
