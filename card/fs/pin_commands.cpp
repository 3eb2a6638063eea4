// VERIFY, CHANGE, DISABLE, ENABLE and UNBLOCK PIN: ETSI TS 102 221 V17.1.0 §11.1.9 to §11.1.13.
#include "card/fs/file_commands.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

constexpr std::size_t kPinLength = 8;

// §9.5.1 Table 9.3: the key references a PIN command may name.
// Global references have b8 = 0 and specific (local) ones b8 = 1; the universal PIN 11 is
// global only.
bool valid_reference(std::uint8_t reference) {
  if (reference == 0x11) return true;
  std::uint8_t low = reference & 0x7F;
  return (low >= 0x01 && low <= 0x08) || (low >= 0x0A && low <= 0x0E);
}

std::uint8_t reference_of(const Command& command) {
  if (command.p1 != 0x00) apdu::fail(sw::wrong_p1_p2);
  if (!valid_reference(command.p2)) apdu::fail(sw::wrong_p1_p2);
  return command.p2;
}

Response from(apdu::StatusWord status) { return Response{{}, status}; }

}  // namespace

Response FileCommands::verify_pin(FileContext&, const Command& command) {
  std::uint8_t reference = reference_of(command);
  // Without data (P3 = 00 on T=0, which reaches the card as Le = 00) the command asks for
  // the verification status.
  if (command.data.empty()) return from(pins_.verify(reference, std::nullopt));
  if (command.has_le || command.data.size() != kPinLength) apdu::fail(sw::wrong_length);
  return from(pins_.verify(reference, ByteView(command.data)));
}

Response FileCommands::change_pin(FileContext&, const Command& command) {
  std::uint8_t reference = reference_of(command);
  if (command.data.size() != 2 * kPinLength || command.has_le) apdu::fail(sw::wrong_length);
  ByteView data = command.data;
  return from(pins_.change(reference, data.first(kPinLength), data.subspan(kPinLength)));
}

Response FileCommands::disable_pin(FileContext&, const Command& command) {
  // NOTE: P1 with b8 set (replacing the PIN by the universal PIN, §11.1.11) is refused
  // with 6B00: only plain disabling is offered.
  std::uint8_t reference = reference_of(command);
  if (command.data.size() != kPinLength || command.has_le) apdu::fail(sw::wrong_length);
  if (reference >= 0x0A && reference <= 0x0E) apdu::fail(sw::conditions_not_satisfied);  // ADM keys stay on
  return from(pins_.disable(reference, command.data));
}

Response FileCommands::enable_pin(FileContext&, const Command& command) {
  std::uint8_t reference = reference_of(command);
  if (command.data.size() != kPinLength || command.has_le) apdu::fail(sw::wrong_length);
  return from(pins_.enable(reference, command.data));
}

Response FileCommands::unblock_pin(FileContext&, const Command& command) {
  std::uint8_t reference = reference_of(command);
  if (command.data.empty()) return from(pins_.unblock(reference, std::nullopt, std::nullopt));
  if (command.has_le || command.data.size() != 2 * kPinLength) apdu::fail(sw::wrong_length);
  ByteView data = command.data;
  return from(pins_.unblock(reference, data.first(kPinLength), data.subspan(kPinLength)));
}

}  // namespace uicc::card
