#include "security_domains/card_manager.h"

#include <algorithm>
#include <bit>
#include <string>
#include <variant>

#include <fmt/format.h>

#include "apdu/atr.h"
#include "security_domains/global_pin.h"
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

// ISO/IEC 7816-3:2006 §8.2: at most 15 historical bytes.
constexpr std::size_t kMaxHistoricalBytes = 15;
constexpr std::size_t kMaxAtrLength = 33;
// Bounds of the global PIN: CVM.update takes its length in a byte, and the try limit is a
// positive byte.
constexpr std::size_t kMaxGlobalPinLength = 127;
constexpr std::uint8_t kMaxGlobalPinTries = 127;

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
  pin_session_ = PinSession::none;
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
  if (personalizing_ && personalizing_->channel == channel && personalizing_->session != nullptr &&
      std::ranges::equal(personalizing_->applet, applet)) {
    return personalizing_->session;
  }
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

bool CardManager::set_atr_historical_bytes(ByteView caller, ByteView bytes) {
  const ApplicationEntry* entry = registry_.find_application(caller);
  if (entry == nullptr || !entry->privileges.has(Privilege::card_reset)) return false;
  // ISO/IEC 7816-3:2006 §8.2: T0 codes the number of historical bytes on 4 bits.
  if (bytes.size() > kMaxHistoricalBytes) return false;
  registry_.card.atr_historical_bytes = to_bytes(bytes);
  registry_.card.atr_historical_bytes_set = true;
  commit();
  uicc::log::get("gp")->info("ATR historical bytes set to {} by {}", to_hex(bytes), to_hex(caller));
  return true;
}

std::optional<Bytes> CardManager::atr_historical_bytes() const {
  if (!registry_.card.atr_historical_bytes_set) return std::nullopt;
  return registry_.card.atr_historical_bytes;
}

Bytes CardManager::atr(ByteView base) const {
  Bytes original(base.begin(), base.end());
  if (!registry_.card.atr_historical_bytes_set) return original;
  if (std::holds_alternative<std::string>(apdu::parse_atr(base))) return original;
  // ISO/IEC 7816-3:2006 §8.2: T0 and each TDi announce TAi, TBi, TCi and TDi+1 in
  // b5 to b8, and TCK follows the historical bytes when a protocol other than T=0 is named.
  std::size_t end = 2;  // after TS and T0
  std::uint8_t indicator = base[1];
  bool has_tck = false;
  while (true) {
    end += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(indicator & 0x70)));
    if ((indicator & 0x80) == 0) break;
    indicator = base[end];
    if ((indicator & 0x0F) != 0) has_tck = true;
    ++end;
  }

  const Bytes& historical = registry_.card.atr_historical_bytes;
  Bytes out(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(end));
  out[1] = static_cast<std::uint8_t>((base[1] & 0xF0) | historical.size());
  append(out, historical);
  if (has_tck) {
    std::uint8_t check = 0;
    for (std::size_t i = 1; i < out.size(); ++i) check ^= out[i];
    out.push_back(check);
  }
  // ISO/IEC 7816-3:2006 §8.2 limits the ATR to 32 bytes after TS, which 15 historical bytes can
  // exceed after a long interface part.
  if (out.size() > kMaxAtrLength || std::holds_alternative<std::string>(apdu::parse_atr(out))) {
    uicc::log::get("gp")->warn("historical bytes {} do not fit in the ATR {}; keeping its own",
                               to_hex(historical), to_hex(base));
    return original;
  }
  return out;
}

bool CardManager::may_read_entry(ByteView caller, ByteView target) const {
  const ApplicationEntry* reader = registry_.find_application(caller);
  const ApplicationEntry* entry = registry_.find_application(target);
  if (reader == nullptr || entry == nullptr) return false;
  if (reader->aid == entry->aid) return true;
  if (reader->privileges.has(Privilege::global_registry)) return true;
  return reader->is_security_domain() && entry->security_domain == reader->aid;
}

bool CardManager::set_entry_state(ByteView caller, ByteView target, std::uint8_t state) {
  const ApplicationEntry* actor = registry_.find_application(caller);
  ApplicationEntry* entry = registry_.find_application(target);
  if (actor == nullptr || entry == nullptr) return false;
  if (actor->aid == entry->aid) return set_own_life_cycle(caller, state);
  const bool may_lock = actor->privileges.has(Privilege::global_lock) ||
                        (actor->is_security_domain() && entry->security_domain == actor->aid);
  if (!may_lock || entry->aid == registry_.isd_aid) return false;
  if (life_cycle::is_locked(state)) {
    if (life_cycle::is_locked(entry->life_cycle)) return false;
    entry->life_cycle = static_cast<std::uint8_t>(entry->life_cycle | life_cycle::locked_bit);
  } else {
    // Unlocking restores the state kept in b7..b1; `state` must name it.
    const auto previous = static_cast<std::uint8_t>(entry->life_cycle & ~life_cycle::locked_bit);
    if (!life_cycle::is_locked(entry->life_cycle) || state != previous) return false;
    entry->life_cycle = previous;
  }
  commit();
  uicc::log::get("gp")->info("{} set the state of {} to {:02X}", to_hex(caller), to_hex(target),
                             entry->life_cycle);
  return true;
}

CardManager::GlobalPinState CardManager::global_pin_state() const {
  const CvmData& cvm = registry_.card.cvm;
  GlobalPinState state;
  state.active = cvm.active;
  state.blocked = cvm.active && (cvm.blocked || cvm.tries_remaining == 0);
  state.verified = state.active && !state.blocked && pin_session_ == PinSession::validated;
  state.submitted = state.active && pin_session_ != PinSession::none;
  state.tries_remaining = cvm.tries_remaining;
  return state;
}

bool CardManager::verify_global_pin(ByteView value, std::uint8_t format) {
  CvmData& cvm = registry_.card.cvm;
  const GlobalPinState state = global_pin_state();
  if (!state.active || state.blocked) return false;
  // GlobalPlatform Card API 1.6 CVM.verify: the counter is decremented before the comparison.
  --cvm.tries_remaining;
  commit();
  if (cvm::values_match(cvm.value.view(), cvm.format, value, format)) {
    cvm.tries_remaining = cvm.try_limit;
    commit();
    pin_session_ = PinSession::validated;
    return true;
  }
  pin_session_ = PinSession::invalid_submission;
  if (cvm.tries_remaining == 0) {
    cvm.blocked = true;
    commit();
    uicc::log::get("gp")->warn("global PIN blocked after its last try");
  }
  return false;
}

bool CardManager::update_global_pin(ByteView caller, ByteView value, std::uint8_t format) {
  if (!cvm_manager(caller) || !cvm::valid_value(value, format)) return false;
  // The value is kept in a register of fixed size, like the try counter.
  if (value.size() > kMaxGlobalPinLength) return false;
  CvmData& cvm = registry_.card.cvm;
  cvm.value = SecretBytes(value);
  cvm.format = format;
  cvm.active = cvm.try_limit > 0;
  if (!cvm.blocked) cvm.tries_remaining = cvm.try_limit;
  pin_session_ = PinSession::none;
  commit();
  return true;
}

bool CardManager::set_global_pin_try_limit(ByteView caller, std::uint8_t limit) {
  if (!cvm_manager(caller) || limit == 0 || limit > kMaxGlobalPinTries) return false;
  CvmData& cvm = registry_.card.cvm;
  cvm.try_limit = limit;
  cvm.tries_remaining = limit;
  cvm.blocked = false;
  cvm.active = !cvm.value.empty();
  pin_session_ = PinSession::none;
  commit();
  return true;
}

bool CardManager::reset_global_pin_state() {
  const GlobalPinState state = global_pin_state();
  if (!state.active || state.blocked) return false;
  pin_session_ = PinSession::none;
  return true;
}

bool CardManager::block_global_pin(ByteView caller) {
  if (!cvm_manager(caller)) return false;
  CvmData& cvm = registry_.card.cvm;
  if (!cvm.active) return false;
  cvm.blocked = true;
  pin_session_ = PinSession::none;
  commit();
  return true;
}

bool CardManager::reset_and_unblock_global_pin(ByteView caller) {
  if (!cvm_manager(caller)) return false;
  CvmData& cvm = registry_.card.cvm;
  if (!cvm.active) return false;
  cvm.blocked = false;
  cvm.tries_remaining = cvm.try_limit;
  pin_session_ = PinSession::none;
  commit();
  return true;
}

}  // namespace uicc::sd
