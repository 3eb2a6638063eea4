// Session state that the card and the off-card entity share once a GlobalPlatform secure
// channel is open: session keys, MAC chaining value and counters, and the per-command
// protection that both ends apply in mirror. Sources: GlobalPlatform Card Specification 2.3.1
// §10 and, per protocol, Appendix E (SCP02) and Amendment D v1.2 (SCP03).
#pragma once

#include <cstdint>
#include <optional>

#include "apdu/command.h"
#include "util/secret.h"

namespace uicc::sd::scp {

// Secure Channel Protocol identifiers (GPCS 2.3.1 §10.7).
enum class Protocol : std::uint8_t { scp02 = 0x02, scp03 = 0x03 };

// Security level bits, as EXTERNAL AUTHENTICATE P1 and the GlobalPlatform API's
// SecureChannel.getSecurityLevel() code them (GPCS 2.3.1 §10.6, Amendment D v1.2 §5.5).
namespace level {
inline constexpr std::uint8_t none = 0x00;
inline constexpr std::uint8_t c_mac = 0x01;
inline constexpr std::uint8_t c_decryption = 0x02;
inline constexpr std::uint8_t r_mac = 0x10;
inline constexpr std::uint8_t r_encryption = 0x20;
inline constexpr std::uint8_t authenticated = 0x80;
}  // namespace level

// A static key set of a security domain: Key-ENC, Key-MAC and Key-DEK under one key version
// number (key identifiers 1, 2 and 3).
struct StaticKeys {
  std::uint8_t version = 0;
  SecretBytes enc;
  SecretBytes mac;
  SecretBytes dek;
};

// The class byte over which a C-MAC is computed: logical channel bits removed, the further
// interindustry marker b7 cleared and GlobalPlatform secure messaging (b3) set, with b8 and
// the chaining bit b5 kept (GPCS 2.3.1 §E.4.4, Amendment D v1.2 §6.2.4).
std::uint8_t mac_class_byte(std::uint8_t cla);
// The class byte a host sends: `cla` with secure messaging indicated in the coding its
// logical channel uses (b3 for channels 0-3, b6 for 4-19; GPCS 2.3.1 Tables 11-11, 11-12).
std::uint8_t with_secure_messaging(std::uint8_t cla);
// The class byte a command has after the card removed its secure messaging.
std::uint8_t without_secure_messaging(std::uint8_t cla);
// True if the class byte indicates secure messaging.
bool has_secure_messaging(std::uint8_t cla);

// The protection of one open session. A host calls wrap_command and unwrap_response; a
// card calls unwrap_command and wrap_response. Both sides keep the same chaining state, so
// each call must match one call on the other side, in order.
class Session {
 public:
  virtual ~Session() = default;

  virtual Protocol protocol() const = 0;
  // The C-MAC and R-MAC length: 8 bytes, or 16 in SCP03 S16 mode.
  virtual std::size_t mac_size() const = 0;

  // The security level that the next commands and responses get.
  std::uint8_t level() const { return level_; }
  void set_level(std::uint8_t value) { level_ = value; }

  // Off-card: protects a command at the current level. With level C-MAC and without
  // AUTHENTICATED it builds the EXTERNAL AUTHENTICATE command itself, which starts the chain.
  virtual apdu::Command wrap_command(const apdu::Command& plain) = 0;
  // Off-card: verifies and removes R-MAC and R-ENCRYPTION. Returns nullopt on a wrong R-MAC
  // or malformed ciphertext.
  virtual std::optional<apdu::Response> unwrap_response(const apdu::Response& received) = 0;

  // Card: verifies and removes C-MAC and C-DECRYPTION. Returns nullopt on a wrong C-MAC,
  // a missing one, or malformed ciphertext; the caller then aborts the session.
  virtual std::optional<apdu::Command> unwrap_command(const apdu::Command& received) = 0;
  // Card: adds R-ENCRYPTION and R-MAC as the level requires. Error status words get
  // neither (Amendment D v1.2 §6.2.5).
  virtual apdu::Response wrap_response(const apdu::Response& plain) = 0;

  // Card: decrypts key data sent with the data encryption key (PUT KEY, STORE DATA).
  // Throws std::invalid_argument if `data` is not a whole number of cipher blocks.
  virtual Bytes decrypt_sensitive_data(ByteView data) const = 0;
  // Off-card: the inverse of decrypt_sensitive_data.
  virtual Bytes encrypt_sensitive_data(ByteView data) const = 0;

 protected:
  std::uint8_t level_ = level::none;
};

// Appends the Lc field of a command whose data field is `length` bytes long, in the form
// the MAC covers: one byte up to 255, else the three bytes of an extended Lc.
void append_mac_lc(Bytes& out, std::size_t length);

}  // namespace uicc::sd::scp
