#include "security_domains/api_services.h"

#include <stdexcept>
#include <variant>

namespace uicc::sd {

namespace {

[[noreturn]] void reject(apdu::StatusWord status) {
  throw api::ServiceFailure{status.value};
}

// Runs a call on the secure channel and turns its status word into api::ServiceFailure, and
// a length that is not a whole number of cipher blocks into 6700.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const apdu::StatusError& error) {
    reject(error.status());
  } catch (const std::invalid_argument&) {
    reject(apdu::sw::wrong_length);
  }
}

apdu::Command parse(ByteView bytes) {
  auto parsed = apdu::parse_command(bytes);
  if (auto* status = std::get_if<apdu::StatusWord>(&parsed)) reject(*status);
  return std::get<apdu::Command>(std::move(parsed));
}

// Encodes header, Lc and data in the layout of a command in the APDU buffer: a short Lc up to
// 255 bytes, else 00 and two bytes. A command without data gets an Lc of 00.
Bytes encode_without_le(const apdu::Command& command) {
  Bytes out{command.cla, command.ins, command.p1, command.p2};
  const std::size_t length = command.data.size();
  if (length <= apdu::kMaxShortData) {
    out.push_back(static_cast<std::uint8_t>(length));
  } else {
    out.push_back(0x00);
    out.push_back(static_cast<std::uint8_t>(length >> 8));
    out.push_back(static_cast<std::uint8_t>(length));
  }
  append(out, command.data);
  return out;
}

}  // namespace

Bytes AppletSecureChannel::process_security(ByteView bytes) {
  const apdu::Command command = parse(bytes);
  if (!scp::SecureChannel::is_security_command(command)) {
    // GlobalPlatform Card API 1.6 SecureChannel.processSecurity: other commands are not
    // recognized, by class or by instruction.
    reject((command.cla & 0x80) == 0 ? apdu::sw::cla_not_supported : apdu::sw::ins_not_supported);
  }
  const apdu::Response response = guarded([&] { return channel_.process_security(command); });
  if (!response.sw.is_success()) reject(response.sw);
  return response.data;
}

Bytes AppletSecureChannel::unwrap(ByteView bytes) {
  const apdu::Command command = parse(bytes);
  const apdu::Command plain = guarded([&] { return channel_.unwrap(command); });
  return encode_without_le(plain);
}

Bytes AppletSecureChannel::wrap(ByteView bytes) {
  if (bytes.size() < 2) reject(apdu::sw::wrong_length);
  apdu::Response response;
  response.data.assign(bytes.begin(), bytes.end() - 2);
  response.sw = apdu::StatusWord(bytes[bytes.size() - 2], bytes[bytes.size() - 1]);
  return guarded([&] { return channel_.wrap(response).data; });
}

void AppletSecureChannel::set_security_level(std::uint8_t level) {
  guarded([&] { channel_.raise_security_level(level); });
}

Bytes AppletSecureChannel::decrypt_data(ByteView data) {
  return guarded([&] { return channel_.decrypt_sensitive_data(data); });
}

Bytes AppletSecureChannel::encrypt_data(ByteView data) {
  return guarded([&] { return channel_.encrypt_sensitive_data(data); });
}

api::CvmService::State GlobalPinService::state() {
  const CardManager::GlobalPinState pin = manager_.global_pin_state();
  return State{pin.active, pin.submitted, pin.verified, pin.blocked, pin.tries_remaining};
}

bool GlobalPinService::verify(ByteView value, std::uint8_t format) {
  return manager_.verify_global_pin(value, format);
}

bool GlobalPinService::update(const vm::Aid& caller, ByteView value, std::uint8_t format) {
  return manager_.update_global_pin(caller.bytes(), value, format);
}

bool GlobalPinService::set_try_limit(const vm::Aid& caller, std::uint8_t limit) {
  return manager_.set_global_pin_try_limit(caller.bytes(), limit);
}

bool GlobalPinService::block_state(const vm::Aid& caller) {
  return manager_.block_global_pin(caller.bytes());
}

bool GlobalPinService::reset_and_unblock_state(const vm::Aid& caller) {
  return manager_.reset_and_unblock_global_pin(caller.bytes());
}

}  // namespace uicc::sd
