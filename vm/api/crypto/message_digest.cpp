#include "vm/api/crypto/message_digest.h"

#include <fmt/format.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/crypto_error.h"

namespace uicc::api::crypto {

namespace md = jc::javacard::security::MessageDigest;

const EVP_MD* digest_of(std::int8_t algorithm) {
  switch (algorithm) {
    case md::ALG_SHA:
      return fetch_md("SHA1");
    case md::ALG_MD5:
      return fetch_md("MD5");
    case md::ALG_RIPEMD160:
      return fetch_md("RIPEMD160");
    case md::ALG_SHA_224:
      return fetch_md("SHA2-224");
    case md::ALG_SHA_256:
      return fetch_md("SHA2-256");
    case md::ALG_SHA_384:
      return fetch_md("SHA2-384");
    case md::ALG_SHA_512:
      return fetch_md("SHA2-512");
    case md::ALG_SHA3_224:
      return fetch_md("SHA3-224");
    case md::ALG_SHA3_256:
      return fetch_md("SHA3-256");
    case md::ALG_SHA3_384:
      return fetch_md("SHA3-384");
    case md::ALG_SHA3_512:
      return fetch_md("SHA3-512");
    default:
      return nullptr;
  }
}

std::size_t digest_length(std::int8_t algorithm) {
  const EVP_MD* evp = digest_of(algorithm);
  return evp == nullptr ? 0 : static_cast<std::size_t>(EVP_MD_get_size(evp));
}

MessageDigest::MessageDigest(std::int8_t algorithm)
    : algorithm_(algorithm), md_(digest_of(algorithm)), length_(0), ctx_(new_md_ctx()) {
  if (md_ == nullptr) {
    fail(Reason::no_such_algorithm,
         fmt::format("MessageDigest algorithm {} not supported", algorithm));
  }
  length_ = static_cast<std::size_t>(EVP_MD_get_size(md_));
  reset();
}

void MessageDigest::update(ByteView data) {
  if (EVP_DigestUpdate(ctx_.get(), data.data(), data.size()) != 1) fail_openssl("EVP_DigestUpdate");
}

ByteView MessageDigest::do_final(ByteView data) {
  update(data);
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out_, &size) != 1) fail_openssl("EVP_DigestFinal_ex");
  reset();
  return {out_, size};
}

void MessageDigest::reset() {
  if (EVP_DigestInit_ex2(ctx_.get(), md_, nullptr) != 1) fail_openssl("EVP_DigestInit_ex2");
}

}  // namespace uicc::api::crypto
