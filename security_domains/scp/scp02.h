// Secure Channel Protocol '02' with explicit initiation (GlobalPlatform Card Specification
// 2.3.1 Appendix E): two-key 3DES session keys from a sequence counter, full 3DES
// cryptograms, retail-MAC C-MAC on the modified APDU with an encrypted ICV, and 3DES-CBC
// command decryption. Options "i" = 15 and 55 (§E.1.1) have no R-MAC.
#pragma once

#include <cstdint>

#include "security_domains/scp/session.h"

namespace uicc::sd::scp02 {

inline constexpr std::size_t kChallengeSize = 8;      // host challenge
inline constexpr std::size_t kCardChallengeSize = 6;  // card challenge
inline constexpr std::size_t kCryptogramSize = 8;
inline constexpr std::size_t kMacSize = 8;
inline constexpr std::size_t kDiversificationDataSize = 10;

// "i" bits of GPCS 2.3.1 Table E-1 that change what this implementation does.
inline constexpr std::uint8_t kThreeKeys = 0x01;
inline constexpr std::uint8_t kUnmodifiedApdu = 0x02;
inline constexpr std::uint8_t kExplicitInitiation = 0x04;
inline constexpr std::uint8_t kIcvEncryption = 0x10;
inline constexpr std::uint8_t kRMacSupport = 0x20;
inline constexpr std::uint8_t kPseudoRandomChallenge = 0x40;

// True for the "i" values this implementation runs: 15 and 55.
bool supported(std::uint8_t i);

struct SessionKeys {
  SecretBytes c_mac;
  SecretBytes r_mac;
  SecretBytes enc;
  SecretBytes dek;
};

// §E.4.1: each session key is 3DES-CBC (IV zero) of constant || counter || 00 x 12 under the
// static key: 0101 C-MAC and 0102 R-MAC from Key-MAC, 0182 S-ENC from Key-ENC, 0181 DEK
// from Key-DEK.
SessionKeys derive_session_keys(const scp::StaticKeys& keys, std::uint16_t sequence_counter);

// §E.4.2.1 and §E.4.2.2: full 3DES MAC under S-ENC of host challenge || counter || card
// challenge (card cryptogram) or counter || card challenge || host challenge (host
// cryptogram), padded with method 2.
Bytes card_cryptogram(const SecretBytes& s_enc, ByteView host_challenge,
                      std::uint16_t sequence_counter, ByteView card_challenge);
Bytes host_cryptogram(const SecretBytes& s_enc, ByteView host_challenge,
                      std::uint16_t sequence_counter, ByteView card_challenge);

// §E.4.2.3: the six leftmost bytes of the retail MAC under the C-MAC session key of the
// padded AID of the application that opens the channel.
Bytes pseudo_random_card_challenge(const SecretBytes& c_mac_key, ByteView aid);

class Session final : public scp::Session {
 public:
  Session(SessionKeys keys, std::uint8_t i);

  scp::Protocol protocol() const override { return scp::Protocol::scp02; }
  std::size_t mac_size() const override { return kMacSize; }

  apdu::Command wrap_command(const apdu::Command& plain) override;
  std::optional<apdu::Response> unwrap_response(const apdu::Response& received) override;
  std::optional<apdu::Command> unwrap_command(const apdu::Command& received) override;
  apdu::Response wrap_response(const apdu::Response& plain) override;
  Bytes decrypt_sensitive_data(ByteView data) const override;
  Bytes encrypt_sensitive_data(ByteView data) const override;

 private:
  // The C-MAC of a command whose plain data field is `data`, with the chaining ICV.
  Bytes compute_mac(const apdu::Command& header, ByteView data) const;
  Bytes next_icv() const;

  SessionKeys keys_;
  std::uint8_t i_;
  Bytes last_mac_;  // empty until the first C-MAC, whose ICV is zero
};

}  // namespace uicc::sd::scp02
