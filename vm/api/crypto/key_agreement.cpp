#include "vm/api/crypto/key_agreement.h"

#include <fmt/format.h>
#include <openssl/err.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/api/crypto/message_digest.h"

namespace uicc::api::crypto {

namespace jka = jc::javacard::security::KeyAgreement;
namespace jmd = jc::javacard::security::MessageDigest;

KeyAgreement::KeyAgreement(std::int8_t algorithm) : algorithm_(algorithm) {
  switch (algorithm) {
    case jka::ALG_EC_SVDP_DH:
    case jka::ALG_EC_SVDP_DH_PLAIN:
    case jka::ALG_EC_SVDP_DH_PLAIN_XY:
      break;
    case jka::ALG_EC_SVDP_DHC:
    case jka::ALG_EC_SVDP_DHC_PLAIN:
      cofactor_ = true;
      break;
    default:
      fail(Reason::no_such_algorithm,
           fmt::format("KeyAgreement algorithm {} not supported", algorithm));
  }
}

void KeyAgreement::init(const KeyData& key) {
  const auto* ec = std::get_if<EcPrivateKeyData>(&key);
  if (ec == nullptr) fail(Reason::illegal_value, "EC key agreement needs an EC private key");
  make_pkey(*ec);  // validates the domain parameters and the scalar
  field_.assign(ec->domain.field.begin(), ec->domain.field.end());
  a_.assign(ec->domain.a.begin(), ec->domain.a.end());
  b_.assign(ec->domain.b.begin(), ec->domain.b.end());
  g_.assign(ec->domain.g.begin(), ec->domain.g.end());
  r_.assign(ec->domain.r.begin(), ec->domain.r.end());
  k_ = ec->domain.k;
  s_ = SecretBytes(ec->s);
  initialized_ = true;
}

Bytes KeyAgreement::generate_secret(ByteView public_point) {
  if (!initialized_) fail(Reason::invalid_init, "KeyAgreement not initialized");
  const EcDomain domain{field_, a_, b_, g_, r_, k_};
  EcGroup group = make_ec_group(domain);
  BnCtx ctx(BN_CTX_new());
  EcPoint peer(EC_POINT_new(group.get()));
  EcPoint shared(EC_POINT_new(group.get()));
  if (!ctx || !peer || !shared) fail_openssl("EC_POINT_new");
  if (EC_POINT_oct2point(group.get(), peer.get(), public_point.data(), public_point.size(),
                         ctx.get()) != 1 ||
      EC_POINT_is_on_curve(group.get(), peer.get(), ctx.get()) != 1) {
    ERR_clear_error();
    fail(Reason::illegal_value, "public point not on the curve");
  }
  // IEEE 1363-2000 §7.2.1 (ECSVDP-DH): P = s * W; §7.2.2 (ECSVDP-DHC): P = (k * s) * W.
  Bn scalar = bn_from(s_.view());
  if (cofactor_ && k_ != 1) {
    if (BN_mul_word(scalar.get(), k_) != 1) fail_openssl("BN_mul_word");
  }
  BN_set_flags(scalar.get(), BN_FLG_CONSTTIME);
  if (EC_POINT_mul(group.get(), shared.get(), nullptr, peer.get(), scalar.get(), ctx.get()) != 1) {
    fail_openssl("EC_POINT_mul");
  }
  if (EC_POINT_is_at_infinity(group.get(), shared.get()) == 1) {
    fail(Reason::illegal_value, "shared point is the point at infinity");
  }
  Bn x(BN_new()), y(BN_new());
  if (!x || !y ||
      EC_POINT_get_affine_coordinates(group.get(), shared.get(), x.get(), y.get(), ctx.get()) !=
          1) {
    fail_openssl("EC_POINT_get_affine_coordinates");
  }
  const std::size_t size = ec_field_size(domain);
  Bytes xs = bn_to_bytes(x.get(), size);
  switch (algorithm_) {
    case jka::ALG_EC_SVDP_DH:
    case jka::ALG_EC_SVDP_DHC: {
      MessageDigest sha1(jmd::ALG_SHA);
      ByteView digest = sha1.do_final(xs);
      return Bytes(digest.begin(), digest.end());
    }
    case jka::ALG_EC_SVDP_DH_PLAIN_XY: {
      Bytes point{0x04};
      append(point, xs);
      append(point, bn_to_bytes(y.get(), size));
      return point;
    }
    default:
      return xs;
  }
}

}  // namespace uicc::api::crypto
