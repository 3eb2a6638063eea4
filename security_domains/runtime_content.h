// The card manager over the Java Card runtime. RuntimeContent loads, installs and deletes card
// content in a vm::Runtime for the GlobalPlatform commands. PlatformServices implements the
// runtime's GlobalPlatform queries (vm::PlatformHooks) from the card manager's registry.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <tuple>

#include "security_domains/api_services.h"
#include "security_domains/card_manager.h"
#include "security_domains/content_manager.h"
#include "vm/runtime/native.h"
#include "vm/runtime/runtime.h"

namespace uicc::sd {

// ContentManager over vm::Runtime. Every runtime operation has one commit point in the store
// (a package or applet table slot), which is what the card manager's power-loss recovery
// needs. Runtime errors become ContentError with the runtime's message.
class RuntimeContent final : public ContentManager {
 public:
  explicit RuntimeContent(vm::Runtime& runtime) : runtime_(runtime) {}

  // Sets a function called after each successful install or deletion of an applet or a
  // package, so that the card layer can update what SELECT finds.
  void on_change(std::function<void()> callback) { changed_ = std::move(callback); }

  PackageInfo load_package(ByteView load_file_data_block) override;
  void install_applet(ByteView package_aid, ByteView class_aid, ByteView instance_aid,
                      ByteView install_parameters) override;
  void delete_applet(ByteView instance_aid) override;
  void delete_package(ByteView package_aid) override;
  bool has_package(ByteView package_aid) const override;
  bool has_applet(ByteView instance_aid) const override;
  bool is_selected(ByteView instance_aid) const override;
  // Calls the applet's org.globalplatform.Application.processData with the command (header,
  // Lc and data, its secure messaging already removed) in the APDU buffer, on the logical
  // channel of the command's class byte. An applet that does not implement Application gets
  // 6985 (conditions of use not satisfied), as GPCS 2.3.1 §11.11 names.
  apdu::Response process_data(ByteView instance_aid, const apdu::Command& command) override;

 private:
  void notify() const;

  vm::Runtime& runtime_;
  std::function<void()> changed_;
};

// Enters in the registry the packages and applet instances that the runtime contains but the
// registry does not: content the card layer installed without GlobalPlatform (a profile's
// built-in applets, a developer's --install). Each package becomes a load file of the issuer
// security domain and each instance a SELECTABLE application without privileges. Returns
// the number of entries added; a second call adds none.
std::size_t adopt_runtime_content(CardManager& manager, const vm::Runtime& runtime);

// vm::PlatformHooks and api::GlobalPlatformHooks over the card manager: the life cycle states
// and privileges that org.globalplatform.GPSystem and GPRegistryEntry report,
// GPSystem.setCardContentState, lockCard, terminateCard and setATRHistBytes, the secure
// channel of an applet's security domain and the global PIN.
class PlatformServices final : public vm::PlatformHooks, public api::GlobalPlatformHooks {
 public:
  explicit PlatformServices(CardManager& manager) : manager_(manager), global_pin_(manager) {}

  std::uint8_t card_life_cycle() const override;
  std::optional<std::uint8_t> application_life_cycle(const vm::Aid& aid) const override;
  bool set_application_life_cycle(const vm::Aid& aid, std::uint8_t state) override;
  std::optional<Bytes> privileges(const vm::Aid& aid) const override;
  // The org.globalplatform.SecureChannel object of the API (api::secure_channel_object).
  vm::Ref secure_channel(vm::Vm& vm, const vm::Aid& applet) override;

  api::SecureChannelService* secure_channel_service(const vm::Aid& applet,
                                                    std::uint8_t channel) override;
  api::CvmService* cvm_service(std::uint8_t cvm) override;
  bool lock_card(const vm::Aid& caller) override;
  bool terminate_card(const vm::Aid& caller) override;
  bool set_atr_historical_bytes(const vm::Aid& caller, ByteView bytes) override;
  std::optional<api::RegistryEntryView> registry_entry(const vm::Aid& caller,
                                                       const vm::Aid& target) override;
  bool set_entry_state(const vm::Aid& caller, const vm::Aid& target, std::uint8_t state) override;
  vm::Ref& api_object(const vm::Aid& applet, std::uint8_t kind, ByteView key) override;

 private:
  CardManager& manager_;
  GlobalPinService global_pin_;
  std::optional<AppletSecureChannel> secure_channel_;
  std::map<std::tuple<Bytes, std::uint8_t, Bytes>, vm::Ref> api_objects_;
};

}  // namespace uicc::sd
