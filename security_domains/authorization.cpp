#include "security_domains/authorization.h"

#include "security_domains/commands/common.h"
#include "util/crypto.h"
#include "util/tlv.h"

namespace uicc::sd::authorization {

namespace {

constexpr std::uint16_t kMaxConfirmationCounter = 0x7FFF;

const DomainData* domain_with(const Registry& registry, Privilege privilege) {
  const ApplicationEntry* holder = registry.holder(privilege);
  return holder != nullptr && holder->domain ? &*holder->domain : nullptr;
}

std::optional<crypto::RsaPrivateKey> rsa_private_key(const Key& key) {
  const KeyComponent* modulus = key.component(key_type::rsa_modulus);
  if (modulus == nullptr) modulus = key.component(key_type::rsa_private_modulus);
  const KeyComponent* exponent = key.component(key_type::rsa_private_exponent);
  if (modulus == nullptr || exponent == nullptr) return std::nullopt;
  const KeyComponent* public_exponent = key.component(key_type::rsa_public_exponent);
  crypto::RsaPrivateKey rsa;
  rsa.modulus.assign(modulus->value.view().begin(), modulus->value.view().end());
  // NOTE: a private key loaded without its public exponent is assumed to use 65537.
  rsa.public_exponent = public_exponent != nullptr ? Bytes(public_exponent->value.view().begin(),
                                                           public_exponent->value.view().end())
                                                   : from_hex("010001");
  rsa.private_exponent = exponent->value;
  return rsa;
}

std::optional<crypto::EcPrivateKey> ec_private_key(const Key& key) {
  const KeyComponent* scalar = key.component(key_type::ecc_private);
  const KeyComponent* reference = key.component(key_type::ecc_parameter_reference);
  if (scalar == nullptr || reference == nullptr || reference->value.size() != 1)
    return std::nullopt;
  std::optional<crypto::Curve> curve = crypto::curve_from_reference(reference->value.view()[0]);
  if (!curve) return std::nullopt;
  return crypto::EcPrivateKey{*curve, scalar->value};
}

}  // namespace

bool verify(const Key& key, ByteView data, ByteView signature) {
  switch (key.type()) {
    case key_type::des: {
      Bytes mac =
          crypto::des_mac_algorithm3(key.components.front().value, data, crypto::Padding::method2);
      return constant_time_equal(mac, signature);
    }
    case key_type::aes:
      return constant_time_equal(crypto::aes_cmac(key.components.front().value, data), signature);
    default:
      break;
  }
  if (std::optional<crypto::RsaPublicKey> rsa = rsa_public_key(key)) {
    // §B.3: scheme 1 for 1024-bit keys, scheme 2 above.
    if (rsa->modulus.size() <= 128)
      return crypto::rsa_pkcs1_verify(*rsa, crypto::Hash::sha1, data, signature);
    return crypto::rsa_pss_verify(*rsa, crypto::Hash::sha256, data, signature);
  }
  if (std::optional<crypto::EcPublicKey> ec = ec_public_key(key)) {
    return crypto::ecdsa_verify(*ec, crypto::ecdsa_hash(ec->curve), data, signature);
  }
  return false;
}

std::optional<Bytes> sign(const Key& key, ByteView data) {
  switch (key.type()) {
    case key_type::des:
      return crypto::des_mac_algorithm3(key.components.front().value, data,
                                        crypto::Padding::method2);
    case key_type::aes:
      return crypto::aes_cmac(key.components.front().value, data);
    default:
      break;
  }
  if (std::optional<crypto::RsaPrivateKey> rsa = rsa_private_key(key)) {
    if (rsa->modulus.size() <= 128) return crypto::rsa_pkcs1_sign(*rsa, crypto::Hash::sha1, data);
    return crypto::rsa_pss_sign(*rsa, crypto::Hash::sha256, data);
  }
  if (std::optional<crypto::EcPrivateKey> ec = ec_private_key(key)) {
    return crypto::ecdsa_sign(*ec, crypto::ecdsa_hash(ec->curve), data);
  }
  return std::nullopt;
}

Bytes token_data(std::uint8_t p1, std::uint8_t p2, ByteView fields) {
  Bytes data{p1, p2};
  if (fields.size() <= 0xFF) {
    data.push_back(static_cast<std::uint8_t>(fields.size()));
  } else {
    data.push_back(0x00);
    append_u16(data, static_cast<std::uint16_t>(fields.size()));
  }
  append(data, fields);
  return data;
}

bool verify_token(const Registry& registry, ByteView data, ByteView token) {
  const DomainData* verifier = domain_with(registry, Privilege::token_verification);
  if (verifier == nullptr) return false;
  const Key* key = commands::find_key_for(*verifier, key_usage::token, kTokenKeyVersion);
  return key != nullptr && verify(*key, data, token);
}

bool verify_dap(const DomainData& domain, ByteView hash, ByteView signature) {
  const Key* key = commands::find_key_for(domain, key_usage::dap, kDapKeyVersion);
  return key != nullptr && verify(*key, hash, signature);
}

Bytes confirmation(Registry& registry, ByteView operation_fields, ByteView token_identifier) {
  ApplicationEntry* generator = nullptr;
  for (ApplicationEntry& app : registry.applications) {
    if (app.privileges.has(Privilege::receipt_generation) && app.domain) generator = &app;
  }
  if (generator == nullptr) return Bytes{0x00};
  DomainData& domain = *generator->domain;
  const Key* key = commands::find_key_for(domain, key_usage::receipt, kReceiptKeyVersion);
  if (key == nullptr) return Bytes{0x00};

  // Table 11-14: confirmation counter, SD unique data (42 || 45 of the generating domain),
  // and the token identifier when the token carried one.
  if (domain.confirmation_counter < kMaxConfirmationCounter) ++domain.confirmation_counter;
  Bytes data{0x02};
  append_u16(data, domain.confirmation_counter);
  Bytes unique = domain.data_objects[0x42];
  append(unique, domain.data_objects[0x45]);
  data.push_back(static_cast<std::uint8_t>(unique.size()));
  append(data, unique);
  if (!token_identifier.empty()) {
    data.push_back(static_cast<std::uint8_t>(token_identifier.size()));
    append(data, token_identifier);
  }

  Bytes signed_data = data;
  append(signed_data, operation_fields);
  std::optional<Bytes> receipt = sign(*key, signed_data);
  if (!receipt) return Bytes{0x00};

  // Table 11-13: length of the receipt, the receipt, the confirmation data.
  Bytes confirmation_bytes;
  tlv::append_length(confirmation_bytes, receipt->size());
  append(confirmation_bytes, *receipt);
  append(confirmation_bytes, data);
  Bytes response;
  tlv::append_length(response, confirmation_bytes.size());
  append(response, confirmation_bytes);
  return response;
}

}  // namespace uicc::sd::authorization
