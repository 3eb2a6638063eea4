// `uicc gp`: GlobalPlatform card content management over any PC/SC reader, in the manner of
// GlobalPlatformPro: list, install a CAP file, delete, put keys, lock and unlock, set status,
// store data, with SCP02 or SCP03 and keys from the command line or a key file.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"
#include "tools/gp/cap_file.h"
#include "tools/gp/client.h"
#include "tools/gp/key_file.h"
#include "tools/gp/transport.h"
#include "util/log.h"

namespace uicc::cli {

namespace {

// The GlobalPlatform test key 404142...4F, which GlobalPlatformPro also tries by default.
constexpr std::string_view kTestKey = "404142434445464748494A4B4C4D4E4F";
constexpr std::string_view kIssuerSecurityDomain = "A000000151000000";

struct GpOptions {
  std::string reader;
  std::string key;
  std::string key_enc;
  std::string key_mac;
  std::string key_dek;
  std::string key_file;
  std::string key_version = "00";
  std::string security_level = "mac";
  std::string scp02_i = "15";
  std::string domain = std::string(kIssuerSecurityDomain);
  bool trace = false;

  // Actions.
  bool readers = false;
  bool list = false;
  std::string install;
  std::string load;
  std::string delete_aid;
  bool related = false;
  bool put_keys = false;
  std::string lock;
  std::string unlock;
  bool lock_card = false;
  bool unlock_card = false;
  std::string set_status;
  std::string store_data;
  std::string store_format = "tlv";
  std::vector<std::string> apdus;

  // Install and put-key parameters.
  std::string applet;
  std::string instance;
  std::string privileges = "00";
  std::string parameters;
  std::string to_domain;
  std::size_t block_size = 0;
  std::string new_key;
  std::string new_key_enc;
  std::string new_key_mac;
  std::string new_key_dek;
  std::string new_key_version;
  std::string replace_version = "00";
  std::string key_type = "aes";
};

Bytes hex_argument(const std::string& value, std::string_view option) {
  std::optional<Bytes> bytes = parse_hex(value);
  if (!bytes) throw std::invalid_argument(fmt::format("{} \"{}\" is not hex", option, value));
  return *bytes;
}

Bytes aid_argument(const std::string& value, std::string_view option) {
  Bytes aid = hex_argument(value, option);
  if (aid.size() < 5 || aid.size() > 16) {
    throw std::invalid_argument(
        fmt::format("{} {} has {} bytes: an AID has 5 to 16", option, value, aid.size()));
  }
  return aid;
}

std::uint8_t byte_argument(const std::string& value, std::string_view option) {
  Bytes bytes = hex_argument(value, option);
  if (bytes.size() != 1)
    throw std::invalid_argument(fmt::format("{} \"{}\" is not one hex byte", option, value));
  return bytes[0];
}

// The security level names of GlobalPlatformPro and the EXTERNAL AUTHENTICATE P1 they stand for.
std::uint8_t security_level(const std::string& name) {
  if (name == "clr" || name == "none") return 0x00;
  if (name == "mac") return 0x01;
  if (name == "enc") return 0x03;
  if (name == "rmac") return 0x11;
  if (name == "enc-rmac") return 0x13;
  if (name == "renc") return 0x33;
  return byte_argument(name, "security level");
}

SecretBytes key_value(const std::string& value, std::string_view option) {
  Bytes bytes = hex_argument(value, option);
  if (bytes.size() != 16 && bytes.size() != 24 && bytes.size() != 32) {
    throw std::invalid_argument(
        fmt::format("{} has {} bytes: expected 16, 24 or 32", option, bytes.size()));
  }
  return SecretBytes(bytes);
}

// The card's keys from --key-file, --key, or --key-enc/--key-mac/--key-dek, else the test key.
gp::ChannelOptions channel_options(const GpOptions& options) {
  gp::ChannelOptions channel;
  channel.key_version = byte_argument(options.key_version, "key version");
  channel.security_level = security_level(options.security_level);
  channel.scp02_i = byte_argument(options.scp02_i, "SCP02 i");
  if (!options.key_file.empty()) {
    gp::KeySet set = gp::read_key_file(options.key_file);
    channel.keys = set.keys;
    if (set.version && channel.key_version == 0) channel.key_version = *set.version;
    return channel;
  }
  std::string base = options.key.empty() ? std::string(kTestKey) : options.key;
  SecretBytes key = key_value(base, "--key");
  channel.keys.enc = options.key_enc.empty() ? key : key_value(options.key_enc, "--key-enc");
  channel.keys.mac = options.key_mac.empty() ? key : key_value(options.key_mac, "--key-mac");
  channel.keys.dek = options.key_dek.empty() ? key : key_value(options.key_dek, "--key-dek");
  return channel;
}

void print_list(const std::vector<gp::RegistryEntry>& entries) {
  for (const gp::RegistryEntry& entry : entries) {
    const char* label = entry.kind == gp::RegistryEntry::Kind::issuer_security_domain      ? "ISD"
                        : entry.kind == gp::RegistryEntry::Kind::load_file                 ? "PKG"
                        : (!entry.privileges.empty() && (entry.privileges[0] & 0x80) != 0) ? "SSD"
                                                                                           : "APP";
    std::cout << fmt::format("{}: {} ({})\n", label, to_hex(entry.aid),
                             gp::describe_life_cycle(entry.kind, entry.life_cycle));
    if (!entry.privileges.empty()) {
      std::cout << fmt::format("     Privs:   {}\n", gp::describe_privileges(entry.privileges));
    }
    if (!entry.security_domain.empty() &&
        entry.kind != gp::RegistryEntry::Kind::issuer_security_domain) {
      std::cout << fmt::format("     Parent:  {}\n", to_hex(entry.security_domain));
    }
    if (!entry.load_file.empty() && entry.kind == gp::RegistryEntry::Kind::application) {
      std::cout << fmt::format("     From:    {}\n", to_hex(entry.load_file));
    }
    if (entry.version.size() == 2) {
      std::cout << fmt::format("     Version: {}.{}\n", entry.version[0], entry.version[1]);
    }
    for (const Bytes& module : entry.modules)
      std::cout << fmt::format("     Applet:  {}\n", to_hex(module));
    std::cout << "\n";
  }
}

int count_actions(const GpOptions& o) {
  int count = 0;
  for (bool set : {o.readers, o.list, !o.install.empty(), !o.load.empty(), !o.delete_aid.empty(),
                   o.put_keys, !o.lock.empty(), !o.unlock.empty(), o.lock_card, o.unlock_card,
                   !o.set_status.empty(), !o.store_data.empty(), !o.apdus.empty()}) {
    if (set) ++count;
  }
  return count;
}

void run_gp(const GpOptions& options) {
  if (options.trace) uicc::log::get("apdu")->set_level(spdlog::level::trace);
  if (count_actions(options) != 1) {
    throw std::invalid_argument(
        "uicc gp needs exactly one action: --list, --install, --load, --delete, "
        "--put-keys, --lock, --unlock, --lock-card, --unlock-card, --set-status, "
        "--store-data, --apdu or --readers");
  }
  if (options.readers) {
    for (const std::string& reader : gp::PcscTransport::readers()) std::cout << reader << "\n";
    return;
  }

  gp::PcscTransport transport(options.reader);
  gp::Client client(transport);
  uicc::log::get("cli")->info("card in \"{}\", ATR {}", transport.reader(),
                              to_hex(transport.atr()));
  Bytes domain = aid_argument(options.domain, "--domain");
  client.select(domain);
  client.open_secure_channel(channel_options(options));

  if (options.list) {
    print_list(client.list());
    return;
  }
  if (!options.install.empty() || !options.load.empty()) {
    bool load_only = options.install.empty();
    gp::LoadFile load_file = gp::read_cap_file(load_only ? options.load : options.install);
    gp::Client::InstallOptions install;
    install.load_only = load_only;
    if (!options.applet.empty()) install.applet = aid_argument(options.applet, "--applet");
    if (!options.instance.empty()) install.instance = aid_argument(options.instance, "--instance");
    install.privileges = hex_argument(options.privileges, "--privileges");
    install.application_parameters = hex_argument(options.parameters, "--params");
    if (!options.to_domain.empty())
      install.security_domain = aid_argument(options.to_domain, "--to-domain");
    install.block_size = options.block_size;
    std::size_t apdus = client.install(load_file, install);
    std::cout << fmt::format("{} {} ({} bytes, {} APDUs)\n", load_only ? "loaded" : "installed",
                             to_hex(load_file.package_aid), load_file.load_file_data_block.size(),
                             apdus);
    return;
  }
  if (!options.delete_aid.empty()) {
    client.delete_aid(aid_argument(options.delete_aid, "--delete"), options.related);
    return;
  }
  if (options.put_keys) {
    if (options.new_key_version.empty())
      throw std::invalid_argument("--put-keys needs --new-key-version");
    sd::scp::StaticKeys keys;
    SecretBytes base =
        options.new_key.empty() ? SecretBytes() : key_value(options.new_key, "--new-key");
    keys.enc = options.new_key_enc.empty() ? base : key_value(options.new_key_enc, "--new-key-enc");
    keys.mac = options.new_key_mac.empty() ? base : key_value(options.new_key_mac, "--new-key-mac");
    keys.dek = options.new_key_dek.empty() ? base : key_value(options.new_key_dek, "--new-key-dek");
    if (keys.enc.empty() || keys.mac.empty() || keys.dek.empty()) {
      throw std::invalid_argument(
          "--put-keys needs --new-key or all of --new-key-enc, --new-key-mac, --new-key-dek");
    }
    std::uint8_t type = options.key_type == "des" ? 0x80 : 0x88;
    Bytes response =
        client.put_key_set(byte_argument(options.replace_version, "--replace"),
                           byte_argument(options.new_key_version, "--new-key-version"), type, keys);
    std::cout << fmt::format("key version {:02X}, check values {}\n",
                             response.empty() ? 0 : response[0],
                             to_hex(ByteView(response).subspan(response.empty() ? 0 : 1)));
    return;
  }
  if (!options.lock.empty()) {
    client.set_status(0x40, 0x80, aid_argument(options.lock, "--lock"));
    return;
  }
  if (!options.unlock.empty()) {
    client.set_status(0x40, 0x00, aid_argument(options.unlock, "--unlock"));
    return;
  }
  if (options.lock_card || options.unlock_card) {
    client.set_status(0x80, options.lock_card ? 0x7F : 0x0F, {});
    return;
  }
  if (!options.set_status.empty()) {
    // P1:P2[:AID], all hex.
    std::vector<std::string> parts;
    std::string rest = options.set_status;
    for (std::size_t colon; (colon = rest.find(':')) != std::string::npos;
         rest = rest.substr(colon + 1)) {
      parts.push_back(rest.substr(0, colon));
    }
    parts.push_back(rest);
    if (parts.size() < 2 || parts.size() > 3)
      throw std::invalid_argument("--set-status takes P1:P2[:AID] in hex");
    Bytes aid = parts.size() == 3 ? aid_argument(parts[2], "--set-status AID") : Bytes{};
    client.set_status(byte_argument(parts[0], "--set-status P1"),
                      byte_argument(parts[1], "--set-status P2"), aid);
    return;
  }
  if (!options.store_data.empty()) {
    std::uint8_t structure = options.store_format == "dgi"   ? 0x08
                             : options.store_format == "raw" ? 0x00
                                                             : 0x10;
    client.store_data(hex_argument(options.store_data, "--store-data"), structure);
    return;
  }
  for (const std::string& hex : options.apdus) {
    auto command = apdu::parse_command(hex_argument(hex, "--apdu"));
    if (!std::holds_alternative<apdu::Command>(command))
      throw std::invalid_argument("--apdu " + hex + " is not a valid APDU");
    apdu::Response response = client.send(std::get<apdu::Command>(command));
    std::cout << to_hex(response.encode()) << "\n";
  }
}

}  // namespace

void add_gp_command(CLI::App& app) {
  auto options = std::make_shared<GpOptions>();
  CLI::App* gp = app.add_subcommand(
      "gp", "Manage card content with GlobalPlatform commands over a PC/SC reader");

  gp->add_option("--reader", options->reader,
                 "PC/SC reader name (default: the first reader with a card)");
  gp->add_option("--key", options->key,
                 "Key-ENC, Key-MAC and Key-DEK in hex (default: the test key 4041..4F)");
  gp->add_option("--key-enc", options->key_enc, "Key-ENC in hex");
  gp->add_option("--key-mac", options->key_mac, "Key-MAC in hex");
  gp->add_option("--key-dek", options->key_dek, "Key-DEK in hex");
  gp->add_option("--key-file", options->key_file,
                 "File of \"name = hex\" lines: key or enc/mac/dek, version");
  gp->add_option("--key-version", options->key_version,
                 "Key version number in hex (00: the card chooses)");
  gp->add_option("--security-level", options->security_level,
                 "clr, mac, enc, rmac, enc-rmac, renc, or EXTERNAL AUTHENTICATE P1 in hex");
  gp->add_option("--scp02-i", options->scp02_i, "SCP02 option i in hex: 15 or 55");
  gp->add_option("--domain", options->domain,
                 "AID of the security domain to work in (default: the ISD)");
  gp->add_flag("--trace", options->trace, "Log every APDU");

  gp->add_flag("--readers", options->readers, "List the PC/SC readers");
  gp->add_flag("--list", options->list,
               "List security domains, applications and load files (GET STATUS)");
  gp->add_option("--install", options->install, "Load a CAP file and install its applet");
  gp->add_option("--load", options->load, "Load a CAP file without installing");
  gp->add_option("--delete", options->delete_aid,
                 "Delete an application, security domain or load file");
  gp->add_flag("--related", options->related,
               "With --delete: also delete a load file's applications");
  gp->add_flag("--put-keys", options->put_keys, "Add or replace a key set (PUT KEY)");
  gp->add_option("--lock", options->lock, "Lock an application (SET STATUS)");
  gp->add_option("--unlock", options->unlock, "Unlock an application (SET STATUS)");
  gp->add_flag("--lock-card", options->lock_card, "Lock the card (SET STATUS 80 7F)");
  gp->add_flag("--unlock-card", options->unlock_card, "Unlock the card (SET STATUS 80 0F)");
  gp->add_option("--set-status", options->set_status, "SET STATUS P1:P2[:AID] in hex");
  gp->add_option("--store-data", options->store_data, "STORE DATA to the selected domain, in hex");
  gp->add_option("--store-format", options->store_format, "STORE DATA structure: tlv, dgi or raw")
      ->check(CLI::IsMember({"tlv", "dgi", "raw"}));
  gp->add_option("--apdu", options->apdus, "Send an APDU through the secure channel (repeatable)");

  gp->add_option("--applet", options->applet, "With --install: the applet class AID");
  gp->add_option("--instance", options->instance,
                 "With --install: the instance AID (default: the class AID)");
  gp->add_option("--privileges", options->privileges,
                 "With --install: privileges in hex (1 or 3 bytes)");
  gp->add_option("--params", options->parameters,
                 "With --install: application parameters (C9) in hex");
  gp->add_option("--to-domain", options->to_domain,
                 "With --install or --load: associate with this domain");
  gp->add_option("--block-size", options->block_size,
                 "With --install or --load: LOAD data bytes per command");
  gp->add_option("--new-key", options->new_key,
                 "With --put-keys: one value for ENC, MAC and DEK, in hex");
  gp->add_option("--new-key-enc", options->new_key_enc, "With --put-keys: new Key-ENC in hex");
  gp->add_option("--new-key-mac", options->new_key_mac, "With --put-keys: new Key-MAC in hex");
  gp->add_option("--new-key-dek", options->new_key_dek, "With --put-keys: new Key-DEK in hex");
  gp->add_option("--new-key-version", options->new_key_version,
                 "With --put-keys: version of the new keys, hex");
  gp->add_option("--replace", options->replace_version,
                 "With --put-keys: version to replace, hex (00 adds)");
  gp->add_option("--key-type", options->key_type, "With --put-keys: aes or des")
      ->check(CLI::IsMember({"aes", "des"}));

  gp->callback([options] { run_gp(*options); });
}

}  // namespace uicc::cli
