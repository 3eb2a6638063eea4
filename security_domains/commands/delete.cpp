// DELETE (GlobalPlatform Card Specification 2.3.1 §11.2 and §9.5): an application or security
// domain, an executable load file with or without its applications, or keys.
#include <algorithm>

#include <fmt/format.h>

#include "security_domains/authorization.h"
#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/log.h"
#include "util/tlv.h"

namespace uicc::sd {

namespace {

constexpr std::uint8_t kMoreCommands = 0x80;
constexpr std::uint8_t kRelatedObjects = 0x80;

}  // namespace

// Carries out the deletion checks of GPCS 2.3.1 §9.5 and the deletion itself, so the handler
// stays a sequence of gates.
class DeleteProcessor {
 public:
  DeleteProcessor(SecurityDomain& domain, CardManager& manager)
      : domain_(domain), manager_(manager), registry_(manager.registry()) {}

  // Checks that `app` may go (§9.5.1), without deleting it.
  void check_application(const ApplicationEntry& app, bool with_load_file) {
    const ApplicationEntry& self = domain_.entry();
    if (app.aid == registry_.isd_aid) apdu::fail(apdu::sw::conditions_not_satisfied);
    if (!registry_.associated(app.security_domain, self.aid) &&
        !self.privileges.has(Privilege::global_delete)) {
      apdu::fail(apdu::sw::security_status_not_satisfied);
    }
    if ((app.restrictions & restriction::deletion) != 0)
      apdu::fail(apdu::sw::conditions_not_satisfied);
    if (app.is_security_domain()) {
      // A security domain goes only without associated content, and not while selected.
      for (const ApplicationEntry& other : registry_.applications) {
        if (other.aid != app.aid && other.security_domain == app.aid) {
          apdu::fail(apdu::sw::conditions_not_satisfied);
        }
      }
      for (const LoadFileEntry& file : registry_.load_files) {
        if (file.security_domain == app.aid) apdu::fail(apdu::sw::conditions_not_satisfied);
      }
      SecurityDomain* object = manager_.security_domain(app.aid);
      if (object != nullptr && object->selected_anywhere() && object != &domain_) {
        apdu::fail(apdu::sw::conditions_not_satisfied);
      }
      if (object == &domain_) apdu::fail(apdu::sw::conditions_not_satisfied);
    } else if (manager_.content().is_selected(app.aid)) {
      apdu::fail(apdu::sw::conditions_not_satisfied);
    }
    (void)with_load_file;
  }

  void delete_application(const Bytes& aid) {
    ApplicationEntry* app = registry_.find_application(aid);
    bool is_domain = app->is_security_domain();
    if (!is_domain) {
      manager_.begin(Intent{Intent::Kind::delete_application, aid});
      try {
        manager_.content().delete_applet(aid);
      } catch (const ContentError& error) {
        manager_.begin(Intent{});
        if (error.code() != ContentError::Code::not_found) commands::fail_content(error);
      }
    }
    manager_.update([&](Registry& registry) {
      auto& apps = registry.applications;
      apps.erase(std::remove_if(apps.begin(), apps.end(),
                                [&](const ApplicationEntry& a) { return a.aid == aid; }),
                 apps.end());
      restore_unique_privileges(registry);
    });
    uicc::log::get("gp")->info("deleted {} {}", is_domain ? "security domain" : "application",
                               to_hex(aid));
  }

  void delete_load_file(const Bytes& aid) {
    manager_.begin(Intent{Intent::Kind::delete_load_file, aid});
    try {
      manager_.content().delete_package(aid);
    } catch (const ContentError& error) {
      manager_.begin(Intent{});
      if (error.code() != ContentError::Code::not_found) commands::fail_content(error);
    }
    manager_.update([&](Registry& registry) {
      auto& files = registry.load_files;
      files.erase(std::remove_if(files.begin(), files.end(),
                                 [&](const LoadFileEntry& f) { return f.aid == aid; }),
                  files.end());
    });
    uicc::log::get("gp")->info("deleted load file {}", to_hex(aid));
  }

 private:
  // GPCS 2.3.1 §6.6.2: when the holder of Card Reset or Final Application goes, the issuer
  // security domain takes the privilege back.
  static void restore_unique_privileges(Registry& registry) {
    for (Privilege unique : {Privilege::card_reset, Privilege::final_application}) {
      if (registry.holder(unique) == nullptr) registry.isd().privileges.set(unique);
    }
  }

  SecurityDomain& domain_;
  CardManager& manager_;
  Registry& registry_;
};

apdu::Response SecurityDomain::delete_command(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  require_card_not_locked();
  // NOTE: DELETE chaining (P1 b8) is not supported; §11.1.5.1 prescribes 6A86 for that.
  if ((command.p1 & kMoreCommands) != 0 || (command.p2 & ~kRelatedObjects) != 0) {
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  auto elements = tlv::parse_all(command.data);
  if (!elements || elements->empty()) apdu::fail(apdu::sw::wrong_data);

  ApplicationEntry& self = entry();
  std::optional<ByteView> aid;
  std::optional<ByteView> key_id;
  std::optional<ByteView> key_version;
  std::optional<ByteView> token;
  Bytes token_identifier;
  std::size_t signed_size = 0;  // the data fields the token covers: everything before 9E
  for (const tlv::Element& e : *elements) {
    switch (e.tag) {
      case 0x4F:
        aid = e.value;
        break;
      case 0xD0:
        key_id = e.value;
        break;
      case 0xD2:
        key_version = e.value;
        break;
      case 0x9E:
        token = e.value;
        break;
      case 0xB6:
        if (auto id = tlv::find(e.value, 0x93))
          token_identifier.assign(id->value.begin(), id->value.end());
        break;
      default:
        apdu::fail(apdu::sw::wrong_data);
    }
    if (e.tag != 0x9E) signed_size += e.size;
  }

  // DELETE [key] (Table 11-24): all keys with the given identifier and/or version.
  if (key_id || key_version) {
    if (aid || token) apdu::fail(apdu::sw::wrong_data);
    if ((key_id && key_id->size() != 1) || (key_version && key_version->size() != 1)) {
      apdu::fail(apdu::sw::wrong_data);
    }
    std::vector<Key>& keys = self.domain->keys;
    auto doomed = [&](const Key& key) {
      return (!key_id || key.id == (*key_id)[0]) &&
             (!key_version || key.version == (*key_version)[0]);
    };
    if (std::none_of(keys.begin(), keys.end(), doomed))
      apdu::fail(apdu::sw::reference_data_not_found);
    manager_.update([&](Registry&) {
      keys.erase(std::remove_if(keys.begin(), keys.end(), doomed), keys.end());
    });
    return apdu::Response{Bytes{0x00}, apdu::sw::ok};
  }

  if (!aid) apdu::fail(apdu::sw::wrong_data);
  commands::require_aid(*aid);
  require_content_management();
  Registry& registry = manager_.registry();
  if ((registry.card.restrictions & restriction::deletion) != 0)
    apdu::fail(apdu::sw::conditions_not_satisfied);

  // §9.1.3.3 and §C.4.6: delegated management needs a delete token; authorized management
  // rejects one (§11.2.2.3.1, the card must not accept a token it does not expect).
  bool delegated = self.privileges.has(Privilege::delegated_management);
  if (delegated) {
    if (!token) apdu::fail(apdu::sw::security_status_not_satisfied);
    Bytes signed_data = authorization::token_data(command.p1, command.p2,
                                                  ByteView(command.data).first(signed_size));
    if (!authorization::verify_token(registry, signed_data, *token)) {
      apdu::fail(apdu::sw::security_status_not_satisfied);
    }
  } else if (token) {
    apdu::fail(apdu::sw::wrong_data);
  }

  Bytes target(aid->begin(), aid->end());
  DeleteProcessor processor(*this, manager_);
  if (const ApplicationEntry* app = registry.find_application(target)) {
    processor.check_application(*app, false);
    processor.delete_application(target);
  } else if (const LoadFileEntry* file = registry.find_load_file(target)) {
    if (file->aid == manager_.profile().sd_load_file)
      apdu::fail(apdu::sw::conditions_not_satisfied);
    if (!registry.associated(file->security_domain, self.aid) &&
        !self.privileges.has(Privilege::global_delete)) {
      apdu::fail(apdu::sw::security_status_not_satisfied);
    }
    std::vector<Bytes> instances;
    for (const ApplicationEntry& candidate : registry.applications) {
      if (candidate.load_file == target) instances.push_back(candidate.aid);
    }
    // §11.2.2.2: P2 = 80 takes the load file's applications along; without it, applications
    // of the load file keep it on the card.
    if (!instances.empty() && (command.p2 & kRelatedObjects) == 0) {
      apdu::fail(apdu::sw::conditions_not_satisfied);
    }
    for (const Bytes& instance : instances)
      processor.check_application(*registry.find_application(instance), true);
    for (const Bytes& instance : instances) processor.delete_application(instance);
    processor.delete_load_file(target);
  } else {
    apdu::fail(apdu::sw::reference_data_not_found);
  }

  if (!delegated) return apdu::Response{Bytes{0x00}, apdu::sw::ok};
  // §C.5.5: the delete receipt covers the deleted AID.
  Bytes fields = commands::lv(target);
  Bytes response;
  manager_.update(
      [&](Registry& r) { response = authorization::confirmation(r, fields, token_identifier); });
  return apdu::Response{std::move(response), apdu::sw::ok};
}

}  // namespace uicc::sd
