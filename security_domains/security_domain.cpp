#include "security_domains/security_domain.h"

#include <system_error>

#include <fmt/format.h>

#include "apdu/cla.h"
#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "util/log.h"
#include "util/tlv.h"

namespace uicc::sd {

SecurityDomain::SecurityDomain(CardManager& manager, Bytes aid)
    : manager_(manager), aid_(std::move(aid)) {}

SecurityDomain::~SecurityDomain() = default;

ApplicationEntry& SecurityDomain::entry() {
  ApplicationEntry* found = manager_.registry().find_application(aid_);
  // The card manager drops a domain's object with its registry entry, so a missing entry
  // means the domain was deleted while a command was under way.
  if (found == nullptr || !found->domain) apdu::fail(apdu::sw::conditions_not_satisfied);
  return *found;
}

SecurityDomain::Channel& SecurityDomain::channel_state(std::uint8_t channel) {
  if (channel >= kChannels) apdu::fail(apdu::sw::logical_channel_not_supported);
  std::unique_ptr<Channel>& slot = channels_[channel];
  if (!slot) {
    slot = std::make_unique<Channel>();
    slot->secure_channel =
        std::make_unique<scp::SecureChannel>(entry().domain->scp, manager_.key_source(aid_), aid_);
  }
  return *slot;
}

bool SecurityDomain::select(std::uint8_t channel) {
  if (channel >= kChannels) return false;
  // A new selection starts a new application session: no secure channel, no pending
  // sequence (GPCS 2.3.1 §10.2.3 and §11.11.1).
  channels_[channel].reset();
  channel_state(channel);
  return true;
}

void SecurityDomain::deselect(std::uint8_t channel) {
  if (channel < kChannels) channels_[channel].reset();
}

bool SecurityDomain::selected_anywhere() const {
  for (const auto& slot : channels_) {
    if (slot) return true;
  }
  return false;
}

scp::SecureChannel* SecurityDomain::secure_channel(std::uint8_t channel) {
  if (channel >= kChannels || !channels_[channel]) return nullptr;
  return channels_[channel]->secure_channel.get();
}

void SecurityDomain::reset() {
  for (auto& slot : channels_) slot.reset();
}

apdu::Response SecurityDomain::process(std::uint8_t channel, const apdu::Command& command) {
  Channel& state = channel_state(channel);
  if ((command.cla & 0x80) == 0 && command.ins == commands::ins::select) {
    // GPCS 2.3.1 §11.9: SELECT by name (P1 04) is the only form. Selection by file
    // identifier or path reaches a selected security domain like any other command.
    if (command.p1 != 0x04) apdu::fail(apdu::sw::incorrect_p1_p2);
    return select_response(state, command);
  }

  if (scp::SecureChannel::is_security_command(command)) {
    // GPCS 2.3.1 §5.1.1.5: a terminated card processes GET DATA only.
    if (manager_.card_life_cycle() == life_cycle::terminated) {
      apdu::fail(apdu::sw::conditions_not_satisfied);
    }
    return state.secure_channel->process_security(command);
  }

  apdu::Command plain = state.secure_channel->unwrap(command);
  apdu::Response response = dispatch(state, plain);
  write_through();
  return state.secure_channel->wrap(response);
}

void SecurityDomain::write_through() {
  // GPCS 2.3.1 §11 gives 6581 (memory failure) to the commands that write non-volatile
  // memory. The image is written before the command reports success, so a failed write is
  // reported by the command that made it.
  try {
    manager_.store().flush();
  } catch (const std::system_error& error) {
    uicc::log::get("gp")->error("writing the card image failed: {}", error.what());
    apdu::fail(apdu::sw::memory_failure);
  }
}

apdu::Response SecurityDomain::dispatch(Channel& state, const apdu::Command& command) {
  namespace ins = commands::ins;
  struct Route {
    std::uint8_t ins;
    Handler handler;
    bool interindustry;  // also accepted with an ISO/IEC 7816 class byte
  };
  // GPCS 2.3.1 Table 11-1: the commands a security domain processes.
  static constexpr Route kRoutes[] = {
      {ins::get_data, &SecurityDomain::get_data, true},
      {ins::get_data_odd, &SecurityDomain::get_data, true},
      {ins::get_status, &SecurityDomain::get_status, false},
      {ins::set_status, &SecurityDomain::set_status, false},
      {ins::put_key, &SecurityDomain::put_key, false},
      {ins::delete_, &SecurityDomain::delete_command, false},
      {ins::install, &SecurityDomain::install, false},
      {ins::load, &SecurityDomain::load, false},
      {ins::store_data, &SecurityDomain::store_data, false},
  };
  for (const Route& route : kRoutes) {
    if (route.ins != command.ins) continue;
    if (!route.interindustry && (command.cla & 0x80) == 0) apdu::fail(apdu::sw::cla_not_supported);
    bool is_get_data = route.ins == ins::get_data || route.ins == ins::get_data_odd;
    if (manager_.card_life_cycle() == life_cycle::terminated && !is_get_data) {
      apdu::fail(apdu::sw::conditions_not_satisfied);
    }
    return (this->*route.handler)(state, command);
  }
  apdu::fail(apdu::sw::ins_not_supported);
}

void SecurityDomain::require_authenticated(const Channel& state) const {
  // GPCS 2.3.1 Table 11-2: every command but GET DATA needs an authenticated off-card entity.
  if ((state.secure_channel->security_level() & scp::level::authenticated) == 0) {
    apdu::fail(apdu::sw::security_status_not_satisfied);
  }
}

void SecurityDomain::require_content_management() const {
  const ApplicationEntry* self = manager_.registry().find_application(aid_);
  if (self == nullptr || (!self->privileges.has(Privilege::authorized_management) &&
                          !self->privileges.has(Privilege::delegated_management))) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
}

void SecurityDomain::require_card_not_locked() const {
  // GPCS 2.3.1 §5.1.1.4: no card content or key change while the card is locked.
  std::uint8_t card = manager_.card_life_cycle();
  if (card == life_cycle::card_locked || card == life_cycle::terminated) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
}

apdu::Response SecurityDomain::select_response(Channel&, const apdu::Command& command) {
  SelectionCheck check = manager_.check_selection(aid_);
  // ISO/IEC 7816-4 §11.1.1: P2 b4 b3 = 11 requests no response data.
  if ((command.p2 & 0x0C) == 0x0C) return apdu::Response{{}, check.status};

  // GPCS 2.3.1 Table 11-82: the FCI of a security domain.
  Bytes proprietary = commands::recognition_data(entry().domain->scp);
  tlv::append(proprietary, 0x9F65, Bytes{0xFF});  // maximum command data length
  Bytes fci = tlv::encode(0x84, aid_);
  tlv::append(fci, 0xA5, proprietary);
  return apdu::Response{tlv::encode(0x6F, fci), check.status};
}

}  // namespace uicc::sd
