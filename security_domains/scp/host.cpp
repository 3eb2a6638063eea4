#include "security_domains/scp/host.h"

#include <fmt/format.h>

#include "security_domains/scp/scp02.h"
#include "security_domains/scp/scp03.h"

namespace uicc::sd::scp {

namespace {

constexpr std::uint8_t kClaGlobalPlatform = 0x80;
constexpr std::uint8_t kInsInitializeUpdate = 0x50;
constexpr std::uint8_t kInsExternalAuthenticate = 0x82;

}  // namespace

apdu::Command initialize_update_command(std::uint8_t key_version, ByteView host_challenge) {
  apdu::Command command;
  command.cla = kClaGlobalPlatform;
  command.ins = kInsInitializeUpdate;
  command.p1 = key_version;
  command.p2 = 0x00;
  command.data.assign(host_challenge.begin(), host_challenge.end());
  command.has_le = true;
  command.ne = 256;
  return command;
}

InitializeUpdateResponse parse_initialize_update_response(ByteView data) {
  InitializeUpdateResponse response;
  if (data.size() < 12) {
    throw HandshakeError(
        fmt::format("INITIALIZE UPDATE response of {} bytes is too short", data.size()));
  }
  response.diversification_data.assign(data.begin(), data.begin() + 10);
  response.key_version = data[10];
  std::uint8_t protocol = data[11];

  if (protocol == static_cast<std::uint8_t>(Protocol::scp02)) {
    // key diversification 10, key information 2, counter 2, card challenge 6, cryptogram 8
    if (data.size() != 28) {
      throw HandshakeError(
          fmt::format("SCP02 INITIALIZE UPDATE response has {} bytes: expected 28", data.size()));
    }
    response.protocol = Protocol::scp02;
    response.sequence_counter = get_u16(data, 12);
    response.has_sequence_counter = true;
    response.card_challenge.assign(data.begin() + 14, data.begin() + 20);
    response.card_cryptogram.assign(data.begin() + 20, data.end());
    return response;
  }

  if (protocol == static_cast<std::uint8_t>(Protocol::scp03)) {
    if (data.size() < 13) throw HandshakeError("SCP03 INITIALIZE UPDATE response lacks the i byte");
    response.protocol = Protocol::scp03;
    response.i = data[12];
    std::size_t size = scp03::block_size(response.i);
    std::size_t base = 13 + 2 * size;
    bool counter = (response.i & scp03::kPseudoRandomChallenge) != 0;
    std::size_t expected = base + (counter ? scp03::kSequenceCounterSize : 0);
    if (data.size() != expected) {
      throw HandshakeError(
          fmt::format("SCP03 i={:02X} INITIALIZE UPDATE response has {} bytes: "
                      "expected {}",
                      response.i, data.size(), expected));
    }
    response.card_challenge.assign(data.begin() + 13, data.begin() + 13 + static_cast<long>(size));
    response.card_cryptogram.assign(data.begin() + 13 + static_cast<long>(size),
                                    data.begin() + static_cast<long>(base));
    if (counter) {
      response.sequence_counter =
          (std::uint32_t{data[base]} << 16) | (std::uint32_t{data[base + 1]} << 8) | data[base + 2];
      response.has_sequence_counter = true;
    }
    return response;
  }

  throw HandshakeError(
      fmt::format("INITIALIZE UPDATE response names secure channel protocol {:02X}", protocol));
}

OpenedSession open_session(const StaticKeys& keys, ByteView host_challenge,
                           const InitializeUpdateResponse& response, std::uint8_t security_level,
                           std::uint8_t scp02_i) {
  OpenedSession opened;
  Bytes host_cryptogram;

  if (response.protocol == Protocol::scp02) {
    auto counter = static_cast<std::uint16_t>(response.sequence_counter);
    scp02::SessionKeys session_keys = scp02::derive_session_keys(keys, counter);
    Bytes expected =
        scp02::card_cryptogram(session_keys.enc, host_challenge, counter, response.card_challenge);
    if (!constant_time_equal(expected, response.card_cryptogram)) {
      throw HandshakeError("wrong SCP02 card cryptogram: the card does not hold these keys");
    }
    host_cryptogram =
        scp02::host_cryptogram(session_keys.enc, host_challenge, counter, response.card_challenge);
    opened.session = std::make_unique<scp02::Session>(std::move(session_keys), scp02_i);
  } else {
    scp03::SessionKeys session_keys =
        scp03::derive_session_keys(keys, host_challenge, response.card_challenge);
    Bytes expected =
        scp03::card_cryptogram(session_keys.mac, host_challenge, response.card_challenge);
    if (!constant_time_equal(expected, response.card_cryptogram)) {
      throw HandshakeError("wrong SCP03 card cryptogram: the card does not hold these keys");
    }
    host_cryptogram =
        scp03::host_cryptogram(session_keys.mac, host_challenge, response.card_challenge);
    auto session = std::make_unique<scp03::Session>(std::move(session_keys), response.i);
    session->set_data_encryption_key(keys.dek);
    opened.session = std::move(session);
  }

  apdu::Command plain;
  plain.cla = kClaGlobalPlatform;
  plain.ins = kInsExternalAuthenticate;
  plain.p1 = security_level;
  plain.p2 = 0x00;
  plain.data = std::move(host_cryptogram);
  opened.session->set_level(level::c_mac);
  opened.external_authenticate = opened.session->wrap_command(plain);
  opened.session->set_level(static_cast<std::uint8_t>(security_level | level::authenticated));
  return opened;
}

}  // namespace uicc::sd::scp
