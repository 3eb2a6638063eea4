#include "security_domains/scp/scp02.h"

#include "util/crypto.h"

namespace uicc::sd::scp02 {

namespace {

using crypto::Padding;

SecretBytes derive_key(const SecretBytes& static_key, std::uint16_t constant,
                       std::uint16_t sequence_counter) {
  Bytes derivation(16, 0);
  put_u16(derivation, 0, constant);
  put_u16(derivation, 2, sequence_counter);
  Bytes session = crypto::des_cbc_encrypt(static_key, Bytes(8, 0), derivation);
  SecretBytes key(session);
  std::fill(session.begin(), session.end(), 0);
  return key;
}

Bytes full_3des_mac(const SecretBytes& s_enc, ByteView data) {
  return crypto::des_mac_algorithm1(s_enc, data, Padding::method2);
}

}  // namespace

bool supported(std::uint8_t i) {
  return i == 0x15 || i == 0x55;
}

SessionKeys derive_session_keys(const scp::StaticKeys& keys, std::uint16_t sequence_counter) {
  SessionKeys session;
  session.c_mac = derive_key(keys.mac, 0x0101, sequence_counter);
  session.r_mac = derive_key(keys.mac, 0x0102, sequence_counter);
  session.enc = derive_key(keys.enc, 0x0182, sequence_counter);
  session.dek = derive_key(keys.dek, 0x0181, sequence_counter);
  return session;
}

Bytes card_cryptogram(const SecretBytes& s_enc, ByteView host_challenge,
                      std::uint16_t sequence_counter, ByteView card_challenge) {
  Bytes data(host_challenge.begin(), host_challenge.end());
  append_u16(data, sequence_counter);
  append(data, card_challenge);
  return full_3des_mac(s_enc, data);
}

Bytes host_cryptogram(const SecretBytes& s_enc, ByteView host_challenge,
                      std::uint16_t sequence_counter, ByteView card_challenge) {
  Bytes data;
  append_u16(data, sequence_counter);
  append(data, card_challenge);
  append(data, host_challenge);
  return full_3des_mac(s_enc, data);
}

Bytes pseudo_random_card_challenge(const SecretBytes& c_mac_key, ByteView aid) {
  Bytes mac = crypto::des_mac_algorithm3(c_mac_key, aid, Padding::method2);
  return Bytes(mac.begin(), mac.begin() + kCardChallengeSize);
}

Session::Session(SessionKeys keys, std::uint8_t i) : keys_(std::move(keys)), i_(i) {}

Bytes Session::next_icv() const {
  if (last_mac_.empty()) return Bytes(8, 0);
  // §E.3.4: every ICV after the first is the previous C-MAC, DES-encrypted under the first
  // half of the C-MAC session key.
  if ((i_ & kIcvEncryption) == 0) return last_mac_;
  SecretBytes first_half(keys_.c_mac.view().first(8));
  return crypto::des_ecb_encrypt(first_half, last_mac_);
}

Bytes Session::compute_mac(const apdu::Command& header, ByteView data) const {
  // §E.4.4 "C-MAC generation on modified APDU": CLA with secure messaging and no channel,
  // Lc counting the C-MAC, then the plain data; Le is not covered.
  Bytes input{scp::mac_class_byte(header.cla), header.ins, header.p1, header.p2};
  scp::append_mac_lc(input, data.size() + kMacSize);
  append(input, data);
  return crypto::des_mac_algorithm3(keys_.c_mac, input, Padding::method2, next_icv());
}

apdu::Command Session::wrap_command(const apdu::Command& plain) {
  apdu::Command wrapped = plain;
  wrapped.cla = scp::with_secure_messaging(plain.cla);
  if ((level_ & scp::level::c_mac) == 0) return plain;

  Bytes mac = compute_mac(plain, plain.data);
  last_mac_ = mac;

  // §E.4.6: the data field is encrypted after the MAC, with padding that always adds the 80.
  if ((level_ & scp::level::c_decryption) != 0 && !plain.data.empty()) {
    wrapped.data = crypto::des_cbc_encrypt(
        keys_.enc, Bytes(8, 0), crypto::pad(plain.data, crypto::kDesBlockSize, Padding::method2));
  }
  append(wrapped.data, mac);
  return wrapped;
}

std::optional<apdu::Response> Session::unwrap_response(const apdu::Response& received) {
  return received;
}

std::optional<apdu::Command> Session::unwrap_command(const apdu::Command& received) {
  if ((level_ & scp::level::c_mac) == 0) return received;
  if (!scp::has_secure_messaging(received.cla) || received.data.size() < kMacSize) {
    return std::nullopt;
  }

  ByteView data = ByteView(received.data).first(received.data.size() - kMacSize);
  ByteView mac = ByteView(received.data).last(kMacSize);
  Bytes plain(data.begin(), data.end());
  if ((level_ & scp::level::c_decryption) != 0 && !data.empty()) {
    if (data.size() % crypto::kDesBlockSize != 0) return std::nullopt;
    auto unpadded = crypto::unpad_method2(crypto::des_cbc_decrypt(keys_.enc, Bytes(8, 0), data),
                                          crypto::kDesBlockSize);
    if (!unpadded) return std::nullopt;
    plain = std::move(*unpadded);
  }

  Bytes expected = compute_mac(received, plain);
  if (!constant_time_equal(mac, expected)) return std::nullopt;
  // §E.4.4: a verified C-MAC becomes the next ICV whatever the command's outcome.
  last_mac_ = expected;

  apdu::Command unwrapped = received;
  unwrapped.cla = scp::without_secure_messaging(received.cla);
  unwrapped.data = std::move(plain);
  return unwrapped;
}

apdu::Response Session::wrap_response(const apdu::Response& plain) {
  return plain;
}

Bytes Session::decrypt_sensitive_data(ByteView data) const {
  // §E.4.7: with explicit initiation, key data is 3DES-ECB under the DEK session key.
  return crypto::des_ecb_decrypt(keys_.dek, data);
}

Bytes Session::encrypt_sensitive_data(ByteView data) const {
  return crypto::des_ecb_encrypt(keys_.dek, data);
}

}  // namespace uicc::sd::scp02
