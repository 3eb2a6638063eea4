#include "security_domains/scp/session.h"

#include "apdu/cla.h"

namespace uicc::sd::scp {

std::uint8_t mac_class_byte(std::uint8_t cla) {
  return static_cast<std::uint8_t>((cla & 0x80) | (cla & 0x10) | 0x04);
}

std::uint8_t with_secure_messaging(std::uint8_t cla) {
  apdu::ClassByte byte{cla};
  if (byte.channel() >= 4) return static_cast<std::uint8_t>(cla | 0x20);
  return static_cast<std::uint8_t>((cla & ~0x08) | 0x04);
}

std::uint8_t without_secure_messaging(std::uint8_t cla) {
  apdu::ClassByte byte{cla};
  if (byte.channel() >= 4) return static_cast<std::uint8_t>(cla & ~0x20);
  return static_cast<std::uint8_t>(cla & ~0x0C);
}

bool has_secure_messaging(std::uint8_t cla) {
  return apdu::ClassByte{cla}.secure_messaging() != apdu::SecureMessaging::none;
}

void append_mac_lc(Bytes& out, std::size_t length) {
  if (length <= apdu::kMaxShortData) {
    out.push_back(static_cast<std::uint8_t>(length));
    return;
  }
  out.push_back(0x00);
  append_u16(out, static_cast<std::uint16_t>(length));
}

}  // namespace uicc::sd::scp
