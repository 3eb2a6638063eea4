// The off-card side of opening a secure channel: the INITIALIZE UPDATE command, the check of
// the card's response and cryptogram, and the EXTERNAL AUTHENTICATE command that opens the
// session (GlobalPlatform Card Specification 2.3.1 §E.5, Amendment D v1.2 §7.1). Host tools
// send these over PC/SC; tests run them against the card side.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>

#include "apdu/command.h"
#include "security_domains/scp/session.h"

namespace uicc::sd::scp {

// The INITIALIZE UPDATE response is malformed, or the card cryptogram is wrong: the card
// does not hold the keys the host tried.
class HandshakeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct InitializeUpdateResponse {
  Bytes diversification_data;  // 10 bytes
  std::uint8_t key_version = 0;
  Protocol protocol = Protocol::scp03;
  std::uint8_t i = 0;                  // SCP03 only; SCP02 does not return it
  std::uint32_t sequence_counter = 0;  // SCP02 always, SCP03 with the pseudo-random challenge
  bool has_sequence_counter = false;
  Bytes card_challenge;
  Bytes card_cryptogram;
};

// Builds INITIALIZE UPDATE for key version `key_version` (0 lets the card choose).
apdu::Command initialize_update_command(std::uint8_t key_version, ByteView host_challenge);

// Decodes the response data of INITIALIZE UPDATE (SCP02 Table E-8, SCP03 Table 7-3). Throws
// HandshakeError naming the length or protocol that does not fit.
InitializeUpdateResponse parse_initialize_update_response(ByteView data);

struct OpenedSession {
  std::unique_ptr<Session> session;  // at `security_level` once the card accepts the command
  apdu::Command external_authenticate;
};

// Checks the card cryptogram with `keys` and builds EXTERNAL AUTHENTICATE for
// `security_level` (the level bits of session.h). `scp02_i` is the SCP02 option the card
// runs, which the response does not carry. Throws HandshakeError on a wrong card cryptogram.
OpenedSession open_session(const StaticKeys& keys, ByteView host_challenge,
                           const InitializeUpdateResponse& response, std::uint8_t security_level,
                           std::uint8_t scp02_i = 0x15);

}  // namespace uicc::sd::scp
