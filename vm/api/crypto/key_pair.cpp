#include "vm/api/crypto/key_pair.h"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/obj_mac.h>
#include <openssl/rsa.h>

#include "vm/api/crypto/crypto_error.h"

namespace uicc::api::crypto {
namespace {

Bn get_bn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) fail_openssl(std::string("get ") + name);
  return Bn(bn);
}

SecretBytes secret_of(const BIGNUM* bn, std::size_t width) {
  Bytes bytes = bn_to_bytes(bn, width);
  SecretBytes secret(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return secret;
}

}  // namespace

RsaKeyPairData generate_rsa(std::size_t bits, std::optional<ByteView> public_exponent) {
  if (bits < 512 || bits > 4096 || bits % 8 != 0) {
    fail(Reason::illegal_value, fmt::format("RSA key size {} outside 512..4096", bits));
  }
  Bn e = public_exponent ? bn_from(*public_exponent) : Bn(BN_new());
  if (!e) fail_openssl("BN_new");
  if (!public_exponent && BN_set_word(e.get(), RSA_F4) != 1) fail_openssl("BN_set_word");
  if (!BN_is_odd(e.get()) || BN_is_one(e.get())) {
    fail(Reason::illegal_value, "RSA public exponent must be odd and above 1");
  }
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) fail_openssl("EVP_PKEY_keygen_init");
  if (EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits)) != 1 ||
      EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) != 1) {
    fail_openssl("RSA keygen parameters");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) fail_openssl("EVP_PKEY_generate");
  Pkey key(raw);
  const std::size_t size = bits / 8;
  const std::size_t half = (size + 1) / 2;
  RsaKeyPairData out;
  out.modulus = bn_to_bytes(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_N).get(), size);
  out.public_exponent = bn_to_bytes(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_E).get());
  out.private_exponent = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_D).get(), size);
  out.p = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR1).get(), half);
  out.q = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_FACTOR2).get(), half);
  out.dp = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1).get(), half);
  out.dq = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2).get(), half);
  out.pq = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1).get(), half);
  return out;
}

std::optional<EcDomainData> named_curve(const char* name) {
  const int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) return std::nullopt;
  EcGroup group(EC_GROUP_new_by_curve_name(nid));
  if (!group) {
    ERR_clear_error();
    return std::nullopt;
  }
  BnCtx ctx(BN_CTX_new());
  Bn p(BN_new()), a(BN_new()), b(BN_new());
  if (!ctx || !p || !a || !b ||
      EC_GROUP_get_curve(group.get(), p.get(), a.get(), b.get(), ctx.get()) != 1) {
    fail_openssl("EC_GROUP_get_curve");
  }
  const std::size_t size = static_cast<std::size_t>(BN_num_bytes(p.get()));
  EcDomainData domain;
  domain.field = bn_to_bytes(p.get(), size);
  domain.a = bn_to_bytes(a.get(), size);
  domain.b = bn_to_bytes(b.get(), size);
  domain.g.resize(1 + 2 * size);
  if (EC_POINT_point2oct(group.get(), EC_GROUP_get0_generator(group.get()),
                         POINT_CONVERSION_UNCOMPRESSED, domain.g.data(), domain.g.size(),
                         ctx.get()) != domain.g.size()) {
    fail_openssl("EC_POINT_point2oct");
  }
  domain.r = bn_to_bytes(EC_GROUP_get0_order(group.get()));
  domain.k = static_cast<std::uint16_t>(BN_get_word(EC_GROUP_get0_cofactor(group.get())));
  return domain;
}

std::optional<EcDomainData> standard_curve(std::size_t bits) {
  switch (bits) {
    case 192:
      return named_curve("prime192v1");
    case 224:
      return named_curve("secp224r1");
    case 256:
      return named_curve("prime256v1");
    case 384:
      return named_curve("secp384r1");
    case 521:
      return named_curve("secp521r1");
    default:
      return std::nullopt;
  }
}

EcKeyPairData generate_ec(const EcDomain& domain) {
  Pkey params = make_ec_parameters(domain);
  PkeyCtx ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params.get(), nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) fail_openssl("EVP_PKEY_keygen_init");
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) fail_openssl("EVP_PKEY_generate");
  Pkey key(raw);
  EcKeyPairData out;
  std::size_t length = 0;
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &length) !=
      1) {
    fail_openssl("get public point");
  }
  out.w.resize(length);
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, out.w.data(),
                                      out.w.size(), &length) != 1) {
    fail_openssl("get public point");
  }
  Bn order = bn_from(domain.r);
  out.s = secret_of(get_bn(key.get(), OSSL_PKEY_PARAM_PRIV_KEY).get(),
                    static_cast<std::size_t>(BN_num_bytes(order.get())));
  return out;
}

}  // namespace uicc::api::crypto
