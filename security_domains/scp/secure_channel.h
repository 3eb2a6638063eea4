// The card side of a GlobalPlatform secure channel on one logical channel: INITIALIZE UPDATE
// and EXTERNAL AUTHENTICATE, the security level, and the checks every later command passes.
// Sources: GlobalPlatform Card Specification 2.3.1 §10 and Appendix E, Amendment D v1.2 §5.6
// and §7. A security domain runs it for its own commands, and the GlobalPlatform API's
// SecureChannel interface hands it to applets.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "apdu/command.h"
#include "security_domains/scp/session.h"

namespace uicc::sd::scp {

// The protocol and its "i" option, as card recognition data and GET DATA 66 advertise them.
struct Parameters {
  Protocol protocol = Protocol::scp03;
  std::uint8_t i = 0x70;
};

// Access to the security domain's static keys and sequence counters for a secure channel.
// The security domain implements it over its persistent key store.
class KeySource {
 public:
  virtual ~KeySource() = default;

  // The key set with version `version`, or the first available one for 0. Returns nullopt if
  // there is none or it lacks one of Key-ENC, Key-MAC and Key-DEK.
  virtual std::optional<StaticKeys> find_keys(std::uint8_t version) const = 0;
  // The sequence counter of a key set (SCP02: 2 bytes, SCP03: 3 bytes).
  virtual std::uint32_t sequence_counter(std::uint8_t version) const = 0;
  virtual void set_sequence_counter(std::uint8_t version, std::uint32_t value) = 0;
  // The 10 bytes of key diversification data returned by INITIALIZE UPDATE.
  virtual Bytes diversification_data() const = 0;
};

using RandomSource = std::function<Bytes(std::size_t)>;

class SecureChannel {
 public:
  // `aid` is the AID of the application that opens the channel: the security domain itself
  // or an applet using its domain's channel. The pseudo-random card challenge depends on it.
  // Throws std::invalid_argument if `parameters` name an option this implementation lacks.
  SecureChannel(Parameters parameters, KeySource& keys, Bytes aid, RandomSource random = {});
  ~SecureChannel();
  SecureChannel(const SecureChannel&) = delete;
  SecureChannel& operator=(const SecureChannel&) = delete;

  const Parameters& parameters() const { return parameters_; }

  // True for INITIALIZE UPDATE and EXTERNAL AUTHENTICATE, the commands process_security takes.
  static bool is_security_command(const apdu::Command& command);

  // Processes INITIALIZE UPDATE or EXTERNAL AUTHENTICATE. Throws apdu::StatusError with the
  // status word GPCS names: 6700 wrong length, 6A86 wrong P1/P2, 6A88 key set not found,
  // 6300 wrong host cryptogram, 6982 wrong C-MAC (which aborts the session). 6985 reports
  // EXTERNAL AUTHENTICATE without INITIALIZE UPDATE, or a sequence counter at its maximum.
  apdu::Response process_security(const apdu::Command& command);

  // Applies the checks of the current security level to an incoming command and removes its
  // secure messaging. Throws apdu::StatusError(6982) on a security error, after aborting the
  // session: a missing or wrong C-MAC, a command below the session's level, or any command
  // after an abort until the next INITIALIZE UPDATE or reset.
  apdu::Command unwrap(const apdu::Command& command);
  // Protects a response as the current level requires (R-MAC, R-ENCRYPTION).
  apdu::Response wrap(const apdu::Response& response);

  // Decrypts key data with the data encryption key of the session. Throws
  // apdu::StatusError(6985) without an authenticated session.
  Bytes decrypt_sensitive_data(ByteView data) const;
  // The inverse, for data an applet sends off-card (SecureChannel.encryptData). Throws
  // apdu::StatusError(6985) without an authenticated session.
  Bytes encrypt_sensitive_data(ByteView data) const;

  // SecureChannelx.setSecurityLevel (GlobalPlatform Card API 1.6): sets the level of the open
  // session for the commands and responses that follow. Throws apdu::StatusError(6985)
  // without an open session, for a combination that EXTERNAL AUTHENTICATE would reject with
  // this protocol option, or for a level that drops a protection the session has.
  // NOTE: lowering the level is rejected by choice, so that an applet cannot weaken a session
  // the host opened.
  void raise_security_level(std::uint8_t level);

  // The current security level, with level::authenticated while a session is open.
  std::uint8_t security_level() const;
  // The key set version of the open (or opening) session; 0 if none.
  std::uint8_t key_version() const { return key_version_; }
  // Ends the session (new selection, channel closed, card reset, explicit reset).
  void reset();

 private:
  enum class State { idle, initialized, open, aborted };

  apdu::Response initialize_update(const apdu::Command& command);
  apdu::Response external_authenticate(const apdu::Command& command);
  // Open a session for INITIALIZE UPDATE and return the response data after the key
  // information bytes.
  Bytes initialize_scp02(const StaticKeys& keys);
  Bytes initialize_scp03(const StaticKeys& keys);
  void abort();
  std::size_t challenge_size() const;

  Parameters parameters_;
  KeySource& keys_;
  Bytes aid_;
  RandomSource random_;

  State state_ = State::idle;
  std::unique_ptr<Session> session_;
  std::uint8_t key_version_ = 0;
  Bytes host_challenge_;
  Bytes card_challenge_;
  Bytes expected_host_cryptogram_;
  std::uint32_t counter_ = 0;  // SCP02: the counter the session keys were derived from
};

}  // namespace uicc::sd::scp
