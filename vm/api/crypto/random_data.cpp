#include "vm/api/crypto/random_data.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/api/crypto/openssl.h"

namespace uicc::api::crypto {

namespace jrandom = jc::javacard::security::RandomData;

RandomData::RandomData(std::int8_t algorithm) : algorithm_(algorithm) {
  switch (algorithm) {
    case jrandom::ALG_PSEUDO_RANDOM:
    case jrandom::ALG_SECURE_RANDOM:
    case jrandom::ALG_TRNG:
    case jrandom::ALG_PRESEEDED_DRBG:
    case jrandom::ALG_FAST:
    case jrandom::ALG_KEYGENERATION:
      break;
    default:
      fail(Reason::no_such_algorithm,
           fmt::format("RandomData algorithm {} not supported", algorithm));
  }
  EVP_RAND* rand = EVP_RAND_fetch(nullptr, "CTR-DRBG", nullptr);
  if (rand == nullptr) fail_openssl("EVP_RAND_fetch");
  ctx_ = EVP_RAND_CTX_new(rand, RAND_get0_private(nullptr));
  EVP_RAND_free(rand);
  if (ctx_ == nullptr) fail_openssl("EVP_RAND_CTX_new");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_DRBG_PARAM_CIPHER, const_cast<char*>("AES-256-CTR"), 0),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_RAND_instantiate(ctx_, 256, 0, nullptr, 0, params) != 1) {
    EVP_RAND_CTX_free(ctx_);
    fail_openssl("EVP_RAND_instantiate");
  }
}

RandomData::~RandomData() {
  EVP_RAND_CTX_free(ctx_);
}

void RandomData::generate(MutableByteView out) {
  // A CTR_DRBG request is limited (64 KiB in OpenSSL); Java Card lengths stay below 32 KiB,
  // but the loop keeps any length correct.
  constexpr std::size_t kMaxRequest = 4096;
  for (std::size_t offset = 0; offset < out.size(); offset += kMaxRequest) {
    const std::size_t n = std::min(kMaxRequest, out.size() - offset);
    if (EVP_RAND_generate(ctx_, out.data() + offset, n, 256, 0, nullptr, 0) != 1) {
      fail_openssl("EVP_RAND_generate");
    }
  }
}

void RandomData::set_seed(ByteView seed) {
  if (EVP_RAND_reseed(ctx_, 0, nullptr, 0, seed.data(), seed.size()) != 1) {
    fail_openssl("EVP_RAND_reseed");
  }
}

}  // namespace uicc::api::crypto
