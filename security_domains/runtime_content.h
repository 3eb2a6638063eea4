// The card manager over the Java Card runtime. RuntimeContent loads, installs and deletes card
// content in a vm::Runtime for the GlobalPlatform commands. PlatformServices implements the
// runtime's GlobalPlatform queries (vm::PlatformHooks) from the card manager's registry.
#pragma once

#include <functional>

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
  // The runtime has no entry point for org.globalplatform.Application.processData yet, so a
  // personalization STORE DATA is refused with 6985 (conditions of use not satisfied).
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

// vm::PlatformHooks over the card manager: the life cycle states and privileges that
// org.globalplatform.GPSystem and GPRegistryEntry report, and GPSystem.setCardContentState.
class PlatformServices final : public vm::PlatformHooks {
 public:
  explicit PlatformServices(CardManager& manager) : manager_(manager) {}

  std::uint8_t card_life_cycle() const override;
  std::optional<std::uint8_t> application_life_cycle(const vm::Aid& aid) const override;
  bool set_application_life_cycle(const vm::Aid& aid, std::uint8_t state) override;
  std::optional<Bytes> privileges(const vm::Aid& aid) const override;
  // A Java object for org.globalplatform.SecureChannel needs the API's binding of that
  // interface; until it exists this returns null. CardManager::applet_secure_channel() is the
  // secure channel such an object wraps.
  vm::Ref secure_channel(vm::Vm& vm, const vm::Aid& applet) override;

 private:
  CardManager& manager_;
};

}  // namespace uicc::sd
