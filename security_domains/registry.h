// The GlobalPlatform Registry (GlobalPlatform Card Specification 2.3.1 §6.5): card-wide data,
// executable load files with their modules, and applications and security domains with their
// life cycle states, privileges, associations and, for security domains, their keys. This is
// the in-memory model and its byte encoding; registry_store.h keeps it in the card's store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <vector>

#include "security_domains/keys.h"
#include "security_domains/life_cycle.h"
#include "security_domains/privileges.h"
#include "security_domains/scp/secure_channel.h"
#include "util/bytes.h"

namespace uicc::sd {

// The registry image is damaged or of an unknown format.
class RegistryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// GPCS 2.3.1 §6.6, Tables 11-53: the functions a Restrict Parameter (tag D9) disables.
namespace restriction {
inline constexpr std::uint8_t registry_update = 0x40;
inline constexpr std::uint8_t personalization = 0x20;
inline constexpr std::uint8_t extradition = 0x10;
inline constexpr std::uint8_t make_selectable = 0x08;
inline constexpr std::uint8_t install = 0x04;
inline constexpr std::uint8_t load = 0x02;
inline constexpr std::uint8_t deletion = 0x01;
}  // namespace restriction

// The global PIN of the CVM application (GPCS 2.3.1 §8.2): value and its format, try limit and
// counter, and whether it is active (value and try limit set) and blocked. The states
// VALIDATED and INVALID_SUBMISSION are per card session and live in RAM, in the card manager.
struct CvmData {
  SecretBytes value;
  std::uint8_t format = 0;  // CVM.FORMAT_ASCII, FORMAT_BCD or FORMAT_HEX; 0 while no value is set
  std::uint8_t try_limit = 0;
  std::uint8_t tries_remaining = 0;
  bool active = false;
  bool blocked = false;
};

struct CardData {
  std::uint8_t life_cycle = life_cycle::secured;
  std::uint8_t restrictions = 0;  // restrictions of the OPEN itself (INSTALL [for registry update])
  Bytes cplc;                     // GET DATA 9F7F
  Bytes owner;                    // identifier of the issuer security domain's owner
  CvmData cvm;
  // Historical bytes of the ATR set with GPSystem.setATRHistBytes (at most 15).
  Bytes atr_historical_bytes;
  bool atr_historical_bytes_set = false;
};

struct LoadFileEntry {
  Bytes aid;
  Bytes security_domain;
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::vector<Bytes> modules;  // AIDs of the executable modules (applet classes)
  Bytes provider;              // Application Provider identifier (5F20), if given
};

// The data a security domain keeps beside its registry entry.
struct DomainData {
  scp::Parameters scp;
  std::vector<Key> keys;
  std::map<std::uint8_t, std::uint32_t> sequence_counters;  // by key version
  std::uint16_t confirmation_counter = 0;                   // receipts (GPCS §C.5)
  // Data objects of GET DATA and STORE DATA by tag: 42, 45, 66, 5F50 and proprietary ones.
  std::map<std::uint32_t, Bytes> data_objects;

  const Key* find_key(std::uint8_t version, std::uint8_t id) const;
};

struct ApplicationEntry {
  Bytes aid;
  Bytes load_file;
  Bytes module;
  // GPCS 2.3.1 Tables 11-4 and 11-5. LOCKED keeps the previous state in b7..b1, so unlocking
  // clears b8.
  std::uint8_t life_cycle = life_cycle::installed;
  Privileges privileges;
  Bytes security_domain;                         // the associated security domain
  std::vector<std::uint8_t> implicit_selection;  // CF values
  std::uint8_t restrictions = 0;                 // D9 of INSTALL [for registry update]
  Bytes provider;                                // 5F20
  std::vector<std::uint16_t> global_services;    // CB
  std::optional<DomainData> domain;              // present for security domains

  bool is_security_domain() const { return privileges.has(Privilege::security_domain); }
};

class Registry {
 public:
  Bytes isd_aid;
  CardData card;
  std::vector<LoadFileEntry> load_files;
  std::vector<ApplicationEntry> applications;  // the issuer security domain first

  ApplicationEntry* find_application(ByteView aid);
  const ApplicationEntry* find_application(ByteView aid) const;
  LoadFileEntry* find_load_file(ByteView aid);
  const LoadFileEntry* find_load_file(ByteView aid) const;
  ApplicationEntry& isd();
  const ApplicationEntry& isd() const;

  // True if `entity_domain` is `domain` or reaches it through the association hierarchy
  // (GPCS 2.3.1 §7.2: direct or indirect association).
  bool associated(ByteView entity_domain, ByteView domain) const;
  // The holder of a privilege that only one application may have (Card Reset, Final
  // Application), or nullptr.
  const ApplicationEntry* holder(Privilege privilege) const;

  Bytes encode() const;
  // Throws RegistryError naming the first malformed field.
  static Registry decode(ByteView bytes);
};

// True for an AID of 5 to 16 bytes (ISO/IEC 7816-4 §8.2.1.2).
inline bool valid_aid(ByteView aid) {
  return aid.size() >= 5 && aid.size() <= 16;
}

}  // namespace uicc::sd
