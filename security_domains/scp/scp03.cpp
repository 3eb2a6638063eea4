#include "security_domains/scp/scp03.h"

#include <stdexcept>

#include <fmt/format.h>

#include "util/crypto.h"

namespace uicc::sd::scp03 {

namespace {

using crypto::Padding;

bool success_or_warning(apdu::StatusWord sw) {
  return sw == apdu::sw::ok || sw.is_warning();
}

}  // namespace

bool supported(std::uint8_t i) {
  std::uint8_t response = i & 0x60;
  return (i & 0x8E) == 0 && response != 0x40;
}

std::size_t block_size(std::uint8_t i) {
  return (i & kS16) != 0 ? 16 : 8;
}

Bytes derive(const SecretBytes& key, std::uint8_t constant, ByteView context, std::size_t bits) {
  if (bits == 0 || bits % 8 != 0 || bits > 0xFFFF) {
    throw std::invalid_argument(fmt::format("invalid SCP03 derivation length {} bits", bits));
  }
  std::size_t bytes = bits / 8;
  Bytes out;
  for (std::uint8_t counter = 1; out.size() < bytes; ++counter) {
    Bytes input(11, 0x00);
    input.push_back(constant);
    input.push_back(0x00);  // separation indicator
    append_u16(input, static_cast<std::uint16_t>(bits));
    input.push_back(counter);
    append(input, context);
    append(out, crypto::aes_cmac(key, input));
  }
  out.resize(bytes);
  return out;
}

SessionKeys derive_session_keys(const scp::StaticKeys& keys, ByteView host_challenge,
                                ByteView card_challenge) {
  Bytes context(host_challenge.begin(), host_challenge.end());
  append(context, card_challenge);
  auto session_key = [&](const SecretBytes& key, std::uint8_t constant) {
    Bytes derived = derive(key, constant, context, key.size() * 8);
    SecretBytes secret(derived);
    std::fill(derived.begin(), derived.end(), 0);
    return secret;
  };
  SessionKeys session;
  session.enc = session_key(keys.enc, kSEnc);
  session.mac = session_key(keys.mac, kSMac);
  session.rmac = session_key(keys.mac, kSRMac);
  return session;
}

Bytes card_cryptogram(const SecretBytes& s_mac, ByteView host_challenge, ByteView card_challenge) {
  Bytes context(host_challenge.begin(), host_challenge.end());
  append(context, card_challenge);
  return derive(s_mac, kCardCryptogram, context, card_challenge.size() * 8);
}

Bytes host_cryptogram(const SecretBytes& s_mac, ByteView host_challenge, ByteView card_challenge) {
  Bytes context(host_challenge.begin(), host_challenge.end());
  append(context, card_challenge);
  return derive(s_mac, kHostCryptogram, context, host_challenge.size() * 8);
}

Bytes pseudo_random_card_challenge(const SecretBytes& key_enc, std::uint32_t sequence_counter,
                                   ByteView aid, std::size_t length) {
  Bytes context{static_cast<std::uint8_t>(sequence_counter >> 16),
                static_cast<std::uint8_t>(sequence_counter >> 8),
                static_cast<std::uint8_t>(sequence_counter)};
  append(context, aid);
  return derive(key_enc, kCardChallenge, context, length * 8);
}

Session::Session(SessionKeys keys, std::uint8_t i) : keys_(std::move(keys)), i_(i) {}

void Session::count_command() {
  if ((level_ & scp::level::authenticated) != 0) ++counter_;
}

Bytes Session::icv(bool response) const {
  Bytes block(16, 0);
  for (std::size_t i = 0; i < 8; ++i)
    block[15 - i] = static_cast<std::uint8_t>(counter_ >> (8 * i));
  if (response) block[0] = 0x80;
  return crypto::aes_ecb_encrypt(keys_.enc, block);
}

Bytes Session::command_cmac(const apdu::Command& header, ByteView data) const {
  // §6.2.4: CMAC over the chaining value, the header with secure messaging and no channel,
  // Lc counting the C-MAC, and the (ciphered) data field; Le is not covered.
  Bytes input = chaining_value_;
  append(input, Bytes{scp::mac_class_byte(header.cla), header.ins, header.p1, header.p2});
  scp::append_mac_lc(input, data.size() + mac_size());
  append(input, data);
  return crypto::aes_cmac(keys_.mac, input);
}

Bytes Session::response_mac(ByteView data, apdu::StatusWord sw) const {
  Bytes input = chaining_value_;
  append(input, data);
  input.push_back(sw.sw1());
  input.push_back(sw.sw2());
  Bytes cmac = crypto::aes_cmac(keys_.rmac, input);
  cmac.resize(mac_size());
  return cmac;
}

apdu::Command Session::wrap_command(const apdu::Command& plain) {
  count_command();
  if ((level_ & scp::level::c_mac) == 0) return plain;

  apdu::Command wrapped = plain;
  wrapped.cla = scp::with_secure_messaging(plain.cla);
  // §6.2.6: encrypt first, then MAC the ciphertext. A command without data is only MACed,
  // but still advanced the counter.
  if ((level_ & scp::level::c_decryption) != 0 && !plain.data.empty()) {
    wrapped.data = crypto::aes_cbc_encrypt(
        keys_.enc, icv(false), crypto::pad(plain.data, crypto::kAesBlockSize, Padding::method2));
  }
  chaining_value_ = command_cmac(plain, wrapped.data);
  append(wrapped.data, ByteView(chaining_value_).first(mac_size()));
  return wrapped;
}

std::optional<apdu::Command> Session::unwrap_command(const apdu::Command& received) {
  count_command();
  if ((level_ & scp::level::c_mac) == 0) return received;
  if (!scp::has_secure_messaging(received.cla) || received.data.size() < mac_size()) {
    return std::nullopt;
  }

  ByteView data = ByteView(received.data).first(received.data.size() - mac_size());
  ByteView mac = ByteView(received.data).last(mac_size());
  Bytes cmac = command_cmac(received, data);
  if (!constant_time_equal(mac, ByteView(cmac).first(mac_size()))) return std::nullopt;
  chaining_value_ = cmac;

  Bytes plain(data.begin(), data.end());
  if ((level_ & scp::level::c_decryption) != 0 && !data.empty()) {
    if (data.size() % crypto::kAesBlockSize != 0) return std::nullopt;
    auto unpadded = crypto::unpad_method2(crypto::aes_cbc_decrypt(keys_.enc, icv(false), data),
                                          crypto::kAesBlockSize);
    if (!unpadded) return std::nullopt;
    plain = std::move(*unpadded);
  }

  apdu::Command unwrapped = received;
  unwrapped.cla = scp::without_secure_messaging(received.cla);
  unwrapped.data = std::move(plain);
  return unwrapped;
}

apdu::Response Session::wrap_response(const apdu::Response& plain) {
  if ((level_ & scp::level::r_mac) == 0 || !success_or_warning(plain.sw)) return plain;

  apdu::Response wrapped = plain;
  if ((level_ & scp::level::r_encryption) != 0 && !plain.data.empty()) {
    wrapped.data = crypto::aes_cbc_encrypt(
        keys_.enc, icv(true), crypto::pad(plain.data, crypto::kAesBlockSize, Padding::method2));
  }
  append(wrapped.data, response_mac(wrapped.data, plain.sw));
  return wrapped;
}

std::optional<apdu::Response> Session::unwrap_response(const apdu::Response& received) {
  if ((level_ & scp::level::r_mac) == 0 || !success_or_warning(received.sw)) return received;
  if (received.data.size() < mac_size()) return std::nullopt;

  ByteView data = ByteView(received.data).first(received.data.size() - mac_size());
  ByteView mac = ByteView(received.data).last(mac_size());
  if (!constant_time_equal(mac, response_mac(data, received.sw))) return std::nullopt;

  apdu::Response plain = received;
  plain.data.assign(data.begin(), data.end());
  if ((level_ & scp::level::r_encryption) != 0 && !data.empty()) {
    if (data.size() % crypto::kAesBlockSize != 0) return std::nullopt;
    auto unpadded = crypto::unpad_method2(crypto::aes_cbc_decrypt(keys_.enc, icv(true), data),
                                          crypto::kAesBlockSize);
    if (!unpadded) return std::nullopt;
    plain.data = std::move(*unpadded);
  }
  return plain;
}

Bytes Session::decrypt_sensitive_data(ByteView data) const {
  // §6.2.8: AES-CBC with a zero ICV under the static Key-DEK.
  return crypto::aes_cbc_decrypt(dek_, Bytes(16, 0), data);
}

Bytes Session::encrypt_sensitive_data(ByteView data) const {
  return crypto::aes_cbc_encrypt(dek_, Bytes(16, 0), data);
}

}  // namespace uicc::sd::scp03
