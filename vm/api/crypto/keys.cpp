#include "vm/api/crypto/keys.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <vector>

#include "vm/api/crypto/crypto_error.h"

namespace uicc::api::crypto {
namespace {

struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree>;
using Params = std::unique_ptr<OSSL_PARAM, ParamFree>;

ParamBld new_param_bld() {
  ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) fail_openssl("OSSL_PARAM_BLD_new");
  return bld;
}

void push_bn(OSSL_PARAM_BLD* bld, const char* name, const BIGNUM* value) {
  if (OSSL_PARAM_BLD_push_BN(bld, name, value) != 1) fail_openssl("OSSL_PARAM_BLD_push_BN");
}

void push_octets(OSSL_PARAM_BLD* bld, const char* name, ByteView value) {
  if (OSSL_PARAM_BLD_push_octet_string(bld, name, value.data(), value.size()) != 1) {
    fail_openssl("OSSL_PARAM_BLD_push_octet_string");
  }
}

Pkey pkey_from_params(const char* type, int selection, OSSL_PARAM_BLD* bld, const char* what) {
  Params params(OSSL_PARAM_BLD_to_param(bld));
  if (!params) fail_openssl("OSSL_PARAM_BLD_to_param");
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) fail_openssl("EVP_PKEY_fromdata_init");
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, selection, params.get()) != 1) {
    ERR_clear_error();
    fail(Reason::illegal_value, std::string("invalid ") + what);
  }
  return Pkey(key);
}

bool is_zero(ByteView bytes) {
  for (std::uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

// OSSL_PARAM_BLD keeps pointers to the BIGNUMs it is given until OSSL_PARAM_BLD_to_param, so
// they go into `keep`, which the caller holds until then.
void push_ec_domain(OSSL_PARAM_BLD* bld, const EcDomain& domain, std::vector<Bn>& keep) {
  if (is_zero(domain.field) || is_zero(domain.r) || domain.g.empty() || domain.k == 0) {
    fail(Reason::illegal_value, "EC domain parameters incomplete");
  }
  if (OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_EC_FIELD_TYPE, SN_X9_62_prime_field,
                                      0) != 1) {
    fail_openssl("OSSL_PARAM_BLD_push_utf8_string");
  }
  Bn p = bn_from(domain.field);
  Bn a = bn_from(domain.a);
  Bn b = bn_from(domain.b);
  Bn r = bn_from(domain.r);
  Bn k(BN_new());
  if (!k || BN_set_word(k.get(), domain.k) != 1) fail_openssl("BN_set_word");
  push_bn(bld, OSSL_PKEY_PARAM_EC_P, p.get());
  push_bn(bld, OSSL_PKEY_PARAM_EC_A, a.get());
  push_bn(bld, OSSL_PKEY_PARAM_EC_B, b.get());
  push_octets(bld, OSSL_PKEY_PARAM_EC_GENERATOR, domain.g);
  push_bn(bld, OSSL_PKEY_PARAM_EC_ORDER, r.get());
  push_bn(bld, OSSL_PKEY_PARAM_EC_COFACTOR, k.get());
  keep.push_back(std::move(p));
  keep.push_back(std::move(a));
  keep.push_back(std::move(b));
  keep.push_back(std::move(r));
  keep.push_back(std::move(k));
}

}  // namespace

Pkey make_pkey(const RsaPublicKeyData& key) {
  Bn n = bn_from(key.modulus);
  Bn e = bn_from(key.exponent);
  if (!BN_is_odd(n.get()) || BN_num_bits(n.get()) < 64 || BN_is_zero(e.get())) {
    fail(Reason::illegal_value, "invalid RSA public key");
  }
  ParamBld bld = new_param_bld();
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
  return pkey_from_params("RSA", EVP_PKEY_PUBLIC_KEY, bld.get(), "RSA public key");
}

// OpenSSL needs n, e and d next to the CRT values, which the Java Card form lacks. They follow
// from P, Q, DP1 and DQ1: d is the solution mod lcm(p-1, q-1) of d = DP1 mod (p-1) and
// d = DQ1 mod (q-1), and e = d^-1 mod lcm(p-1, q-1).
Pkey make_pkey(const RsaCrtKeyData& key) {
  BnCtx ctx(BN_CTX_new());
  if (!ctx) fail_openssl("BN_CTX_new");
  Bn p = bn_from(key.p), q = bn_from(key.q), dp = bn_from(key.dp), dq = bn_from(key.dq);
  Bn pq = bn_from(key.pq);
  Bn n(BN_new()), p1(BN_dup(p.get())), q1(BN_dup(q.get())), g(BN_new()), lambda(BN_new());
  Bn p1g(BN_new()), q1g(BN_new()), diff(BN_new()), k(BN_new()), d(BN_new()), e(BN_new());
  Bn rem(BN_new());
  if (!n || !p1 || !q1 || !g || !lambda || !p1g || !q1g || !diff || !k || !d || !e || !rem) {
    fail_openssl("BN_new");
  }
  const bool ok =
      BN_is_odd(p.get()) && BN_is_odd(q.get()) && BN_num_bits(p.get()) > 16 &&
      BN_num_bits(q.get()) > 16 && BN_mul(n.get(), p.get(), q.get(), ctx.get()) &&
      BN_sub_word(p1.get(), 1) && BN_sub_word(q1.get(), 1) &&
      BN_gcd(g.get(), p1.get(), q1.get(), ctx.get()) &&
      BN_div(p1g.get(), nullptr, p1.get(), g.get(), ctx.get()) &&
      BN_div(q1g.get(), nullptr, q1.get(), g.get(), ctx.get()) &&
      BN_mul(lambda.get(), p1g.get(), q1.get(), ctx.get()) &&
      // (p-1)k = DQ1 - DP1 (mod q-1) has a solution when g divides DQ1 - DP1.
      BN_sub(diff.get(), dq.get(), dp.get()) &&
      BN_div(diff.get(), rem.get(), diff.get(), g.get(), ctx.get()) && BN_is_zero(rem.get()) &&
      BN_mod_inverse(k.get(), p1g.get(), q1g.get(), ctx.get()) != nullptr &&
      BN_mod_mul(k.get(), k.get(), diff.get(), q1g.get(), ctx.get()) &&
      BN_mul(d.get(), k.get(), p1.get(), ctx.get()) && BN_add(d.get(), d.get(), dp.get()) &&
      BN_nnmod(d.get(), d.get(), lambda.get(), ctx.get()) &&
      BN_mod_inverse(e.get(), d.get(), lambda.get(), ctx.get()) != nullptr;
  if (!ok) {
    ERR_clear_error();
    fail(Reason::illegal_value, "inconsistent RSA CRT key");
  }
  ParamBld bld = new_param_bld();
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get());
  push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, pq.get());
  return pkey_from_params("RSA", EVP_PKEY_KEYPAIR, bld.get(), "RSA CRT key");
}

Pkey make_pkey(const EcPublicKeyData& key) {
  std::vector<Bn> keep;
  ParamBld bld = new_param_bld();
  push_ec_domain(bld.get(), key.domain, keep);
  push_octets(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, key.w);
  Pkey pkey = pkey_from_params("EC", EVP_PKEY_PUBLIC_KEY, bld.get(), "EC public key");
  // fromdata does not check that W lies on the curve; a public key check does.
  PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    ERR_clear_error();
    fail(Reason::illegal_value, "EC public point not on the curve");
  }
  return pkey;
}

Pkey make_pkey(const EcPrivateKeyData& key) {
  std::vector<Bn> keep;
  ParamBld bld = new_param_bld();
  push_ec_domain(bld.get(), key.domain, keep);
  Bn s = bn_from(key.s);
  Bn r = bn_from(key.domain.r);
  if (BN_is_zero(s.get()) || BN_cmp(s.get(), r.get()) >= 0) {
    fail(Reason::illegal_value, "EC private scalar outside 1..r-1");
  }
  push_bn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, s.get());
  return pkey_from_params("EC", EVP_PKEY_KEYPAIR, bld.get(), "EC private key");
}

Pkey make_ec_parameters(const EcDomain& domain) {
  std::vector<Bn> keep;
  ParamBld bld = new_param_bld();
  push_ec_domain(bld.get(), domain, keep);
  return pkey_from_params("EC", EVP_PKEY_KEY_PARAMETERS, bld.get(), "EC domain parameters");
}

EcGroup make_ec_group(const EcDomain& domain) {
  std::vector<Bn> keep;
  ParamBld bld = new_param_bld();
  push_ec_domain(bld.get(), domain, keep);
  Params params(OSSL_PARAM_BLD_to_param(bld.get()));
  if (!params) fail_openssl("OSSL_PARAM_BLD_to_param");
  EcGroup group(EC_GROUP_new_from_params(params.get(), nullptr, nullptr));
  if (!group) {
    ERR_clear_error();
    fail(Reason::illegal_value, "invalid EC domain parameters");
  }
  return group;
}

Bytes rsa_private_raw(const RsaPrivateKeyData& key, ByteView input) {
  BnCtx ctx(BN_CTX_new());
  if (!ctx) fail_openssl("BN_CTX_new");
  Bn n = bn_from(key.modulus);
  Bn d = bn_from(key.exponent);
  Bn m = bn_from(input);
  if (!BN_is_odd(n.get())) fail(Reason::illegal_value, "RSA modulus is even");
  if (BN_cmp(m.get(), n.get()) >= 0) fail(Reason::illegal_use, "RSA input not below the modulus");
  Bn out(BN_new());
  BN_set_flags(d.get(), BN_FLG_CONSTTIME);
  if (!out ||
      BN_mod_exp_mont_consttime(out.get(), m.get(), d.get(), n.get(), ctx.get(), nullptr) != 1) {
    fail_openssl("BN_mod_exp_mont_consttime");
  }
  return bn_to_bytes(out.get(), static_cast<std::size_t>(BN_num_bytes(n.get())));
}

std::size_t rsa_modulus_size(const KeyData& key) {
  auto significant = [](ByteView bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && bytes[i] == 0) ++i;
    return bytes.size() - i;
  };
  if (const auto* pub = std::get_if<RsaPublicKeyData>(&key)) return significant(pub->modulus);
  if (const auto* priv = std::get_if<RsaPrivateKeyData>(&key)) return significant(priv->modulus);
  if (const auto* crt = std::get_if<RsaCrtKeyData>(&key)) {
    Bn p = bn_from(crt->p), q = bn_from(crt->q), n(BN_new());
    BnCtx ctx(BN_CTX_new());
    if (!n || !ctx || BN_mul(n.get(), p.get(), q.get(), ctx.get()) != 1) fail_openssl("BN_mul");
    return static_cast<std::size_t>(BN_num_bytes(n.get()));
  }
  return 0;
}

std::size_t ec_field_size(const EcDomain& domain) {
  Bn p = bn_from(domain.field);
  return static_cast<std::size_t>(BN_num_bytes(p.get()));
}

}  // namespace uicc::api::crypto
