// INSTALL (GlobalPlatform Card Specification 2.3.1 §11.5 and §9.3, §9.4): for load, for
// install, for make selectable and their combinations, for extradition, for registry update
// and for personalization, under authorized or delegated management.
#include <algorithm>

#include <fmt/format.h>

#include "security_domains/authorization.h"
#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/scp/scp02.h"
#include "security_domains/scp/scp03.h"
#include "security_domains/security_domain.h"
#include "util/log.h"
#include "util/tlv.h"

namespace uicc::sd {

namespace {

// P1 roles of GPCS 2.3.1 Table 11-41.
constexpr std::uint8_t kMoreCommands = 0x80;
constexpr std::uint8_t kForRegistryUpdate = 0x40;
constexpr std::uint8_t kForPersonalization = 0x20;
constexpr std::uint8_t kForExtradition = 0x10;
constexpr std::uint8_t kForMakeSelectable = 0x08;
constexpr std::uint8_t kForInstall = 0x04;
constexpr std::uint8_t kForLoad = 0x02;

// P2 of the combined load, install and make selectable process (§11.5.2.2).
constexpr std::uint8_t kCombinedStart = 0x01;
constexpr std::uint8_t kCombinedEnd = 0x03;

// Privileges only the issuer security domain may grant, or that change who controls the card.
bool issuer_only(const Privileges& privileges) {
  for (Privilege p :
       {Privilege::authorized_management, Privilege::token_verification,
        Privilege::receipt_generation, Privilege::global_delete, Privilege::global_lock,
        Privilege::global_registry, Privilege::final_application, Privilege::card_lock,
        Privilege::card_terminate, Privilege::card_reset, Privilege::cvm_management,
        Privilege::mandated_dap_verification}) {
    if (privileges.has(p)) return true;
  }
  return false;
}

// The memory requirements of Load or Install Parameters: 2- or 4-byte integers (§11.5.2.3.7).
std::size_t memory_value(ByteView value) {
  if (value.size() != 2 && value.size() != 4) apdu::fail(apdu::sw::wrong_data);
  return value.size() == 2 ? get_u16(value, 0) : get_u32(value, 0);
}

// The parameters field of INSTALL, parsed as BER-TLV; empty fields are allowed.
std::vector<tlv::Element> parameters_of(ByteView field) {
  if (field.empty()) return {};
  auto elements = tlv::parse_all(field);
  if (!elements) apdu::fail(apdu::sw::wrong_data);
  return *elements;
}

std::optional<ByteView> find(const std::vector<tlv::Element>& elements, std::uint32_t tag) {
  for (const tlv::Element& e : elements) {
    if (e.tag == tag) return e.value;
  }
  return std::nullopt;
}

// The token identifier (B6 / 93) of a parameters field, for the receipt.
Bytes token_identifier(const std::vector<tlv::Element>& parameters) {
  if (auto template_b6 = find(parameters, 0xB6)) {
    if (auto id = tlv::find(*template_b6, 0x93)) return Bytes(id->value.begin(), id->value.end());
  }
  return {};
}

Bytes provider_of(const std::vector<tlv::Element>& parameters) {
  if (auto template_b6 = find(parameters, 0xB6)) {
    if (auto id = tlv::find(*template_b6, 0x5F20)) return Bytes(id->value.begin(), id->value.end());
  }
  return {};
}

}  // namespace

// The INSTALL roles, each a sequence of the checks GPCS 2.3.1 §9 sets before it acts.
class InstallProcessor {
 public:
  InstallProcessor(SecurityDomain& domain, CardManager& manager, SecurityDomain::Channel& state,
                   const apdu::Command& command)
      : domain_(domain),
        manager_(manager),
        registry_(manager.registry()),
        state_(state),
        command_(command) {}

  apdu::Response for_load();
  apdu::Response for_install(bool make_selectable, bool combined);
  apdu::Response for_make_selectable();
  apdu::Response for_extradition();
  apdu::Response for_registry_update();
  apdu::Response for_personalization();

 private:
  bool delegated() const { return self().privileges.has(Privilege::delegated_management); }
  void require_unrestricted(std::uint8_t function) const;
  // §9.1.3: delegated management needs a valid token; authorized management rejects one.
  void check_token(ByteView signed_fields, ByteView token) const;
  void check_privileges(const Privileges& privileges, bool make_selectable) const;
  void check_memory(std::size_t persistent, std::size_t transient) const;
  void transfer_unique_privileges(Registry& registry, const Privileges& privileges) const;
  void check_extradition(const ApplicationEntry& target_domain, const Bytes& subject,
                         bool load_file) const;
  apdu::Response done(ByteView receipt_fields, const Bytes& identifier);

  // This domain's registry entry, looked up on each use: installing an application can move
  // the registry's entries, so a reference kept across an update would dangle.
  ApplicationEntry& self() const { return domain_.entry(); }

  SecurityDomain& domain_;
  CardManager& manager_;
  Registry& registry_;
  SecurityDomain::Channel& state_;
  const apdu::Command& command_;
};

void InstallProcessor::require_unrestricted(std::uint8_t function) const {
  // §11.5.2.3.7 Table 11-53: functions disabled for the OPEN or for this domain.
  if ((registry_.card.restrictions & function) != 0 || (self().restrictions & function) != 0) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
}

void InstallProcessor::check_token(ByteView signed_fields, ByteView token) const {
  if (!delegated()) {
    if (!token.empty()) apdu::fail(apdu::sw::wrong_data);
    return;
  }
  if (token.empty()) apdu::fail(apdu::sw::security_status_not_satisfied);
  Bytes data = authorization::token_data(command_.p1, command_.p2, signed_fields);
  if (!authorization::verify_token(registry_, data, token)) {
    uicc::log::get("gp")->warn("INSTALL rejected: invalid delegated management token");
    apdu::fail(apdu::sw::security_status_not_satisfied);
  }
}

void InstallProcessor::check_privileges(const Privileges& privileges, bool make_selectable) const {
  if (privileges.conflict()) apdu::fail(apdu::sw::wrong_data);
  // §11.5.2.3.2: Card Reset needs the application to become selectable in the same command.
  if (privileges.has(Privilege::card_reset) && !make_selectable) apdu::fail(apdu::sw::wrong_data);
  if (self().aid != registry_.isd_aid && issuer_only(privileges)) {
    apdu::fail(apdu::sw::security_status_not_satisfied);
  }
  // §6.6.2: Card Reset and Final Application have one holder each, and only the issuer
  // security domain can pass them on.
  for (Privilege unique : {Privilege::card_reset, Privilege::final_application}) {
    if (!privileges.has(unique)) continue;
    const ApplicationEntry* holder = registry_.holder(unique);
    if (holder != nullptr && holder->aid != registry_.isd_aid)
      apdu::fail(apdu::sw::conditions_not_satisfied);
  }
}

void InstallProcessor::transfer_unique_privileges(Registry& registry,
                                                  const Privileges& privileges) const {
  for (Privilege unique : {Privilege::card_reset, Privilege::final_application}) {
    if (privileges.has(unique)) registry.isd().privileges.set(unique, false);
  }
}

void InstallProcessor::check_memory(std::size_t persistent, std::size_t transient) const {
  store::Usage usage = manager_.store().usage();
  const store::Limits& limits = manager_.store().limits();
  if (persistent > limits.persistent_bytes - usage.persistent_bytes ||
      transient > limits.volatile_bytes - usage.volatile_bytes) {
    apdu::fail(apdu::sw::not_enough_memory);
  }
}

apdu::Response InstallProcessor::done(ByteView receipt_fields, const Bytes& identifier) {
  if (!delegated()) return apdu::Response{Bytes{0x00}, apdu::sw::ok};
  Bytes response;
  manager_.update([&](Registry& registry) {
    response = authorization::confirmation(registry, receipt_fields, identifier);
  });
  return apdu::Response{std::move(response), apdu::sw::ok};
}

apdu::Response InstallProcessor::for_load() {
  require_unrestricted(restriction::load);
  commands::LvReader reader(command_.data);
  ByteView load_file = reader.field();
  ByteView target = reader.field();
  ByteView hash = reader.field();
  ByteView parameters_field = reader.ber_field();
  ByteView signed_fields = reader.consumed();
  ByteView token = reader.ber_field();
  if (!reader.done()) apdu::fail(apdu::sw::wrong_data);

  commands::require_aid(load_file);
  if (registry_.find_load_file(load_file) != nullptr ||
      registry_.find_application(load_file) != nullptr) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  Bytes domain_aid = target.empty() ? self().aid : Bytes(target.begin(), target.end());
  const ApplicationEntry* domain = registry_.find_application(domain_aid);
  if (domain == nullptr || !domain->is_security_domain())
    apdu::fail(apdu::sw::reference_data_not_found);
  if (!registry_.associated(domain->aid, self().aid) ||
      !life_cycle::is_selectable(domain->life_cycle)) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  // §C.2: the hash is a SHA-1, SHA-256, SHA-384 or SHA-512 digest.
  if (!hash.empty() && hash.size() != 20 && hash.size() != 32 && hash.size() != 48 &&
      hash.size() != 64) {
    apdu::fail(apdu::sw::wrong_data);
  }

  std::vector<tlv::Element> parameters = parameters_of(parameters_field);
  std::size_t persistent = 0;
  std::size_t transient = 0;
  if (auto system = find(parameters, 0xEF)) {
    auto values = tlv::parse_all(*system);
    if (!values) apdu::fail(apdu::sw::wrong_data);
    for (const tlv::Element& e : *values) {
      if (e.tag == 0xC6 || e.tag == 0xC8) persistent += memory_value(e.value);
      if (e.tag == 0xC7) transient += memory_value(e.value);
    }
  }
  check_memory(persistent, transient);
  check_token(signed_fields, token);
  // §C.2: a load token signs the hash, so it cannot come without one.
  if (delegated() && hash.empty()) apdu::fail(apdu::sw::wrong_data);

  SecurityDomain::LoadSession session;
  session.load_file.assign(load_file.begin(), load_file.end());
  session.security_domain = domain_aid;
  session.hash.assign(hash.begin(), hash.end());
  session.install_command = command_.data;
  session.memory_required = persistent;
  session.delegated = delegated();
  session.token_identifier = token_identifier(parameters);
  session.provider = provider_of(parameters);
  state_.load = std::move(session);
  return apdu::Response{Bytes{0x00}, apdu::sw::ok};
}

apdu::Response InstallProcessor::for_install(bool make_selectable, bool combined) {
  require_unrestricted(restriction::install);
  if (make_selectable) require_unrestricted(restriction::make_selectable);
  commands::LvReader reader(command_.data);
  ByteView load_file_field = reader.field();
  ByteView module_field = reader.field();
  ByteView instance = reader.field();
  ByteView privileges_field = reader.field();
  ByteView parameters_field = reader.ber_field();
  ByteView signed_fields = reader.consumed();
  ByteView token = reader.ber_field();
  if (!reader.done()) apdu::fail(apdu::sw::wrong_data);

  // §11.5.2.3.2: the combined process may leave out the load file AID it just loaded.
  Bytes load_file_aid(load_file_field.begin(), load_file_field.end());
  if (load_file_aid.empty() && combined && state_.load) load_file_aid = state_.load->load_file;
  const LoadFileEntry* load_file = registry_.find_load_file(load_file_aid);
  if (load_file == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  if (self().aid != registry_.isd_aid &&
      !registry_.associated(load_file->security_domain, self().aid)) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  Bytes module(module_field.begin(), module_field.end());
  if (module.empty() && load_file->modules.size() == 1) module = load_file->modules.front();
  if (std::find(load_file->modules.begin(), load_file->modules.end(), module) ==
      load_file->modules.end()) {
    apdu::fail(apdu::sw::reference_data_not_found);
  }
  commands::require_aid(instance);
  if (registry_.find_application(instance) != nullptr ||
      registry_.find_load_file(instance) != nullptr) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  std::optional<Privileges> privileges = Privileges::decode(privileges_field);
  if (!privileges) apdu::fail(apdu::sw::wrong_data);
  check_privileges(*privileges, make_selectable);

  bool is_domain =
      load_file->aid == manager_.profile().sd_load_file && module == manager_.profile().sd_module;
  // Security domains are the card manager's own code: they come from its module only, and
  // that module makes nothing but security domains.
  if (is_domain != privileges->has(Privilege::security_domain)) apdu::fail(apdu::sw::wrong_data);

  // §11.5.2.3.7 Table 11-49: C9 is mandatory; EF carries memory quotas, services and
  // implicit selection.
  std::vector<tlv::Element> parameters = parameters_of(parameters_field);
  std::optional<ByteView> application_parameters = find(parameters, 0xC9);
  if (!application_parameters) apdu::fail(apdu::sw::wrong_data);
  std::vector<std::uint8_t> implicit_selection;
  std::vector<std::uint16_t> services;
  std::size_t persistent = 0;
  std::size_t transient = 0;
  if (auto system = find(parameters, 0xEF)) {
    auto values = tlv::parse_all(*system);
    if (!values) apdu::fail(apdu::sw::wrong_data);
    for (const tlv::Element& e : *values) {
      if (e.tag == 0xC8 || e.tag == 0xD8) persistent += memory_value(e.value);
      if (e.tag == 0xC7 || e.tag == 0xD7) transient += memory_value(e.value);
      if (e.tag == 0xCF) {
        if (e.value.size() != 1 || !make_selectable) apdu::fail(apdu::sw::wrong_data);
        implicit_selection.push_back(e.value[0]);
      }
      if (e.tag == 0xCB) {
        if (e.value.empty() || e.value.size() % 2 != 0) apdu::fail(apdu::sw::wrong_data);
        for (std::size_t i = 0; i < e.value.size(); i += 2) services.push_back(get_u16(e.value, i));
      }
    }
  }
  check_memory(persistent, transient);
  check_token(signed_fields, token);

  ApplicationEntry app;
  app.aid.assign(instance.begin(), instance.end());
  app.load_file = load_file->aid;
  app.module = module;
  app.privileges = *privileges;
  app.security_domain = self().aid;
  app.implicit_selection = implicit_selection;
  app.provider = provider_of(parameters);
  app.global_services = services;
  app.life_cycle = make_selectable ? life_cycle::selectable : life_cycle::installed;

  if (is_domain) {
    // §11.5.2.3.7: a security domain's C9 is BER-TLV; tag 81 names its secure channel
    // protocol and "i", as SGP.02 ISD-P creation does (C9 04 81 02 03 70).
    DomainData data;
    data.scp = manager_.profile().ssd_scp;
    if (auto scp_choice = tlv::find(*application_parameters, 0x81)) {
      if (scp_choice->value.size() != 2) apdu::fail(apdu::sw::wrong_data);
      data.scp =
          scp::Parameters{static_cast<scp::Protocol>(scp_choice->value[0]), scp_choice->value[1]};
      bool known = (scp_choice->value[0] == 0x02 && scp02::supported(data.scp.i)) ||
                   (scp_choice->value[0] == 0x03 && scp03::supported(data.scp.i));
      if (!known) apdu::fail(apdu::sw::wrong_data);
    }
    data.keys = manager_.profile().ssd_keys;
    app.domain = std::move(data);
  } else {
    // The applet's install method gets LV instance AID, LV privileges and LV C9 content.
    Bytes install_parameters = commands::lv(instance);
    append(install_parameters, commands::lv(privileges_field));
    append(install_parameters, commands::lv(*application_parameters));
    manager_.begin(Intent{Intent::Kind::install, app.aid});
    try {
      manager_.content().install_applet(load_file->aid, module, instance, install_parameters);
    } catch (const ContentError& error) {
      manager_.begin(Intent{});
      uicc::log::get("gp")->warn("install of {} failed: {}", to_hex(instance), error.what());
      commands::fail_content(error);
    }
  }

  Bytes instance_aid = app.aid;
  Bytes load_file_aid_copy = load_file->aid;
  bool applet = !is_domain;
  try {
    manager_.update([&](Registry& registry) {
      transfer_unique_privileges(registry, app.privileges);
      registry.applications.push_back(app);
    });
  } catch (const apdu::StatusError&) {
    // No room for the registry entry: the applet cannot stay either.
    if (applet) manager_.content().delete_applet(app.aid);
    manager_.begin(Intent{});
    throw;
  }
  uicc::log::get("gp")->info("installed {} from {}{}", to_hex(instance_aid),
                             to_hex(load_file_aid_copy), make_selectable ? " (selectable)" : "");
  if (combined) state_.load.reset();

  // §C.5.2: the install receipt covers the load file and instance AIDs.
  Bytes fields = commands::lv(load_file_aid_copy);
  append(fields, commands::lv(instance_aid));
  return done(fields, token_identifier(parameters));
}

apdu::Response InstallProcessor::for_make_selectable() {
  require_unrestricted(restriction::make_selectable);
  commands::LvReader reader(command_.data);
  if (!reader.field().empty() || !reader.field().empty()) apdu::fail(apdu::sw::wrong_data);
  ByteView aid = reader.field();
  ByteView privileges_field = reader.field();
  ByteView parameters_field = reader.ber_field();
  ByteView signed_fields = reader.consumed();
  ByteView token = reader.ber_field();
  if (!reader.done()) apdu::fail(apdu::sw::wrong_data);

  commands::require_aid(aid);
  ApplicationEntry* app = registry_.find_application(aid);
  if (app == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  if (!registry_.associated(app->security_domain, self().aid))
    apdu::fail(apdu::sw::conditions_not_satisfied);
  if (app->life_cycle != life_cycle::installed) apdu::fail(apdu::sw::conditions_not_satisfied);
  std::optional<Privileges> requested = Privileges::decode(privileges_field);
  if (!requested) apdu::fail(apdu::sw::wrong_data);
  // §11.5.2.3.3: only Card Reset counts here; other privileges in the field are ignored.
  bool card_reset = requested->has(Privilege::card_reset);
  if (card_reset) {
    Privileges only_reset;
    only_reset.set(Privilege::card_reset);
    check_privileges(only_reset, true);
  }
  std::vector<std::uint8_t> implicit_selection;
  std::vector<tlv::Element> parameters = parameters_of(parameters_field);
  if (auto system = find(parameters, 0xEF)) {
    if (auto implicit = tlv::find(*system, 0xCF)) {
      if (implicit->value.size() != 1) apdu::fail(apdu::sw::wrong_data);
      implicit_selection.push_back(implicit->value[0]);
    }
  }
  check_token(signed_fields, token);

  Bytes app_aid = app->aid;
  Bytes load_file = app->load_file;
  manager_.update([&](Registry& registry) {
    ApplicationEntry* target = registry.find_application(app_aid);
    target->life_cycle = life_cycle::selectable;
    append(target->implicit_selection, implicit_selection);
    if (card_reset) {
      target->privileges.set(Privilege::card_reset);
      registry.isd().privileges.set(Privilege::card_reset, false);
    }
  });
  Bytes fields = commands::lv(load_file);
  append(fields, commands::lv(app_aid));
  return done(fields, token_identifier(parameters));
}

void InstallProcessor::check_extradition(const ApplicationEntry& target_domain,
                                         const Bytes& subject, bool load_file) const {
  if (!target_domain.is_security_domain()) apdu::fail(apdu::sw::reference_data_not_found);
  // §9.4.1: the receiving domain is PERSONALIZED (the issuer security domain: the card is not
  // locked, which the handler already checked).
  if (target_domain.aid != registry_.isd_aid &&
      target_domain.life_cycle != life_cycle::personalized) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  // GPCS 2.3 forbids extraditing a load file to a domain with DAP Verification (§1.6.6).
  if (load_file && target_domain.privileges.has(Privilege::dap_verification)) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  // A domain cannot move under itself or under one of its own domains.
  if (registry_.associated(target_domain.aid, subject)) apdu::fail(apdu::sw::wrong_data);
}

apdu::Response InstallProcessor::for_extradition() {
  require_unrestricted(restriction::extradition);
  commands::LvReader reader(command_.data);
  ByteView domain_aid = reader.field();
  if (!reader.field().empty()) apdu::fail(apdu::sw::wrong_data);
  ByteView subject_aid = reader.field();
  if (!reader.field().empty()) apdu::fail(apdu::sw::wrong_data);
  ByteView parameters_field = reader.ber_field();
  ByteView signed_fields = reader.consumed();
  ByteView token = reader.ber_field();
  if (!reader.done()) apdu::fail(apdu::sw::wrong_data);

  commands::require_aid(domain_aid);
  commands::require_aid(subject_aid);
  const ApplicationEntry* target_domain = registry_.find_application(domain_aid);
  if (target_domain == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  Bytes subject(subject_aid.begin(), subject_aid.end());
  ApplicationEntry* app = registry_.find_application(subject);
  LoadFileEntry* file = registry_.find_load_file(subject);
  if (app == nullptr && file == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  if (app != nullptr && app->aid == registry_.isd_aid)
    apdu::fail(apdu::sw::conditions_not_satisfied);
  // §11.5.2.3.4: the subject is associated with the domain that receives the command.
  const Bytes& current = app != nullptr ? app->security_domain : file->security_domain;
  if (current != self().aid) apdu::fail(apdu::sw::conditions_not_satisfied);
  check_extradition(*target_domain, subject, app == nullptr);
  std::vector<tlv::Element> parameters = parameters_of(parameters_field);
  check_token(signed_fields, token);

  Bytes new_domain = target_domain->aid;
  Bytes old_domain = self().aid;
  manager_.update([&](Registry& registry) {
    if (ApplicationEntry* a = registry.find_application(subject)) a->security_domain = new_domain;
    if (LoadFileEntry* f = registry.find_load_file(subject)) f->security_domain = new_domain;
  });
  uicc::log::get("gp")->info("extradited {} to {}", to_hex(subject), to_hex(new_domain));
  Bytes fields = commands::lv(old_domain);
  append(fields, commands::lv(subject));
  append(fields, commands::lv(new_domain));
  return done(fields, token_identifier(parameters));
}

apdu::Response InstallProcessor::for_registry_update() {
  require_unrestricted(restriction::registry_update);
  commands::LvReader reader(command_.data);
  ByteView domain_aid = reader.field();
  if (!reader.field().empty()) apdu::fail(apdu::sw::wrong_data);
  ByteView app_aid = reader.field();
  ByteView privileges_field = reader.field();
  ByteView parameters_field = reader.ber_field();
  ByteView signed_fields = reader.consumed();
  ByteView token = reader.ber_field();
  if (!reader.done()) apdu::fail(apdu::sw::wrong_data);

  std::vector<tlv::Element> parameters = parameters_of(parameters_field);
  std::optional<std::uint8_t> restrict;
  std::vector<std::uint8_t> implicit_selection;
  std::optional<std::vector<std::uint16_t>> services;
  if (auto system = find(parameters, 0xEF)) {
    auto values = tlv::parse_all(*system);
    if (!values) apdu::fail(apdu::sw::wrong_data);
    for (const tlv::Element& e : *values) {
      if (e.tag == 0xD9) {
        if (e.value.size() != 1 || (e.value[0] & 0x80) != 0) apdu::fail(apdu::sw::wrong_data);
        restrict = e.value[0];
      } else if (e.tag == 0xCF) {
        if (e.value.size() != 1) apdu::fail(apdu::sw::wrong_data);
        implicit_selection.push_back(e.value[0]);
      } else if (e.tag == 0xCB) {
        if (e.value.size() % 2 != 0) apdu::fail(apdu::sw::wrong_data);
        services.emplace();
        for (std::size_t i = 0; i < e.value.size(); i += 2)
          services->push_back(get_u16(e.value, i));
      }
    }
  }

  if (app_aid.empty()) {
    // §11.5.2.3.7: without an application AID the Restrict Parameter applies to the OPEN,
    // irreversibly; only the issuer security domain may restrict the card.
    if (!domain_aid.empty() || !privileges_field.empty() || !restrict)
      apdu::fail(apdu::sw::wrong_data);
    if (self().aid != registry_.isd_aid) apdu::fail(apdu::sw::security_status_not_satisfied);
    check_token(signed_fields, token);
    manager_.update([&](Registry& registry) { registry.card.restrictions |= * restrict; });
    return done(Bytes{}, token_identifier(parameters));
  }

  commands::require_aid(app_aid);
  ApplicationEntry* app = registry_.find_application(app_aid);
  if (app == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  bool is_isd = app->aid == registry_.isd_aid;
  if (!is_isd && !registry_.associated(app->security_domain, self().aid)) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  std::optional<Privileges> privileges;
  if (!privileges_field.empty()) {
    privileges = Privileges::decode(privileges_field);
    if (!privileges) apdu::fail(apdu::sw::wrong_data);
    // Updating privileges cannot turn an application into a security domain or back.
    if (privileges->has(Privilege::security_domain) != app->is_security_domain())
      apdu::fail(apdu::sw::wrong_data);
    check_privileges(*privileges, life_cycle::is_selectable(app->life_cycle));
  }
  if (restrict && !app->is_security_domain()) apdu::fail(apdu::sw::wrong_data);
  Bytes new_domain;
  if (!domain_aid.empty()) {
    commands::require_aid(domain_aid);
    const ApplicationEntry* target_domain = registry_.find_application(domain_aid);
    if (target_domain == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
    if (is_isd) apdu::fail(apdu::sw::conditions_not_satisfied);
    check_extradition(*target_domain, app->aid, false);
    new_domain = target_domain->aid;
  }
  check_token(signed_fields, token);

  // §11.5.2.3.5: every requested change happens, or none.
  Bytes target = app->aid;
  Bytes old_domain = app->security_domain;
  manager_.update([&](Registry& registry) {
    ApplicationEntry* entry = registry.find_application(target);
    if (privileges) {
      transfer_unique_privileges(registry, *privileges);
      entry->privileges = *privileges;
    }
    if (!new_domain.empty()) entry->security_domain = new_domain;
    append(entry->implicit_selection, implicit_selection);
    if (services) entry->global_services = *services;
    if (restrict) entry->restrictions |= * restrict;
  });
  // §C.5.4: the registry update receipt.
  Bytes fields = commands::lv(new_domain.empty() ? Bytes{} : old_domain);
  append(fields, commands::lv(target));
  append(fields, commands::lv(new_domain));
  append(fields, commands::lv(privileges_field));
  append(fields, commands::lv(parameters_field));
  return done(fields, token_identifier(parameters));
}

apdu::Response InstallProcessor::for_personalization() {
  require_unrestricted(restriction::personalization);
  commands::LvReader reader(command_.data);
  if (!reader.field().empty() || !reader.field().empty()) apdu::fail(apdu::sw::wrong_data);
  ByteView aid = reader.field();
  for (int i = 0; i < 3; ++i) {
    if (!reader.field().empty()) apdu::fail(apdu::sw::wrong_data);
  }
  if (!reader.done()) apdu::fail(apdu::sw::wrong_data);
  commands::require_aid(aid);
  const ApplicationEntry* app = registry_.find_application(aid);
  if (app == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  // §7.3.2: a domain personalizes its own applications, which must not be locked.
  if (!registry_.associated(app->security_domain, self().aid) || app->aid == self().aid) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  if (life_cycle::is_locked(app->life_cycle)) apdu::fail(apdu::sw::conditions_not_satisfied);
  state_.personalization = app->aid;
  state_.store_data_block = 0;
  state_.store_data.clear();
  return apdu::Response{Bytes{0x00}, apdu::sw::ok};
}

apdu::Response SecurityDomain::install(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  require_card_not_locked();
  // NOTE: INSTALL chaining (P1 b8) is not supported; §11.1.5.1 prescribes 6A86 for that.
  if ((command.p1 & kMoreCommands) != 0) apdu::fail(apdu::sw::incorrect_p1_p2);
  if (command.p2 != 0x00 && command.p2 != kCombinedStart && command.p2 != kCombinedEnd) {
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  std::uint8_t role = command.p1;
  bool content_role = role != kForPersonalization;
  if (content_role) require_content_management();

  InstallProcessor processor(*this, manager_, state, command);
  // Table 11-41: the roles and their combinations.
  switch (role) {
    case kForLoad:
      if (command.p2 != 0x00) apdu::fail(apdu::sw::incorrect_p1_p2);
      return processor.for_load();
    case kForLoad | kForInstall | kForMakeSelectable:
      // §9.3.4: the combined process, P2 = 01 before LOAD and 03 after it.
      if (command.p2 == kCombinedStart) return processor.for_load();
      if (command.p2 == kCombinedEnd) return processor.for_install(true, true);
      apdu::fail(apdu::sw::incorrect_p1_p2);
    case kForInstall:
    case kForInstall | kForMakeSelectable:
      if (command.p2 != 0x00) apdu::fail(apdu::sw::incorrect_p1_p2);
      return processor.for_install((role & kForMakeSelectable) != 0, false);
    case kForMakeSelectable:
      return processor.for_make_selectable();
    case kForExtradition:
      return processor.for_extradition();
    case kForRegistryUpdate:
      return processor.for_registry_update();
    case kForPersonalization:
      return processor.for_personalization();
    default:
      apdu::fail(apdu::sw::incorrect_p1_p2);
  }
}

}  // namespace uicc::sd
