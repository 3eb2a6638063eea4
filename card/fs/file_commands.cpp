#include "card/fs/file_commands.h"

#include <array>

#include "apdu/cla.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

// ETSI TS 102 221 V17.1.0 §10.1.2 Table 10.5: coding of the instruction byte.
constexpr std::array kRoutes{
    FileCommands::Route{false, 0xA4, &FileCommands::select, "SELECT"},
    FileCommands::Route{true, 0xF2, &FileCommands::status, "STATUS"},
    FileCommands::Route{false, 0xB0, &FileCommands::read_binary, "READ BINARY"},
    FileCommands::Route{false, 0xD6, &FileCommands::update_binary, "UPDATE BINARY"},
    FileCommands::Route{false, 0xB2, &FileCommands::read_record, "READ RECORD"},
    FileCommands::Route{false, 0xDC, &FileCommands::update_record, "UPDATE RECORD"},
    FileCommands::Route{false, 0xA2, &FileCommands::search_record, "SEARCH RECORD"},
    FileCommands::Route{true, 0x32, &FileCommands::increase, "INCREASE"},
    FileCommands::Route{false, 0x20, &FileCommands::verify_pin, "VERIFY PIN"},
    FileCommands::Route{false, 0x24, &FileCommands::change_pin, "CHANGE PIN"},
    FileCommands::Route{false, 0x26, &FileCommands::disable_pin, "DISABLE PIN"},
    FileCommands::Route{false, 0x28, &FileCommands::enable_pin, "ENABLE PIN"},
    FileCommands::Route{false, 0x2C, &FileCommands::unblock_pin, "UNBLOCK PIN"},
    FileCommands::Route{false, 0x04, &FileCommands::deactivate_file, "DEACTIVATE FILE"},
    FileCommands::Route{false, 0x44, &FileCommands::activate_file, "ACTIVATE FILE"},
    FileCommands::Route{true, 0x10, &FileCommands::terminal_profile, "TERMINAL PROFILE"},
    FileCommands::Route{true, 0xCB, &FileCommands::retrieve_data, "RETRIEVE DATA"},
    FileCommands::Route{true, 0xDB, &FileCommands::set_data, "SET DATA"},
};

}  // namespace

FileCommands::FileCommands(FileSystem& fs, PinTable& pins) : fs_(fs), pins_(pins), access_(fs, pins) {}

std::span<const FileCommands::Route> FileCommands::routes() { return kRoutes; }

const FileCommands::Route* FileCommands::find(const Command& command) const {
  bool proprietary = apdu::ClassByte{command.cla}.proprietary();
  for (const auto& route : kRoutes) {
    if (route.ins == command.ins && route.proprietary_class == proprietary) return &route;
  }
  return nullptr;
}

Response FileCommands::process(FileContext& context, const Command& command) {
  const Route* route = find(command);
  if (route == nullptr) apdu::fail(sw::ins_not_supported);
  // ETSI TS 102 221 §10.1.1: file-system commands use no secure messaging and no chaining.
  apdu::ClassByte cla{command.cla};
  if (cla.secure_messaging() != apdu::SecureMessaging::none) apdu::fail(sw::secure_messaging_not_supported);
  if (cla.chaining()) apdu::fail(sw::command_chaining_not_supported);
  if (context.current_df == store::kNull) select_mf(context);
  bool data_command = route->handler == &FileCommands::retrieve_data || route->handler == &FileCommands::set_data;
  try {
    Response response = (this->*route->handler)(context, command);
    if (context.transfer.ef != context.current_ef) context.transfer = DataTransfer{};
    return response;
  } catch (const apdu::StatusError&) {
    // A failed RETRIEVE or SET DATA ends its transfer (§11.3.0); a failed SELECT leaves the
    // current EF, and so the transfer, as it was.
    if (data_command || context.transfer.ef != context.current_ef) context.transfer = DataTransfer{};
    throw;
  }
}

void FileCommands::select_mf(FileContext& context) const {
  bool unrestricted = context.unrestricted;
  context = FileContext{};
  context.unrestricted = unrestricted;
  if (fs_.has_mf()) context.current_df = fs_.mf();
}

FileInfo FileCommands::target_ef(FileContext& context, std::uint8_t sfi) {
  if (sfi != 0) {
    // ETSI TS 102 221 §8.4.2: an SFI names an EF of the current DF and makes it current.
    auto ef = fs_.child_by_sfi(context.current_df, sfi);
    if (!ef) apdu::fail(sw::file_not_found);
    if (context.current_ef != *ef) context.current_record = 0;
    context.current_ef = *ef;
  }
  if (context.current_ef == store::kNull) apdu::fail(sw::command_not_allowed_no_ef);
  return fs_.info(context.current_ef);
}

void FileCommands::require(const FileContext& context, const FileInfo& file, Operation operation) const {
  if (context.unrestricted) return;
  if (!access_.allowed(file, operation)) apdu::fail(sw::security_status_not_satisfied);
}

void FileCommands::require_activated(const FileInfo& file) const {
  // NOTE: ETSI TS 102 221 names no single status word for reading or updating a deactivated
  // file; 6985 (conditions of use not satisfied) is what the card reports.
  if (!file.activated()) apdu::fail(sw::conditions_not_satisfied);
}

std::uint32_t FileCommands::record_offset(const FileInfo& file, std::uint16_t number) const {
  std::uint32_t slot = number - 1u;
  if (file.structure == EfStructure::cyclic) slot = (slot + file.cyclic_current) % file.record_count;
  return slot * file.record_length;
}

}  // namespace uicc::card
