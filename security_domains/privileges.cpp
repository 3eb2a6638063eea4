#include "security_domains/privileges.h"

namespace uicc::sd {

namespace {

struct Coding {
  std::uint8_t byte;
  std::uint8_t mask;   // bits that must all be set
  std::uint8_t clear;  // bits that must be clear (b1 separates DAP from Mandated DAP)
};

// GPCS 2.3.1 Tables 11-7 to 11-9, indexed by privilege number.
constexpr Coding kCodings[20] = {
    {0, 0x80, 0x00},  // Security Domain
    {0, 0xC0, 0x00},  // DAP Verification: b8 b7 (with b1 it is Mandated DAP, which implies it)
    {0, 0xA0, 0x00},  // Delegated Management: b8 b6
    {0, 0x10, 0x00},  // Card Lock
    {0, 0x08, 0x00},  // Card Terminate
    {0, 0x04, 0x00},  // Card Reset
    {0, 0x02, 0x00},  // CVM Management
    {0, 0xC1, 0x00},  // Mandated DAP Verification: b8 b7 b1
    {1, 0x80, 0x00},  // Trusted Path
    {1, 0x40, 0x00},  // Authorized Management
    {1, 0x20, 0x00},  // Token Verification
    {1, 0x10, 0x00},  // Global Delete
    {1, 0x08, 0x00},  // Global Lock
    {1, 0x04, 0x00},  // Global Registry
    {1, 0x02, 0x00},  // Final Application
    {1, 0x01, 0x00},  // Global Service
    {2, 0x80, 0x00},  // Receipt Generation
    {2, 0x40, 0x00},  // Ciphered Load File Data Block
    {2, 0x20, 0x00},  // Contactless Activation
    {2, 0x10, 0x00},  // Contactless Self-Activation
};

const Coding& coding(Privilege privilege) {
  return kCodings[static_cast<std::size_t>(privilege)];
}

}  // namespace

std::optional<Privileges> Privileges::decode(ByteView field) {
  Privileges privileges;
  if (field.size() == 3) {
    privileges.bytes_ = {field[0], field[1], field[2]};
  } else if (field.size() == 1) {
    privileges.bytes_ = {field[0], 0x00, 0x00};
    // GPCS 2.3.1 Table 6-2: a supplementary security domain gets Trusted Path by default.
    if (privileges.has(Privilege::security_domain)) privileges.set(Privilege::trusted_path);
  } else {
    return std::nullopt;
  }

  // Table 11-7: bits b7, b6 and b1 of byte 1 only exist together with b8.
  std::uint8_t first = privileges.bytes_[0];
  if ((first & 0x80) == 0 && (first & 0x61) != 0) return std::nullopt;
  return privileges;
}

bool Privileges::has(Privilege privilege) const {
  const Coding& c = coding(privilege);
  return (bytes_[c.byte] & c.mask) == c.mask;
}

void Privileges::set(Privilege privilege, bool value) {
  const Coding& c = coding(privilege);
  if (value) {
    bytes_[c.byte] = static_cast<std::uint8_t>(bytes_[c.byte] | c.mask);
    return;
  }
  // Clearing a privilege clears only its own bits: DAP Verification keeps Security Domain.
  std::uint8_t own = c.mask;
  if (privilege == Privilege::dap_verification) own = 0x41;  // b7 and the Mandated DAP bit
  if (privilege == Privilege::delegated_management) own = 0x20;
  if (privilege == Privilege::mandated_dap_verification) own = 0x01;
  if (privilege == Privilege::security_domain) own = 0xE1;  // everything that requires it
  bytes_[c.byte] = static_cast<std::uint8_t>(bytes_[c.byte] & ~own);
}

std::optional<std::string> Privileges::conflict() const {
  if (!has(Privilege::delegated_management)) return std::nullopt;
  if (has(Privilege::authorized_management)) {
    return "Authorized Management and Delegated Management are mutually exclusive";
  }
  if (has(Privilege::token_verification)) {
    return "Token Verification and Delegated Management are mutually exclusive";
  }
  if (has(Privilege::receipt_generation)) {
    return "Receipt Generation and Delegated Management are mutually exclusive";
  }
  return std::nullopt;
}

}  // namespace uicc::sd
