// Owning handles for OpenSSL 3 objects and the lookups the engines share. Algorithms are
// fetched once per process and kept, so that no operation fetches on the hot path.
#pragma once

#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/evp.h>

#include "util/bytes.h"

namespace uicc::api::crypto {

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxFree {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxFree>;

// Returns the cipher of that OpenSSL name, fetched once; nullptr if the provider lacks it.
const EVP_CIPHER* fetch_cipher(const char* name);
// Returns the digest of that OpenSSL name, fetched once; nullptr if the provider lacks it.
const EVP_MD* fetch_md(const char* name);
// Returns the MAC algorithm ("HMAC", "CMAC"), fetched once.
EVP_MAC* fetch_mac(const char* name);

// Throws std::runtime_error with the OpenSSL error queue appended, for failures that no input
// from an applet can cause (allocation failure, a provider error).
[[noreturn]] void fail_openssl(const std::string& what);

// Big-endian unsigned magnitude to and from BIGNUM.
Bn bn_from(ByteView bytes);
// Writes `bn` big-endian, left-padded with zeros to `width` bytes (0: minimal length).
Bytes bn_to_bytes(const BIGNUM* bn, std::size_t width = 0);

// Allocates a fresh context or throws.
CipherCtx new_cipher_ctx();
MdCtx new_md_ctx();

}  // namespace uicc::api::crypto
