// GET STATUS (GlobalPlatform Card Specification 2.3.1 §11.4), TLV response format (P2 b2 = 1)
// with paging through 6310.
#include <algorithm>

#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/tlv.h"

namespace uicc::sd {

namespace {

constexpr std::uint8_t kIssuerSecurityDomain = 0x80;
constexpr std::uint8_t kApplications = 0x40;
constexpr std::uint8_t kLoadFiles = 0x20;
constexpr std::uint8_t kLoadFilesAndModules = 0x10;
constexpr std::uint8_t kNextOccurrence = 0x01;
constexpr std::uint8_t kTlvFormat = 0x02;

// The search criteria of the command data field (Table 11-35).
struct Criteria {
  Bytes aid_prefix;  // empty: every entry
  Bytes tag_list;    // empty: the default content of §11.4.3.1
};

Criteria parse_criteria(ByteView data) {
  auto elements = tlv::parse_all(data);
  if (!elements || elements->empty() || elements->front().tag != 0x4F) {
    apdu::fail(apdu::sw::wrong_data);
  }
  Criteria criteria;
  criteria.aid_prefix.assign(elements->front().value.begin(), elements->front().value.end());
  if (criteria.aid_prefix.size() > 16) apdu::fail(apdu::sw::wrong_data);
  for (const tlv::Element& e : *elements) {
    if (e.tag == 0x5C) criteria.tag_list.assign(e.value.begin(), e.value.end());
  }
  return criteria;
}

bool matches(const Criteria& criteria, ByteView aid) {
  return aid.size() >= criteria.aid_prefix.size() &&
         std::equal(criteria.aid_prefix.begin(), criteria.aid_prefix.end(), aid.begin());
}

// Keeps the data objects of an E3 template that the tag list names (§11.4.3.1).
Bytes apply_tag_list(const Bytes& content, const Bytes& tag_list) {
  if (tag_list.empty()) return content;
  auto elements = tlv::parse_all(content);
  Bytes kept;
  for (std::size_t i = 0; i < tag_list.size();) {
    // A tag list contains tags without lengths: one, two or three bytes each.
    std::size_t length = 1;
    if ((tag_list[i] & 0x1F) == 0x1F) {
      while (i + length < tag_list.size() && (tag_list[i + length] & 0x80) != 0) ++length;
      ++length;
    }
    std::uint32_t wanted = 0;
    for (std::size_t j = 0; j < length && i + j < tag_list.size(); ++j)
      wanted = (wanted << 8) | tag_list[i + j];
    for (const tlv::Element& e : *elements) {
      if (e.tag == wanted) tlv::append(kept, e.tag, e.value);
    }
    i += length;
  }
  return kept;
}

Bytes application_template(const ApplicationEntry& app, std::uint8_t state) {
  Bytes content;
  tlv::append(content, 0x4F, app.aid);
  tlv::append(content, 0x9F70, Bytes{state});
  tlv::append(content, 0xC5, app.privileges.view());
  for (std::uint8_t implicit : app.implicit_selection) tlv::append(content, 0xCF, Bytes{implicit});
  if (!app.load_file.empty()) tlv::append(content, 0xC4, app.load_file);
  tlv::append(content, 0xCC, app.security_domain);
  return content;
}

Bytes load_file_template(const LoadFileEntry& file, bool modules) {
  Bytes content;
  tlv::append(content, 0x4F, file.aid);
  tlv::append(content, 0x9F70, Bytes{life_cycle::loaded});
  tlv::append(content, 0xCE, Bytes{file.major, file.minor});
  if (modules) {
    for (const Bytes& module : file.modules) tlv::append(content, 0x84, module);
  }
  tlv::append(content, 0xCC, file.security_domain);
  return content;
}

}  // namespace

apdu::Response SecurityDomain::get_status(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  const ApplicationEntry& self = entry();
  const Registry& registry = manager_.registry();
  bool global = self.privileges.has(Privilege::global_registry);
  bool is_isd = self.aid == registry.isd_aid;

  std::uint8_t p1 = command.p1;
  if (p1 != kIssuerSecurityDomain && p1 != kApplications && p1 != kLoadFiles &&
      p1 != kLoadFilesAndModules) {
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  // P2 b2 = 0 requests the deprecated format, which this card does not produce (Table 11-34).
  if ((command.p2 & kTlvFormat) == 0 || (command.p2 & 0xFC) != 0)
    apdu::fail(apdu::sw::incorrect_p1_p2);
  bool next = (command.p2 & kNextOccurrence) != 0;
  if (p1 == kIssuerSecurityDomain) {
    // §11.4.2.1: only the issuer security domain or a Global Registry domain accepts P1 = 80,
    // and P1 = 80 has no "next occurrence".
    if (!is_isd && !global) apdu::fail(apdu::sw::reference_data_not_found);
    if (next) apdu::fail(apdu::sw::incorrect_p1_p2);
  }

  Criteria criteria = parse_criteria(command.data);
  std::size_t skip = 0;
  if (next) {
    // §11.4.2.2: "get next" continues the previous "get first" of this application session.
    if (!state.status || state.status->p1 != p1 || state.status->criteria != command.data) {
      apdu::fail(apdu::sw::conditions_not_satisfied);
    }
    skip = state.status->returned;
  }

  // Every matching entry as one E3 template, in registry order.
  std::vector<Bytes> entries;
  auto visible = [&](ByteView domain) { return global || registry.associated(domain, aid_); };
  if (p1 == kIssuerSecurityDomain) {
    const ApplicationEntry& isd = registry.isd();
    entries.push_back(application_template(isd, registry.card.life_cycle));
  } else if (p1 == kApplications) {
    for (const ApplicationEntry& app : registry.applications) {
      if (app.aid == registry.isd_aid || !matches(criteria, app.aid) ||
          !visible(app.security_domain))
        continue;
      entries.push_back(application_template(app, app.life_cycle));
    }
  } else {
    for (const LoadFileEntry& file : registry.load_files) {
      if (!matches(criteria, file.aid) || !visible(file.security_domain)) continue;
      entries.push_back(load_file_template(file, p1 == kLoadFilesAndModules));
    }
  }
  if (entries.empty()) apdu::fail(apdu::sw::reference_data_not_found);

  // Whole templates fill the response up to the Le the host allows (256 at most); what is
  // left waits for "get next" after 6310 (Table 11-38).
  std::size_t limit =
      command.ne == 0 ? apdu::kMaxShortResponse : std::min(command.ne, apdu::kMaxShortResponse);
  // A secure channel with R-MAC adds up to 16 bytes and R-ENCRYPTION up to 16 more.
  std::uint8_t level = state.secure_channel->security_level();
  if ((level & scp::level::r_mac) != 0) limit -= 16;
  if ((level & scp::level::r_encryption) != 0) limit -= 16;

  Bytes response;
  std::size_t index = skip;
  for (; index < entries.size(); ++index) {
    Bytes item = tlv::encode(0xE3, apply_tag_list(entries[index], criteria.tag_list));
    if (!response.empty() && response.size() + item.size() > limit) break;
    append(response, item);
  }
  if (skip >= entries.size()) apdu::fail(apdu::sw::reference_data_not_found);

  if (index < entries.size()) {
    state.status = Channel::StatusCursor{p1, command.data, index};
    return apdu::Response{std::move(response), apdu::sw::more_data_available};
  }
  state.status.reset();
  return apdu::Response{std::move(response), apdu::sw::ok};
}

}  // namespace uicc::sd
