// javacard.security.RandomData on OpenSSL's DRBG (NIST SP 800-90A CTR_DRBG with AES-256),
// one instance per object, seeded from OpenSSL's private DRBG (Java Card 3.0.5 API, RandomData).
#pragma once

#include <cstdint>

#include <openssl/evp.h>

#include "util/bytes.h"

namespace uicc::api::crypto {

class RandomData {
 public:
  // Every RandomData.ALG_* of the 3.0.5 API maps to the same DRBG: its output is suitable for
  // keys, which is what ALG_SECURE_RANDOM, ALG_TRNG and ALG_KEYGENERATION ask for, and more
  // than ALG_PSEUDO_RANDOM and ALG_FAST need. Throws CryptoError NO_SUCH_ALGORITHM otherwise.
  explicit RandomData(std::int8_t algorithm);
  ~RandomData();
  RandomData(const RandomData&) = delete;
  RandomData& operator=(const RandomData&) = delete;

  std::int8_t algorithm() const { return algorithm_; }
  void generate(MutableByteView out);
  // RandomData.setSeed: the seed supplements the DRBG's entropy (as additional input of a
  // reseed); it never makes the output predictable.
  void set_seed(ByteView seed);

 private:
  std::int8_t algorithm_;
  EVP_RAND_CTX* ctx_ = nullptr;
};

}  // namespace uicc::api::crypto
