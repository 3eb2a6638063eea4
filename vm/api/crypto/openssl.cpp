#include "vm/api/crypto/openssl.h"

#include <map>
#include <mutex>
#include <stdexcept>

#include <openssl/err.h>

namespace uicc::api::crypto {
namespace {

// Process-wide caches of fetched algorithms. Fetched objects are reference counted by
// OpenSSL; the cache keeps one reference each for the life of the process.
template <typename T, typename Fetch>
T* cached_fetch(std::map<std::string, T*>& cache, std::mutex& mutex, const char* name,
                Fetch fetch) {
  std::lock_guard lock(mutex);
  auto it = cache.find(name);
  if (it != cache.end()) return it->second;
  T* fetched = fetch(nullptr, name, nullptr);
  cache.emplace(name, fetched);
  return fetched;
}

}  // namespace

const EVP_CIPHER* fetch_cipher(const char* name) {
  static std::map<std::string, EVP_CIPHER*> cache;
  static std::mutex mutex;
  return cached_fetch(cache, mutex, name, EVP_CIPHER_fetch);
}

const EVP_MD* fetch_md(const char* name) {
  static std::map<std::string, EVP_MD*> cache;
  static std::mutex mutex;
  return cached_fetch(cache, mutex, name, EVP_MD_fetch);
}

EVP_MAC* fetch_mac(const char* name) {
  static std::map<std::string, EVP_MAC*> cache;
  static std::mutex mutex;
  return cached_fetch(cache, mutex, name, EVP_MAC_fetch);
}

void fail_openssl(const std::string& what) {
  std::string message = what;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    message += ": ";
    message += text;
  }
  throw std::runtime_error(message);
}

Bn bn_from(ByteView bytes) {
  Bn bn(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
  if (!bn) fail_openssl("BN_bin2bn");
  return bn;
}

Bytes bn_to_bytes(const BIGNUM* bn, std::size_t width) {
  const auto minimal = static_cast<std::size_t>(BN_num_bytes(bn));
  Bytes out(std::max(width, minimal));
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) < 0) fail_openssl("BN_bn2binpad");
  return out;
}

CipherCtx new_cipher_ctx() {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) fail_openssl("EVP_CIPHER_CTX_new");
  return ctx;
}

MdCtx new_md_ctx() {
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx) fail_openssl("EVP_MD_CTX_new");
  return ctx;
}

}  // namespace uicc::api::crypto
