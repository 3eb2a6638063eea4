// Class byte decoding: ISO/IEC 7816-4:2020 §5.4.1 and ETSI TS 102 221 V17.1.0 §10.1.1.
#pragma once

#include <cstdint>

namespace uicc::apdu {

enum class ClassKind : std::uint8_t {
  first_interindustry,    // 000x xxxx: channels 0-3
  further_interindustry,  // 01xx xxxx: channels 4-19
  proprietary_first,      // 100x xxxx: e.g. 8X for ETSI and GlobalPlatform commands, channels 0-3
  proprietary_further,    // 11xx xxxx: e.g. CX and EX, channels 4-19
  gsm,                    // A0: the class of TS 51.011 GSM SIM commands
  invalid,                // FF, and 001x xxxx which ISO/IEC 7816-4 reserves
};

enum class SecureMessaging : std::uint8_t {
  none,
  proprietary,               // first interindustry b4b3 = 01
  header_not_authenticated,  // b4b3 = 10, or b6 = 1 in the further form
  header_authenticated,      // b4b3 = 11
};

struct ClassByte {
  std::uint8_t raw = 0;

  ClassKind kind() const;
  bool valid() const { return kind() != ClassKind::invalid && kind() != ClassKind::gsm; }
  // True for the proprietary classes (b8 = 1), which carry ETSI and GlobalPlatform commands.
  bool proprietary() const;
  std::uint8_t channel() const;
  SecureMessaging secure_messaging() const;
  // b5: command chaining, not the last command of the chain.
  bool chaining() const { return (raw & 0x10) != 0; }

  // Encodes a class byte for `channel` (0-19) with the given b8 and secure-messaging flag.
  static std::uint8_t encode(std::uint8_t channel, bool proprietary, bool secure_messaging);
};

}  // namespace uicc::apdu
