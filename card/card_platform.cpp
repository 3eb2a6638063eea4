#include "card/card_platform.h"

#include "card/fs/fcp.h"

#include <algorithm>

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace reason = api::uicc_exception;

namespace {

constexpr std::uint8_t kClearOnDeselect = 2;

// ETSI TS 102 241: the UICCException reason for each status word a file command ends with.
std::int16_t reason_of(apdu::StatusWord sw) {
  switch (sw.value) {
    case 0x6986: return reason::kNoEfSelected;
    case 0x6981: return reason::kCommandIncompatible;
    case 0x6982: return reason::kSecurityStatusNotSatisfied;
    case 0x6A82: return reason::kFileNotFound;
    case 0x6984: return reason::kRefDataInvalidated;
    case 0x6B00: return reason::kOutOfFileBoundaries;
    case 0x6700: return reason::kOutOfRecordBoundaries;
    case 0x6A83: return reason::kRecordNotFound;
    case 0x6A86: return reason::kInvalidMode;
    case 0x9850: return reason::kMaxValueReached;
    case 0x6581: return reason::kMemoryProblem;
    default: return reason::kInternalError;
  }
}

Command make(std::uint8_t cla, std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, ByteView data = {},
             std::size_t ne = 0) {
  Command c;
  c.cla = cla;
  c.ins = ins;
  c.p1 = p1;
  c.p2 = p2;
  c.data.assign(data.begin(), data.end());
  c.ne = ne;
  c.has_le = ne != 0;
  c.extended = ne > apdu::kMaxShortResponse || data.size() > apdu::kMaxShortData;
  return c;
}

}  // namespace

std::uint32_t CardPlatform::open_view(ByteView adf_aid, std::uint8_t event) {
  Handle root = store::kNull;
  if (adf_aid.empty()) {
    if (!fs_.has_mf()) return 0;
    root = fs_.mf();
  } else {
    for (Handle adf : fs_.adfs()) {
      FileInfo info = fs_.info(adf);
      if (std::equal(info.aid.begin(), info.aid.end(), adf_aid.begin(), adf_aid.end())) root = adf;
    }
    if (root == store::kNull) return 0;
  }
  return (root << 1) | (event == kClearOnDeselect ? 1u : 0u);
}

FileContext& CardPlatform::context_of(std::uint32_t view) {
  auto [it, inserted] = views_.try_emplace(view);
  if (inserted) {
    Handle root = root_of(view);
    if (!fs_.has_mf() || !fs_.store().valid(root) || !fs_.info(root).is_df()) {
      views_.erase(it);
      throw api::FileViewError{reason::kInternalError};
    }
    it->second.current_df = root;
    if (fs_.info(root).type == FileType::adf) it->second.current_adf = root;
    it->second.unrestricted = true;
  }
  return it->second;
}

void CardPlatform::check_inside(std::uint32_t view, FileContext& context, const FileContext& before) {
  // A view reaches the files under its root only (an ADF's view: the ADF's files).
  Handle root = root_of(view);
  for (Handle at = context.current_df; at != store::kNull; at = fs_.info(at).parent) {
    if (at == root) return;
  }
  context = before;
  throw api::FileViewError{reason::kFileNotFound};
}

Response CardPlatform::run(std::uint32_t view, Command command,
                           Response (FileCommands::*handler)(FileContext&, const Command&)) {
  FileContext& context = context_of(view);
  try {
    Response response = (files_.*handler)(context, command);
    if (!response.sw.is_success() && !response.sw.is_warning()) throw api::FileViewError{reason_of(response.sw)};
    return response;
  } catch (const apdu::StatusError& e) {
    throw api::FileViewError{reason_of(e.status())};
  }
}

Bytes CardPlatform::select(std::uint32_t view, std::uint16_t fid) {
  FileContext before = context_of(view);
  Bytes data{static_cast<std::uint8_t>(fid >> 8), static_cast<std::uint8_t>(fid)};
  Response response = run(view, make(0x00, 0xA4, 0x00, 0x04, data), &FileCommands::select);
  check_inside(view, context_of(view), before);
  return response.data;
}

void CardPlatform::select_relative(std::uint32_t view, std::uint8_t selector) {
  // NOTE: TS 102 241 leaves the selector's coding to this method's documentation, which this
  // card reads as 0 = the view's root (MF or ADF) and 3 = the parent DF, as SELECT's P1 03.
  FileContext& context = context_of(view);
  if (selector == 0x00) {
    Handle root = root_of(view);
    context.current_df = root;
    context.current_ef = store::kNull;
    context.current_record = 0;
    return;
  }
  if (selector != 0x03) throw api::FileViewError{reason::kInvalidMode};
  FileContext before = context;
  run(view, make(0x00, 0xA4, 0x03, 0x0C), &FileCommands::select);
  check_inside(view, context_of(view), before);
}

Bytes CardPlatform::status(std::uint32_t view) {
  FileContext& context = context_of(view);
  Handle current = context.current_ef != store::kNull ? context.current_ef : context.current_df;
  return build_fcp(fs_, files_.pins(), current);
}

Bytes CardPlatform::read_binary(std::uint32_t view, std::uint16_t offset, std::uint16_t length) {
  if (offset > 0x7FFF) throw api::FileViewError{reason::kOutOfFileBoundaries};
  FileContext& context = context_of(view);
  if (context.current_ef == store::kNull) throw api::FileViewError{reason::kNoEfSelected};
  FileInfo ef = fs_.info(context.current_ef);
  if (ef.structure != EfStructure::transparent) throw api::FileViewError{reason::kCommandIncompatible};
  if (std::size_t{offset} + length > ef.size) throw api::FileViewError{reason::kOutOfFileBoundaries};
  if (length == 0) return {};
  return run(view, make(0x00, 0xB0, static_cast<std::uint8_t>(offset >> 8), static_cast<std::uint8_t>(offset), {}, length),
             &FileCommands::read_binary)
      .data;
}

void CardPlatform::update_binary(std::uint32_t view, std::uint16_t offset, ByteView data) {
  if (offset > 0x7FFF) throw api::FileViewError{reason::kOutOfFileBoundaries};
  if (data.empty()) return;
  run(view, make(0x00, 0xD6, static_cast<std::uint8_t>(offset >> 8), static_cast<std::uint8_t>(offset), data),
      &FileCommands::update_binary);
}

Bytes CardPlatform::read_record(std::uint32_t view, std::uint16_t record, std::uint8_t mode, std::uint16_t offset,
                                std::uint16_t length) {
  if (record > 0xFF) throw api::FileViewError{reason::kRecordNotFound};
  FileContext& context = context_of(view);
  if (context.current_ef == store::kNull) throw api::FileViewError{reason::kNoEfSelected};
  FileInfo ef = fs_.info(context.current_ef);
  if (!ef.is_record_ef()) throw api::FileViewError{reason::kCommandIncompatible};
  if (std::size_t{offset} + length > ef.record_length) throw api::FileViewError{reason::kOutOfRecordBoundaries};
  Response response = run(view, make(0x00, 0xB2, static_cast<std::uint8_t>(record), mode, {}, ef.record_length),
                          &FileCommands::read_record);
  ByteView whole = response.data;
  return Bytes(whole.begin() + offset, whole.begin() + offset + length);
}

void CardPlatform::update_record(std::uint32_t view, std::uint16_t record, std::uint8_t mode, std::uint16_t offset,
                                 ByteView data) {
  if (record > 0xFF) throw api::FileViewError{reason::kRecordNotFound};
  FileContext& context = context_of(view);
  if (context.current_ef == store::kNull) throw api::FileViewError{reason::kNoEfSelected};
  FileInfo ef = fs_.info(context.current_ef);
  if (!ef.is_record_ef()) throw api::FileViewError{reason::kCommandIncompatible};
  if (std::size_t{offset} + data.size() > ef.record_length) throw api::FileViewError{reason::kOutOfRecordBoundaries};
  Bytes whole(ef.record_length, 0xFF);
  if (offset != 0 || data.size() != ef.record_length) {
    // A partial update keeps the rest of the record: read it first, without moving the pointer.
    FileContext saved = context;
    whole = run(view, make(0x00, 0xB2, static_cast<std::uint8_t>(record), mode, {}, ef.record_length),
                &FileCommands::read_record)
                .data;
    context = saved;
  }
  std::copy(data.begin(), data.end(), whole.begin() + offset);
  run(view, make(0x00, 0xDC, static_cast<std::uint8_t>(record), mode, whole), &FileCommands::update_record);
}

std::vector<std::uint16_t> CardPlatform::search_record(std::uint32_t view, std::uint8_t mode, std::uint16_t record,
                                                       std::uint16_t offset, ByteView pattern) {
  if (offset != 0) throw api::FileViewError{reason::kInvalidMode};  // NOTE: only simple search, at offset 0
  if (record > 0xFF) throw api::FileViewError{reason::kRecordNotFound};
  if (pattern.empty()) throw api::FileViewError{reason::kOutOfRecordBoundaries};
  Response response = run(view, make(0x00, 0xA2, static_cast<std::uint8_t>(record), mode, pattern, 256),
                          &FileCommands::search_record);
  std::vector<std::uint16_t> found(response.data.begin(), response.data.end());
  return found;
}

Bytes CardPlatform::increase(std::uint32_t view, ByteView value) {
  return run(view, make(0x80, 0x32, 0x00, 0x00, value, 256), &FileCommands::increase).data;
}

void CardPlatform::activate(std::uint32_t view) {
  run(view, make(0x00, 0x44, 0x00, 0x00), &FileCommands::activate_file);
}

void CardPlatform::deactivate(std::uint32_t view) {
  run(view, make(0x00, 0x04, 0x00, 0x00), &FileCommands::deactivate_file);
}

// --- GlobalPlatform queries, answered by the card manager when there is one ---------------

std::uint8_t CardPlatform::card_life_cycle() const {
  return global_platform_ ? global_platform_->card_life_cycle() : vm::PlatformHooks::card_life_cycle();
}

std::optional<std::uint8_t> CardPlatform::application_life_cycle(const vm::Aid& aid) const {
  return global_platform_ ? global_platform_->application_life_cycle(aid)
                          : vm::PlatformHooks::application_life_cycle(aid);
}

bool CardPlatform::set_application_life_cycle(const vm::Aid& aid, std::uint8_t state) {
  return global_platform_ ? global_platform_->set_application_life_cycle(aid, state)
                          : vm::PlatformHooks::set_application_life_cycle(aid, state);
}

std::optional<Bytes> CardPlatform::privileges(const vm::Aid& aid) const {
  return global_platform_ ? global_platform_->privileges(aid) : vm::PlatformHooks::privileges(aid);
}

vm::Ref CardPlatform::secure_channel(vm::Vm& vm, const vm::Aid& applet) {
  return global_platform_ ? global_platform_->secure_channel(vm, applet) : vm::PlatformHooks::secure_channel(vm, applet);
}

}  // namespace uicc::card
