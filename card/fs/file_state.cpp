// DEACTIVATE FILE and ACTIVATE FILE: ETSI TS 102 221 V17.1.0 §11.1.14 and §11.1.15.
#include "card/fs/file_commands.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

// Without data the command applies to the current EF; with data the file is first selected
// as SELECT with the same P1 would (by FID, path from the MF or from the current DF).
Handle target_file(FileCommands& commands, FileContext& context, const Command& command) {
  if (command.has_le) apdu::fail(sw::wrong_length);
  if (command.data.empty()) {
    if (command.p1 != 0 || command.p2 != 0) apdu::fail(sw::incorrect_p1_p2);
    if (context.current_ef == store::kNull) apdu::fail(sw::command_not_allowed_no_ef);
    return context.current_ef;
  }
  if (command.p1 != 0x00 && command.p1 != 0x08 && command.p1 != 0x09) apdu::fail(sw::incorrect_p1_p2);
  if (command.p2 != 0x00) apdu::fail(sw::incorrect_p1_p2);
  Command select = command;
  select.ins = 0xA4;
  select.p2 = 0x0C;
  commands.select(context, select);
  return context.current_ef != store::kNull ? context.current_ef : context.current_df;
}

}  // namespace

Response FileCommands::deactivate_file(FileContext& context, const Command& command) {
  Handle file = target_file(*this, context, command);
  FileInfo info = fs_.info(file);
  require(context, info, Operation::deactivate);
  if (info.activated()) fs_.set_life_cycle(file, lcs::operational_deactivated);
  return Response{};
}

Response FileCommands::activate_file(FileContext& context, const Command& command) {
  Handle file = target_file(*this, context, command);
  FileInfo info = fs_.info(file);
  require(context, info, Operation::activate);
  if (!info.activated()) fs_.set_life_cycle(file, lcs::operational_activated);
  return Response{};
}

Response FileCommands::terminal_profile(FileContext&, const Command& command) {
  // §11.2.1: the terminal announces its toolkit capabilities. Accepted and not used until
  // the card runs toolkit applets.
  if (command.p1 != 0 || command.p2 != 0) apdu::fail(sw::incorrect_p1_p2);
  if (command.data.empty() || command.has_le) apdu::fail(sw::wrong_length);
  return Response{};
}

}  // namespace uicc::card
