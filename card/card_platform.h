// What the Java Card runtime asks of the card: the GlobalPlatform answers of
// vm::PlatformHooks and the file views of uicc.access (api::FileViewHooks, ETSI TS 102 241).
#pragma once

#include <map>

#include "card/fs/file_commands.h"
#include "vm/api/file_view_hooks.h"
#include "vm/runtime/native.h"

namespace uicc::card {

class CardPlatform : public vm::PlatformHooks, public api::FileViewHooks {
 public:
  CardPlatform(FileSystem& fs, FileCommands& files) : fs_(fs), files_(files) {}

  // Forgets the views' current files, as a card reset does (the views themselves stay).
  void reset() { views_.clear(); }
  // The GlobalPlatform layer that answers the runtime's GlobalPlatform queries.
  void set_global_platform(vm::PlatformHooks* global_platform) { global_platform_ = global_platform; }
  vm::PlatformHooks* global_platform() override {
    return global_platform_ != nullptr ? global_platform_ : this;
  }

  std::uint8_t card_life_cycle() const override;
  std::optional<std::uint8_t> application_life_cycle(const vm::Aid& aid) const override;
  bool set_application_life_cycle(const vm::Aid& aid, std::uint8_t state) override;
  std::optional<Bytes> privileges(const vm::Aid& aid) const override;
  vm::Ref secure_channel(vm::Vm& vm, const vm::Aid& applet) override;

  std::uint32_t open_view(ByteView adf_aid, std::uint8_t event) override;
  Bytes select(std::uint32_t view, std::uint16_t fid) override;
  void select_relative(std::uint32_t view, std::uint8_t selector) override;
  Bytes status(std::uint32_t view) override;
  Bytes read_binary(std::uint32_t view, std::uint16_t offset, std::uint16_t length) override;
  void update_binary(std::uint32_t view, std::uint16_t offset, ByteView data) override;
  Bytes read_record(std::uint32_t view, std::uint16_t record, std::uint8_t mode, std::uint16_t offset,
                    std::uint16_t length) override;
  void update_record(std::uint32_t view, std::uint16_t record, std::uint8_t mode, std::uint16_t offset,
                     ByteView data) override;
  std::vector<std::uint16_t> search_record(std::uint32_t view, std::uint8_t mode, std::uint16_t record,
                                           std::uint16_t offset, ByteView pattern) override;
  Bytes increase(std::uint32_t view, ByteView value) override;
  void activate(std::uint32_t view) override;
  void deactivate(std::uint32_t view) override;

 private:
  // A view's number is its root's store handle shifted left once, so that an applet's
  // FileView object still names the same view after a power cycle; bit 0 is the event
  // (1: CLEAR_ON_DESELECT).
  Handle root_of(std::uint32_t view) const { return view >> 1; }
  FileContext& context_of(std::uint32_t view);
  // Runs a file command on the view's context and maps its status word to UICCException.
  apdu::Response run(std::uint32_t view, apdu::Command command,
                     apdu::Response (FileCommands::*handler)(FileContext&, const apdu::Command&));
  void check_inside(std::uint32_t view, FileContext& context, const FileContext& before);

  FileSystem& fs_;
  FileCommands& files_;
  std::map<std::uint32_t, FileContext> views_;
  vm::PlatformHooks* global_platform_ = nullptr;
};

}  // namespace uicc::card
