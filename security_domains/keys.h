// Keys of a security domain: key identifier and version, components, usage and access
// (GlobalPlatform Card Specification 2.3.1 §7.5 and §11.1.8 to §11.1.10). Also key check
// values (§B.6), the Key Information Template of GET DATA E0 (§11.3.3.1.1), and the key data
// field of PUT KEY (§11.8.2.3).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "util/crypto.h"
#include "util/secret.h"

namespace uicc::sd {

// Key types of GPCS 2.3.1 Table 11-16.
namespace key_type {
inline constexpr std::uint8_t des = 0x80;
inline constexpr std::uint8_t tls_psk = 0x85;
inline constexpr std::uint8_t aes = 0x88;
inline constexpr std::uint8_t hmac_sha1 = 0x90;
inline constexpr std::uint8_t hmac_sha1_160 = 0x91;
inline constexpr std::uint8_t rsa_public_exponent = 0xA0;
inline constexpr std::uint8_t rsa_modulus = 0xA1;
inline constexpr std::uint8_t rsa_private_modulus = 0xA2;
inline constexpr std::uint8_t rsa_private_exponent = 0xA3;
inline constexpr std::uint8_t rsa_crt_p = 0xA4;
inline constexpr std::uint8_t rsa_crt_q = 0xA5;
inline constexpr std::uint8_t rsa_crt_pq = 0xA6;
inline constexpr std::uint8_t rsa_crt_dp1 = 0xA7;
inline constexpr std::uint8_t rsa_crt_dq1 = 0xA8;
inline constexpr std::uint8_t ecc_public = 0xB0;
inline constexpr std::uint8_t ecc_private = 0xB1;
inline constexpr std::uint8_t ecc_field_p = 0xB2;
inline constexpr std::uint8_t ecc_field_a = 0xB3;
inline constexpr std::uint8_t ecc_field_b = 0xB4;
inline constexpr std::uint8_t ecc_field_g = 0xB5;
inline constexpr std::uint8_t ecc_field_n = 0xB6;
inline constexpr std::uint8_t ecc_field_k = 0xB7;
inline constexpr std::uint8_t ecc_parameter_reference = 0xF0;
inline constexpr std::uint8_t extended = 0xFF;

// True for components whose value travels encrypted in PUT KEY (§11.8.2.3.2).
bool is_secret(std::uint8_t type);
}  // namespace key_type

// Key usage qualifiers of GPCS 2.3.1 §11.1.9.
namespace key_usage {
inline constexpr std::uint8_t c_mac = 0x14;
inline constexpr std::uint8_t r_mac = 0x24;
inline constexpr std::uint8_t c_enc = 0x18;
inline constexpr std::uint8_t c_dek = 0x48;
inline constexpr std::uint8_t token = 0x81;
inline constexpr std::uint8_t receipt = 0x44;
inline constexpr std::uint8_t dap = 0x84;
}  // namespace key_usage

struct KeyComponent {
  std::uint8_t type = 0;
  SecretBytes value;  // for ecc_parameter_reference: the 1- or 2-byte reference
};

struct Key {
  std::uint8_t id = 0;
  std::uint8_t version = 0;
  std::vector<KeyComponent> components;
  std::optional<std::uint8_t> usage;
  std::optional<std::uint8_t> access;
  bool extended_format = false;  // loaded with 'FF xx' key types (PUT KEY format 2)

  // The type of the first component, which names the algorithm.
  std::uint8_t type() const { return components.empty() ? 0 : components.front().type; }
  const KeyComponent* component(std::uint8_t type) const;
};

// GPCS 2.3.1 §B.6: the three leftmost bytes of DES(key, 8 x 00) or AES(key, 16 x 01).
// Returns nullopt for key types without a defined check value.
std::optional<Bytes> key_check_value(std::uint8_t type, const SecretBytes& value);

// The Key Information Data of one key (the value of a C0 object, Tables 11-28 and 11-29).
Bytes key_information(const Key& key);
// The Key Information Template E0 for `keys`, sorted by version then identifier.
Bytes key_information_template(const std::vector<Key>& keys);

// The RSA public key of a key that has one (components A1 and A0).
std::optional<crypto::RsaPublicKey> rsa_public_key(const Key& key);
// The EC public key of a key that has one (components B0 and F0 with a known reference).
std::optional<crypto::EcPublicKey> ec_public_key(const Key& key);

// The data field of PUT KEY, decoded.
struct PutKeyData {
  std::uint8_t new_version = 0;
  std::vector<Key> keys;  // identifiers already assigned from P2, version from the data
  Bytes check_values;     // the KCVs as presented, concatenated, for the response
};

// The reason a PUT KEY data field was rejected; its kind selects the status word of GPCS 2.3.1
// Table 11-78.
struct PutKeyError {
  enum class Kind { malformed, check_value, unsupported };
  Kind kind;
  std::string message;
};

// Decrypts a secret key component block with the session's data encryption key.
using KeyDecryptor = std::function<Bytes(ByteView)>;

// Parses the PUT KEY data field for keys starting at identifier `first_id`. `decrypt` and
// `block_size` (8 for DES, 16 for AES) come from the secure channel that carries the command.
// Secret components are decrypted, padding is removed per Tables 11-70 and 11-71, and
// check values are verified.
std::optional<PutKeyData> parse_put_key(ByteView data, std::uint8_t first_id, bool multiple,
                                        const KeyDecryptor& decrypt, std::size_t block_size,
                                        PutKeyError& error);

}  // namespace uicc::sd
