#include "security_domains/runtime_content.h"

#include <fmt/format.h>

#include "apdu/cla.h"
#include "util/log.h"
#include "vm/api/global_platform_hooks.h"

namespace uicc::sd {

namespace {

vm::Aid to_aid(ByteView bytes) {
  try {
    return vm::Aid(bytes);
  } catch (const std::invalid_argument&) {
    throw ContentError(ContentError::Code::malformed,
                       fmt::format("AID {} is not 5 to 16 bytes long", to_hex(bytes)));
  }
}

// An AID that cannot name anything on the card (wrong length) is reported as absent.
std::optional<vm::Aid> maybe_aid(ByteView bytes) {
  if (bytes.size() < vm::Aid::kMinLength || bytes.size() > vm::Aid::kMaxLength) return std::nullopt;
  return vm::Aid(bytes);
}

ContentError::Code code_of(vm::LoadError::Code code) {
  using Code = vm::LoadError::Code;
  switch (code) {
    case Code::missing_import:
    case Code::import_version:
      return ContentError::Code::missing_import;
    case Code::already_loaded:
      return ContentError::Code::already_exists;
    case Code::out_of_memory:
      return ContentError::Code::out_of_memory;
    case Code::format:
    case Code::int_not_supported:
    case Code::verification:
    case Code::link:
      break;
  }
  return ContentError::Code::malformed;
}

ContentError::Code code_of(vm::RuntimeError::Code code) {
  using Code = vm::RuntimeError::Code;
  switch (code) {
    case Code::not_found:
      return ContentError::Code::not_found;
    case Code::already_exists:
      return ContentError::Code::already_exists;
    case Code::in_use:
      return ContentError::Code::in_use;
    case Code::out_of_memory:
      return ContentError::Code::out_of_memory;
    case Code::bad_parameters:
      return ContentError::Code::malformed;
    case Code::install_failed:
      break;
  }
  return ContentError::Code::install_failed;
}

// Runs a runtime operation and turns its errors into ContentError.
template <typename Operation>
auto translate(Operation operation) {
  try {
    return operation();
  } catch (const vm::LoadError& error) {
    throw ContentError(code_of(error.code()), error.what());
  } catch (const vm::RuntimeError& error) {
    throw ContentError(code_of(error.code()), error.what());
  } catch (const store::OutOfMemory& error) {
    throw ContentError(ContentError::Code::out_of_memory, error.what());
  }
}

}  // namespace

PackageInfo RuntimeContent::load_package(ByteView load_file_data_block) {
  vm::PackageInfo loaded = translate([&] { return runtime_.load_package(load_file_data_block); });
  PackageInfo info;
  info.aid.assign(loaded.aid.bytes().begin(), loaded.aid.bytes().end());
  info.major = loaded.major;
  info.minor = loaded.minor;
  for (const vm::Aid& applet : loaded.applet_classes) {
    info.applet_classes.emplace_back(applet.bytes().begin(), applet.bytes().end());
  }
  return info;
}

void RuntimeContent::install_applet(ByteView package_aid, ByteView class_aid, ByteView instance_aid,
                                    ByteView install_parameters) {
  translate([&] {
    runtime_.install_applet(to_aid(package_aid), to_aid(class_aid), to_aid(instance_aid),
                            install_parameters);
  });
  notify();
}

void RuntimeContent::delete_applet(ByteView instance_aid) {
  translate([&] { runtime_.delete_applet(to_aid(instance_aid)); });
  notify();
}

void RuntimeContent::delete_package(ByteView package_aid) {
  translate([&] { runtime_.delete_package(to_aid(package_aid)); });
  notify();
}

void RuntimeContent::notify() const {
  if (changed_) changed_();
}

bool RuntimeContent::has_package(ByteView package_aid) const {
  auto aid = maybe_aid(package_aid);
  if (!aid) return false;
  for (const vm::PackageInfo& package : runtime_.packages()) {
    if (package.aid == *aid && !package.native) return true;
  }
  return false;
}

bool RuntimeContent::has_applet(ByteView instance_aid) const {
  auto aid = maybe_aid(instance_aid);
  return aid && runtime_.find_applet(*aid).has_value();
}

bool RuntimeContent::is_selected(ByteView instance_aid) const {
  auto aid = maybe_aid(instance_aid);
  if (!aid) return false;
  for (std::uint8_t channel = 0; channel < runtime_.config().logical_channels; ++channel) {
    if (runtime_.selected(channel) == *aid) return true;
  }
  return false;
}

apdu::Response RuntimeContent::process_data(ByteView instance_aid, const apdu::Command& command) {
  auto aid = maybe_aid(instance_aid);
  if (!aid) return apdu::Response{{}, apdu::sw::conditions_not_satisfied};
  const std::uint8_t channel = apdu::ClassByte{command.cla}.channel();
  Bytes input{command.cla, command.ins, command.p1, command.p2};
  if (command.data.size() <= apdu::kMaxShortData) {
    input.push_back(static_cast<std::uint8_t>(command.data.size()));
  } else {
    input.push_back(0x00);
    input.push_back(static_cast<std::uint8_t>(command.data.size() >> 8));
    input.push_back(static_cast<std::uint8_t>(command.data.size()));
  }
  append(input, command.data);
  const api::InterfaceMethod process = api::application_process_data();
  const auto result = runtime_.call_applet_interface(channel, *aid, process.interface_name,
                                                     process.token, input, false);
  if (!result) {
    log::get("gp")->warn(
        "STORE DATA for applet {} rejected with 6985: its class does not implement "
        "org.globalplatform.Application",
        to_hex(instance_aid));
    return apdu::Response{{}, apdu::sw::conditions_not_satisfied};
  }
  return apdu::Response{result->data, apdu::StatusWord(result->status)};
}

std::size_t adopt_runtime_content(CardManager& manager, const vm::Runtime& runtime) {
  const Registry& registry = manager.registry();
  std::vector<LoadFileEntry> files;
  for (const vm::PackageInfo& package : runtime.packages()) {
    if (package.native || registry.find_load_file(package.aid.bytes()) != nullptr) continue;
    LoadFileEntry file;
    file.aid.assign(package.aid.bytes().begin(), package.aid.bytes().end());
    file.security_domain = registry.isd_aid;
    file.major = package.major;
    file.minor = package.minor;
    for (const vm::Aid& applet : package.applet_classes) {
      file.modules.emplace_back(applet.bytes().begin(), applet.bytes().end());
    }
    files.push_back(std::move(file));
  }
  std::vector<ApplicationEntry> applications;
  for (const vm::AppletInfo& applet : runtime.applets()) {
    if (registry.find_application(applet.instance_aid.bytes()) != nullptr) continue;
    ApplicationEntry entry;
    entry.aid.assign(applet.instance_aid.bytes().begin(), applet.instance_aid.bytes().end());
    entry.load_file.assign(applet.package_aid.bytes().begin(), applet.package_aid.bytes().end());
    entry.module.assign(applet.class_aid.bytes().begin(), applet.class_aid.bytes().end());
    entry.life_cycle = life_cycle::selectable;
    entry.security_domain = registry.isd_aid;
    applications.push_back(std::move(entry));
  }
  const std::size_t file_count = files.size();
  const std::size_t application_count = applications.size();
  if (file_count + application_count == 0) return 0;
  manager.update([&](Registry& changed) {
    for (LoadFileEntry& file : files) changed.load_files.push_back(std::move(file));
    for (ApplicationEntry& entry : applications) changed.applications.push_back(std::move(entry));
  });
  log::get("gp")->info("registry: adopted {} load file(s) and {} application(s) of the runtime",
                       file_count, application_count);
  return file_count + application_count;
}

std::uint8_t PlatformServices::card_life_cycle() const {
  return manager_.card_life_cycle();
}

std::optional<std::uint8_t> PlatformServices::application_life_cycle(const vm::Aid& aid) const {
  return manager_.application_life_cycle(aid.bytes());
}

bool PlatformServices::set_application_life_cycle(const vm::Aid& aid, std::uint8_t state) {
  return manager_.set_own_life_cycle(aid.bytes(), state);
}

std::optional<Bytes> PlatformServices::privileges(const vm::Aid& aid) const {
  auto privileges = manager_.privileges(aid.bytes());
  if (!privileges) return std::nullopt;
  return Bytes(privileges->view().begin(), privileges->view().end());
}

vm::Ref PlatformServices::secure_channel(vm::Vm& vm, const vm::Aid& applet) {
  return api::secure_channel_object(vm, applet);
}

api::SecureChannelService* PlatformServices::secure_channel_service(const vm::Aid& applet,
                                                                    std::uint8_t channel) {
  scp::SecureChannel* found = manager_.applet_secure_channel(applet.bytes(), channel);
  if (found == nullptr) return nullptr;
  secure_channel_.emplace(*found);
  return &*secure_channel_;
}

api::CvmService* PlatformServices::cvm_service(std::uint8_t cvm) {
  // GlobalPlatform Card API 1.6 GPSystem.CVM_GLOBAL_PIN; the card has no other CVM.
  constexpr std::uint8_t kGlobalPin = 0x11;
  return cvm == kGlobalPin ? &global_pin_ : nullptr;
}

bool PlatformServices::lock_card(const vm::Aid& caller) {
  return manager_.lock_card(caller.bytes());
}

bool PlatformServices::terminate_card(const vm::Aid& caller) {
  return manager_.terminate_card(caller.bytes());
}

bool PlatformServices::set_atr_historical_bytes(const vm::Aid& caller, ByteView bytes) {
  return manager_.set_atr_historical_bytes(caller.bytes(), bytes);
}

std::optional<api::RegistryEntryView> PlatformServices::registry_entry(const vm::Aid& caller,
                                                                       const vm::Aid& target) {
  if (!manager_.may_read_entry(caller.bytes(), target.bytes())) return std::nullopt;
  const ApplicationEntry* entry = manager_.registry().find_application(target.bytes());
  if (entry == nullptr) return std::nullopt;
  api::RegistryEntryView view;
  view.privileges.assign(entry->privileges.view().begin(), entry->privileges.view().end());
  view.life_cycle = *manager_.application_life_cycle(target.bytes());
  view.security_domain = entry->security_domain;
  return view;
}

bool PlatformServices::set_entry_state(const vm::Aid& caller, const vm::Aid& target,
                                       std::uint8_t state) {
  return manager_.set_entry_state(caller.bytes(), target.bytes(), state);
}

vm::Ref& PlatformServices::api_object(const vm::Aid& applet, std::uint8_t kind, ByteView key) {
  auto slot = std::make_tuple(Bytes(applet.bytes().begin(), applet.bytes().end()), kind,
                              Bytes(key.begin(), key.end()));
  return api_objects_[std::move(slot)];
}

}  // namespace uicc::sd
