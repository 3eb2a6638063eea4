// SET STATUS (GlobalPlatform Card Specification 2.3.1 §11.10): card life cycle, locking and
// unlocking of applications and security domains, and a security domain's own state.
#include <fmt/format.h>

#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/log.h"

namespace uicc::sd {

namespace {

constexpr std::uint8_t kIssuerSecurityDomain = 0x80;
constexpr std::uint8_t kApplication = 0x40;
constexpr std::uint8_t kDomainAndApplications = 0x60;

// Locks (or unlocks) one entry, keeping its previous state in b7..b1 (Tables 11-4 and 11-5).
bool apply_lock(ApplicationEntry& target, bool lock) {
  bool locked = life_cycle::is_locked(target.life_cycle);
  if (locked == lock) return false;
  target.life_cycle = lock ? static_cast<std::uint8_t>(target.life_cycle | life_cycle::locked_bit)
                           : static_cast<std::uint8_t>(target.life_cycle & ~life_cycle::locked_bit);
  return true;
}

}  // namespace

apdu::Response SecurityDomain::set_status(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  ApplicationEntry& self = entry();
  Registry& registry = manager_.registry();
  auto logger = uicc::log::get("gp");

  if (command.p1 == kIssuerSecurityDomain) {
    // §11.10.2.2 and Figure 5-1: the issuer security domain moves the card forward; Card Lock
    // and Card Terminate privileges allow locking, unlocking and termination.
    std::uint8_t from = registry.card.life_cycle;
    std::uint8_t to = command.p2;
    bool allowed_by_privilege = false;
    if (to == life_cycle::card_locked ||
        (from == life_cycle::card_locked && to == life_cycle::secured)) {
      allowed_by_privilege = self.privileges.has(Privilege::card_lock);
    } else if (to == life_cycle::terminated) {
      allowed_by_privilege = self.privileges.has(Privilege::card_terminate);
    } else {
      allowed_by_privilege = self.aid == registry.isd_aid;
    }
    if (!allowed_by_privilege) apdu::fail(apdu::sw::security_status_not_satisfied);
    if (!life_cycle::card_transition_allowed(from, to)) apdu::fail(apdu::sw::wrong_data);
    registry.card.life_cycle = to;
    manager_.commit();
    logger->info("card life cycle {:02X} -> {:02X}", from, to);
    return apdu::Response{};
  }

  if (command.p1 != kApplication && command.p1 != kDomainAndApplications) {
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  require_card_not_locked();
  commands::require_aid(command.data);
  ApplicationEntry* target = registry.find_application(command.data);
  if (target == nullptr) apdu::fail(apdu::sw::reference_data_not_found);
  if (target->aid == registry.isd_aid) apdu::fail(apdu::sw::wrong_data);

  if (target->aid == self.aid) {
    // A security domain may move itself to PERSONALIZED or LOCKED only (§11.10.2.2).
    if (command.p1 != kApplication) apdu::fail(apdu::sw::wrong_data);
    if (command.p2 == life_cycle::personalized && self.life_cycle == life_cycle::selectable) {
      self.life_cycle = life_cycle::personalized;
    } else if (life_cycle::is_locked(command.p2)) {
      if (!apply_lock(self, true)) apdu::fail(apdu::sw::wrong_data);
    } else {
      apdu::fail(apdu::sw::wrong_data);
    }
    manager_.commit();
    return apdu::Response{};
  }

  // Another application: the associated domain (directly or not) or a Global Lock holder may
  // lock it and unlock it back to its previous state (§5.3.1.3).
  bool associated = registry.associated(target->security_domain, self.aid);
  if (!associated && !self.privileges.has(Privilege::global_lock)) {
    apdu::fail(apdu::sw::security_status_not_satisfied);
  }
  bool lock = (command.p2 & life_cycle::locked_bit) != 0;
  if (command.p1 == kApplication) {
    // §11.10.2.2: a transition to the current state is rejected.
    if (!apply_lock(*target, lock)) apdu::fail(apdu::sw::wrong_data);
  } else {
    // P1 = 60: the domain and its whole sub-hierarchy; entries already in the state stay.
    if (!target->is_security_domain()) apdu::fail(apdu::sw::wrong_data);
    Bytes root = target->aid;
    for (ApplicationEntry& app : registry.applications) {
      if (app.aid == registry.isd_aid) continue;
      if (app.aid == root || registry.associated(app.security_domain, root)) apply_lock(app, lock);
    }
  }
  manager_.commit();
  logger->info("{} {}", lock ? "locked" : "unlocked", to_hex(target->aid));
  return apdu::Response{};
}

}  // namespace uicc::sd
