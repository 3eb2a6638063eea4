// Tests of the host side (tools/gp): key files, CAP reading, and the client that `uicc gp`
// runs, against a card in this process with the Java Card runtime behind the card manager.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "security_domains/life_cycle.h"
#include "test/security_domains/gp_card.h"
#include "tools/gp/cap_file.h"
#include "tools/gp/client.h"
#include "tools/gp/key_file.h"
#include "util/crypto.h"
#include "vm/api/builtin_registry.h"
#include "vm/cap/cap_reader.h"
#include "vm/store/store.h"

namespace uicc::gp {
namespace {

using test::GpCard;
using test::GpCardOptions;

const Bytes kHelloPackage = from_hex("F0756963630101");
const Bytes kHelloApplet = from_hex("F075696363010101");
const Bytes kIsd = from_hex("A000000151000000");

sd::scp::StaticKeys test_keys() {
  SecretBytes key(from_hex("404142434445464748494A4B4C4D4E4F"));
  return sd::scp::StaticKeys{0x30, key, key, key};
}

ChannelOptions channel(std::uint8_t level = 0x01) {
  ChannelOptions options;
  options.keys = test_keys();
  options.security_level = level;
  return options;
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() / ("uicc-gp-" + to_hex(crypto::random_bytes(6)));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// --- key files -----------------------------------------------------------------------------

TEST(KeyFile, OneKeyForAllThreeWithVersion) {
  KeySet set = parse_key_file("# lab card\nkey = 404142434445464748494A4B4C4D4E4F\nversion = 30\n");
  EXPECT_EQ(to_hex(set.keys.enc.view()), "404142434445464748494A4B4C4D4E4F");
  EXPECT_EQ(to_hex(set.keys.dek.view()), "404142434445464748494A4B4C4D4E4F");
  ASSERT_TRUE(set.version);
  EXPECT_EQ(*set.version, 0x30);
}

TEST(KeyFile, SeparateKeys) {
  KeySet set = parse_key_file(
      "enc = 000102030405060708090A0B0C0D0E0F\n"
      "mac=101112131415161718191A1B1C1D1E1F\n"
      "  dek = 202122232425262728292A2B2C2D2E2F  \n");
  EXPECT_EQ(to_hex(set.keys.mac.view()), "101112131415161718191A1B1C1D1E1F");
  EXPECT_EQ(to_hex(set.keys.dek.view()), "202122232425262728292A2B2C2D2E2F");
  EXPECT_FALSE(set.version);
}

TEST(KeyFile, ErrorsNameTheLine) {
  try {
    parse_key_file("key = 404142434445464748494A4B4C4D4E4F\nmac = 4G\n");
    FAIL() << "no error";
  } catch (const KeyFileError& error) {
    EXPECT_NE(std::string(error.what()).find("line 2"), std::string::npos) << error.what();
  }
  EXPECT_THROW(parse_key_file("enc = 404142434445464748494A4B4C4D4E4F\n"), KeyFileError);
  EXPECT_THROW(parse_key_file("key = 4041424344\n"), KeyFileError);
  EXPECT_THROW(parse_key_file("colour = 40\n"), KeyFileError);
  EXPECT_THROW(parse_key_file("key 404142434445464748494A4B4C4D4E4F\n"), KeyFileError);
  EXPECT_THROW(read_key_file("/nonexistent/keys.txt"), KeyFileError);
}

// --- CAP files -----------------------------------------------------------------------------

TEST(CapFile, ReadsTheSampleApplet) {
  LoadFile file = read_cap_file(UICC_SAMPLE_HELLO_CAP);
  EXPECT_EQ(file.package_aid, kHelloPackage);
  EXPECT_EQ(file.major, 1);
  EXPECT_EQ(file.minor, 0);
  ASSERT_EQ(file.applet_aids.size(), 1u);
  EXPECT_EQ(file.applet_aids[0], kHelloApplet);
  // JCVM 3.0.5 §6.3: the Load File Data Block starts with the Header, then the Directory.
  ASSERT_GT(file.load_file_data_block.size(), 3u);
  EXPECT_EQ(file.load_file_data_block[0], 0x01);
  std::size_t header_size = 3u + get_u16(file.load_file_data_block, 1);
  EXPECT_EQ(file.load_file_data_block[header_size], 0x02);
  // The block is what the card's reader accepts as a component stream.
  cap::CapFile again = cap::read_cap_components(file.load_file_data_block);
  EXPECT_EQ(again.header.package.aid, kHelloPackage);
  EXPECT_FALSE(again.descriptor);
  EXPECT_TRUE(
      cap::read_cap_components(read_cap_file(UICC_SAMPLE_HELLO_CAP, true).load_file_data_block)
          .descriptor);
}

TEST(CapFile, RejectsWhatIsNotACapFile) {
  TempDir dir;
  auto path = dir.path() / "notes.cap";
  std::ofstream(path) << "this is not a CAP file";
  try {
    read_cap_file(path);
    FAIL() << "no error";
  } catch (const CapError& error) {
    EXPECT_NE(std::string(error.what()).find("notes.cap"), std::string::npos) << error.what();
  }
  EXPECT_THROW(read_cap_file(dir.path() / "absent.cap"), CapError);
}

// --- the client against an in-process card ---------------------------------------------------

struct Connected {
  explicit Connected(GpCardOptions options = {})
      : card(std::move(options)),
        transport([this](ByteView command) { return card.transmit(command); }),
        client(transport) {}

  void open(std::uint8_t level = 0x01) {
    client.select(kIsd);
    client.open_secure_channel(channel(level));
  }

  // Sends a plain APDU given in hex outside any secure channel.
  apdu::Response raw(const std::string& hex) {
    auto parsed = apdu::parse_command(from_hex(hex));
    return client.transmit(std::get<apdu::Command>(parsed));
  }

  GpCard card;
  FunctionTransport transport;
  Client client;
};

bool lists(const std::vector<RegistryEntry>& entries, ByteView aid, RegistryEntry::Kind kind) {
  for (const RegistryEntry& entry : entries) {
    if (entry.kind == kind && entry.aid == Bytes(aid.begin(), aid.end())) return true;
  }
  return false;
}

TEST(Client, ListsIsdAndDomainLoadFile) {
  Connected connected;
  connected.open();
  auto entries = connected.client.list();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].kind, RegistryEntry::Kind::issuer_security_domain);
  EXPECT_EQ(entries[0].aid, kIsd);
  EXPECT_EQ(describe_life_cycle(entries[0].kind, entries[0].life_cycle), "SECURED");
  EXPECT_NE(describe_privileges(entries[0].privileges).find("SecurityDomain"), std::string::npos);
  EXPECT_TRUE(lists(entries, from_hex("A0000001515350"), RegistryEntry::Kind::load_file));
}

TEST(Client, WrongKeysFailTheHandshake) {
  Connected connected;
  connected.client.select(kIsd);
  ChannelOptions options = channel();
  options.keys.mac = SecretBytes(Bytes(16, 0x11));
  EXPECT_ANY_THROW(connected.client.open_secure_channel(options));
  EXPECT_FALSE(connected.client.secure_channel_open());
}

// The whole flow `uicc gp --install` runs: INSTALL [for load], LOAD, INSTALL [for install and
// make selectable] under C-MAC and C-DECRYPTION with R-MAC, then the applet responds, and
// DELETE removes it and its package from the card and the runtime.
TEST(Client, InstallsRunsAndDeletesTheSampleApplet) {
  Connected connected;
  connected.open(0x13);  // C-MAC, C-DECRYPTION, R-MAC
  LoadFile file = read_cap_file(UICC_SAMPLE_HELLO_CAP);
  std::size_t apdus = connected.client.install(file, Client::InstallOptions{});
  EXPECT_GE(apdus, 3u);
  auto entries = connected.client.list();
  EXPECT_TRUE(lists(entries, kHelloApplet, RegistryEntry::Kind::application));
  EXPECT_TRUE(lists(entries, kHelloPackage, RegistryEntry::Kind::load_file));

  // SELECT ends the secure channel; the applet then processes its command.
  connected.client.select(kHelloApplet);
  apdu::Response hello = connected.raw("8010000000");
  EXPECT_EQ(hello.sw, apdu::sw::ok);
  EXPECT_EQ(std::string(hello.data.begin(), hello.data.end()), "Hello, world!");

  connected.open();
  connected.client.delete_aid(kHelloPackage, true);
  entries = connected.client.list();
  EXPECT_FALSE(lists(entries, kHelloApplet, RegistryEntry::Kind::application));
  EXPECT_FALSE(lists(entries, kHelloPackage, RegistryEntry::Kind::load_file));
  EXPECT_FALSE(connected.card.runtime()->find_applet(vm::Aid(kHelloApplet)));
  EXPECT_EQ(connected.raw("00A4040008F075696363010101").sw, apdu::sw::file_not_found);

  // The package can come back.
  connected.open();
  connected.client.install(file, Client::InstallOptions{});
  connected.client.select(kHelloApplet);
  EXPECT_EQ(connected.raw("8010000000").sw, apdu::sw::ok);
}

TEST(Client, SmallLoadBlocksAndAnotherInstance) {
  Connected connected;
  connected.open(0x03);
  LoadFile file = read_cap_file(UICC_SAMPLE_HELLO_CAP);
  Client::InstallOptions options;
  options.block_size = 16;
  options.instance = from_hex("F07569636301010102");
  std::size_t apdus = connected.client.install(file, options);
  EXPECT_EQ(apdus, 2u + (file.load_file_data_block.size() + 4 + 15) / 16);
  connected.client.select(*options.instance);
  EXPECT_EQ(connected.raw("8010000000").sw, apdu::sw::ok);
}

// The 30 KB applet of the load benchmark: its tables come through LOAD intact. The expected
// bytes follow the formula of java/make_large_applet.py.
TEST(Client, InstallsTheLargeApplet) {
  Connected connected;
  connected.open(0x03);
  LoadFile file = read_cap_file(UICC_LARGE_APPLET_CAP);
  EXPECT_GT(file.load_file_data_block.size(), 30000u);
  connected.client.install(file, Client::InstallOptions{});
  connected.client.select(from_hex("F075696363020101"));
  for (std::uint64_t table = 0; table < 4; ++table) {
    for (std::uint64_t index : {0u, 1u, 4000u, 7579u}) {
      std::uint64_t mixed = ((index * 37 + table * 101) * 2654435761u) >> 13;
      auto expected = static_cast<std::uint8_t>(static_cast<int>(mixed % 256) - 128);
      apdu::Response response = connected.raw(fmt::format("80{:02X}{:04X}01", table, index));
      ASSERT_EQ(response.sw, apdu::sw::ok) << table << " " << index;
      ASSERT_EQ(response.data.size(), 1u);
      EXPECT_EQ(response.data[0], expected) << table << " " << index;
    }
  }
  // Index 7580 is one past the end of each table.
  EXPECT_EQ(connected.raw("80001D9C01").sw, apdu::sw::wrong_p1_p2);
}

TEST(Client, ACorruptLoadFileIsRefusedAndLeavesNothing) {
  Connected connected;
  connected.open();
  LoadFile file = read_cap_file(UICC_SAMPLE_HELLO_CAP);
  // Cut the Method component's bytecode short: the card's CAP reader rejects the stream.
  file.load_file_data_block.resize(file.load_file_data_block.size() - 7);
  Client::InstallOptions options;
  options.load_only = true;
  try {
    connected.client.install(file, options);
    FAIL() << "LOAD accepted a truncated load file";
  } catch (const CommandError& error) {
    EXPECT_EQ(error.status(), apdu::sw::wrong_data) << error.what();
  }
  EXPECT_FALSE(lists(connected.client.list(), kHelloPackage, RegistryEntry::Kind::load_file));
  EXPECT_TRUE(connected.card.runtime()->packages().size() > 0);
  for (const auto& package : connected.card.runtime()->packages()) EXPECT_TRUE(package.native);

  // The next LOAD starts cleanly.
  connected.client.install(read_cap_file(UICC_SAMPLE_HELLO_CAP), Client::InstallOptions{});
}

TEST(Client, LoadingTheSamePackageTwiceIsRefused) {
  Connected connected;
  connected.open();
  LoadFile file = read_cap_file(UICC_SAMPLE_HELLO_CAP);
  Client::InstallOptions options;
  options.load_only = true;
  connected.client.install(file, options);
  try {
    connected.client.install(file, options);
    FAIL() << "a second INSTALL [for load] of the same package was accepted";
  } catch (const CommandError& error) {
    EXPECT_EQ(error.status(), apdu::sw::conditions_not_satisfied) << error.what();
  }
}

TEST(Client, NewKeysOpenChannelAfterPutKey) {
  Connected connected;
  connected.open(0x03);
  SecretBytes fresh(from_hex("000102030405060708090A0B0C0D0E0F"));
  sd::scp::StaticKeys keys{0x31, fresh, fresh, fresh};
  Bytes response = connected.client.put_key_set(0x30, 0x31, 0x88, keys);
  ASSERT_FALSE(response.empty());
  EXPECT_EQ(response[0], 0x31);

  connected.client.select(kIsd);
  EXPECT_ANY_THROW(connected.client.open_secure_channel(channel()));
  ChannelOptions options;
  options.keys = keys;
  connected.client.select(kIsd);
  connected.client.open_secure_channel(options);
  EXPECT_TRUE(connected.client.secure_channel_open());
}

TEST(Client, LockAndUnlockAnApplet) {
  Connected connected;
  connected.open();
  connected.client.install(read_cap_file(UICC_SAMPLE_HELLO_CAP), Client::InstallOptions{});
  connected.client.set_status(0x40, 0x83, kHelloApplet);  // LOCKED
  EXPECT_EQ(connected.raw("00A4040008F075696363010101").sw, apdu::sw::file_not_found);
  connected.open();
  connected.client.set_status(0x40, 0x07, kHelloApplet);  // back to SELECTABLE
  connected.client.select(kHelloApplet);
  EXPECT_EQ(connected.raw("8010000000").sw, apdu::sw::ok);
}

TEST(Client, LockTheCard) {
  Connected connected;
  connected.open();
  connected.client.install(read_cap_file(UICC_SAMPLE_HELLO_CAP), Client::InstallOptions{});
  connected.client.set_status(0x80, sd::life_cycle::card_locked, {});
  EXPECT_EQ(connected.card.manager().card_life_cycle(), sd::life_cycle::card_locked);
  // GPCS 2.3.1 §5.1.1.4: only the ISD (it has the Final Application privilege here) remains.
  EXPECT_NE(connected.raw("00A4040008F075696363010101").sw, apdu::sw::ok);
  connected.open();
  connected.client.set_status(0x80, sd::life_cycle::secured, {});
  connected.client.select(kHelloApplet);
}

TEST(Client, StoreDataReachesTheSecurityDomain) {
  Connected connected;
  connected.open(0x03);
  // GPCS 2.3.1 §11.11: the IIN (tag 42) stored as BER-TLV, read back with GET DATA.
  connected.client.store_data(from_hex("42051122334455"), 0x10);
  apdu::Response iin = connected.client.send(gp::get_data(0x0042));
  EXPECT_EQ(iin.sw, apdu::sw::ok);
  EXPECT_EQ(to_hex(iin.data), "42051122334455");
}

TEST(Client, FollowsGetResponseOverT0) {
  Connected connected;
  connected.open();
  // A case 4 command without Le gets 61xx from the T=0 rules; the client collects the data.
  apdu::Response fci = connected.raw("00A4040008A000000151000000");
  EXPECT_EQ(fci.sw, apdu::sw::ok);
  ASSERT_FALSE(fci.data.empty());
  EXPECT_EQ(fci.data[0], 0x6F);
}

}  // namespace
}  // namespace uicc::gp

namespace uicc::gp {
namespace {

// LOAD and INSTALL of the sample applet into the Java Card runtime with a power loss at every
// store write. After power-up the registry and the runtime agree (nothing half installed), the
// runtime contains no orphan package, and installing again works.
TEST(RuntimePowerLoss, LoadAndInstallStayConsistent) {
  const LoadFile file = read_cap_file(UICC_SAMPLE_HELLO_CAP);
  auto scenario = [&](Client& client) { client.install(file, Client::InstallOptions{}); };
  auto open_card = [](const std::filesystem::path& image) {
    GpCardOptions options;
    options.image = image;
    return std::make_unique<GpCard>(std::move(options));
  };

  std::uint64_t total = 0;
  {
    TempDir dir;
    auto card = open_card(dir.path() / "card.img");
    FunctionTransport transport([&](ByteView command) { return card->transmit(command); });
    Client client(transport);
    client.select(kIsd);
    client.open_secure_channel(channel());
    std::uint64_t before = card->store().write_count();
    scenario(client);
    total = card->store().write_count() - before;
  }
  ASSERT_GT(total, 4u);

  for (std::uint64_t cut = 1; cut <= total; ++cut) {
    SCOPED_TRACE("power lost at write " + std::to_string(cut) + " of " + std::to_string(total));
    TempDir dir;
    auto image = dir.path() / "card.img";
    {
      auto card = open_card(image);
      FunctionTransport transport([&](ByteView command) { return card->transmit(command); });
      Client client(transport);
      client.select(kIsd);
      client.open_secure_channel(channel());
      card->store().cut_power_after(cut);
      EXPECT_THROW(scenario(client), store::PowerLoss);
    }
    auto card = open_card(image);
    const sd::Registry& registry = card->manager().registry();
    vm::Runtime& runtime = *card->runtime();
    bool registered_file = registry.find_load_file(kHelloPackage) != nullptr;
    bool registered_app = registry.find_application(kHelloApplet) != nullptr;
    bool loaded = false;
    for (const auto& package : runtime.packages())
      loaded = loaded || package.aid == vm::Aid(kHelloPackage);
    EXPECT_EQ(registered_file, loaded);
    EXPECT_EQ(registered_app, runtime.find_applet(vm::Aid(kHelloApplet)).has_value());
    if (registered_app) {
      EXPECT_TRUE(registered_file);
    }

    FunctionTransport transport([&](ByteView command) { return card->transmit(command); });
    Client client(transport);
    client.select(kIsd);
    client.open_secure_channel(channel());
    Client::InstallOptions options;
    if (registered_file) {
      if (!registered_app) {
        client.expect_ok(gp::install_for_install(kHelloPackage, kHelloApplet, kHelloApplet,
                                                 Bytes{0x00}, gp::install_parameters({}), {}, true),
                         "INSTALL [for install]");
      }
    } else {
      client.install(file, options);
    }
    client.select(kHelloApplet);
    EXPECT_EQ(
        client.transmit(std::get<apdu::Command>(apdu::parse_command(from_hex("8010000000")))).sw,
        apdu::sw::ok);
  }
}

}  // namespace
}  // namespace uicc::gp

namespace uicc::sd {
namespace {

// The card layer learns of installs and deletions through on_change, to refresh SELECT.
TEST(RuntimeContent, ReportsInstallsAndDeletions) {
  store::Store store;
  vm::RuntimeConfig config;
  config.store_root = test::GpCard::kRuntimeRoot;
  vm::Runtime runtime(store, api::builtin_registry(), config);
  RuntimeContent content(runtime);
  int changes = 0;
  content.on_change([&] { ++changes; });

  gp::LoadFile file = gp::read_cap_file(UICC_SAMPLE_HELLO_CAP);
  PackageInfo package = content.load_package(file.load_file_data_block);
  EXPECT_EQ(package.aid, file.package_aid);
  EXPECT_EQ(changes, 0);
  Bytes parameters = from_hex(
      "08F075696363010101"
      "0100"
      "00");
  content.install_applet(package.aid, file.applet_aids[0], file.applet_aids[0], parameters);
  EXPECT_EQ(changes, 1);
  EXPECT_TRUE(content.has_applet(file.applet_aids[0]));
  EXPECT_THROW(
      content.install_applet(package.aid, file.applet_aids[0], file.applet_aids[0], parameters),
      ContentError);
  EXPECT_EQ(changes, 1);
  content.delete_applet(file.applet_aids[0]);
  content.delete_package(package.aid);
  EXPECT_EQ(changes, 3);
  EXPECT_FALSE(content.has_package(package.aid));
}

// Content installed without GlobalPlatform joins the registry, and GlobalPlatform can then list
// and delete it.
TEST(RuntimeContent, AdoptsContentInstalledWithoutGlobalPlatform) {
  test::GpCard card;
  vm::Runtime& runtime = *card.runtime();
  gp::LoadFile file = gp::read_cap_file(UICC_SAMPLE_HELLO_CAP);
  vm::PackageInfo package = runtime.load_package(file.load_file_data_block);
  vm::Aid applet(file.applet_aids[0]);
  runtime.install_applet(package.aid, applet, applet,
                         from_hex("08F075696363010101"
                                  "0100"
                                  "00"));
  EXPECT_FALSE(card.manager().check_selection(applet.bytes()).allowed);

  EXPECT_EQ(adopt_runtime_content(card.manager(), runtime), 2u);
  EXPECT_EQ(adopt_runtime_content(card.manager(), runtime), 0u);
  const ApplicationEntry* entry = card.manager().registry().find_application(applet.bytes());
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->security_domain, card.manager().registry().isd_aid);
  EXPECT_TRUE(card.manager().check_selection(applet.bytes()).allowed);

  gp::FunctionTransport transport([&](ByteView command) { return card.transmit(command); });
  gp::Client client(transport);
  client.select(card.manager().registry().isd_aid);
  client.open_secure_channel(gp::ChannelOptions{
      scp::StaticKeys{0x30, SecretBytes(from_hex("404142434445464748494A4B4C4D4E4F")),
                      SecretBytes(from_hex("404142434445464748494A4B4C4D4E4F")),
                      SecretBytes(from_hex("404142434445464748494A4B4C4D4E4F"))},
      0, 0x01, 0x15});
  client.delete_aid(file.package_aid, true);
  EXPECT_FALSE(runtime.find_applet(applet));
}

}  // namespace
}  // namespace uicc::sd
