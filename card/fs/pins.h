// PINs, PUKs and ADM keys of ETSI TS 102 221 V17.1.0 §9.5 with their try counters, kept in
// the persistent store. The try counter is decremented before the comparison and written
// back only on success, so cutting the power during a comparison never returns a try.
#pragma once

#include <bitset>
#include <cstdint>
#include <optional>

#include "apdu/status_word.h"
#include "util/bytes.h"
#include "util/secret.h"
#include "vm/store/store.h"

namespace uicc::card {

// ETSI TS 102 221 V17.1.0 §9.5.1 Table 9.3: key references.
namespace key_reference {
inline constexpr std::uint8_t pin_appl_1 = 0x01;
inline constexpr std::uint8_t universal_pin = 0x11;
inline constexpr std::uint8_t second_pin_appl_1 = 0x81;
inline constexpr std::uint8_t adm1 = 0x0A;
inline constexpr std::uint8_t adm2 = 0x0B;
inline constexpr std::uint8_t adm3 = 0x0C;
inline constexpr std::uint8_t adm4 = 0x0D;
inline constexpr std::uint8_t adm5 = 0x0E;
}  // namespace key_reference

struct PinSpec {
  std::uint8_t reference = 0;
  SecretBytes value;       // 8 bytes, ASCII digits padded with FF (TS 102 221 §9.5.2)
  std::uint8_t max_tries = 3;
  bool enabled = true;
  SecretBytes unblock_value;  // PUK, 8 bytes, or empty if the PIN has none (ADM keys)
  std::uint8_t unblock_max_tries = 10;
};

// Pads a PIN given as digits ("0000") to the 8-byte format: ASCII digits, then FF. Throws
// std::invalid_argument if it is not 4 to 8 decimal digits.
SecretBytes format_pin(std::string_view digits);

class PinTable {
 public:
  explicit PinTable(store::Store& store);

  // Creates or replaces the entries (profile loading).
  void install(const std::vector<PinSpec>& pins);
  bool exists(std::uint8_t reference) const;

  bool enabled(std::uint8_t reference) const;
  bool blocked(std::uint8_t reference) const;
  std::uint8_t tries_left(std::uint8_t reference) const;
  std::uint8_t unblock_tries_left(std::uint8_t reference) const;
  // True if access conditions naming this key reference are satisfied: it was verified
  // since the last reset, or it is a disabled PIN.
  bool satisfied(std::uint8_t reference) const;

  // The commands of ETSI TS 102 221 §11.1.9 to §11.1.13. Each returns the status word of the
  // outcome (9000, 63CX, 6983, 6984, 6985, 6A80, 6A88) and performs the counter updates.
  apdu::StatusWord verify(std::uint8_t reference, std::optional<ByteView> value);
  apdu::StatusWord change(std::uint8_t reference, ByteView old_value, ByteView new_value);
  apdu::StatusWord disable(std::uint8_t reference, ByteView value);
  apdu::StatusWord enable(std::uint8_t reference, ByteView value);
  apdu::StatusWord unblock(std::uint8_t reference, std::optional<ByteView> puk, std::optional<ByteView> new_value);

  // Forgets every verification, as a card reset does.
  void reset_security_status() { verified_.reset(); }

 private:
  std::optional<std::uint32_t> find(std::uint8_t reference) const;
  // Decrements the counter at `counter_offset`, compares, and restores the counter on success.
  bool check(std::uint32_t entry, std::uint32_t counter_offset, std::uint32_t max_offset,
             std::uint32_t value_offset, ByteView candidate);

  store::Store& store_;
  std::bitset<256> verified_;  // security status, volatile by nature
};

}  // namespace uicc::card
