#include "apdu/cla.h"

namespace uicc::apdu {

ClassKind ClassByte::kind() const {
  if (raw == 0xFF) return ClassKind::invalid;
  if (raw == 0xA0) return ClassKind::gsm;
  switch (raw >> 5) {
    case 0b000: return ClassKind::first_interindustry;
    case 0b001: return ClassKind::invalid;
    case 0b010:
    case 0b011: return ClassKind::further_interindustry;
    case 0b100: return ClassKind::proprietary_first;
    case 0b101: return ClassKind::invalid;  // AX and BX other than A0 have no UICC meaning
    default: return ClassKind::proprietary_further;
  }
}

bool ClassByte::proprietary() const { return (raw & 0x80) != 0; }

std::uint8_t ClassByte::channel() const {
  switch (kind()) {
    case ClassKind::first_interindustry:
    case ClassKind::proprietary_first:
      return raw & 0x03;
    case ClassKind::further_interindustry:
    case ClassKind::proprietary_further:
      return static_cast<std::uint8_t>(4 + (raw & 0x0F));
    default:
      return 0;
  }
}

SecureMessaging ClassByte::secure_messaging() const {
  switch (kind()) {
    case ClassKind::first_interindustry:
    case ClassKind::proprietary_first:
      switch ((raw >> 2) & 0x03) {
        case 0b01: return SecureMessaging::proprietary;
        case 0b10: return SecureMessaging::header_not_authenticated;
        case 0b11: return SecureMessaging::header_authenticated;
        default: return SecureMessaging::none;
      }
    case ClassKind::further_interindustry:
    case ClassKind::proprietary_further:
      return (raw & 0x20) ? SecureMessaging::header_not_authenticated : SecureMessaging::none;
    default:
      return SecureMessaging::none;
  }
}

std::uint8_t ClassByte::encode(std::uint8_t channel, bool proprietary, bool secure_messaging) {
  std::uint8_t value;
  if (channel < 4) {
    value = static_cast<std::uint8_t>(channel | (secure_messaging ? 0x04 : 0x00));
  } else {
    value = static_cast<std::uint8_t>(0x40 | ((channel - 4) & 0x0F) | (secure_messaging ? 0x20 : 0x00));
  }
  return proprietary ? static_cast<std::uint8_t>(value | 0x80) : value;
}

}  // namespace uicc::apdu
