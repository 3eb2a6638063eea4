// READ BINARY and UPDATE BINARY: ETSI TS 102 221 V17.1.0 §11.1.3 and §11.1.4.
#include <algorithm>

#include "card/fs/file_commands.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

struct BinaryAddress {
  std::uint8_t sfi = 0;
  std::uint32_t offset = 0;
};

// P1 b8 = 1: b5-b1 are an SFI and P2 the offset (b7-b6 must be 0); otherwise P1-P2 is a
// 15-bit offset.
BinaryAddress decode(const Command& command) {
  if (command.p1 & 0x80) {
    if (command.p1 & 0x60) apdu::fail(sw::incorrect_p1_p2);
    std::uint8_t sfi = command.p1 & 0x1F;
    if (sfi == 0 || sfi == 0x1F) apdu::fail(sw::incorrect_p1_p2);
    return {sfi, command.p2};
  }
  return {0, (std::uint32_t{command.p1} << 8) | command.p2};
}

}  // namespace

Response FileCommands::read_binary(FileContext& context, const Command& command) {
  if (!command.data.empty() || !command.has_le) apdu::fail(sw::wrong_length);
  BinaryAddress address = decode(command);
  FileInfo ef = target_ef(context, address.sfi);
  if (ef.structure != EfStructure::transparent) apdu::fail(sw::incompatible_file_structure);
  require_activated(ef);
  require(context, ef, Operation::read);
  if (address.offset >= ef.size) apdu::fail(sw::wrong_p1_p2);

  // Le beyond the end returns what there is; the T=0 rules turn a short mismatch into 6CXX.
  ByteView content = fs_.content(ef.handle);
  std::size_t count = std::min<std::size_t>(command.ne, ef.size - address.offset);
  auto begin = content.begin() + address.offset;
  return Response{Bytes(begin, begin + static_cast<std::ptrdiff_t>(count)), sw::ok};
}

Response FileCommands::update_binary(FileContext& context, const Command& command) {
  if (command.data.empty() || command.has_le) apdu::fail(sw::wrong_length);
  BinaryAddress address = decode(command);
  FileInfo ef = target_ef(context, address.sfi);
  if (ef.structure != EfStructure::transparent) apdu::fail(sw::incompatible_file_structure);
  if (address.offset >= ef.size) apdu::fail(sw::wrong_p1_p2);
  if (command.data.size() > ef.size - address.offset) apdu::fail(sw::wrong_length);
  require_activated(ef);
  require(context, ef, Operation::update);

  fs_.write_content(ef.handle, address.offset, command.data);
  return Response{};
}

}  // namespace uicc::card
