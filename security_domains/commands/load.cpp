// LOAD (GlobalPlatform Card Specification 2.3.1 §11.6 and §9.3.5): the blocks of a Load File
// after INSTALL [for load], the DAP blocks of Appendix C.3, and the hand-over of the Load File
// Data Block to the Java Card runtime.
#include <fmt/format.h>

#include "security_domains/authorization.h"
#include "security_domains/card_manager.h"
#include "security_domains/commands/common.h"
#include "security_domains/security_domain.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/tlv.h"

namespace uicc::sd {

namespace {

constexpr std::uint8_t kLastBlock = 0x80;
// A Load File never needs more than this; larger ones are rejected before they fill RAM.
constexpr std::size_t kMaxLoadFile = 1024 * 1024;

Bytes digest_like(ByteView reference_hash, ByteView data) {
  switch (reference_hash.size()) {
    case 20:
      return crypto::sha1(data);
    case 48:
      return crypto::sha384(data);
    case 64:
      return crypto::sha512(data);
    default:
      return crypto::sha256(data);
  }
}

// The domains whose DAP a load needs (§9.2.1): the receiving domain when it has DAP
// Verification, and every selectable domain with Mandated DAP Verification.
std::vector<const ApplicationEntry*> required_daps(const Registry& registry, ByteView domain) {
  std::vector<const ApplicationEntry*> required;
  for (const ApplicationEntry& app : registry.applications) {
    if (!app.domain || !life_cycle::is_selectable(app.life_cycle)) continue;
    bool receiving = std::equal(app.aid.begin(), app.aid.end(), domain.begin(), domain.end());
    if ((receiving && app.privileges.has(Privilege::dap_verification)) ||
        app.privileges.has(Privilege::mandated_dap_verification)) {
      required.push_back(&app);
    }
  }
  return required;
}

}  // namespace

apdu::Response SecurityDomain::load(Channel& state, const apdu::Command& command) {
  require_authenticated(state);
  require_card_not_locked();
  if (!state.load) apdu::fail(apdu::sw::conditions_not_satisfied);
  LoadSession& session = *state.load;
  // §11.6.2.2: blocks are numbered 00 to FF strictly in sequence; a gap ends the sequence.
  if (command.p2 != session.next_block) {
    state.load.reset();
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  if (session.data.size() + command.data.size() > kMaxLoadFile ||
      session.data.size() + command.data.size() > manager_.store().limits().persistent_bytes) {
    state.load.reset();
    apdu::fail(apdu::sw::not_enough_memory);
  }
  append(session.data, command.data);
  ++session.next_block;
  if ((command.p1 & kLastBlock) == 0) {
    if (session.next_block == 0) {
      // 256 blocks and still no last one: the numbering cannot go on.
      state.load.reset();
      apdu::fail(apdu::sw::incorrect_p1_p2);
    }
    return apdu::Response{Bytes{0x00}, apdu::sw::ok};
  }

  // The whole Load File has arrived. The session ends here, whether the load succeeds or fails.
  LoadSession complete = std::move(session);
  state.load.reset();
  Registry& registry = manager_.registry();
  auto logger = uicc::log::get("gp");

  // Table 11-58: DAP blocks (E2), then the Load File Data Block (C4), or a ciphered one (D4).
  auto elements = tlv::parse_all(complete.data);
  if (!elements) apdu::fail(apdu::sw::wrong_data);
  std::optional<ByteView> data_block;
  std::vector<std::pair<Bytes, Bytes>> dap_blocks;  // domain AID, signature
  for (const tlv::Element& e : *elements) {
    if (e.tag == 0xE2) {
      auto domain = tlv::find(e.value, 0x4F);
      auto signature = tlv::find(e.value, 0xC3);
      if (!domain || !signature || data_block) apdu::fail(apdu::sw::wrong_data);
      dap_blocks.emplace_back(Bytes(domain->value.begin(), domain->value.end()),
                              Bytes(signature->value.begin(), signature->value.end()));
    } else if (e.tag == 0xC4) {
      if (data_block) apdu::fail(apdu::sw::wrong_data);
      data_block = e.value;
    } else {
      // NOTE: ciphered Load File Data Blocks (D3/D4, §C.6) are not supported.
      apdu::fail(apdu::sw::wrong_data);
    }
  }
  if (!data_block) apdu::fail(apdu::sw::wrong_data);

  // §C.2: the hash of INSTALL [for load], if any, must match the Load File Data Block. A DAP
  // needs the hash, since it signs it.
  Bytes computed = digest_like(complete.hash, *data_block);
  if (!complete.hash.empty() && !constant_time_equal(computed, complete.hash)) {
    logger->warn("LOAD rejected: Load File Data Block Hash does not match");
    apdu::fail(apdu::sw::wrong_data);
  }
  for (const ApplicationEntry* domain : required_daps(registry, complete.security_domain)) {
    if (complete.hash.empty()) apdu::fail(apdu::sw::security_status_not_satisfied);
    auto block = std::find_if(dap_blocks.begin(), dap_blocks.end(),
                              [&](const auto& b) { return b.first == domain->aid; });
    if (block == dap_blocks.end() ||
        !authorization::verify_dap(*domain->domain, complete.hash, block->second)) {
      logger->warn("LOAD rejected: missing or invalid DAP of {}", to_hex(domain->aid));
      apdu::fail(apdu::sw::security_status_not_satisfied);
    }
  }

  manager_.begin(Intent{Intent::Kind::load, complete.load_file});
  PackageInfo package;
  try {
    package = manager_.content().load_package(*data_block);
  } catch (const ContentError& error) {
    manager_.begin(Intent{});
    logger->warn("LOAD of {} rejected by the runtime: {}", to_hex(complete.load_file),
                 error.what());
    commands::fail_content(error);
  }
  // §11.5.2.3.1: the Load File AID of INSTALL [for load] is the package's.
  if (package.aid != complete.load_file) {
    manager_.content().delete_package(package.aid);
    manager_.begin(Intent{});
    logger->warn("LOAD rejected: package {} is not the announced load file {}", to_hex(package.aid),
                 to_hex(complete.load_file));
    apdu::fail(apdu::sw::wrong_data);
  }

  LoadFileEntry file;
  file.aid = package.aid;
  file.security_domain = complete.security_domain;
  file.major = package.major;
  file.minor = package.minor;
  file.modules = package.applet_classes;
  file.provider = complete.provider;
  try {
    manager_.update([&](Registry& r) { r.load_files.push_back(file); });
  } catch (const apdu::StatusError&) {
    // No room for the registry entry: the package cannot stay either.
    manager_.content().delete_package(file.aid);
    manager_.begin(Intent{});
    throw;
  }
  logger->info("loaded {} ({} bytes, {} applet classes) for {}", to_hex(file.aid),
               data_block->size(), file.modules.size(), to_hex(file.security_domain));

  if (!complete.delegated) return apdu::Response{Bytes{0x00}, apdu::sw::ok};
  // §C.5.1: the load receipt covers the load file and security domain AIDs.
  Bytes fields = commands::lv(file.aid);
  append(fields, commands::lv(file.security_domain));
  Bytes response;
  manager_.update([&](Registry& r) {
    response = authorization::confirmation(r, fields, complete.token_identifier);
  });
  return apdu::Response{std::move(response), apdu::sw::ok};
}

}  // namespace uicc::sd
