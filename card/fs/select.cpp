// SELECT and STATUS: ETSI TS 102 221 V17.1.0 §8.4, §11.1.1 and §11.1.2.
#include "card/fs/fcp.h"
#include "card/fs/file_commands.h"
#include "util/tlv.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

constexpr std::uint16_t kMfFid = 0x3F00;
constexpr std::uint16_t kCurrentAdfFid = 0x7FFF;

// SELECT P1 (§11.1.1.2 Table 11.1).
constexpr std::uint8_t kByFid = 0x00;
constexpr std::uint8_t kChildDf = 0x01;
constexpr std::uint8_t kParentDf = 0x03;
constexpr std::uint8_t kPathFromMf = 0x08;
constexpr std::uint8_t kPathFromCurrentDf = 0x09;

// SELECT P2 b4-b3: what to return.
constexpr std::uint8_t kReturnMask = 0x0C;
constexpr std::uint8_t kReturnFci = 0x00;
constexpr std::uint8_t kReturnFcp = 0x04;
constexpr std::uint8_t kReturnNothing = 0x0C;

}  // namespace

Response FileCommands::selection_response(const FileContext&, Handle file, const Command& command) {
  FileInfo info = fs_.info(file);
  // §11.1.1.4: selecting a deactivated file works, with the warning 6283.
  apdu::StatusWord status = info.activated() ? sw::ok : sw::file_invalidated;
  std::uint8_t requested = command.p2 & kReturnMask;
  if (requested == kReturnNothing) return Response{{}, status};
  return Response{build_fcp(fs_, pins_, file), status};
}

Response FileCommands::select(FileContext& context, const Command& command) {
  std::uint8_t requested = command.p2 & kReturnMask;
  // The UICC returns the FCP for both FCI and FCP requests and has no FMD (§11.1.1.2).
  if (requested != kReturnFci && requested != kReturnFcp && requested != kReturnNothing) {
    apdu::fail(sw::incorrect_p1_p2);
  }
  if ((command.p2 & 0xF3) != 0) apdu::fail(sw::incorrect_p1_p2);

  const ByteView data = command.data;
  Handle found = store::kNull;
  FileInfo current = fs_.info(context.current_df);

  auto by_fid_from = [&](Handle df, std::uint16_t fid) -> std::optional<Handle> {
    if (fid == kMfFid) return fs_.mf();
    if (fid == kCurrentAdfFid) {
      if (context.current_adf == store::kNull) return std::nullopt;
      return context.current_adf;
    }
    return fs_.child_by_fid(df, fid);
  };

  switch (command.p1) {
    case kByFid: {
      if (data.empty()) {  // ISO/IEC 7816-4 §11.2.2: P1 00 without data selects the MF
        found = fs_.mf();
        break;
      }
      if (data.size() != 2) apdu::fail(sw::wrong_length);
      std::uint16_t fid = get_u16(data, 0);
      // §8.4.1: a child of the current DF, the current DF, its parent, a DF that is a child
      // of the parent, the MF, or the current application's ADF.
      if (auto hit = by_fid_from(context.current_df, fid)) {
        found = *hit;
      } else if (fid == current.fid) {
        found = context.current_df;
      } else if (current.parent != store::kNull) {
        FileInfo parent = fs_.info(current.parent);
        if (parent.fid == fid) {
          found = current.parent;
        } else if (auto sibling = fs_.child_by_fid(current.parent, fid); sibling && fs_.info(*sibling).is_df()) {
          found = *sibling;
        }
      }
      break;
    }
    case kChildDf: {
      if (data.size() != 2) apdu::fail(sw::wrong_length);
      auto hit = fs_.child_by_fid(context.current_df, get_u16(data, 0));
      if (hit && fs_.info(*hit).is_df()) found = *hit;
      break;
    }
    case kParentDf: {
      if (!data.empty()) apdu::fail(sw::wrong_length);
      if (current.parent == store::kNull) apdu::fail(sw::file_not_found);
      found = current.parent;
      break;
    }
    case kPathFromMf:
    case kPathFromCurrentDf: {
      if (data.empty() || data.size() % 2 != 0) apdu::fail(sw::wrong_length);
      Handle at = command.p1 == kPathFromMf ? fs_.mf() : context.current_df;
      for (std::size_t i = 0; i < data.size(); i += 2) {
        std::uint16_t fid = get_u16(data, i);
        std::optional<Handle> next;
        if (fid == kCurrentAdfFid && i == 0) {
          next = by_fid_from(at, fid);
        } else if (fid == kMfFid && i == 0 && command.p1 == kPathFromMf) {
          next = fs_.mf();  // tolerated: some terminals repeat the MF at the path's start
        } else if (fs_.info(at).is_df()) {
          next = fs_.child_by_fid(at, fid);
        }
        if (!next) apdu::fail(sw::file_not_found);
        at = *next;
      }
      found = at;
      break;
    }
    default:
      apdu::fail(sw::incorrect_p1_p2);
  }

  if (found == store::kNull) apdu::fail(sw::file_not_found);

  FileInfo target = fs_.info(found);
  if (target.is_df()) {
    context.current_df = found;
    context.current_ef = store::kNull;
    if (target.type == FileType::adf) context.current_adf = found;
    if (target.type == FileType::mf) context.current_adf = store::kNull;
  } else {
    context.current_df = target.parent;
    context.current_ef = found;
  }
  context.current_record = 0;
  return selection_response(context, found, command);
}

Response FileCommands::select_adf(FileContext& context, Handle adf, const Command& command) {
  context.current_adf = adf;
  context.current_df = adf;
  context.current_ef = store::kNull;
  context.current_record = 0;
  return selection_response(context, adf, command);
}

Response FileCommands::status(FileContext& context, const Command& command) {
  // §11.1.2: P1 is the terminal's application status (00, 01, 02), P2 what to return.
  if (command.p1 > 0x02) apdu::fail(sw::incorrect_p1_p2);
  if (!command.data.empty()) apdu::fail(sw::wrong_length);
  Handle df = context.current_adf != store::kNull ? context.current_adf : context.current_df;
  switch (command.p2) {
    case 0x00:
      return Response{build_fcp(fs_, pins_, df), sw::ok};
    case 0x01: {
      FileInfo info = fs_.info(df);
      if (info.type != FileType::adf) return Response{{}, sw::ok};
      return Response{tlv::encode(0x84, info.aid), sw::ok};
    }
    case 0x0C:
      return Response{{}, sw::ok};
    default:
      apdu::fail(sw::incorrect_p1_p2);
  }
}

}  // namespace uicc::card
