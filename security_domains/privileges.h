// Privileges of applications and security domains, coded on three bytes (GlobalPlatform Card
// Specification 2.3.1 §6.6 and Tables 11-7 to 11-9).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "util/bytes.h"

namespace uicc::sd {

// Privilege numbers of GPCS 2.3.1 Table 6-1.
enum class Privilege : std::uint8_t {
  security_domain = 0,
  dap_verification = 1,
  delegated_management = 2,
  card_lock = 3,
  card_terminate = 4,
  card_reset = 5,
  cvm_management = 6,
  mandated_dap_verification = 7,
  trusted_path = 8,
  authorized_management = 9,
  token_verification = 10,
  global_delete = 11,
  global_lock = 12,
  global_registry = 13,
  final_application = 14,
  global_service = 15,
  receipt_generation = 16,
  ciphered_load_file_data_block = 17,
  contactless_activation = 18,
  contactless_self_activation = 19,
};

class Privileges {
 public:
  Privileges() = default;
  explicit Privileges(std::array<std::uint8_t, 3> bytes) : bytes_(bytes) {}

  // Decodes the privileges field of INSTALL: three bytes, or one byte for which the OPEN fills
  // bytes 2 and 3 with the defaults of GPCS 2.3.1 Table 6-2 (Trusted Path for a security
  // domain, nothing for other applications). Returns nullopt for another length, or when
  // byte 1 codes a privilege without the Security Domain privilege it needs (DAP
  // Verification, Delegated Management, Mandated DAP Verification: Table 11-7).
  static std::optional<Privileges> decode(ByteView field);

  bool has(Privilege privilege) const;
  void set(Privilege privilege, bool value = true);

  const std::array<std::uint8_t, 3>& bytes() const { return bytes_; }
  ByteView view() const { return bytes_; }

  // Returns the first rule of GPCS 2.3.1 §6.6.2 that the combination breaks (Authorized
  // and Delegated Management together, Token Verification or Receipt Generation with
  // Delegated Management), or nullopt.
  std::optional<std::string> conflict() const;

  friend bool operator==(const Privileges&, const Privileges&) = default;

 private:
  std::array<std::uint8_t, 3> bytes_{};
};

}  // namespace uicc::sd
