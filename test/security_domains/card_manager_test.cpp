#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>

#include "security_domains/api_services.h"
#include "security_domains/authorization.h"
#include "security_domains/card_manager.h"
#include "security_domains/life_cycle.h"
#include "test/security_domains/card_fixture.h"
#include "tools/gp/commands.h"
#include "util/crypto.h"
#include "util/tlv.h"

namespace uicc::sd {
namespace {

using test::command;
using test::default_keys;
using test::Host;
using test::TestCard;

const Bytes kIsd = from_hex("A000000151000000");
const Bytes kSdPackage = from_hex("A0000001515350");
const Bytes kSdModule = from_hex("A000000151535041");
const Bytes kPackage = from_hex("D2760000850101");
const Bytes kAppletClass = from_hex("D276000085010101");
const Bytes kApplet = from_hex("D27600008501010101");
const Bytes kSsd = from_hex("A00000015153504101");

constexpr std::size_t kBlock = 200;

Bytes lfdb(ByteView package = kPackage, std::vector<Bytes> classes = {kAppletClass},
           std::size_t padding = 100) {
  return test::fake_load_file(package, 1, 2, classes, padding);
}

// INSTALL [for load] and every LOAD block; returns the last response.
apdu::Response load_package(Host& host, ByteView data, ByteView domain = {}, ByteView hash = {},
                            ByteView dap_blocks = {}, ByteView token = {}) {
  // The load file AID is the package AID inside the fake load file.
  Bytes package(data.begin() + 9, data.begin() + 9 + data[8]);
  apdu::Response response = host.send(gp::install_for_load(package, domain, hash, {}, token));
  if (response.sw != apdu::sw::ok) return response;
  for (const apdu::Command& block : gp::load(data, kBlock, dap_blocks)) {
    response = host.send(block);
    if (response.sw != apdu::sw::ok) return response;
  }
  return response;
}

apdu::Response install_applet(Host& host, ByteView instance = kApplet,
                              ByteView privileges = from_hex("00"), bool make_selectable = true,
                              ByteView application_parameters = from_hex("0102")) {
  return host.send(gp::install_for_install(kPackage, kAppletClass, instance, privileges,
                                           gp::install_parameters(application_parameters), {},
                                           make_selectable));
}

// Installs a supplementary security domain from the card's security domain package.
apdu::Response install_domain(Host& host, ByteView aid, ByteView privileges,
                              ByteView c9 = from_hex("81020370")) {
  return host.send(
      gp::install_for_install(kSdPackage, kSdModule, aid, privileges, gp::install_parameters(c9)));
}

// Every E3 template of a GET STATUS sequence, following 6310.
std::vector<Bytes> list(Host& host, std::uint8_t p1) {
  std::vector<Bytes> aids;
  apdu::Response response = host.send(gp::get_status(p1, false));
  for (int round = 0; round < 50; ++round) {
    if (response.sw != apdu::sw::ok && response.sw != apdu::sw::more_data_available) break;
    auto elements = tlv::parse_all(response.data);
    for (const tlv::Element& e : *elements) {
      auto aid = tlv::find(e.value, 0x4F);
      aids.emplace_back(aid->value.begin(), aid->value.end());
    }
    if (response.sw == apdu::sw::ok) break;
    response = host.send(gp::get_status(p1, true));
  }
  return aids;
}

std::uint16_t sw_of(const apdu::Response& response) {
  return response.sw.value;
}

Bytes commands_lv(ByteView value) {
  Bytes out;
  out.resize(value.size() + 1);
  out[0] = static_cast<std::uint8_t>(value.size());
  std::copy(value.begin(), value.end(), out.begin() + 1);
  return out;
}

// ---------------------------------------------------------------------------------------------
// SELECT and GET DATA

TEST(IssuerSecurityDomain, SelectReturnsFci) {
  TestCard card;
  apdu::Response response = card.host.select();
  EXPECT_EQ(sw_of(response), 0x9000);
  auto fci = tlv::parse_one(response.data);
  ASSERT_TRUE(fci);
  EXPECT_EQ(fci->tag, 0x6Fu);
  EXPECT_EQ(to_hex(tlv::find(fci->value, 0x84)->value), to_hex(kIsd));
  auto proprietary = tlv::find(fci->value, 0xA5);
  ASSERT_TRUE(proprietary);
  EXPECT_EQ(to_hex(tlv::find(proprietary->value, 0x9F65)->value), "FF");
  auto recognition = tlv::find(proprietary->value, 0x73);
  ASSERT_TRUE(recognition);
  EXPECT_EQ(to_hex(tlv::find(recognition->value, 0x64)->value), "06092A864886FC6B040370");
}

TEST(GetData, CardDataNeedsNoAuthentication) {
  TestCard card;
  card.host.select();
  apdu::Response data = card.host.send("80CA006600");
  EXPECT_EQ(sw_of(data), 0x9000);
  // GPCS 2.3.1 §H.2: Card Recognition Data of a GlobalPlatform 2.3.1 card running SCP03 i=70
  // (the same layout as the public decode example of a 2.2.1 card, 6631732F...).
  EXPECT_EQ(to_hex(data.data),
            "6631732F06072A864886FC6B01600C060A2A864886FC6B02020301630906072A864886FC6B03640B06092A"
            "864886FC6B040370");
  EXPECT_EQ(to_hex(card.host.send("80CA004200").data), "420142");
  EXPECT_EQ(to_hex(card.host.send("80CA004500").data), "450145");
  // An ISO class byte returns the value alone.
  EXPECT_EQ(to_hex(card.host.send("00CA004200").data), "42");
  EXPECT_EQ(card.host.send("80CA9F7F00").data.size(), 3u + 42u);
  EXPECT_EQ(sw_of(card.host.send("80CA00FE00")), 0x6A88);
  EXPECT_EQ(card.host.send("80CA006700").data[0], 0x67);
  // A selected security domain takes SELECT by name only, not by file identifier or path.
  EXPECT_EQ(sw_of(card.host.send("00A4000C023F00")), 0x6A86);
  EXPECT_EQ(sw_of(card.host.send("00A4080C022FE2")), 0x6A86);
  // P1-P2 0000 names no object, in either class (a case found by the APDU fuzzer).
  EXPECT_EQ(sw_of(card.host.send("00CA0000CA")), 0x6A88);
  EXPECT_EQ(sw_of(card.host.send("80CA000000")), 0x6A88);
}

TEST(GetData, KeyInformationAndSequenceCounter) {
  TestCard card;
  card.host.select();
  EXPECT_EQ(to_hex(card.host.send("80CA00E000").data), "E012C00401308810C00402308810C00403308810");
  EXPECT_EQ(to_hex(card.host.send("80CA00C100").data), "C103000000");
  ASSERT_EQ(sw_of(card.host.open(default_keys(), 0x03)), 0x9000);
  EXPECT_EQ(to_hex(card.host.send("80CA00C100").data), "C103000001");
  EXPECT_EQ(to_hex(card.host.send("80CA00D300").data), "D30183");
}

TEST(GetData, ListsApplicationsWithTagList) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  apdu::Response list_response = card.host.send("00CB2F00025C0000");
  EXPECT_EQ(sw_of(list_response), 0x9000);
  EXPECT_NE(to_hex(list_response.data).find(to_hex(kApplet)), std::string::npos);
  EXPECT_EQ(sw_of(card.host.send("00CB2F0000")), 0x6A80);
}

// ---------------------------------------------------------------------------------------------
// GET STATUS

TEST(GetStatus, NeedsAnAuthenticatedSession) {
  TestCard card;
  card.host.select();
  EXPECT_EQ(sw_of(card.host.send(gp::get_status(0x80, false))), 0x6982);
}

TEST(GetStatus, ReportsIssuerSecurityDomain) {
  TestCard card;
  card.authenticate();
  apdu::Response response = card.host.send(gp::get_status(0x80, false));
  EXPECT_EQ(sw_of(response), 0x9000);
  EXPECT_EQ(to_hex(response.data),
            "E3"
            "26"
            "4F08A000000151000000"
            "9F70010F"
            "C5039EFE80"
            "C407A0000001515350"
            "CC08A000000151000000");
}

TEST(GetStatus, ListsLoadFilesWithAndWithoutModules) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  apdu::Response files = card.host.send(gp::get_status(0x20, false));
  EXPECT_EQ(sw_of(files), 0x9000);
  EXPECT_EQ(to_hex(files.data).find("84"), to_hex(files.data).find("8407"));  // no module tags
  apdu::Response modules = card.host.send(gp::get_status(0x10, false));
  EXPECT_NE(to_hex(modules.data).find("8408" + to_hex(kAppletClass)), std::string::npos);
  EXPECT_NE(to_hex(modules.data).find("CE020102"), std::string::npos);
}

TEST(GetStatus, PagesLongListsWith6310) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  for (int i = 0; i < 12; ++i) {
    Bytes instance = kApplet;
    instance.push_back(static_cast<std::uint8_t>(i));
    ASSERT_EQ(sw_of(install_applet(card.host, instance)), 0x9000);
  }
  apdu::Response first = card.host.send(gp::get_status(0x40, false));
  EXPECT_EQ(sw_of(first), 0x6310);
  EXPECT_LE(first.data.size(), 256u);
  EXPECT_EQ(list(card.host, 0x40).size(), 12u);
  // After the last page, "get next" has nothing to continue.
  EXPECT_EQ(sw_of(card.host.send(gp::get_status(0x40, true))), 0x6985);
}

TEST(GetStatus, RejectsBadParametersWithTheirStatusWords) {
  TestCard card;
  card.authenticate();
  EXPECT_EQ(sw_of(card.host.send(gp::get_status(0x40, true))), 0x6985);  // next without first
  EXPECT_EQ(sw_of(card.host.send("80F2010002"
                                 "4F00"
                                 "00")),
            0x6A86);  // P1
  EXPECT_EQ(sw_of(card.host.send("80F2400002"
                                 "4F00"
                                 "00")),
            0x6A86);  // deprecated format
  EXPECT_EQ(sw_of(card.host.send("80F2800302"
                                 "4F00"
                                 "00")),
            0x6A86);  // ISD has no "next"
  EXPECT_EQ(sw_of(card.host.send("80F2400202"
                                 "5C00"
                                 "00")),
            0x6A80);                                       // no 4F
  EXPECT_EQ(sw_of(card.host.send("80F2400200")), 0x6A80);  // no data at all
  EXPECT_EQ(sw_of(card.host.send("80F2400205"
                                 "4F03A00000"
                                 "00")),
            0x6A88);  // no match
}

TEST(GetStatus, TagListSelectsDataObjects) {
  TestCard card;
  card.authenticate();
  apdu::Response response = card.host.send(
      "80F2800207"
      "4F00"
      "5C034F9F70"
      "00");
  EXPECT_EQ(to_hex(response.data), "E30E4F08A0000001510000009F70010F");
}

// ---------------------------------------------------------------------------------------------
// INSTALL [for load] and LOAD

TEST(Load, LoadsPackageIntoRegistryAndRuntime) {
  TestCard card;
  card.authenticate(0x03);
  apdu::Response response = load_package(card.host, lfdb(kPackage, {kAppletClass}, 3000));
  EXPECT_EQ(sw_of(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "00");
  const LoadFileEntry* file = card.registry().find_load_file(kPackage);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(file->major, 1);
  EXPECT_EQ(file->minor, 2);
  EXPECT_EQ(file->security_domain, kIsd);
  ASSERT_EQ(file->modules.size(), 1u);
  EXPECT_TRUE(card.content->has_package(kPackage));
}

TEST(Load, ChecksLoadFileDataBlockHash) {
  TestCard card;
  card.authenticate();
  Bytes data = lfdb();
  Bytes wrong = crypto::sha256(data);
  wrong[0] ^= 1;
  EXPECT_EQ(sw_of(load_package(card.host, data, {}, wrong)), 0x6A80);
  EXPECT_FALSE(card.content->has_package(kPackage));
  EXPECT_EQ(sw_of(load_package(card.host, data, {}, crypto::sha1(data))), 0x9000);
}

TEST(Load, RejectsBlocksOutOfSequence) {
  TestCard card;
  card.authenticate();
  Bytes data = lfdb(kPackage, {kAppletClass}, 600);
  ASSERT_EQ(sw_of(card.host.send(gp::install_for_load(kPackage, {}, {}))), 0x9000);
  std::vector<apdu::Command> blocks = gp::load(data, kBlock);
  ASSERT_GT(blocks.size(), 2u);
  ASSERT_EQ(sw_of(card.host.send(blocks[0])), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(blocks[2])), 0x6A86);
  // The sequence is over: the next block has no INSTALL [for load] before it.
  EXPECT_EQ(sw_of(card.host.send(blocks[1])), 0x6985);
  EXPECT_EQ(sw_of(load_package(card.host, data)), 0x9000);
}

TEST(Load, RejectsLoadWithoutInstallForLoad) {
  TestCard card;
  card.authenticate();
  EXPECT_EQ(sw_of(card.host.send(gp::load(lfdb(), kBlock)[0])), 0x6985);
}

TEST(Load, ReportsRuntimeRejectionsAndMismatches) {
  TestCard card;
  card.authenticate();
  // A Load File Data Block the runtime cannot read.
  ASSERT_EQ(sw_of(card.host.send(gp::install_for_load(kPackage, {}, {}))), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::load(from_hex("CAFEBABE"), kBlock)[0])), 0x6A80);
  // A package other than the announced load file.
  ASSERT_EQ(sw_of(card.host.send(gp::install_for_load(from_hex("D2760000859999"), {}, {}))),
            0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::load(lfdb(), kBlock)[0])), 0x6A80);
  EXPECT_FALSE(card.content->has_package(kPackage));
  // A missing import.
  card.content->fail_next = ContentError::Code::missing_import;
  EXPECT_EQ(sw_of(load_package(card.host, lfdb())), 0x6A88);
  EXPECT_EQ(card.registry().find_load_file(kPackage), nullptr);
}

TEST(InstallForLoad, RejectsWithTheStatusWordsOfTheSpec) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_load(kPackage, {}, {}))),
            0x6985);  // already loaded
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_load(from_hex("D276"), {}, {}))),
            0x6A80);  // short AID
  EXPECT_EQ(sw_of(card.host.send(
                gp::install_for_load(from_hex("D2760000850102"), from_hex("A0000000FFFF"), {}))),
            0x6A88);  // unknown security domain
  EXPECT_EQ(
      sw_of(card.host.send(gp::install_for_load(from_hex("D2760000850102"), {}, Bytes(21, 0)))),
      0x6A80);
  Bytes huge = gp::load_parameters(0x7FFFFFFF, std::nullopt);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_load(from_hex("D2760000850102"), {}, {}, huge))),
            0x6A84);
  EXPECT_EQ(sw_of(card.host.send("80E602000A"
                                 "07D2760000850102"
                                 "00"
                                 "00")),
            0x6A80);                                       // truncated
  EXPECT_EQ(sw_of(card.host.send("80E6820000")), 0x6A86);  // chaining
  EXPECT_EQ(sw_of(card.host.send("80E6020500")), 0x6A86);  // P2
  EXPECT_EQ(sw_of(card.host.send("80E6010000")), 0x6A86);  // role
}

// ---------------------------------------------------------------------------------------------
// INSTALL [for install] and [for make selectable]

TEST(Install, InstallsSelectableApplet) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  apdu::Response response = install_applet(card.host);
  EXPECT_EQ(sw_of(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "00");
  const ApplicationEntry* app = card.registry().find_application(kApplet);
  ASSERT_NE(app, nullptr);
  EXPECT_EQ(app->life_cycle, life_cycle::selectable);
  EXPECT_EQ(app->security_domain, kIsd);
  EXPECT_TRUE(card.manager->check_selection(kApplet).allowed);
  // GPCS 2.3.1 §11.5.2.3.7: the applet gets LV instance AID, LV privileges, LV C9 content.
  EXPECT_EQ(to_hex(card.content->last_install_parameters.at(kApplet)), "09" + to_hex(kApplet) +
                                                                           "0100"
                                                                           "020102");
}

TEST(Install, InstallOnlyLeavesApplicationUnselectable) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host, kApplet, from_hex("00"), false)), 0x9000);
  EXPECT_EQ(card.registry().find_application(kApplet)->life_cycle, life_cycle::installed);
  EXPECT_EQ(card.manager->check_selection(kApplet).status, apdu::sw::file_not_found);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_make_selectable(kApplet, from_hex("00")))),
            0x9000);
  EXPECT_EQ(card.registry().find_application(kApplet)->life_cycle, life_cycle::selectable);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_make_selectable(kApplet, from_hex("00")))),
            0x6985);
  EXPECT_EQ(sw_of(card.host.send(
                gp::install_for_make_selectable(from_hex("D2760000850999"), from_hex("00")))),
            0x6A88);
}

TEST(Install, RejectsWithTheStatusWordsOfTheSpec) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  Bytes parameters = gp::install_parameters(from_hex("00"));
  auto install = [&](ByteView file, ByteView module, ByteView instance, ByteView privileges,
                     ByteView params) {
    return sw_of(
        card.host.send(gp::install_for_install(file, module, instance, privileges, params)));
  };
  EXPECT_EQ(install(kPackage, kAppletClass, kApplet, from_hex("00"), from_hex("EF00")),
            0x6A80);  // no C9
  EXPECT_EQ(install(from_hex("D2760000859999"), kAppletClass, kApplet, from_hex("00"), parameters),
            0x6A88);
  EXPECT_EQ(install(kPackage, from_hex("D2760000859999"), kApplet, from_hex("00"), parameters),
            0x6A88);
  EXPECT_EQ(install(kPackage, kAppletClass, kApplet, from_hex("0000"), parameters),
            0x6A80);  // privileges
  EXPECT_EQ(install(kPackage, kAppletClass, kPackage, from_hex("00"), parameters),
            0x6985);  // AID in use
  EXPECT_EQ(install(kPackage, kAppletClass, kApplet, from_hex("80"), parameters),
            0x6A80);  // SD from applet
  EXPECT_EQ(install(kSdPackage, kSdModule, kSsd, from_hex("00"), parameters),
            0x6A80);  // applet from SD
  Bytes quota = gp::install_parameters(from_hex("00"), tlv::encode(0xC8, from_hex("7FFFFFFF")));
  EXPECT_EQ(install(kPackage, kAppletClass, kApplet, from_hex("00"), quota), 0x6A84);
  // Card Reset needs make selectable in the same command.
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_install(kPackage, kAppletClass, kApplet,
                                                         from_hex("04"), parameters, {}, false))),
            0x6A80);
  ASSERT_EQ(install(kPackage, kAppletClass, kApplet, from_hex("00"), parameters), 0x9000);
  EXPECT_EQ(install(kPackage, kAppletClass, kApplet, from_hex("00"), parameters), 0x6985);  // twice
}

TEST(Install, FailedAppletInstallLeavesNothing) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  card.content->fail_next = ContentError::Code::install_failed;
  EXPECT_EQ(sw_of(install_applet(card.host)), 0x6A80);
  EXPECT_EQ(card.registry().find_application(kApplet), nullptr);
  EXPECT_FALSE(card.content->has_applet(kApplet));
  EXPECT_EQ(sw_of(install_applet(card.host)), 0x9000);
}

TEST(Install, CardResetPrivilegeMovesFromIssuerDomain) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host, kApplet, from_hex("04"))), 0x9000);
  EXPECT_EQ(card.manager->default_application(), kApplet);
  EXPECT_FALSE(card.registry().isd().privileges.has(Privilege::card_reset));
  Bytes second = kApplet;
  second.back() = 0x02;
  EXPECT_EQ(sw_of(install_applet(card.host, second, from_hex("04"))), 0x6985);  // one holder
  ASSERT_EQ(sw_of(card.host.send(gp::delete_object(kApplet, false))), 0x9000);
  EXPECT_TRUE(card.registry().isd().privileges.has(Privilege::card_reset));
  EXPECT_EQ(card.manager->default_application(), kIsd);
}

TEST(Install, CreatesSecurityDomainWithItsOwnChannel) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(install_domain(card.host, kSsd, from_hex("808000"), from_hex("81020255"))),
            0x9000);
  const ApplicationEntry* ssd = card.registry().find_application(kSsd);
  ASSERT_NE(ssd, nullptr);
  ASSERT_TRUE(ssd->domain);
  EXPECT_EQ(ssd->domain->scp.protocol, scp::Protocol::scp02);
  EXPECT_EQ(ssd->domain->scp.i, 0x55);
  EXPECT_EQ(sw_of(install_domain(card.host, from_hex("A00000015153504102"), from_hex("80"),
                                 from_hex("81020399"))),
            0x6A80);  // unknown "i"

  SecurityDomain* domain = card.manager->security_domain(kSsd);
  ASSERT_NE(domain, nullptr);
  Host ssd_host(*domain, 1);
  EXPECT_EQ(sw_of(ssd_host.select()), 0x9000);
  // CardProfile gives new domains the AES test keys; an SCP02 domain needs DES keys first.
  EXPECT_EQ(sw_of(ssd_host.open(default_keys(), 0x01, 0, 0x55)), 0x6A88);
}

// ---------------------------------------------------------------------------------------------
// DELETE

TEST(Delete, RemovesApplicationAndLoadFile) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kPackage, false))),
            0x6985);  // applications remain
  apdu::Response response = card.host.send(gp::delete_object(kApplet, false));
  EXPECT_EQ(sw_of(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "00");
  EXPECT_FALSE(card.content->has_applet(kApplet));
  EXPECT_EQ(card.registry().find_application(kApplet), nullptr);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kPackage, false))), 0x9000);
  EXPECT_FALSE(card.content->has_package(kPackage));
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kPackage, false))), 0x6A88);
}

TEST(Delete, RelatedFlagTakesApplicationsAlong) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kPackage, true))), 0x9000);
  EXPECT_EQ(card.content->applets(), 0u);
  EXPECT_EQ(card.content->packages(), 0u);
  EXPECT_EQ(card.registry().find_load_file(kPackage), nullptr);
}

TEST(Delete, RefusesWhatMustStay) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kIsd, false))), 0x6985);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kSdPackage, true))), 0x6985);
  card.content->selected.insert(kApplet);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kApplet, false))), 0x6985);
  card.content->selected.clear();
  ASSERT_EQ(sw_of(install_domain(card.host, kSsd, from_hex("808000"))), 0x9000);
  ASSERT_EQ(sw_of(card.host.send(gp::install_for_extradition(kSsd, kApplet))),
            0x6985);  // not personalized
  EXPECT_EQ(sw_of(card.host.send("80E4000005"
                                 "4F03A00000"
                                 "00")),
            0x6A80);  // short AID
  EXPECT_EQ(sw_of(card.host.send("80E40000024F0000")), 0x6A80);
  EXPECT_EQ(sw_of(card.host.send("80E4800009"
                                 "4F07D2760000850101"
                                 "00")),
            0x6A86);  // chaining
  EXPECT_EQ(sw_of(card.host.send("80E4000003"
                                 "990100"
                                 "00")),
            0x6A80);  // unknown tag
}

TEST(Delete, RemovesKeys) {
  TestCard card;
  card.authenticate();
  EXPECT_EQ(sw_of(card.host.send(gp::delete_keys(std::nullopt, 0x41))), 0x6A88);
  apdu::Response response = card.host.send(gp::delete_keys(0x03, 0x30));
  EXPECT_EQ(sw_of(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "00");
  EXPECT_EQ(card.registry().isd().domain->keys.size(), 2u);
  EXPECT_EQ(sw_of(card.host.send(gp::delete_keys(std::nullopt, std::nullopt))), 0x6A80);
}

// ---------------------------------------------------------------------------------------------
// PUT KEY

std::vector<gp::PutKeyComponent> aes_key_set(std::uint8_t fill, std::size_t size = 16) {
  std::vector<gp::PutKeyComponent> keys;
  for (std::uint8_t i = 0; i < 3; ++i) {
    keys.push_back(
        gp::PutKeyComponent{0x88, SecretBytes(Bytes(size, static_cast<std::uint8_t>(fill + i)))});
  }
  return keys;
}

scp::StaticKeys static_keys(std::uint8_t version, std::uint8_t fill, std::size_t size = 16) {
  return scp::StaticKeys{version, SecretBytes(Bytes(size, fill)),
                         SecretBytes(Bytes(size, static_cast<std::uint8_t>(fill + 1))),
                         SecretBytes(Bytes(size, static_cast<std::uint8_t>(fill + 2)))};
}

TEST(PutKey, AddsKeySetAndAnswersWithCheckValues) {
  TestCard card;
  card.authenticate(0x03);
  apdu::Response response =
      card.host.send(gp::put_key(0x00, 0x31, 0x01, aes_key_set(0x10), *card.host.session()));
  EXPECT_EQ(sw_of(response), 0x9000);
  ASSERT_EQ(response.data.size(), 1u + 9u);
  EXPECT_EQ(response.data[0], 0x31);
  EXPECT_EQ(to_hex(ByteView(response.data).subspan(1, 3)),
            to_hex(*key_check_value(key_type::aes, SecretBytes(Bytes(16, 0x10)))));

  Host second(card.isd(), 1);
  ASSERT_EQ(sw_of(second.select()), 0x9000);
  EXPECT_EQ(sw_of(second.open(static_keys(0x31, 0x10), 0x01, 0x31)), 0x9000);
  EXPECT_EQ(
      sw_of(card.host.send(gp::put_key(0x00, 0x31, 0x01, aes_key_set(0x10), *card.host.session()))),
      0x6A80);
}

TEST(PutKey, ReplacesKeySetOfSameShape) {
  TestCard card;
  card.authenticate();
  EXPECT_EQ(sw_of(card.host.send(
                gp::put_key(0x30, 0x32, 0x01, aes_key_set(0x20, 32), *card.host.session()))),
            0x6A80);  // AES-256 cannot replace AES-128
  EXPECT_EQ(
      sw_of(card.host.send(gp::put_key(0x33, 0x32, 0x01, aes_key_set(0x20), *card.host.session()))),
      0x6A88);  // nothing to replace
  ASSERT_EQ(
      sw_of(card.host.send(gp::put_key(0x30, 0x32, 0x01, aes_key_set(0x20), *card.host.session()))),
      0x9000);
  const DomainData& domain = *card.registry().isd().domain;
  EXPECT_EQ(domain.find_key(0x30, 1), nullptr);
  EXPECT_NE(domain.find_key(0x32, 3), nullptr);
  Host second(card.isd(), 2);
  second.select();
  EXPECT_EQ(sw_of(second.open(static_keys(0x32, 0x20), 0x01)), 0x9000);
  EXPECT_EQ(sw_of(second.open(default_keys(), 0x01, 0x30)), 0x6A88);
}

TEST(PutKey, RejectsWrongCheckValueAndChaining) {
  TestCard card;
  card.authenticate();
  apdu::Command put = gp::put_key(0x00, 0x31, 0x01, aes_key_set(0x10), *card.host.session());
  put.data.back() ^= 0x01;  // last KCV byte
  EXPECT_EQ(sw_of(card.host.send(put)), 0x6982);
  EXPECT_EQ(card.registry().isd().domain->find_key(0x31, 1), nullptr);
  apdu::Command chained = gp::put_key(0x00, 0x31, 0x01, aes_key_set(0x10), *card.host.session());
  chained.p1 = 0x80;
  EXPECT_EQ(sw_of(card.host.send(chained)), 0x6A86);
  EXPECT_EQ(sw_of(card.host.send("80D8008103318800")), 0x6A80);
}

TEST(PutKey, WorksOverScp02WithDesKeys) {
  CardProfile profile;
  profile.isd_scp = {scp::Protocol::scp02, 0x55};
  profile.isd_keys = CardProfile::test_keys(scp::Protocol::scp02, 0x20);
  TestCard card(profile);
  card.host.select();
  ASSERT_EQ(sw_of(card.host.open(default_keys(0x20), 0x03, 0x20, 0x55)), 0x9000);
  std::vector<gp::PutKeyComponent> keys;
  for (std::uint8_t i = 0; i < 3; ++i)
    keys.push_back({0x80, SecretBytes(Bytes(16, static_cast<std::uint8_t>(0x51 + i)))});
  apdu::Response response =
      card.host.send(gp::put_key(0x20, 0x21, 0x01, keys, *card.host.session()));
  ASSERT_EQ(sw_of(response), 0x9000);
  EXPECT_EQ(to_hex(ByteView(response.data).subspan(1, 3)),
            to_hex(*key_check_value(key_type::des, SecretBytes(Bytes(16, 0x51)))));
  Host second(card.isd(), 1);
  second.select();
  EXPECT_EQ(sw_of(second.open(static_keys(0x21, 0x51), 0x01, 0x21, 0x55)), 0x9000);
}

// ---------------------------------------------------------------------------------------------
// SET STATUS

TEST(SetStatus, MovesCardLifeCycleForwardOnly) {
  CardProfile profile;
  profile.life_cycle = life_cycle::op_ready;
  TestCard card(profile);
  card.authenticate();
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0x07))), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0x01))), 0x6A80);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0x0F))), 0x9000);
  EXPECT_EQ(card.manager->card_life_cycle(), life_cycle::secured);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0x07))), 0x6A80);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x20, 0x07))), 0x6A86);
}

TEST(SetStatus, LockedCardSelectsOnlyFinalApplication) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  ASSERT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0x7F))), 0x9000);
  EXPECT_EQ(card.manager->check_selection(kApplet).status, apdu::sw::function_not_supported);
  SelectionCheck isd = card.manager->check_selection(kIsd);
  EXPECT_TRUE(isd.allowed);
  EXPECT_EQ(isd.status, apdu::sw::file_invalidated);  // 6283
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_load(from_hex("D2760000850102"), {}, {}))),
            0x6985);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0x0F))), 0x9000);
  EXPECT_TRUE(card.manager->check_selection(kApplet).allowed);
}

TEST(SetStatus, TerminatedCardAnswersGetDataOnly) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(card.host.send(gp::set_status(0x80, 0xFF))), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::get_status(0x80, false))), 0x6985);
  EXPECT_EQ(sw_of(card.host.send("80CA004200")), 0x9000);
  Host other(card.isd(), 1);
  other.select();
  EXPECT_EQ(sw_of(other.open(default_keys(), 0x01)), 0x6985);
}

TEST(SetStatus, LocksAndUnlocksApplications) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x40, 0x80, kApplet))), 0x9000);
  EXPECT_EQ(card.registry().find_application(kApplet)->life_cycle, 0x87);
  EXPECT_FALSE(card.manager->check_selection(kApplet).allowed);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x40, 0x80, kApplet))), 0x6A80);  // already locked
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x40, 0x00, kApplet))), 0x9000);
  EXPECT_EQ(card.registry().find_application(kApplet)->life_cycle, life_cycle::selectable);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x40, 0x80, from_hex("D2760000850999")))), 0x6A88);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x40, 0x80, kIsd))), 0x6A80);
  EXPECT_EQ(sw_of(card.host.send(gp::set_status(0x40, 0x80, from_hex("D276")))), 0x6A80);
}

TEST(SetStatus, LocksDomainWithItsApplications) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(install_domain(card.host, kSsd, from_hex("80C000"))), 0x9000);
  ASSERT_EQ(sw_of(card.host.send(gp::set_status(0x60, 0x80, kSsd))), 0x9000);
  EXPECT_TRUE(life_cycle::is_locked(card.registry().find_application(kSsd)->life_cycle));
  ASSERT_EQ(sw_of(card.host.send(gp::set_status(0x60, 0x00, kSsd))), 0x9000);
  EXPECT_FALSE(life_cycle::is_locked(card.registry().find_application(kSsd)->life_cycle));
}

// ---------------------------------------------------------------------------------------------
// STORE DATA

TEST(StoreData, UpdatesIssuerDomainDataObjects) {
  TestCard card;
  card.authenticate();
  Bytes objects = tlv::encode(0x42, from_hex("123456"));
  tlv::append(objects, 0x45, from_hex("0102030405060708090A"));
  tlv::append(objects, 0xDE, from_hex("4F574E4552"));
  for (const apdu::Command& block : gp::store_data(objects, 0x10, 8)) {
    ASSERT_EQ(sw_of(card.host.send(block)), 0x9000);
  }
  EXPECT_EQ(to_hex(card.host.send("80CA004200").data), "4203123456");
  EXPECT_EQ(to_hex(card.host.send("80CA004500").data), "450A0102030405060708090A");
  EXPECT_EQ(to_hex(card.host.send("80CA00DE00").data), "DE054F574E4552");

  Bytes dgi = from_hex("0070");
  Bytes inner = tlv::encode(0x42, from_hex("99"));
  dgi.push_back(static_cast<std::uint8_t>(inner.size()));
  append(dgi, inner);
  ASSERT_EQ(sw_of(card.host.send(gp::store_data(dgi, 0x08, 200)[0])), 0x9000);
  EXPECT_EQ(to_hex(card.host.send("00CA004200").data), "99");
}

TEST(StoreData, RejectsGeneratedTagsAndBadBlockNumbers) {
  TestCard card;
  card.authenticate();
  EXPECT_EQ(
      sw_of(card.host.send(gp::store_data(tlv::encode(0xC1, from_hex("0001")), 0x10, 200)[0])),
      0x6A80);
  apdu::Command out_of_order = gp::store_data(tlv::encode(0x42, from_hex("01")), 0x10, 200)[0];
  out_of_order.p2 = 0x01;
  EXPECT_EQ(sw_of(card.host.send(out_of_order)), 0x6A86);
  EXPECT_EQ(sw_of(card.host.send(gp::store_data(from_hex("4205"), 0x10, 200)[0])),
            0x6A80);  // truncated TLV
  EXPECT_EQ(sw_of(card.host.send(gp::store_data(from_hex("00B90100"), 0x08, 200)[0])),
            0x6A88);  // key DGI
}

TEST(StoreData, ForwardsPersonalizationToApplication) {
  TestCard card;
  card.authenticate(0x03);
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_personalization(from_hex("D2760000850999")))),
            0x6A88);
  ASSERT_EQ(sw_of(card.host.send(gp::install_for_personalization(kApplet))), 0x9000);
  for (const apdu::Command& block : gp::store_data(from_hex("0102030405060708090A0B0C"), 0x00, 5)) {
    ASSERT_EQ(sw_of(card.host.send(block)), 0x9000);
  }
  ASSERT_EQ(card.content->personalization.size(), 3u);
  EXPECT_EQ(card.content->personalization[0].first, kApplet);
  EXPECT_EQ(to_hex(card.content->personalization[2].second), "0B0C");
  // The session ended with the last block: the next STORE DATA is the domain's own.
  ASSERT_EQ(sw_of(card.host.send(gp::store_data(tlv::encode(0x42, from_hex("77")), 0x10, 200)[0])),
            0x9000);
  EXPECT_EQ(card.content->personalization.size(), 3u);
}

// ---------------------------------------------------------------------------------------------
// Supplementary security domains, privileges and management models

// Installs kSsd with `privileges`, makes it PERSONALIZED and returns a host with a session on it.
std::unique_ptr<Host> personalized_domain(TestCard& card, ByteView privileges) {
  EXPECT_EQ(sw_of(install_domain(card.host, kSsd, privileges)), 0x9000);
  auto host = std::make_unique<Host>(*card.manager->security_domain(kSsd), 1);
  EXPECT_EQ(sw_of(host->select()), 0x9000);
  EXPECT_EQ(sw_of(host->open(default_keys(), 0x03)), 0x9000);
  EXPECT_EQ(sw_of(host->send(gp::set_status(0x40, 0x0F, kSsd))), 0x9000);
  return host;
}

TEST(Privileges, DomainWithoutAuthorizedManagementCannotLoad) {
  TestCard card;
  card.authenticate();
  auto ssd = personalized_domain(card, from_hex("808000"));
  EXPECT_EQ(sw_of(ssd->send(gp::install_for_load(kPackage, {}, {}))), 0x6985);
  EXPECT_EQ(sw_of(ssd->send(gp::delete_object(kPackage, false))), 0x6985);
}

TEST(Privileges, AuthorizedDomainManagesItsOwnHierarchy) {
  TestCard card;
  card.authenticate();
  auto ssd = personalized_domain(card, from_hex("80C000"));
  ASSERT_EQ(sw_of(load_package(*ssd, lfdb())), 0x9000);
  EXPECT_EQ(card.registry().find_load_file(kPackage)->security_domain, kSsd);
  ASSERT_EQ(sw_of(install_applet(*ssd)), 0x9000);
  EXPECT_EQ(card.registry().find_application(kApplet)->security_domain, kSsd);
  // Its GET STATUS sees its own content only; the issuer security domain (Global Registry)
  // sees everything.
  std::vector<Bytes> seen = list(*ssd, 0x40);
  EXPECT_EQ(seen, std::vector<Bytes>{kApplet});
  std::vector<Bytes> everything = list(card.host, 0x40);
  EXPECT_EQ(everything.size(), 2u);
  // A supplementary domain may not hand out issuer privileges.
  EXPECT_EQ(sw_of(ssd->send(gp::install_for_install(kPackage, kAppletClass,
                                                    from_hex("D27600008501010102"), from_hex("10"),
                                                    gp::install_parameters({})))),
            0x6982);
  // A domain with content cannot be deleted.
  EXPECT_EQ(sw_of(card.host.send(gp::delete_object(kSsd, false))), 0x6985);
}

// Puts an AES key of version `version`, identifier 1, on the issuer security domain.
void put_isd_aes_key(TestCard& card, std::uint8_t version, const SecretBytes& key) {
  ASSERT_EQ(sw_of(card.host.send(gp::put_key(0x00, version, 0x01, {gp::PutKeyComponent{0x88, key}},
                                             *card.host.session()))),
            0x9000);
}

TEST(DelegatedManagement, NeedsValidTokensAndReturnsReceipts) {
  TestCard card;
  card.authenticate();
  SecretBytes token_key(Bytes(16, 0x70));
  SecretBytes receipt_key(Bytes(16, 0x71));
  put_isd_aes_key(card, authorization::kTokenKeyVersion, token_key);
  put_isd_aes_key(card, authorization::kReceiptKeyVersion, receipt_key);
  auto ssd = personalized_domain(card, from_hex("A08000"));

  Bytes data = lfdb();
  Bytes hash = crypto::sha256(data);
  apdu::Command unsigned_install = gp::install_for_load(kPackage, {}, hash);
  EXPECT_EQ(sw_of(ssd->send(unsigned_install)), 0x6982);

  // §C.4.1: the token signs P1, P2, the length of the fields without the token, the fields.
  Bytes fields(unsigned_install.data.begin(), unsigned_install.data.end() - 1);
  Bytes token = crypto::aes_cmac(token_key, authorization::token_data(0x02, 0x00, fields));
  Bytes wrong = token;
  wrong[0] ^= 1;
  EXPECT_EQ(sw_of(ssd->send(gp::install_for_load(kPackage, {}, hash, {}, wrong))), 0x6982);
  ASSERT_EQ(sw_of(ssd->send(gp::install_for_load(kPackage, {}, hash, {}, token))), 0x9000);
  apdu::Response last;
  for (const apdu::Command& block : gp::load(data, kBlock)) last = ssd->send(block);
  ASSERT_EQ(sw_of(last), 0x9000);

  // §11.1.6 and §C.5.1: length, receipt length, receipt, confirmation data; the receipt is a
  // CMAC over the confirmation data and the load file and domain AIDs.
  ByteView response = last.data;
  ASSERT_GT(response.size(), 20u);
  EXPECT_EQ(response[0], response.size() - 1);
  EXPECT_EQ(response[1], 16);
  Bytes receipt(response.begin() + 2, response.begin() + 18);
  Bytes confirmation_data(response.begin() + 18, response.end());
  EXPECT_EQ(to_hex(ByteView(confirmation_data).first(3)), "020001");  // counter 1
  Bytes signed_data = confirmation_data;
  append(signed_data, commands_lv(kPackage));
  append(signed_data, commands_lv(kSsd));
  EXPECT_EQ(to_hex(receipt), to_hex(crypto::aes_cmac(receipt_key, signed_data)));
  EXPECT_EQ(to_hex(card.host.send("80CA00C200").data), "C2020001");

  // The authorized issuer security domain must not get a token.
  EXPECT_EQ(
      sw_of(card.host.send(gp::install_for_load(from_hex("D2760000850102"), {}, hash, {}, token))),
      0x6A80);
}

TEST(Dap, DomainWithDapVerificationDemandsItsSignature) {
  TestCard card;
  card.authenticate();
  auto ssd = personalized_domain(card, from_hex("C0C000"));
  SecretBytes dap_key(Bytes(16, 0x73));
  ASSERT_EQ(sw_of(ssd->send(gp::put_key(0x00, authorization::kDapKeyVersion, 0x01,
                                        {gp::PutKeyComponent{0x88, dap_key}}, *ssd->session()))),
            0x9000);
  Bytes data = lfdb();
  Bytes hash = crypto::sha256(data);
  EXPECT_EQ(sw_of(load_package(*ssd, data, {}, hash)), 0x6982);  // no DAP block
  Bytes wrong = crypto::aes_cmac(dap_key, crypto::sha1(data));
  EXPECT_EQ(sw_of(load_package(*ssd, data, {}, hash, gp::dap_block(kSsd, wrong))), 0x6982);
  Bytes dap = crypto::aes_cmac(dap_key, hash);
  EXPECT_EQ(sw_of(load_package(*ssd, data, {}, hash, gp::dap_block(kSsd, dap))), 0x9000);
  // GPCS 2.3: no load file may be extradited to a domain with DAP Verification.
  ASSERT_EQ(sw_of(load_package(card.host, lfdb(from_hex("D2760000850202"), {}))), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_extradition(kSsd, from_hex("D2760000850202")))),
            0x6985);
}

TEST(Dap, MandatedDapRejectsUnsignedLoadAndAcceptsRsaSignature) {
  TestCard card;
  card.authenticate();
  auto authority = personalized_domain(card, from_hex("C18000"));
  crypto::RsaPrivateKey signer = crypto::generate_rsa_key(1024);
  ASSERT_EQ(sw_of(authority->send(
                gp::put_public_key(0x00, authorization::kDapKeyVersion, 0x01,
                                   {{0xA1, signer.modulus}, {0xA0, signer.public_exponent}}))),
            0x9000);
  Bytes data = lfdb();
  Bytes hash = crypto::sha1(data);
  // Every load now needs the authority's DAP, also one the issuer security domain makes.
  EXPECT_EQ(sw_of(load_package(card.host, data, {}, hash)), 0x6982);
  EXPECT_EQ(sw_of(load_package(card.host, data)), 0x6982);  // no hash to sign at all
  Bytes signature = crypto::rsa_pkcs1_sign(signer, crypto::Hash::sha1, hash);
  EXPECT_EQ(sw_of(load_package(card.host, data, {}, hash, gp::dap_block(kSsd, signature))), 0x9000);
}

TEST(Extradition, MovesApplicationToPersonalizedDomain) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  auto ssd = personalized_domain(card, from_hex("80C000"));
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_extradition(kSsd, kApplet))), 0x9000);
  EXPECT_EQ(card.registry().find_application(kApplet)->security_domain, kSsd);
  // The application no longer belongs to the issuer domain: it cannot extradite it again.
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_extradition(kIsd, kApplet))), 0x6985);
  EXPECT_EQ(sw_of(ssd->send(gp::install_for_extradition(kIsd, kApplet))), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_extradition(from_hex("A0000000009999"), kApplet))),
            0x6A88);
  // A domain cannot move under itself.
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_extradition(kSsd, kSsd))), 0x6A80);
}

TEST(RegistryUpdate, UpdatesPrivilegesAndRestrictsTheCard) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_registry_update({}, kApplet, from_hex("000100")))),
            0x9000);
  EXPECT_TRUE(card.registry().find_application(kApplet)->privileges.has(Privilege::global_service));
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_registry_update({}, kApplet, from_hex("800000")))),
            0x6A80);
  // D9 02 in the OPEN's registry update disables loading for good.
  Bytes restrict = tlv::encode(0xEF, tlv::encode(0xD9, from_hex("02")));
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_registry_update({}, {}, {}, restrict))), 0x9000);
  EXPECT_EQ(sw_of(card.host.send(gp::install_for_load(from_hex("D2760000850102"), {}, {}))),
            0x6985);
}

// ---------------------------------------------------------------------------------------------
// Services of the GlobalPlatform API

TEST(Services, LifeCyclesAndCardLockNeedPrivileges) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host, kApplet, from_hex("10"))), 0x9000);  // Card Lock
  Bytes plain = kApplet;
  plain.back() = 0x02;
  ASSERT_EQ(sw_of(install_applet(card.host, plain)), 0x9000);

  EXPECT_TRUE(card.manager->set_own_life_cycle(plain, 0x0F));  // application specific
  EXPECT_EQ(card.manager->application_life_cycle(plain), 0x0F);
  EXPECT_FALSE(card.manager->set_own_life_cycle(plain, 0x05));
  EXPECT_FALSE(card.manager->lock_card(plain));
  EXPECT_TRUE(card.manager->lock_card(kApplet));
  EXPECT_EQ(card.manager->card_life_cycle(), life_cycle::card_locked);
  EXPECT_FALSE(card.manager->terminate_card(kApplet));
  EXPECT_EQ(card.manager->associated_security_domain(plain), kIsd);
  EXPECT_NE(card.manager->applet_secure_channel(plain, 0), nullptr);
  EXPECT_EQ(card.manager->applet_secure_channel(from_hex("D2760000850999"), 0), nullptr);
}

TEST(Services, GlobalPinCountsTriesAndBlocks) {
  constexpr std::uint8_t kAscii = 0x01;
  TestCard card;
  EXPECT_FALSE(card.manager->verify_global_pin(from_hex("31323334"), kAscii));  // not active
  EXPECT_FALSE(card.manager->global_pin_state().active);
  EXPECT_FALSE(
      card.manager->update_global_pin(from_hex("D2760000850999"), from_hex("31323334"), kAscii));
  // The ISD has the CVM Management privilege.
  ASSERT_TRUE(card.manager->update_global_pin(kIsd, from_hex("31323334"), kAscii));
  EXPECT_FALSE(card.manager->global_pin_state().active);  // no try limit yet
  ASSERT_TRUE(card.manager->set_global_pin_try_limit(kIsd, 3));
  EXPECT_TRUE(card.manager->global_pin_state().active);
  EXPECT_FALSE(card.manager->verify_global_pin(from_hex("31323335"), kAscii));
  EXPECT_EQ(card.manager->global_pin_state().tries_remaining, 2);
  EXPECT_TRUE(card.manager->global_pin_state().submitted);
  EXPECT_FALSE(card.manager->global_pin_state().verified);
  EXPECT_TRUE(card.manager->verify_global_pin(from_hex("31323334"), kAscii));
  EXPECT_TRUE(card.manager->global_pin_state().verified);
  EXPECT_EQ(card.manager->global_pin_state().tries_remaining, 3);
  for (int i = 0; i < 3; ++i) card.manager->verify_global_pin(from_hex("00"), kAscii);
  EXPECT_TRUE(card.manager->global_pin_state().blocked);
  EXPECT_FALSE(card.manager->verify_global_pin(from_hex("31323334"), kAscii));
  EXPECT_FALSE(card.manager->reset_and_unblock_global_pin(from_hex("D2760000850999")));
  EXPECT_TRUE(card.manager->reset_and_unblock_global_pin(kIsd));
  EXPECT_TRUE(card.manager->verify_global_pin(from_hex("31323334"), kAscii));
  card.manager->reset();
  EXPECT_FALSE(card.manager->global_pin_state().submitted);
}

// Malformed bytes from an applet's buffer get the status word ISO/IEC 7816-4 names, thrown as
// the ISOException reason, and never reach the secure channel.
TEST(Services, AppletSecureChannelRejectsMalformedInput) {
  TestCard card;
  card.authenticate();
  ASSERT_EQ(sw_of(load_package(card.host, lfdb())), 0x9000);
  ASSERT_EQ(sw_of(install_applet(card.host)), 0x9000);
  scp::SecureChannel* channel = card.manager->applet_secure_channel(kApplet, 0);
  ASSERT_NE(channel, nullptr);
  AppletSecureChannel service(*channel);
  auto status_of = [](auto&& call) -> std::uint16_t {
    try {
      call();
    } catch (const api::ServiceFailure& failure) {
      return failure.status;
    }
    return 0x9000;
  };
  // Lc 05 with 2 data bytes, and a header cut short.
  EXPECT_EQ(status_of([&] { service.unwrap(from_hex("8010000005AABB")); }), 0x6700);
  EXPECT_EQ(status_of([&] { service.process_security(from_hex("8050")); }), 0x6700);
  // A response without its status word.
  EXPECT_EQ(status_of([&] { service.wrap(from_hex("90")); }), 0x6700);
  // No session: the data encryption key is not available, and a plain command passes.
  EXPECT_EQ(status_of([&] { service.decrypt_data(Bytes(16, 0)); }), 0x6985);
  EXPECT_EQ(status_of([&] { service.encrypt_data(Bytes(16, 0)); }), 0x6985);
  EXPECT_EQ(to_hex(service.unwrap(from_hex("8010000002AABB"))), "8010000002AABB");
  EXPECT_EQ(to_hex(service.unwrap(from_hex("80100000"))), "8010000000");
  // A command that claims secure messaging without a session.
  EXPECT_EQ(status_of([&] { service.unwrap(from_hex("8410000002AABB")); }), 0x6982);
  EXPECT_EQ(service.security_level(), 0x00);
}

TEST(Services, AtrHistoricalBytesSurviveInTheRegistry) {
  TestCard card;
  EXPECT_FALSE(card.manager->atr_historical_bytes());
  EXPECT_FALSE(card.manager->set_atr_historical_bytes(from_hex("D2760000850999"), from_hex("80")));
  EXPECT_FALSE(card.manager->set_atr_historical_bytes(kIsd, Bytes(16, 0x11)));
  ASSERT_TRUE(card.manager->set_atr_historical_bytes(kIsd, from_hex("8031C073")));
  Registry again = Registry::decode(card.registry().encode());
  EXPECT_TRUE(again.card.atr_historical_bytes_set);
  EXPECT_EQ(again.card.atr_historical_bytes, from_hex("8031C073"));
}

// ---------------------------------------------------------------------------------------------
// Persistence and power loss

class TempImage {
 public:
  TempImage() {
    path_ = std::filesystem::temp_directory_path() / ("uicc-sd-test-" + std::to_string(::getpid()) +
                                                      "-" + std::to_string(counter_++) + ".img");
    std::filesystem::remove(path_);
  }
  ~TempImage() {
    std::filesystem::remove(path_);
    std::filesystem::remove(path_.string() + ".tmp");
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(Persistence, RegistrySurvivesReopening) {
  TempImage image;
  {
    auto store = store::Store::open(image.path());
    test::FakeContent content(*store, test::kContentRoot);
    CardManager manager(*store, content);
    Host host(manager.issuer_security_domain());
    host.select();
    ASSERT_EQ(sw_of(host.open(default_keys(), 0x01)), 0x9000);
    ASSERT_EQ(sw_of(load_package(host, lfdb())), 0x9000);
    ASSERT_EQ(sw_of(install_applet(host)), 0x9000);
    store->flush();
  }
  auto store = store::Store::open(image.path());
  test::FakeContent content(*store, test::kContentRoot);
  CardManager manager(*store, content);
  EXPECT_NE(manager.registry().find_application(kApplet), nullptr);
  EXPECT_EQ(manager.registry().isd().domain->sequence_counters.at(0x30), 1u);
}

// GPCS 2.3.1 §11: a command whose write to non-volatile memory fails gets 6581. This runs in
// the death test's child process. It caps the size of the files it may write (RLIMIT_FSIZE)
// at the image's size, loads a package, and exits with 0 if LOAD got 6581.
[[noreturn]] void load_with_full_disk(const std::filesystem::path& image) {
  auto store = store::Store::open(image);
  test::FakeContent content(*store, test::kContentRoot);
  CardManager manager(*store, content);
  Host host(manager.issuer_security_domain());
  host.select();
  if (sw_of(host.open(default_keys(), 0x01)) != 0x9000) std::_Exit(2);
  store->flush();
  std::signal(SIGXFSZ, SIG_IGN);
  rlimit limit{static_cast<rlim_t>(std::filesystem::file_size(image)), RLIM_INFINITY};
  if (setrlimit(RLIMIT_FSIZE, &limit) != 0) std::_Exit(3);
  std::uint16_t status = sw_of(load_package(host, lfdb()));
  std::_Exit(status == 0x6581 ? 0 : 1);
}

TEST(PersistenceDeathTest, FailedImageWriteGives6581) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  TempImage image;
  EXPECT_EXIT(load_with_full_disk(image.path()), ::testing::ExitedWithCode(0), "");
}

// Runs LOAD of the last block and INSTALL with a power loss at every store write, and checks
// after power-up that registry and runtime agree: nothing half installed, and a new attempt works.
TEST(Persistence, PowerLossDuringLoadAndInstallLeavesNothingHalfDone) {
  Bytes data = lfdb(kPackage, {kAppletClass}, 400);
  auto scenario = [&](Host& host) {
    ASSERT_EQ(sw_of(load_package(host, data)), 0x9000);
    ASSERT_EQ(sw_of(install_applet(host)), 0x9000);
  };

  std::uint64_t total = 0;
  {
    TempImage image;
    auto store = store::Store::open(image.path());
    test::FakeContent content(*store, test::kContentRoot);
    CardManager manager(*store, content);
    Host host(manager.issuer_security_domain());
    host.select();
    ASSERT_EQ(sw_of(host.open(default_keys(), 0x01)), 0x9000);
    store->flush();
    std::uint64_t before = store->write_count();
    scenario(host);
    total = store->write_count() - before;
  }
  ASSERT_GT(total, 4u);

  for (std::uint64_t cut = 1; cut <= total; ++cut) {
    SCOPED_TRACE("cut at write " + std::to_string(cut));
    TempImage image;
    {
      auto store = store::Store::open(image.path());
      test::FakeContent content(*store, test::kContentRoot);
      CardManager manager(*store, content);
      Host host(manager.issuer_security_domain());
      host.select();
      ASSERT_EQ(sw_of(host.open(default_keys(), 0x01)), 0x9000);
      store->flush();
      store->cut_power_after(cut);
      EXPECT_THROW(
          {
            try {
              scenario(host);
            } catch (const apdu::StatusError&) {
              FAIL() << "a status word instead of the power loss";
            }
          },
          store::PowerLoss);
    }
    auto store = store::Store::open(image.path());
    test::FakeContent content(*store, test::kContentRoot);
    CardManager manager(*store, content);
    const Registry& registry = manager.registry();
    EXPECT_EQ(registry.find_load_file(kPackage) != nullptr, content.has_package(kPackage));
    EXPECT_EQ(registry.find_application(kApplet) != nullptr, content.has_applet(kApplet));
    if (registry.find_application(kApplet) != nullptr) {
      EXPECT_NE(registry.find_load_file(kPackage), nullptr);
    }

    // Power-up done: the host starts again where the card is.
    Host host(manager.issuer_security_domain());
    host.select();
    ASSERT_EQ(sw_of(host.open(default_keys(), 0x01)), 0x9000);
    if (registry.find_load_file(kPackage) == nullptr) {
      ASSERT_EQ(sw_of(load_package(host, data)), 0x9000);
    }
    if (registry.find_application(kApplet) == nullptr) {
      ASSERT_EQ(sw_of(install_applet(host)), 0x9000);
    }
    EXPECT_TRUE(content.has_applet(kApplet));
  }
}

}  // namespace
}  // namespace uicc::sd
