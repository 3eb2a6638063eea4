#include "security_domains/card_manager.h"

#include <algorithm>

#include <fmt/format.h>

#include "security_domains/security_domain.h"
#include "util/log.h"

namespace uicc::sd {

namespace {

Bytes to_bytes(ByteView view) {
  return Bytes(view.begin(), view.end());
}

// GPCS 2.3.1 §6.6.2: the issuer security domain's initial privileges: Security Domain, Card
// Lock, Card Terminate, Card Reset, CVM Management; Trusted Path, Authorized Management,
// Token Verification, Global Delete, Global Lock, Global Registry, Final Application;
// Receipt Generation.
constexpr std::array<std::uint8_t, 3> kIsdPrivileges = {0x9E, 0xFE, 0x80};

// Key usages of the three secure channel keys (GPCS 2.3.1 §11.1.9).
constexpr std::uint8_t kSecureChannelUsages[3] = {0x18, 0x34, 0x48};

// Reads the registry's security-domain keys as a secure channel wants them.
class RegistryKeySource final : public scp::KeySource {
 public:
  RegistryKeySource(CardManager& manager, Bytes domain)
      : manager_(manager), domain_(std::move(domain)) {}

  std::optional<scp::StaticKeys> find_keys(std::uint8_t version) const override {
    const DomainData* data = domain();
    if (data == nullptr) return std::nullopt;
    std::uint8_t wanted_type =
        data->scp.protocol == scp::Protocol::scp02 ? key_type::des : key_type::aes;
    std::vector<std::uint8_t> versions;
    for (const Key& key : data->keys) versions.push_back(key.version);
    std::sort(versions.begin(), versions.end());
    for (std::uint8_t candidate : versions) {
      if (version != 0 && candidate != version) continue;
      const Key* enc = data->find_key(candidate, 1);
      const Key* mac = data->find_key(candidate, 2);
      const Key* dek = data->find_key(candidate, 3);
      if (enc == nullptr || mac == nullptr || dek == nullptr) continue;
      if (enc->type() != wanted_type || mac->type() != wanted_type || dek->type() != wanted_type)
        continue;
      return scp::StaticKeys{candidate, enc->components.front().value,
                             mac->components.front().value, dek->components.front().value};
    }
    return std::nullopt;
  }

  std::uint32_t sequence_counter(std::uint8_t version) const override {
    const DomainData* data = domain();
    if (data == nullptr) return 0;
    auto found = data->sequence_counters.find(version);
    return found == data->sequence_counters.end() ? 0 : found->second;
  }

  void set_sequence_counter(std::uint8_t version, std::uint32_t value) override {
    ApplicationEntry* entry = manager_.registry().find_application(domain_);
    if (entry == nullptr || !entry->domain) return;
    entry->domain->sequence_counters[version] = value;
    manager_.commit();
  }

  Bytes diversification_data() const override { return manager_.profile().diversification_data; }

 private:
  const DomainData* domain() const {
    const ApplicationEntry* entry = manager_.registry().find_application(domain_);
    return entry != nullptr && entry->domain ? &*entry->domain : nullptr;
  }

  CardManager& manager_;
  Bytes domain_;
};

}  // namespace

std::vector<Key> CardProfile::test_keys(scp::Protocol protocol, std::uint8_t version) {
  std::vector<Key> keys;
  for (std::uint8_t id = 1; id <= 3; ++id) {
    Key key;
    key.id = id;
    key.version = version;
    key.components.push_back(
        KeyComponent{protocol == scp::Protocol::scp02 ? key_type::des : key_type::aes,
                     SecretBytes(from_hex("404142434445464748494A4B4C4D4E4F"))});
    key.usage = kSecureChannelUsages[id - 1];
    key.access = 0x00;
    keys.push_back(std::move(key));
  }
  return keys;
}

CardManager::CardManager(store::Store& store, ContentManager& content, CardProfile profile)
    : store_(store),
      content_(content),
      profile_(std::move(profile)),
      persistence_(store, profile_.registry_root) {
  if (persistence_.exists()) {
    registry_ = persistence_.load();
    recover();
  } else {
    create_registry();
  }
}

CardManager::~CardManager() = default;

void CardManager::create_registry() {
  registry_ = Registry{};
  registry_.isd_aid = profile_.isd_aid;
  registry_.card.life_cycle = profile_.life_cycle;
  registry_.card.cplc = profile_.cplc.empty() ? Bytes(42, 0x00) : profile_.cplc;
  registry_.card.owner = profile_.owner;

  // The security domain package, in immutable memory from the start (GPCS 2.3.1 §5.2.1.1).
  LoadFileEntry sd_package;
  sd_package.aid = profile_.sd_load_file;
  sd_package.security_domain = profile_.isd_aid;
  sd_package.major = 1;
  sd_package.modules.push_back(profile_.sd_module);
  registry_.load_files.push_back(sd_package);

  ApplicationEntry isd;
  isd.aid = profile_.isd_aid;
  isd.load_file = profile_.sd_load_file;
  isd.module = profile_.sd_module;
  isd.life_cycle = life_cycle::personalized;
  isd.privileges = Privileges(kIsdPrivileges);
  isd.security_domain = profile_.isd_aid;
  DomainData domain;
  domain.scp = profile_.isd_scp;
  domain.keys = profile_.isd_keys;
  domain.data_objects[0x42] = profile_.iin;
  domain.data_objects[0x45] = profile_.cin;
  isd.domain = std::move(domain);
  registry_.applications.push_back(std::move(isd));

  persistence_.save(registry_);
  uicc::log::get("gp")->info("card registry created: issuer security domain {}",
                             to_hex(profile_.isd_aid));
}

void CardManager::recover() {
  Intent intent = persistence_.intent();
  if (intent.kind == Intent::Kind::none) return;
  auto logger = uicc::log::get("gp");
  switch (intent.kind) {
    case Intent::Kind::load:
      // A load the registry never recorded: take the package out of the runtime again.
      if (registry_.find_load_file(intent.aid) == nullptr && content_.has_package(intent.aid)) {
        content_.delete_package(intent.aid);
        logger->warn("removed package {} whose load a power loss interrupted", to_hex(intent.aid));
      }
      break;
    case Intent::Kind::install:
      if (registry_.find_application(intent.aid) == nullptr && content_.has_applet(intent.aid)) {
        content_.delete_applet(intent.aid);
        logger->warn("removed applet {} whose installation a power loss interrupted",
                     to_hex(intent.aid));
      }
      break;
    case Intent::Kind::delete_application: {
      // A deletion goes forward: finish it in the runtime and in the registry.
      if (content_.has_applet(intent.aid)) content_.delete_applet(intent.aid);
      auto& apps = registry_.applications;
      apps.erase(std::remove_if(apps.begin(), apps.end(),
                                [&](const ApplicationEntry& a) { return a.aid == intent.aid; }),
                 apps.end());
      logger->warn("finished the deletion of application {} after a power loss",
                   to_hex(intent.aid));
      break;
    }
    case Intent::Kind::delete_load_file: {
      if (content_.has_package(intent.aid)) content_.delete_package(intent.aid);
      auto& files = registry_.load_files;
      files.erase(std::remove_if(files.begin(), files.end(),
                                 [&](const LoadFileEntry& f) { return f.aid == intent.aid; }),
                  files.end());
      logger->warn("finished the deletion of load file {} after a power loss", to_hex(intent.aid));
      break;
    }
    case Intent::Kind::none:
      break;
  }
  commit();
}

void CardManager::commit(const Intent& intent) {
  persistence_.save(registry_, intent);
}

void CardManager::begin(const Intent& intent) {
  persistence_.set_intent(intent);
}

void CardManager::update(const std::function<void(Registry&)>& change, const Intent& intent) {
  Registry backup = registry_;
  change(registry_);
  try {
    commit(intent);
  } catch (const store::OutOfMemory&) {
    registry_ = std::move(backup);
    apdu::fail(apdu::sw::not_enough_memory);
  }
}

scp::KeySource& CardManager::key_source(ByteView domain_aid) {
  Bytes key(domain_aid.begin(), domain_aid.end());
  auto found = key_sources_.find(key);
  if (found == key_sources_.end()) {
    found = key_sources_.emplace(key, std::make_unique<RegistryKeySource>(*this, key)).first;
  }
  return *found->second;
}

SecurityDomain* CardManager::security_domain(ByteView aid) {
  const ApplicationEntry* entry = registry_.find_application(aid);
  if (entry == nullptr || !entry->is_security_domain() || !entry->domain) return nullptr;
  Bytes key = to_bytes(aid);
  auto found = domains_.find(key);
  if (found == domains_.end()) {
    found = domains_.emplace(key, std::make_unique<SecurityDomain>(*this, key)).first;
  }
  return found->second.get();
}

SecurityDomain& CardManager::issuer_security_domain() {
  return *security_domain(registry_.isd_aid);
}

SelectionCheck CardManager::check_selection(ByteView aid) const {
  const ApplicationEntry* entry = registry_.find_application(aid);
  if (entry == nullptr) return {false, apdu::sw::file_not_found};
  std::uint8_t card = registry_.card.life_cycle;
  bool final_application = entry->privileges.has(Privilege::final_application);
  // GPCS 2.3.1 §5.1.1.4 and §5.1.1.5: a locked or terminated card lets only the holder of the
  // Final Application privilege be selected, and SELECT warns with 6283 (Table 11-83).
  if (card == life_cycle::card_locked || card == life_cycle::terminated) {
    if (!final_application) return {false, apdu::sw::function_not_supported};
    return {true, apdu::sw::file_invalidated};
  }
  bool is_isd = entry->aid == registry_.isd_aid;
  if (!is_isd && !life_cycle::is_selectable(entry->life_cycle)) {
    // INSTALLED (not yet selectable) or LOCKED.
    return {false, apdu::sw::file_not_found};
  }
  return {true, apdu::sw::ok};
}

Bytes CardManager::default_application() const {
  const ApplicationEntry* holder = registry_.holder(Privilege::card_reset);
  return holder != nullptr ? holder->aid : registry_.isd_aid;
}

void CardManager::reset() {
  for (auto& [aid, domain] : domains_) domain->reset();
  applet_channels_.clear();
  cvm_validated_ = false;
}

std::optional<std::uint8_t> CardManager::application_life_cycle(ByteView aid) const {
  const ApplicationEntry* entry = registry_.find_application(aid);
  if (entry == nullptr) return std::nullopt;
  if (entry->aid == registry_.isd_aid) return registry_.card.life_cycle;
  return entry->life_cycle;
}

std::optional<Privileges> CardManager::privileges(ByteView aid) const {
  const ApplicationEntry* entry = registry_.find_application(aid);
  if (entry == nullptr) return std::nullopt;
  return entry->privileges;
}

bool CardManager::set_own_life_cycle(ByteView caller, std::uint8_t state) {
  ApplicationEntry* entry = registry_.find_application(caller);
  if (entry == nullptr || entry->aid == registry_.isd_aid) return false;
  if (!life_cycle::is_selectable(entry->life_cycle)) return false;
  if (entry->is_security_domain()) {
    // GPCS 2.3.1 §11.10.2.2: a security domain may only move itself to PERSONALIZED or LOCKED.
    if (state != life_cycle::personalized && !life_cycle::is_locked(state)) return false;
  } else if (!life_cycle::application_state_valid(state)) {
    return false;
  }
  if (state == entry->life_cycle) return false;
  entry->life_cycle = life_cycle::is_locked(state)
                          ? static_cast<std::uint8_t>(entry->life_cycle | life_cycle::locked_bit)
                          : state;
  commit();
  return true;
}

bool CardManager::lock_card(ByteView caller) {
  const ApplicationEntry* entry = registry_.find_application(caller);
  if (entry == nullptr || !entry->privileges.has(Privilege::card_lock)) return false;
  if (!life_cycle::card_transition_allowed(registry_.card.life_cycle, life_cycle::card_locked))
    return false;
  registry_.card.life_cycle = life_cycle::card_locked;
  commit();
  uicc::log::get("gp")->info("card locked by {}", to_hex(caller));
  return true;
}

bool CardManager::terminate_card(ByteView caller) {
  const ApplicationEntry* entry = registry_.find_application(caller);
  if (entry == nullptr || !entry->privileges.has(Privilege::card_terminate)) return false;
  if (!life_cycle::card_transition_allowed(registry_.card.life_cycle, life_cycle::terminated))
    return false;
  registry_.card.life_cycle = life_cycle::terminated;
  commit();
  uicc::log::get("gp")->warn("card terminated by {}", to_hex(caller));
  return true;
}

std::optional<Bytes> CardManager::associated_security_domain(ByteView aid) const {
  const ApplicationEntry* entry = registry_.find_application(aid);
  if (entry == nullptr) return std::nullopt;
  return entry->security_domain;
}

scp::SecureChannel* CardManager::applet_secure_channel(ByteView applet, std::uint8_t channel) {
  const ApplicationEntry* entry = registry_.find_application(applet);
  if (entry == nullptr) return nullptr;
  const ApplicationEntry* domain = registry_.find_application(entry->security_domain);
  if (domain == nullptr || !domain->domain) return nullptr;
  auto key = std::make_pair(to_bytes(applet), channel);
  auto found = applet_channels_.find(key);
  if (found == applet_channels_.end()) {
    auto secure_channel = std::make_unique<scp::SecureChannel>(
        domain->domain->scp, key_source(domain->aid), to_bytes(applet));
    found = applet_channels_.emplace(key, std::move(secure_channel)).first;
  }
  return found->second.get();
}

void CardManager::applet_deselected(ByteView applet, std::uint8_t channel) {
  applet_channels_.erase(std::make_pair(to_bytes(applet), channel));
}

bool CardManager::cvm_manager(ByteView caller) const {
  const ApplicationEntry* entry = registry_.find_application(caller);
  return entry != nullptr && entry->privileges.has(Privilege::cvm_management);
}

CardManager::CvmResult CardManager::verify_global_pin(ByteView pin) {
  CvmData& cvm = registry_.card.cvm;
  if (!cvm.active) return CvmResult::not_set;
  if (cvm.blocked) return CvmResult::blocked;
  if (constant_time_equal(pin, cvm.value.view())) {
    cvm.tries_remaining = cvm.try_limit;
    cvm_validated_ = true;
    commit();
    return CvmResult::success;
  }
  cvm_validated_ = false;
  if (cvm.tries_remaining > 0) --cvm.tries_remaining;
  if (cvm.tries_remaining == 0) cvm.blocked = true;
  commit();
  return cvm.blocked ? CvmResult::blocked : CvmResult::failure;
}

bool CardManager::set_global_pin(ByteView caller, ByteView pin, std::uint8_t try_limit) {
  if (!cvm_manager(caller) || pin.empty() || try_limit == 0) return false;
  CvmData& cvm = registry_.card.cvm;
  cvm.value = SecretBytes(pin);
  cvm.try_limit = try_limit;
  cvm.tries_remaining = try_limit;
  cvm.active = true;
  cvm.blocked = false;
  cvm_validated_ = false;
  commit();
  return true;
}

bool CardManager::reset_global_pin_state(ByteView) {
  cvm_validated_ = false;
  return true;
}

bool CardManager::block_global_pin(ByteView) {
  CvmData& cvm = registry_.card.cvm;
  if (!cvm.active) return false;
  cvm.blocked = true;
  cvm_validated_ = false;
  commit();
  return true;
}

bool CardManager::unblock_global_pin(ByteView caller) {
  if (!cvm_manager(caller)) return false;
  CvmData& cvm = registry_.card.cvm;
  if (!cvm.active) return false;
  cvm.blocked = false;
  cvm.tries_remaining = cvm.try_limit;
  commit();
  return true;
}

}  // namespace uicc::sd
