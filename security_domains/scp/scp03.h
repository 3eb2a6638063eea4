// Secure Channel Protocol '03' (GlobalPlatform Card Specification 2.3 Amendment D v1.2).
// Session keys come from the NIST SP 800-108 KDF with AES-CMAC. C-MAC and R-MAC are CMACs
// chained through a 16-byte MAC chaining value, and commands and responses are encrypted with
// AES-CBC under counter-derived ICVs. S8 and S16 modes and the pseudo-random card challenge
// are supported.
#pragma once

#include <cstdint>

#include "security_domains/scp/session.h"

namespace uicc::sd::scp03 {

inline constexpr std::size_t kDiversificationDataSize = 10;
inline constexpr std::size_t kSequenceCounterSize = 3;
inline constexpr std::uint32_t kMaxSequenceCounter = 0xFFFFFF;

// "i" bits of Amendment D v1.2 Table 5-1.
inline constexpr std::uint8_t kS16 = 0x01;
inline constexpr std::uint8_t kPseudoRandomChallenge = 0x10;
inline constexpr std::uint8_t kRMacSupport = 0x20;
inline constexpr std::uint8_t kREncryptionSupport = 0x40;

// True for the "i" values Table 5-1 defines: R-MAC and R-ENCRYPTION support 00, 20 or 60,
// optionally with the pseudo-random challenge (10) and S16 mode (01).
bool supported(std::uint8_t i);
// Returns the challenge, cryptogram and MAC length of option `i`: 8 in S8 mode, 16 in S16.
std::size_t block_size(std::uint8_t i);

// §4.1.5 derivation constants (Table 4-1).
inline constexpr std::uint8_t kCardCryptogram = 0x00;
inline constexpr std::uint8_t kHostCryptogram = 0x01;
inline constexpr std::uint8_t kCardChallenge = 0x02;
inline constexpr std::uint8_t kSEnc = 0x04;
inline constexpr std::uint8_t kSMac = 0x06;
inline constexpr std::uint8_t kSRMac = 0x07;

// §4.1.5: the KDF in counter mode with AES-CMAC as PRF, over 11 zero bytes || constant ||
// 00 || L (2 bytes, bits) || i (1 byte) || context. Returns `bits` / 8 bytes.
Bytes derive(const SecretBytes& key, std::uint8_t constant, ByteView context, std::size_t bits);

struct SessionKeys {
  SecretBytes enc;
  SecretBytes mac;
  SecretBytes rmac;
};

// §6.2.1: S-ENC from Key-ENC, S-MAC and S-RMAC from Key-MAC, each as long as its static key,
// with context host challenge || card challenge.
SessionKeys derive_session_keys(const scp::StaticKeys& keys, ByteView host_challenge,
                                ByteView card_challenge);

// §6.2.2.2 and §6.2.2.3, as long as the challenges.
Bytes card_cryptogram(const SecretBytes& s_mac, ByteView host_challenge, ByteView card_challenge);
Bytes host_cryptogram(const SecretBytes& s_mac, ByteView host_challenge, ByteView card_challenge);

// §6.2.2.1: the KDF under Key-ENC with context counter (3 bytes) || AID of the application
// that invokes the secure channel.
Bytes pseudo_random_card_challenge(const SecretBytes& key_enc, std::uint32_t sequence_counter,
                                   ByteView aid, std::size_t length);

class Session final : public scp::Session {
 public:
  Session(SessionKeys keys, std::uint8_t i);

  scp::Protocol protocol() const override { return scp::Protocol::scp03; }
  std::size_t mac_size() const override { return block_size(i_); }

  apdu::Command wrap_command(const apdu::Command& plain) override;
  std::optional<apdu::Response> unwrap_response(const apdu::Response& received) override;
  std::optional<apdu::Command> unwrap_command(const apdu::Command& received) override;
  apdu::Response wrap_response(const apdu::Response& plain) override;
  Bytes decrypt_sensitive_data(ByteView data) const override;
  Bytes encrypt_sensitive_data(ByteView data) const override;

  // Sets the static Key-DEK, which encrypts sensitive data in SCP03 (§6.2.8).
  void set_data_encryption_key(SecretBytes dek) { dek_ = std::move(dek); }

 private:
  // The full 16-byte CMAC of a command as transmitted (`data` is the data field before the
  // C-MAC is appended).
  Bytes command_cmac(const apdu::Command& header, ByteView data) const;
  Bytes response_mac(ByteView data, apdu::StatusWord sw) const;
  // §6.2.6 and §6.2.7: the ICV of command (first byte 00) or response (first byte 80)
  // encryption for the current counter.
  Bytes icv(bool response) const;
  // Advances the encryption counter once per command of an authenticated session.
  void count_command();

  SessionKeys keys_;
  SecretBytes dek_;
  std::uint8_t i_;
  Bytes chaining_value_ = Bytes(16, 0);
  std::uint64_t counter_ = 0;
};

}  // namespace uicc::sd::scp03
