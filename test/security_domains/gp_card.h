// A card for the host tool's tests: the card manager and its security domains over the Java
// Card runtime (or the fake runtime), with the APDU routing the card layer does (SELECT by
// AID, MANAGE CHANNEL, GET RESPONSE). The tests of tools/gp drive it in-process, and
// gp_test_card serves it through vpcd so that `uicc gp` reaches it through pcscd.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <variant>

#include "apdu/card_slot.h"
#include "apdu/channels.h"
#include "apdu/command.h"
#include "apdu/t0.h"
#include "security_domains/card_manager.h"
#include "security_domains/runtime_content.h"
#include "security_domains/security_domain.h"
#include "test/security_domains/fake_content.h"
#include "vm/runtime/runtime.h"
#include "vm/store/store.h"

namespace uicc::test {

struct GpCardOptions {
  std::optional<std::filesystem::path> image;  // none: the card lives in memory
  bool java_card_runtime = true;               // false: the fake runtime of fake_content.h
  sd::CardProfile profile;
  store::Limits limits;
};

class GpCard final : public apdu::CardSlot {
 public:
  // Store roots: the fake runtime's table, the registry (CardProfile default) and the runtime.
  static constexpr std::size_t kFakeRoot = 2;
  static constexpr std::size_t kRuntimeRoot = 4;

  explicit GpCard(GpCardOptions options = {});
  ~GpCard() override;

  Bytes atr() override;
  void power_on() override;
  void power_off() override;
  void reset() override;
  // Never throws for bad input; a store::PowerLoss from fault injection is passed on.
  Bytes transmit(ByteView command) override;

  store::Store& store() { return *store_; }
  sd::CardManager& manager() { return *manager_; }
  vm::Runtime* runtime() { return runtime_.get(); }
  FakeContent* fake() { return fake_.get(); }

 private:
  struct Nothing {};
  using Target = std::variant<Nothing, sd::SecurityDomain*, Bytes>;  // Bytes: an applet's AID
  struct ChannelState {
    Target target;
    apdu::PendingResponse pending;
  };

  apdu::Response dispatch(std::uint8_t channel, const apdu::Command& command, ByteView raw);
  apdu::Response select(std::uint8_t channel, const apdu::Command& command, ByteView raw);
  apdu::Response manage_channel(std::uint8_t channel, const apdu::Command& command);
  // Makes the application with `aid` current on `channel`; false if it refused.
  bool enter(std::uint8_t channel, ByteView aid);
  void leave(std::uint8_t channel);
  void clear_transient_state();

  GpCardOptions options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<vm::Runtime> runtime_;
  std::unique_ptr<sd::RuntimeContent> runtime_content_;
  std::unique_ptr<FakeContent> fake_;
  std::unique_ptr<sd::CardManager> manager_;
  std::unique_ptr<sd::PlatformServices> platform_;
  apdu::ChannelTable channels_{4};
  std::array<ChannelState, 4> states_;
};

}  // namespace uicc::test
