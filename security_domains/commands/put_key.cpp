// PUT KEY (GlobalPlatform Card Specification 2.3.1 §11.8): add a key set or replace one, with
// key check values, in the basic or extended key data format.
#include <algorithm>

#include <fmt/format.h>

#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/log.h"

namespace uicc::sd {

namespace {

constexpr std::uint8_t kMoreCommands = 0x80;
constexpr std::uint8_t kMultipleKeys = 0x80;

bool same_shape(const Key& a, const Key& b) {
  if (a.components.size() != b.components.size()) return false;
  for (std::size_t i = 0; i < a.components.size(); ++i) {
    if (a.components[i].type != b.components[i].type) return false;
    if (a.components[i].value.size() != b.components[i].value.size()) return false;
  }
  return true;
}

}  // namespace

apdu::Response SecurityDomain::put_key(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  require_card_not_locked();
  // NOTE: PUT KEY chaining (P1 b8) is not supported; §11.1.5.1 prescribes 6A86 for that.
  if ((command.p1 & kMoreCommands) != 0) apdu::fail(apdu::sw::incorrect_p1_p2);
  std::uint8_t replaced_version = command.p1;
  std::uint8_t first_id = command.p2 & 0x7F;
  bool multiple = (command.p2 & kMultipleKeys) != 0;

  ApplicationEntry& self = entry();
  DomainData& domain = *self.domain;
  std::size_t block_size = domain.scp.protocol == scp::Protocol::scp02 ? 8 : 16;
  scp::SecureChannel& channel = *state.secure_channel;
  PutKeyError error{};
  std::optional<PutKeyData> data = parse_put_key(
      command.data, first_id, multiple,
      [&channel](ByteView encrypted) { return channel.decrypt_sensitive_data(encrypted); },
      block_size, error);
  if (!data) {
    uicc::log::get("gp")->warn("PUT KEY rejected: {}", error.message);
    if (error.kind == PutKeyError::Kind::check_value)
      apdu::fail(apdu::sw::security_status_not_satisfied);
    apdu::fail(apdu::sw::wrong_data);
  }

  std::vector<Key> keys = domain.keys;
  for (Key& key : data->keys) {
    if (replaced_version != 0) {
      // §11.8.2.3.3: a replacement keeps the identifier, the algorithm and the length.
      auto old = std::find_if(keys.begin(), keys.end(), [&](const Key& k) {
        return k.version == replaced_version && k.id == key.id;
      });
      if (old == keys.end()) apdu::fail(apdu::sw::reference_data_not_found);
      if (!same_shape(*old, key)) apdu::fail(apdu::sw::wrong_data);
      keys.erase(old);
    }
    bool taken = std::any_of(keys.begin(), keys.end(), [&](const Key& k) {
      return k.version == key.version && k.id == key.id;
    });
    if (taken) apdu::fail(apdu::sw::wrong_data);
    keys.push_back(std::move(key));
  }

  // GPCS 2.3.1 §E.1.2 and Amendment D v1.2 §6.2.2.1: a new or replaced key set starts its
  // sequence counter at zero.
  std::uint8_t new_version = data->new_version;
  manager_.update([&](Registry&) {
    domain.keys = std::move(keys);
    if (replaced_version != 0) domain.sequence_counters.erase(replaced_version);
    domain.sequence_counters.erase(new_version);
  });
  uicc::log::get("gp")->info("PUT KEY: {} key(s) of version {:02X} in {}", data->keys.size(),
                             data->new_version, to_hex(aid_));

  Bytes response{data->new_version};
  append(response, data->check_values);
  return apdu::Response{std::move(response), apdu::sw::ok};
}

}  // namespace uicc::sd
