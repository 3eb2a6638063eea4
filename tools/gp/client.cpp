#include "tools/gp/client.h"

#include <algorithm>

#include <fmt/format.h>

#include "apdu/cla.h"
#include "apdu/status_word.h"
#include "security_domains/scp/host.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/tlv.h"

namespace uicc::gp {

namespace {

constexpr int kMaxResponseRounds = 256;

RegistryEntry decode_entry(ByteView e3, std::uint8_t p1) {
  RegistryEntry entry;
  entry.kind = p1 == 0x80   ? RegistryEntry::Kind::issuer_security_domain
               : p1 == 0x40 ? RegistryEntry::Kind::application
                            : RegistryEntry::Kind::load_file;
  auto elements = tlv::parse_all(e3);
  if (!elements) throw CommandError("GET STATUS returned a malformed E3 template", apdu::sw::ok);
  for (const tlv::Element& e : *elements) {
    Bytes value(e.value.begin(), e.value.end());
    switch (e.tag) {
      case 0x4F:
        entry.aid = value;
        break;
      case 0x9F70:
        entry.life_cycle = value.empty() ? 0 : value[0];
        break;
      case 0xC5:
        entry.privileges = value;
        break;
      case 0xC4:
        entry.load_file = value;
        break;
      case 0xCC:
        entry.security_domain = value;
        break;
      case 0xCE:
        entry.version = value;
        break;
      case 0x84:
        entry.modules.push_back(value);
        break;
      default:
        break;
    }
  }
  return entry;
}

}  // namespace

apdu::Response Client::transmit(const apdu::Command& command) {
  auto log = uicc::log::get("apdu");
  Bytes encoded = command.encode();
  log->trace(">> {}", to_hex(encoded));
  auto parsed = apdu::parse_response(transport_.transmit(encoded));
  if (!parsed)
    throw CommandError("the card returned fewer than two bytes", apdu::sw::technical_problem);
  apdu::Response response = std::move(*parsed);
  log->trace("<< {} {}", to_hex(response.data), response.sw);

  for (int round = 0; round < kMaxResponseRounds; ++round) {
    if (response.sw.is_wrong_le()) {
      // 6Cxx: the same command with Le = xx.
      apdu::Command again = command;
      again.has_le = true;
      again.ne = response.sw.sw2() == 0 ? 256 : response.sw.sw2();
      auto retry = apdu::parse_response(transport_.transmit(again.encode()));
      if (!retry)
        throw CommandError("the card returned fewer than two bytes", apdu::sw::technical_problem);
      response = std::move(*retry);
      continue;
    }
    if (!response.sw.is_more_data()) return response;
    // 61xx: fetch the rest with GET RESPONSE on the same logical channel.
    apdu::Command get_response;
    get_response.cla =
        apdu::ClassByte::encode(apdu::ClassByte{command.cla}.channel(), false, false);
    get_response.ins = 0xC0;
    get_response.has_le = true;
    get_response.ne = response.sw.sw2() == 0 ? 256 : response.sw.sw2();
    auto more = apdu::parse_response(transport_.transmit(get_response.encode()));
    if (!more)
      throw CommandError("the card returned fewer than two bytes", apdu::sw::technical_problem);
    append(response.data, more->data);
    response.sw = more->sw;
  }
  throw CommandError(fmt::format("the card returned 61xx more than {} times", kMaxResponseRounds),
                     response.sw);
}

apdu::Response Client::send(const apdu::Command& command) {
  if (!session_) return transmit(command);
  apdu::Response response = transmit(session_->wrap_command(command));
  auto unwrapped = session_->unwrap_response(response);
  if (!unwrapped) {
    throw CommandError(fmt::format("the response to INS {:02X} has a wrong R-MAC", command.ins),
                       response.sw);
  }
  return *unwrapped;
}

apdu::Response Client::expect_ok(const apdu::Command& command, const std::string& operation) {
  apdu::Response response = send(command);
  if (response.sw != apdu::sw::ok) {
    throw CommandError(
        fmt::format("{} failed: {} ({})", operation, response.sw, apdu::describe(response.sw)),
        response.sw);
  }
  return response;
}

Bytes Client::select(ByteView aid) {
  session_.reset();
  apdu::Response response = transmit(gp::select(aid));
  if (response.sw != apdu::sw::ok && response.sw != apdu::sw::file_invalidated) {
    throw CommandError(fmt::format("SELECT {} failed: {} ({})", to_hex(aid), response.sw,
                                   apdu::describe(response.sw)),
                       response.sw);
  }
  return response.data;
}

void Client::open_secure_channel(const ChannelOptions& options) {
  session_.reset();
  std::size_t challenge_size = 8;
  Bytes host_challenge = crypto::random_bytes(challenge_size);
  apdu::Response initialized =
      transmit(sd::scp::initialize_update_command(options.key_version, host_challenge));
  if (initialized.sw == apdu::sw::wrong_length) {
    // An SCP03 card in S16 mode wants a 16-byte host challenge (Amendment D v1.2 §7.1.1.5).
    host_challenge = crypto::random_bytes(16);
    initialized = transmit(sd::scp::initialize_update_command(options.key_version, host_challenge));
  }
  if (initialized.sw != apdu::sw::ok) {
    throw CommandError(fmt::format("INITIALIZE UPDATE failed: {} ({})", initialized.sw,
                                   apdu::describe(initialized.sw)),
                       initialized.sw);
  }
  sd::scp::InitializeUpdateResponse parsed =
      sd::scp::parse_initialize_update_response(initialized.data);
  sd::scp::OpenedSession opened = sd::scp::open_session(options.keys, host_challenge, parsed,
                                                        options.security_level, options.scp02_i);
  apdu::Response authenticated = transmit(opened.external_authenticate);
  if (authenticated.sw != apdu::sw::ok) {
    throw CommandError(fmt::format("EXTERNAL AUTHENTICATE failed: {} ({})", authenticated.sw,
                                   apdu::describe(authenticated.sw)),
                       authenticated.sw);
  }
  session_ = std::move(opened.session);
  uicc::log::get("gp")->debug("secure channel SCP{:02X} open with key version {:02X}, level {:02X}",
                              static_cast<unsigned>(parsed.protocol), parsed.key_version,
                              options.security_level);
}

std::vector<RegistryEntry> Client::status(std::uint8_t p1) {
  std::vector<RegistryEntry> entries;
  apdu::Response response = send(gp::get_status(p1, false));
  for (int round = 0; round < kMaxResponseRounds; ++round) {
    if (response.sw == apdu::sw::reference_data_not_found) return entries;
    if (response.sw != apdu::sw::ok && response.sw != apdu::sw::more_data_available) {
      throw CommandError(fmt::format("GET STATUS {:02X} failed: {} ({})", p1, response.sw,
                                     apdu::describe(response.sw)),
                         response.sw);
    }
    auto templates = tlv::parse_all(response.data);
    if (!templates) throw CommandError("GET STATUS returned malformed data", response.sw);
    for (const tlv::Element& e : *templates) {
      if (e.tag == 0xE3) entries.push_back(decode_entry(e.value, p1));
    }
    if (response.sw == apdu::sw::ok) return entries;
    response = send(gp::get_status(p1, true));
  }
  throw CommandError(fmt::format("GET STATUS returned 6310 more than {} times", kMaxResponseRounds),
                     response.sw);
}

std::vector<RegistryEntry> Client::list() {
  std::vector<RegistryEntry> all = status(0x80);
  for (std::uint8_t p1 : {std::uint8_t{0x40}, std::uint8_t{0x10}}) {
    std::vector<RegistryEntry> more = status(p1);
    all.insert(all.end(), more.begin(), more.end());
  }
  return all;
}

std::size_t Client::max_block() const {
  // 255 data bytes, less the C-MAC and the padding that C-DECRYPTION may add.
  std::size_t block = 255;
  if (session_ && (session_->level() & sd::scp::level::c_mac) != 0) block -= session_->mac_size();
  if (session_ && (session_->level() & sd::scp::level::c_decryption) != 0) {
    std::size_t cipher_block = session_->protocol() == sd::scp::Protocol::scp02 ? 8 : 16;
    block = block / cipher_block * cipher_block - 1;
  }
  return block;
}

std::size_t Client::install(const LoadFile& load_file, const InstallOptions& options) {
  std::size_t apdus = 0;
  Bytes hash;  // optional without DAP or token (GPCS 2.3.1 §C.2)
  expect_ok(gp::install_for_load(load_file.package_aid, options.security_domain, hash),
            "INSTALL [for load]");
  ++apdus;
  std::size_t block =
      options.block_size == 0 ? max_block() : std::min(options.block_size, max_block());
  for (const apdu::Command& command : gp::load(load_file.load_file_data_block, block)) {
    expect_ok(command, fmt::format("LOAD block {:02X}", command.p2));
    ++apdus;
  }
  if (options.load_only) return apdus;

  Bytes applet;
  if (options.applet) {
    applet = *options.applet;
  } else if (load_file.applet_aids.size() == 1) {
    applet = load_file.applet_aids.front();
  } else {
    throw std::invalid_argument(fmt::format("the CAP file has {} applets: name the one to install",
                                            load_file.applet_aids.size()));
  }
  Bytes instance = options.instance.value_or(applet);
  expect_ok(gp::install_for_install(load_file.package_aid, applet, instance, options.privileges,
                                    gp::install_parameters(options.application_parameters), {},
                                    options.make_selectable),
            "INSTALL [for install]");
  return apdus + 1;
}

void Client::delete_aid(ByteView aid, bool related) {
  expect_ok(gp::delete_object(aid, related), "DELETE");
}

Bytes Client::put_key_set(std::uint8_t replaced_version, std::uint8_t new_version,
                          std::uint8_t type, const sd::scp::StaticKeys& keys) {
  if (!session_) throw std::logic_error("PUT KEY needs a secure channel");
  std::vector<PutKeyComponent> components{{type, keys.enc}, {type, keys.mac}, {type, keys.dek}};
  return expect_ok(gp::put_key(replaced_version, new_version, 0x01, components, *session_),
                   "PUT KEY")
      .data;
}

void Client::set_status(std::uint8_t status_type, std::uint8_t state, ByteView aid) {
  expect_ok(gp::set_status(status_type, state, aid), "SET STATUS");
}

void Client::store_data(ByteView data, std::uint8_t structure) {
  for (const apdu::Command& command : gp::store_data(data, structure, max_block())) {
    expect_ok(command, fmt::format("STORE DATA block {:02X}", command.p2));
  }
}

std::string describe_privileges(ByteView privileges) {
  static constexpr const char* kNames[] = {"SecurityDomain",
                                           "DAPVerification",
                                           "DelegatedManagement",
                                           "CardLock",
                                           "CardTerminate",
                                           "CardReset",
                                           "CVMManagement",
                                           "MandatedDAPVerification",
                                           "TrustedPath",
                                           "AuthorizedManagement",
                                           "TokenVerification",
                                           "GlobalDelete",
                                           "GlobalLock",
                                           "GlobalRegistry",
                                           "FinalApplication",
                                           "GlobalService",
                                           "ReceiptGeneration",
                                           "CipheredLoadFileDataBlock",
                                           "ContactlessActivation",
                                           "ContactlessSelfActivation"};
  // GPCS 2.3.1 Tables 11-7 to 11-9: byte, mask.
  static constexpr std::pair<int, std::uint8_t> kBits[] = {
      {0, 0x80}, {0, 0xC0}, {0, 0xA0}, {0, 0x10}, {0, 0x08}, {0, 0x04}, {0, 0x02},
      {0, 0xC1}, {1, 0x80}, {1, 0x40}, {1, 0x20}, {1, 0x10}, {1, 0x08}, {1, 0x04},
      {1, 0x02}, {1, 0x01}, {2, 0x80}, {2, 0x40}, {2, 0x20}, {2, 0x10}};
  std::string text;
  for (std::size_t i = 0; i < std::size(kNames); ++i) {
    auto [byte, mask] = kBits[i];
    if (static_cast<std::size_t>(byte) >= privileges.size() ||
        (privileges[static_cast<std::size_t>(byte)] & mask) != mask)
      continue;
    if (!text.empty()) text += ", ";
    text += kNames[i];
  }
  return text;
}

std::string describe_life_cycle(RegistryEntry::Kind kind, std::uint8_t state) {
  if (kind == RegistryEntry::Kind::issuer_security_domain) {
    switch (state) {
      case 0x01:
        return "OP_READY";
      case 0x07:
        return "INITIALIZED";
      case 0x0F:
        return "SECURED";
      case 0x7F:
        return "CARD_LOCKED";
      case 0xFF:
        return "TERMINATED";
      default:
        break;
    }
  } else if (kind == RegistryEntry::Kind::load_file) {
    if (state == 0x01) return "LOADED";
  } else {
    if ((state & 0x80) != 0) return "LOCKED";
    switch (state) {
      case 0x03:
        return "INSTALLED";
      case 0x07:
        return "SELECTABLE";
      case 0x0F:
        return "PERSONALIZED";
      default:
        break;
    }
  }
  return fmt::format("{:02X}", state);
}

}  // namespace uicc::gp
