// GET DATA (GlobalPlatform Card Specification 2.3.1 §11.3).
#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/tlv.h"

namespace uicc::sd {

namespace {

// GPCS 2.3.1 Tables H-5 to H-10: what this card supports, for tag 67.
Bytes card_capability() {
  Bytes capability;
  Bytes scp03;
  tlv::append(scp03, 0x80, Bytes{0x03});
  tlv::append(scp03, 0x81, from_hex("00 10 20 30 60 70 01 11 21 31 61 71"));
  tlv::append(scp03, 0x82, Bytes{0x07});  // AES-128, AES-192, AES-256
  tlv::append(capability, 0xA0, scp03);
  Bytes scp02;
  tlv::append(scp02, 0x80, Bytes{0x02});
  tlv::append(scp02, 0x81, from_hex("15 55"));
  tlv::append(capability, 0xA0, scp02);
  tlv::append(capability, 0x81, from_hex("FFFFF0"));    // every privilege for an SSD
  tlv::append(capability, 0x82, from_hex("1E0B30"));    // application privileges
  tlv::append(capability, 0x83, from_hex("01020304"));  // SHA-1, SHA-256, SHA-384, SHA-512
  // Table H-9 and H-10: RSA PKCS #1 and PSS, retail MAC, CMAC with AES-128/192/256, ECDSA
  // with 256, 384, 512 and 521-bit curves.
  Bytes suites = from_hex("FF03");
  tlv::append(capability, 0x85, suites);
  tlv::append(capability, 0x86, suites);
  tlv::append(capability, 0x87, suites);
  tlv::append(capability, 0x88, from_hex("000102030507"));  // GPCS Table B-2 references
  return tlv::encode(0x67, capability);
}

// The list of applications of GET DATA 2F00 (ISO/IEC 7816-4 §8.2.1.1, GPCS Table 11-30).
Bytes application_list(const Registry& registry, ByteView domain, bool global) {
  Bytes list;
  for (const ApplicationEntry& app : registry.applications) {
    if (!global && !registry.associated(app.security_domain, domain)) continue;
    tlv::append(list, 0x61, tlv::encode(0x4F, app.aid));
  }
  return list;
}

// TS 102 226 V16.0.0 §8.2.1.7.2: extended card resources, tag FF21: number of installed
// applications (81), free non-volatile memory (82) and free volatile memory (83).
Bytes extended_card_resources(CardManager& manager) {
  store::Usage usage = manager.store().usage();
  const store::Limits& limits = manager.store().limits();
  Bytes applications;
  append_u16(applications, static_cast<std::uint16_t>(manager.registry().applications.size()));
  Bytes persistent;
  append_u32(persistent,
             static_cast<std::uint32_t>(limits.persistent_bytes - usage.persistent_bytes));
  Bytes transient;
  append_u32(transient, static_cast<std::uint32_t>(limits.volatile_bytes - usage.volatile_bytes));
  Bytes value;
  tlv::append(value, 0x81, applications);
  tlv::append(value, 0x82, persistent);
  tlv::append(value, 0x83, transient);
  return tlv::encode(0xFF21, value);
}

}  // namespace

apdu::Response SecurityDomain::get_data(Channel& state, const apdu::Command& command) {
  ApplicationEntry& self = entry();
  Registry& registry = manager_.registry();
  bool is_isd = self.aid == registry.isd_aid;
  bool global_registry = self.privileges.has(Privilege::global_registry);
  std::uint32_t tag = (std::uint32_t{command.p1} << 8) | command.p2;
  if (command.p1 == 0x00) tag = command.p2;

  // GPCS 2.3.1 §5.1.1.5: on a terminated card only the final application processes GET DATA.
  if (manager_.card_life_cycle() == life_cycle::terminated &&
      !self.privileges.has(Privilege::final_application)) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }

  Bytes object;  // the whole TLV
  // Card data stored by STORE DATA takes precedence over what the card builds itself.
  auto stored = self.domain->data_objects.find(tag);
  if ((tag == 0x66 || tag == 0x67) && stored != self.domain->data_objects.end()) {
    object = tlv::encode(tag, stored->second);
    tag = 0;
  } else if (tag == 0) {
    apdu::fail(apdu::sw::reference_data_not_found);  // P1-P2 0000 names no data object
  }
  switch (tag) {
    case 0:
      break;
    case 0x2F00:
      // The tag list 5C 00 requests the application templates (§11.3.2.2).
      if (command.data.size() < 2 || command.data[0] != 0x5C) apdu::fail(apdu::sw::wrong_data);
      return apdu::Response{application_list(registry, aid_, global_registry), apdu::sw::ok};
    case 0x66:
      object = tlv::encode(0x66, commands::recognition_data(self.domain->scp));
      break;
    case 0x67:
      if (!is_isd) apdu::fail(apdu::sw::reference_data_not_found);
      object = card_capability();
      break;
    case 0xE0:
      object = key_information_template(self.domain->keys);
      break;
    case 0xC1: {
      // §11.3.2.1: the sequence counter of the default key version, for SCP02 and for SCP03
      // with the pseudo-random challenge; SCP02 codes it on 2 bytes, SCP03 on 3.
      const scp::Parameters& parameters = self.domain->scp;
      bool counted = parameters.protocol == scp::Protocol::scp02 || (parameters.i & 0x10) != 0;
      if (!counted) apdu::fail(apdu::sw::reference_data_not_found);
      scp::KeySource& keys = manager_.key_source(aid_);
      std::optional<scp::StaticKeys> default_keys = keys.find_keys(0);
      std::uint32_t counter = default_keys ? keys.sequence_counter(default_keys->version) : 0;
      Bytes value;
      if (parameters.protocol == scp::Protocol::scp03)
        value.push_back(static_cast<std::uint8_t>(counter >> 16));
      append_u16(value, static_cast<std::uint16_t>(counter));
      object = tlv::encode(0xC1, value);
      break;
    }
    case 0xC2: {
      if (!self.privileges.has(Privilege::receipt_generation))
        apdu::fail(apdu::sw::reference_data_not_found);
      Bytes value;
      append_u16(value, self.domain->confirmation_counter);
      object = tlv::encode(0xC2, value);
      break;
    }
    case 0xD3:
      object = tlv::encode(0xD3, Bytes{state.secure_channel->security_level()});
      break;
    case 0x9F7F:
      if (!is_isd) apdu::fail(apdu::sw::reference_data_not_found);
      object = tlv::encode(0x9F7F, registry.card.cplc);
      break;
    case 0xFF21:
      object = extended_card_resources(manager_);
      break;
    case 0xDE:
      // Proprietary tag (GPCS 2.3.1 §11.1.11): the owner identifier of the issuer security
      // domain, recorded at personalization.
      if (!is_isd || registry.card.owner.empty()) apdu::fail(apdu::sw::reference_data_not_found);
      object = tlv::encode(0xDE, registry.card.owner);
      break;
    default: {
      auto found = self.domain->data_objects.find(tag);
      if (found == self.domain->data_objects.end()) apdu::fail(apdu::sw::reference_data_not_found);
      object = tlv::encode(tag, found->second);
      break;
    }
  }

  // §11.3.3.1: a GlobalPlatform class returns the TLV, an ISO class only its value.
  if ((command.cla & 0x80) == 0) {
    auto element = tlv::parse_one(object);
    if (!element) apdu::fail(apdu::sw::reference_data_not_found);
    return apdu::Response{Bytes(element->value.begin(), element->value.end()), apdu::sw::ok};
  }
  return apdu::Response{object, apdu::sw::ok};
}

}  // namespace uicc::sd
