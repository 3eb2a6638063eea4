// STORE DATA (GlobalPlatform Card Specification 2.3.1 §11.11): data for the security domain
// itself (BER-TLV, or DGI 0070 wrapping BER-TLV), or, after INSTALL [for personalization],
// data forwarded to the application being personalized (§7.3.2).
#include <fmt/format.h>

#include "apdu/cla.h"
#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/log.h"
#include "util/tlv.h"

namespace uicc::sd {

namespace {

constexpr std::uint8_t kLastBlock = 0x80;
constexpr std::uint8_t kEncryptionMask = 0x60;
constexpr std::uint8_t kAllEncrypted = 0x60;
constexpr std::uint8_t kStructureMask = 0x18;
constexpr std::uint8_t kDgi = 0x08;
constexpr std::uint8_t kBerTlv = 0x10;
constexpr std::uint8_t kCase4 = 0x01;

// §11.11.2.3: data a security domain generates and that STORE DATA must not set.
bool generated_by_card(std::uint32_t tag) {
  return tag == 0xD3 || tag == 0x2F00 || tag == 0xFF21 || tag == 0xC2 || tag == 0xC1 || tag == 0xE0;
}

// Unwraps DGI structures (EMV CPS: two-byte DGI, length on one byte or FF + two bytes) and
// returns the BER-TLV content of DGI 0070, the only DGI a security domain takes here.
Bytes tlv_from_dgis(ByteView data) {
  Bytes tlv_objects;
  std::size_t position = 0;
  while (position < data.size()) {
    if (data.size() - position < 3) apdu::fail(apdu::sw::wrong_data);
    std::uint16_t dgi = get_u16(data, position);
    std::size_t length = data[position + 2];
    std::size_t header = 3;
    if (length == 0xFF) {
      if (data.size() - position < 5) apdu::fail(apdu::sw::wrong_data);
      length = get_u16(data, position + 3);
      header = 5;
    }
    if (length > data.size() - position - header) apdu::fail(apdu::sw::wrong_data);
    // NOTE: the key-loading DGIs of GPCS 2.3.1 §11.11.4 are not supported.
    if (dgi != 0x0070) apdu::fail(apdu::sw::reference_data_not_found);
    append(tlv_objects, data.subspan(position + header, length));
    position += header + length;
  }
  return tlv_objects;
}

}  // namespace

apdu::Response SecurityDomain::store_data(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  require_card_not_locked();
  // §11.11.2.2: blocks are numbered from 00; a wrong number ends the sequence.
  if (command.p2 != state.store_data_block) {
    state.store_data_block = 0;
    state.store_data.clear();
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  bool last = (command.p1 & kLastBlock) != 0;

  if (state.personalization) {
    Registry& registry = manager_.registry();
    if ((registry.card.restrictions & restriction::personalization) != 0) {
      apdu::fail(apdu::sw::conditions_not_satisfied);
    }
    Bytes target = *state.personalization;
    if (last) {
      state.personalization.reset();
      state.store_data_block = 0;
    } else {
      ++state.store_data_block;
    }
    // The applet's GPSystem.getSecureChannel returns this domain's session meanwhile.
    manager_.personalizing_ = CardManager::Personalization{
        target, apdu::ClassByte{command.cla}.channel(), state.secure_channel.get()};
    apdu::Response response;
    try {
      response = manager_.content().process_data(target, command);
    } catch (...) {
      manager_.personalizing_.reset();
      throw;
    }
    manager_.personalizing_.reset();
    // §11.11.3.1: a case 3 STORE DATA must not produce response data.
    if ((command.p1 & kCase4) == 0 && !response.data.empty() && response.sw.is_success()) {
      apdu::fail(apdu::sw::incorrect_p1_p2);
    }
    return response;
  }

  // Data for this domain: collected until the last block, then applied as a whole.
  if ((command.p1 & kEncryptionMask) == kAllEncrypted) {
    // NOTE: encrypted data objects for the security domain itself are not supported.
    state.store_data_block = 0;
    state.store_data.clear();
    apdu::fail(apdu::sw::wrong_data);
  }
  append(state.store_data, command.data);
  if (!last) {
    ++state.store_data_block;
    return apdu::Response{};
  }
  Bytes collected = std::move(state.store_data);
  state.store_data.clear();
  state.store_data_block = 0;

  std::uint8_t structure = command.p1 & kStructureMask;
  if (structure != kDgi && structure != kBerTlv && structure != 0) apdu::fail(apdu::sw::wrong_data);
  Bytes objects = structure == kDgi ? tlv_from_dgis(collected) : collected;
  auto elements = tlv::parse_all(objects);
  if (!elements) apdu::fail(apdu::sw::wrong_data);

  ApplicationEntry& self = entry();
  bool is_isd = self.aid == manager_.registry().isd_aid;
  for (const tlv::Element& e : *elements) {
    if (generated_by_card(e.tag)) apdu::fail(apdu::sw::wrong_data);
    // The issuer security domain's AID and the owner are the card's, not a domain's.
    if (e.tag == 0x4F &&
        !std::equal(e.value.begin(), e.value.end(), self.aid.begin(), self.aid.end())) {
      apdu::fail(apdu::sw::wrong_data);
    }
    if ((e.tag == 0xDE || e.tag == 0x9F7F || e.tag == 0x67) && !is_isd)
      apdu::fail(apdu::sw::wrong_data);
  }
  Bytes domain_aid = self.aid;
  manager_.update([&](Registry& registry) {
    ApplicationEntry* target = registry.find_application(domain_aid);
    for (const tlv::Element& e : *elements) {
      Bytes value(e.value.begin(), e.value.end());
      if (e.tag == 0x4F) continue;
      if (e.tag == 0xDE) {
        registry.card.owner = value;
      } else if (e.tag == 0x9F7F) {
        registry.card.cplc = value;
      } else {
        target->domain->data_objects[e.tag] = value;
      }
    }
  });
  uicc::log::get("gp")->info("STORE DATA: {} data object(s) for {}", elements->size(),
                             to_hex(domain_aid));
  return apdu::Response{};
}

}  // namespace uicc::sd
