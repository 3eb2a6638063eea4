// READ RECORD, UPDATE RECORD, SEARCH RECORD and INCREASE: ETSI TS 102 221 V17.1.0 §11.1.5
// to §11.1.8.
#include <algorithm>

#include "card/fs/file_commands.h"
#include "vm/store/store.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

// P2 b3-b1 of the record commands.
constexpr std::uint8_t kNext = 0x02;
constexpr std::uint8_t kPrevious = 0x03;
constexpr std::uint8_t kAbsolute = 0x04;
constexpr std::uint8_t kSearchForward = 0x04;
constexpr std::uint8_t kSearchBackward = 0x05;

std::uint8_t sfi_of(const Command& command) {
  std::uint8_t sfi = command.p2 >> 3;
  if (sfi == 0x1F) apdu::fail(sw::incorrect_p1_p2);
  return sfi;
}

// Resolves the record a READ or UPDATE addresses and returns its number. Next and previous
// stop at the ends of a linear fixed EF and wrap in a cyclic one.
std::uint16_t resolve_record(const FileInfo& ef, std::uint8_t mode, std::uint8_t p1, std::uint16_t current) {
  const std::uint16_t count = ef.record_count;
  const bool cyclic = ef.structure == EfStructure::cyclic;
  switch (mode) {
    case kAbsolute: {
      std::uint16_t number = p1 == 0 ? current : p1;
      if (number == 0 || number > count) apdu::fail(sw::record_not_found);
      return number;
    }
    case kNext:
      if (p1 != 0) apdu::fail(sw::incorrect_p1_p2);
      if (current == 0) return 1;
      if (current == count) {
        if (!cyclic) apdu::fail(sw::record_not_found);
        return 1;
      }
      return static_cast<std::uint16_t>(current + 1);
    case kPrevious:
      if (p1 != 0) apdu::fail(sw::incorrect_p1_p2);
      if (current == 0) return count;
      if (current == 1) {
        if (!cyclic) apdu::fail(sw::record_not_found);
        return count;
      }
      return static_cast<std::uint16_t>(current - 1);
    default:
      apdu::fail(sw::incorrect_p1_p2);
  }
}

}  // namespace

Response FileCommands::read_record(FileContext& context, const Command& command) {
  if (!command.data.empty() || !command.has_le) apdu::fail(sw::wrong_length);
  FileInfo ef = target_ef(context, sfi_of(command));
  if (!ef.is_record_ef()) apdu::fail(sw::incompatible_file_structure);
  require_activated(ef);
  require(context, ef, Operation::read);

  std::uint8_t mode = command.p2 & 0x07;
  std::uint16_t number = resolve_record(ef, mode, command.p1, context.current_record);
  // Next and previous move the record pointer; absolute leaves it (§11.1.5.2).
  if (mode != kAbsolute) context.current_record = number;

  ByteView record = fs_.content(ef.handle).subspan(record_offset(ef, number), ef.record_length);
  std::size_t count = std::min<std::size_t>(command.ne, record.size());
  return Response{Bytes(record.begin(), record.begin() + static_cast<std::ptrdiff_t>(count)), sw::ok};
}

Response FileCommands::update_record(FileContext& context, const Command& command) {
  if (command.data.empty() || command.has_le) apdu::fail(sw::wrong_length);
  FileInfo ef = target_ef(context, sfi_of(command));
  if (!ef.is_record_ef()) apdu::fail(sw::incompatible_file_structure);
  if (command.data.size() != ef.record_length) apdu::fail(sw::wrong_length);
  require_activated(ef);
  require(context, ef, Operation::update);

  std::uint8_t mode = command.p2 & 0x07;
  if (ef.structure == EfStructure::cyclic) {
    // §11.1.6: a cyclic EF is only updated in previous mode; the oldest record is
    // overwritten and becomes record 1.
    if (mode != kPrevious || command.p1 != 0) apdu::fail(sw::incorrect_p1_p2);
    std::uint16_t slot = static_cast<std::uint16_t>((ef.cyclic_current + ef.record_count - 1) % ef.record_count);
    store::Store& store = fs_.store();
    store::atomically(store, [&] {
      fs_.write_content(ef.handle, std::uint32_t{slot} * ef.record_length, command.data);
      fs_.set_cyclic_current(ef.handle, slot);
    });
    context.current_record = 1;
    return Response{};
  }

  std::uint16_t number = resolve_record(ef, mode, command.p1, context.current_record);
  if (mode != kAbsolute) context.current_record = number;
  fs_.write_content(ef.handle, record_offset(ef, number), command.data);
  return Response{};
}

Response FileCommands::search_record(FileContext& context, const Command& command) {
  if (command.data.empty()) apdu::fail(sw::wrong_length);
  FileInfo ef = target_ef(context, sfi_of(command));
  if (!ef.is_record_ef()) apdu::fail(sw::incompatible_file_structure);
  if (command.data.size() > ef.record_length) apdu::fail(sw::wrong_length);
  require_activated(ef);
  require(context, ef, Operation::read);

  // §11.1.7: a simple search compares the pattern with the start of each record, forward
  // or backward from the record in P1 (0 = from the first or the last record).
  std::uint8_t mode = command.p2 & 0x07;
  if (mode != kSearchForward && mode != kSearchBackward) {
    // NOTE: enhanced search (mode 6) and the next/previous start modes are not supported.
    apdu::fail(sw::incorrect_p1_p2);
  }
  if (command.p1 > ef.record_count) apdu::fail(sw::record_not_found);

  Bytes found;
  ByteView content = fs_.content(ef.handle);
  auto matches = [&](std::uint16_t number) {
    ByteView record = content.subspan(record_offset(ef, number), ef.record_length);
    return std::equal(command.data.begin(), command.data.end(), record.begin());
  };
  if (mode == kSearchForward) {
    for (std::uint16_t n = command.p1 == 0 ? 1 : command.p1; n <= ef.record_count; ++n) {
      if (matches(n)) found.push_back(static_cast<std::uint8_t>(n));
    }
  } else {
    for (std::uint16_t n = command.p1 == 0 ? ef.record_count : command.p1; n >= 1; --n) {
      if (matches(n)) found.push_back(static_cast<std::uint8_t>(n));
    }
  }
  if (found.empty()) return Response{{}, sw::end_of_file};
  context.current_record = found.front();
  return Response{found, sw::ok};
}

Response FileCommands::increase(FileContext& context, const Command& command) {
  if (command.p1 != 0 || command.p2 != 0) apdu::fail(sw::incorrect_p1_p2);
  if (command.data.empty()) apdu::fail(sw::wrong_length);
  FileInfo ef = target_ef(context, 0);
  if (ef.structure != EfStructure::cyclic) apdu::fail(sw::incompatible_file_structure);
  if (command.data.size() > ef.record_length) apdu::fail(sw::wrong_length);
  require_activated(ef);
  require(context, ef, Operation::increase);

  // §11.1.8: record 1 plus the value (right-aligned, big-endian) goes into a new record 1.
  ByteView newest = fs_.content(ef.handle).subspan(record_offset(ef, 1), ef.record_length);
  Bytes sum(newest.begin(), newest.end());
  unsigned carry = 0;
  for (std::size_t i = 0; i < sum.size(); ++i) {
    std::size_t pos = sum.size() - 1 - i;
    unsigned addend = i < command.data.size() ? command.data[command.data.size() - 1 - i] : 0;
    unsigned total = sum[pos] + addend + carry;
    sum[pos] = static_cast<std::uint8_t>(total);
    carry = total >> 8;
  }
  if (carry != 0) apdu::fail(sw::increase_at_maximum);

  std::uint16_t slot = static_cast<std::uint16_t>((ef.cyclic_current + ef.record_count - 1) % ef.record_count);
  store::atomically(fs_.store(), [&] {
    fs_.write_content(ef.handle, std::uint32_t{slot} * ef.record_length, sum);
    fs_.set_cyclic_current(ef.handle, slot);
  });
  context.current_record = 1;

  Bytes response = sum;
  Bytes added(ef.record_length - command.data.size(), 0);
  append(added, command.data);
  append(response, added);
  return Response{response, sw::ok};
}

}  // namespace uicc::card
