// The org.globalplatform API from an applet's side (GlobalPlatform Card API 1.6 over GPCS
// 2.3.1). A Java applet, built by the SDK and installed with GlobalPlatform commands, uses its
// security domain's SCP03 session, the global PIN, the card life cycle and the registry, and
// receives personalization data through STORE DATA.
#include <gtest/gtest.h>

#include <filesystem>

#include "apdu/atr.h"
#include "security_domains/life_cycle.h"
#include "security_domains/scp/host.h"
#include "test/security_domains/card_fixture.h"
#include "test/security_domains/gp_card.h"
#include "tools/gp/cap_file.h"
#include "tools/gp/client.h"
#include "tools/gp/commands.h"
#include "util/crypto.h"
#include "vm/store/store.h"

namespace uicc::gp {
namespace {

using test::GpCard;

const Bytes kIsd = from_hex("A000000151000000");
const Bytes kPackage = from_hex("F0756963630203");
const Bytes kClass = from_hex("F075696363020301");
// Instances: one with Card Lock, Card Terminate and CVM Management, one without privileges.
const Bytes kPrivileged = from_hex("F075696363020301");
const Bytes kPlain = from_hex("F075696363020302");
const Bytes kHelloPackage = from_hex("F0756963630101");
const Bytes kHelloApplet = from_hex("F075696363010101");

// Privilege byte 1 (GPCS 2.3.1 Table 11-7): Card Lock 10, Card Terminate 08, Card Reset 04,
// CVM Management 02.
constexpr std::uint8_t kLockTerminateCvm = 0x1A;
constexpr std::uint8_t kCardReset = 0x04;

// Security levels (GPCS 2.3.1 §10.6): C-MAC 01, C-DECRYPTION 02, R-MAC 10, R-ENCRYPTION 20.
constexpr std::uint8_t kMacEnc = 0x03;
constexpr std::uint8_t kAll = 0x33;

sd::scp::StaticKeys test_keys() {
  SecretBytes key(from_hex("404142434445464748494A4B4C4D4E4F"));
  return sd::scp::StaticKeys{0x30, key, key, key};
}

apdu::Command cmd(const std::string& hex) {
  return std::get<apdu::Command>(apdu::parse_command(from_hex(hex)));
}

std::uint16_t sw(const apdu::Response& response) {
  return response.sw.value;
}

class GpApi : public ::testing::Test {
 protected:
  explicit GpApi(test::GpCardOptions options = {})
      : card_(std::move(options)),
        transport_([this](ByteView command) { return card_.transmit(command); }),
        client_(transport_) {}

  void SetUp() override {
    open_isd();
    Client::InstallOptions options;
    options.applet = kClass;
    options.instance = kPrivileged;
    options.privileges = Bytes{kLockTerminateCvm};
    client_.install(read_cap_file(UICC_GP_API_APPLET_CAP), options);
    install_instance(kPlain, 0x00);
  }

  void open_isd(std::uint8_t level = 0x01) {
    client_.select(kIsd);
    ChannelOptions options;
    options.keys = test_keys();
    options.security_level = level;
    client_.open_secure_channel(options);
  }

  void install_instance(ByteView instance, std::uint8_t privileges) {
    client_.expect_ok(install_for_install(kPackage, kClass, instance, Bytes{privileges},
                                          install_parameters({}), {}, true),
                      "INSTALL [for install]");
  }

  apdu::Response raw(const apdu::Command& command) { return client_.transmit(command); }
  apdu::Response raw(const std::string& hex) { return raw(cmd(hex)); }

  // Selects `applet` and opens its security domain's SCP03 session through the applet's
  // SecureChannel.processSecurity. Returns the EXTERNAL AUTHENTICATE status word.
  std::uint16_t open_applet_session(ByteView applet, std::uint8_t level) {
    session_.reset();
    client_.select(applet);
    const Bytes challenge = crypto::random_bytes(8);
    apdu::Response initialize = raw(sd::scp::initialize_update_command(0, challenge));
    if (initialize.sw != apdu::sw::ok) return sw(initialize);
    auto parsed = sd::scp::parse_initialize_update_response(initialize.data);
    sd::scp::OpenedSession opened = sd::scp::open_session(test_keys(), challenge, parsed, level);
    apdu::Response authenticated = raw(opened.external_authenticate);
    if (authenticated.sw == apdu::sw::ok) session_ = std::move(opened.session);
    return sw(authenticated);
  }

  // One value of the applet: the first byte of its response to `hex`.
  std::uint8_t ask(const std::string& hex) {
    apdu::Response response = raw(hex);
    EXPECT_EQ(sw(response), 0x9000) << hex;
    return response.data.empty() ? 0xFF : response.data[0];
  }

  GpCard card_;
  FunctionTransport transport_;
  Client client_;
  std::unique_ptr<sd::scp::Session> session_;
};

// --- SecureChannel ---------------------------------------------------------------------------

TEST_F(GpApi, AppletUnwrapsCommandWithCMacAndCDecryption) {
  ASSERT_EQ(open_applet_session(kPlain, kMacEnc), 0x9000);
  EXPECT_EQ(ask("8012000001"), 0x83);  // AUTHENTICATED, C-DECRYPTION, C-MAC
  const Bytes secret = from_hex("0102030405060708090A0B0C0D0E0F101112");
  apdu::Command plain = cmd("80100000");
  plain.data = secret;
  apdu::Command wire = session_->wrap_command(plain);
  ASSERT_NE(wire.data, secret);  // ciphered and MAC'd on the way
  apdu::Response response = raw(wire);
  ASSERT_EQ(sw(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), to_hex(secret));
  // The chaining value moves on: a second command verifies too.
  plain.data = from_hex("AA");
  response = raw(session_->wrap_command(plain));
  ASSERT_EQ(sw(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "AA");
}

TEST_F(GpApi, WrongCMacGets6982AndEndsTheSession) {
  ASSERT_EQ(open_applet_session(kPlain, 0x01), 0x9000);
  apdu::Command plain = cmd("8010000003112233");
  apdu::Command wire = session_->wrap_command(plain);
  wire.data.back() ^= 0x01;
  EXPECT_EQ(sw(raw(wire)), 0x6982);
  // GPCS 2.3.1 §10 and Amendment D v1.2 §5.6: the session is closed; the level drops, later
  // commands get 6982.
  EXPECT_EQ(ask("8012000001"), 0x00);
  EXPECT_EQ(sw(raw(session_->wrap_command(plain))), 0x6982);
  EXPECT_EQ(sw(raw("8010000003112233")), 0x6982);
}

TEST_F(GpApi, CommandWithoutTheSessionsCMacGets6982) {
  ASSERT_EQ(open_applet_session(kPlain, 0x01), 0x9000);
  EXPECT_EQ(sw(raw("8010000003112233")), 0x6982);
}

TEST_F(GpApi, WrapAddsRMacAndREncryption) {
  ASSERT_EQ(open_applet_session(kPlain, kAll), 0x9000);
  apdu::Command plain = cmd("80100000");
  plain.data = from_hex("CAFE");
  apdu::Response response = raw(session_->wrap_command(plain));
  ASSERT_EQ(sw(response), 0x9000);
  EXPECT_NE(to_hex(response.data), "CAFE");
  auto unwrapped = session_->unwrap_response(response);
  ASSERT_TRUE(unwrapped) << "R-MAC does not verify";
  EXPECT_EQ(to_hex(unwrapped->data), "CAFE");
}

TEST_F(GpApi, EncryptAndDecryptDataWithTheSessionDek) {
  ASSERT_EQ(open_applet_session(kPlain, 0x01), 0x9000);
  const Bytes clear = from_hex("00112233445566778899AABBCCDDEEFF");
  apdu::Response encrypted = raw("8016000010" + to_hex(clear));
  ASSERT_EQ(sw(encrypted), 0x9000);
  EXPECT_EQ(to_hex(session_->decrypt_sensitive_data(encrypted.data)), to_hex(clear));
  apdu::Response decrypted = raw("8014000010" + to_hex(session_->encrypt_sensitive_data(clear)));
  ASSERT_EQ(sw(decrypted), 0x9000);
  EXPECT_EQ(to_hex(decrypted.data), to_hex(clear));
  // Not a whole number of AES blocks.
  EXPECT_EQ(sw(raw("801400000F00112233445566778899AABBCCDDEE")), 0x6700);
}

TEST_F(GpApi, DataEncryptionWithoutSessionGets6985) {
  client_.select(kPlain);
  EXPECT_EQ(sw(raw("801600001000112233445566778899AABBCCDDEEFF")), 0x6985);
  EXPECT_EQ(ask("8012000001"), 0x00);
}

TEST_F(GpApi, ResetSecurityEndsTheSession) {
  ASSERT_EQ(open_applet_session(kPlain, 0x01), 0x9000);
  EXPECT_EQ(ask("8012000001"), 0x81);
  EXPECT_EQ(sw(raw("8018000000")), 0x9000);
  EXPECT_EQ(ask("8012000001"), 0x00);
}

// SecureChannelx2.processSecurity with the command in a byte array.
TEST_F(GpApi, SecureChannelx2ProcessSecurityInBuffer) {
  client_.select(kPlain);
  ASSERT_EQ(sw(raw("801C010000")), 0x9000);
  ASSERT_EQ(open_applet_session(kPlain, 0x01), 0x9000);
  EXPECT_EQ(ask("8012000001"), 0x81);
  apdu::Response response = raw(session_->wrap_command(cmd("8010000002CAFE")));
  ASSERT_EQ(sw(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "CAFE");
  EXPECT_EQ(sw(raw("801C000000")), 0x9000);
}

// SecureChannelx.setSecurityLevel raises the level for what follows, never lowers it, and
// takes only what the protocol option supports.
TEST_F(GpApi, SecureChannelxSetSecurityLevel) {
  client_.select(kPlain);
  EXPECT_EQ(sw(raw("801E010000")), 0x6985);  // no session
  ASSERT_EQ(open_applet_session(kPlain, 0x01), 0x9000);
  EXPECT_EQ(sw(raw("801E000000")), 0x6985);  // drops C-MAC
  EXPECT_EQ(sw(raw("801E210000")), 0x6985);  // R-ENCRYPTION without R-MAC
  EXPECT_EQ(sw(raw("801E930000")), 0x9000);  // C-MAC, C-DECRYPTION, R-MAC
  EXPECT_EQ(ask("8012000001"), 0x93);
  session_->set_level(0x93);
  apdu::Command plain = cmd("80100000");
  plain.data = from_hex("CAFE");
  apdu::Response response = raw(session_->wrap_command(plain));
  ASSERT_EQ(sw(response), 0x9000);
  auto unwrapped = session_->unwrap_response(response);
  ASSERT_TRUE(unwrapped) << "R-MAC does not verify";
  EXPECT_EQ(to_hex(unwrapped->data), "CAFE");
  EXPECT_EQ(sw(raw("801E010000")), 0x6985);  // back to C-MAC only
}

TEST_F(GpApi, ProcessSecurityErrors) {
  client_.select(kPlain);
  // Not a command of the protocol: by instruction, and by class (b8 clear).
  EXPECT_EQ(sw(raw("801A000000")), 0x6D00);
  EXPECT_EQ(sw(raw("001A000000")), 0x6E00);
  // A host challenge of 7 bytes, and P2 other than 00.
  EXPECT_EQ(sw(raw("805000000700000000000000")), 0x6700);
  EXPECT_EQ(sw(raw("8050000108" + std::string(16, '0'))), 0x6A86);
  // EXTERNAL AUTHENTICATE without INITIALIZE UPDATE.
  EXPECT_EQ(sw(raw("8482010010" + std::string(32, '0'))), 0x6985);
  // Key version that the domain does not have.
  EXPECT_EQ(sw(raw("8050770008" + std::string(16, '0'))), 0x6A88);
  // Wrong host cryptogram.
  const Bytes challenge = crypto::random_bytes(8);
  ASSERT_EQ(sw(raw(sd::scp::initialize_update_command(0, challenge))), 0x9000);
  EXPECT_EQ(sw(raw("8482010010" + std::string(32, '0'))), 0x6300);
}

// The same through a domain that runs SCP02 (i = 15): C-MAC on the modified APDU, 3DES-CBC
// command encryption, and the session DEK in 3DES-ECB for sensitive data.
class GpApiScp02 : public GpApi {
 protected:
  static test::GpCardOptions scp02_card() {
    test::GpCardOptions options;
    options.profile.isd_scp = {sd::scp::Protocol::scp02, 0x15};
    options.profile.isd_keys = sd::CardProfile::test_keys(sd::scp::Protocol::scp02, 0x30);
    return options;
  }
  GpApiScp02() : GpApi(scp02_card()) {}
};

TEST_F(GpApiScp02, AppletUnwrapsAndDecrypts) {
  ASSERT_EQ(open_applet_session(kPlain, kMacEnc), 0x9000);
  EXPECT_EQ(ask("8012000001"), 0x83);
  apdu::Command plain = cmd("80100000");
  plain.data = from_hex("0102030405060708090A");
  apdu::Response response = raw(session_->wrap_command(plain));
  ASSERT_EQ(sw(response), 0x9000);
  EXPECT_EQ(to_hex(response.data), "0102030405060708090A");
  const Bytes clear = from_hex("404142434445464748494A4B4C4D4E4F");
  apdu::Response decrypted = raw("8014000010" + to_hex(session_->encrypt_sensitive_data(clear)));
  ASSERT_EQ(sw(decrypted), 0x9000);
  EXPECT_EQ(to_hex(decrypted.data), to_hex(clear));
  apdu::Command wire = session_->wrap_command(plain);
  wire.data.back() ^= 0x80;
  EXPECT_EQ(sw(raw(wire)), 0x6982);
  EXPECT_EQ(ask("8012000001"), 0x00);
}

// --- CVM (the global PIN) --------------------------------------------------------------------

// "1234" in ASCII, and the verification in each format.
TEST_F(GpApi, GlobalPinLifeAcrossFormats) {
  client_.select(kPrivileged);
  EXPECT_EQ(to_hex(raw("8022000000").data), "000000000001");  // inactive; getCVM is stable
  EXPECT_EQ(ask("8024010004 31323334"), 0x01);                // update, ASCII
  EXPECT_EQ(ask("8022000000"), 0x00);                         // no try limit yet
  EXPECT_EQ(ask("8026030000"), 0x01);                         // setTryLimit(3)
  EXPECT_EQ(to_hex(raw("8022000000").data), "010000000301");
  EXPECT_EQ(sw(raw("8020010004 31313131")), 0x63C2);
  EXPECT_EQ(to_hex(raw("8022000000").data), "010100000201");  // submitted, not verified
  EXPECT_EQ(sw(raw("8020020002 1234")), 0x9000);              // BCD matches ASCII digits
  EXPECT_EQ(to_hex(raw("8022000000").data), "010101000301");
  EXPECT_EQ(sw(raw("8020030002 1234")), 0x63C2);  // HEX never matches ASCII
  EXPECT_EQ(sw(raw("8020010004 31323334")), 0x9000);
  EXPECT_EQ(ask("802C000000"), 0x01);  // resetState
  EXPECT_EQ(to_hex(raw("8022000000").data), "010000000301");
  EXPECT_EQ(sw(raw("8020090004 31323334")), 0x63C3);  // unknown format: no try
  EXPECT_EQ(ask("802E120000"), 0x01);                 // no CVM 12
}

TEST_F(GpApi, GlobalPinBlocksAndOnlyCvmManagementUnblocks) {
  client_.select(kPrivileged);
  ASSERT_EQ(ask("8026020000"), 0x01);
  ASSERT_EQ(ask("8024010004 31323334"), 0x01);
  client_.select(kPlain);
  // Without CVM Management: no update, limit, block or unblock; verify and resetState work.
  EXPECT_EQ(ask("8024010004 39393939"), 0x00);
  EXPECT_EQ(ask("8026050000"), 0x00);
  EXPECT_EQ(ask("8028000000"), 0x00);
  EXPECT_EQ(sw(raw("8020010004 30303030")), 0x63C1);
  EXPECT_EQ(sw(raw("8020010004 30303030")), 0x63C0);
  EXPECT_EQ(to_hex(raw("8022000000").data), "010100010001");  // blocked
  EXPECT_EQ(sw(raw("8020010004 31323334")), 0x63C0);          // the right value, too late
  EXPECT_EQ(ask("802C000000"), 0x00);                         // resetState refused
  EXPECT_EQ(ask("802A000000"), 0x00);
  client_.select(kPrivileged);
  EXPECT_EQ(ask("802A000000"), 0x01);
  EXPECT_EQ(to_hex(raw("8022000000").data), "010000000201");
  EXPECT_EQ(ask("8028000000"), 0x01);  // blockState
  EXPECT_EQ(sw(raw("8020010004 31323334")), 0x63C2);
  EXPECT_EQ(ask("802A000000"), 0x01);
  EXPECT_EQ(sw(raw("8020010004 31323334")), 0x9000);
}

TEST_F(GpApi, GlobalPinRejectsBadValues) {
  client_.select(kPrivileged);
  EXPECT_EQ(ask("8024020002 1A34"), 0x00);  // BCD with a nibble above 9
  EXPECT_EQ(ask("8024040002 1234"), 0x00);  // unknown format
  EXPECT_EQ(ask("8026000000"), 0x00);       // try limit 0
  EXPECT_EQ(ask("8024020002 123F"), 0x01);  // "123", padded
  EXPECT_EQ(ask("8026030000"), 0x01);
  EXPECT_EQ(sw(raw("8020010003 313233")), 0x9000);
}

// The try counter goes down before the comparison and survives a card reset.
TEST_F(GpApi, GlobalPinCounterSurvivesReset) {
  client_.select(kPrivileged);
  ASSERT_EQ(ask("8026030000"), 0x01);
  ASSERT_EQ(ask("8024010004 31323334"), 0x01);
  ASSERT_EQ(sw(raw("8020010004 30303030")), 0x63C2);
  ASSERT_EQ(sw(raw("8020010004 31323334")), 0x9000);
  ASSERT_EQ(sw(raw("8020010004 30303030")), 0x63C2);
  card_.reset();
  client_.select(kPrivileged);
  EXPECT_EQ(to_hex(raw("8022000000").data), "010000000201");  // VALIDATED is gone, tries kept
}

// --- GPSystem --------------------------------------------------------------------------------

TEST_F(GpApi, LockCardNeedsCardLock) {
  client_.select(kPlain);
  EXPECT_EQ(ask("8030000000"), 0x00);
  EXPECT_EQ(card_.manager().card_life_cycle(), sd::life_cycle::secured);
  client_.select(kPrivileged);
  EXPECT_EQ(ask("8030000000"), 0x01);
  EXPECT_EQ(card_.manager().card_life_cycle(), sd::life_cycle::card_locked);
  // GPCS 2.3.1 §5.1.1.4: a locked card selects only the Final Application.
  EXPECT_EQ(sw(raw(select(kPlain))), 0x6A81);
}

TEST_F(GpApi, TerminateCardNeedsCardTerminate) {
  client_.select(kPlain);
  EXPECT_EQ(ask("8032000000"), 0x00);
  client_.select(kPrivileged);
  EXPECT_EQ(ask("8032000000"), 0x01);
  EXPECT_EQ(card_.manager().card_life_cycle(), sd::life_cycle::terminated);
  // No way back from TERMINATED.
  EXPECT_FALSE(card_.manager().lock_card(kPrivileged));
}

TEST_F(GpApi, SetAtrHistoricalBytesNeedsCardReset) {
  const Bytes hist = from_hex("8031C07300");
  client_.select(kPrivileged);
  EXPECT_EQ(ask("8034000005" + to_hex(hist)), 0x00);
  EXPECT_FALSE(card_.manager().atr_historical_bytes());
  const Bytes reset_holder = from_hex("F075696363020303");
  open_isd();
  install_instance(reset_holder, kCardReset);
  client_.select(reset_holder);
  EXPECT_EQ(ask("8034000010" + std::string(32, '1')), 0x00);  // 16 bytes: more than 15
  EXPECT_EQ(ask("8034000005" + to_hex(hist)), 0x01);
  ASSERT_TRUE(card_.manager().atr_historical_bytes());
  EXPECT_EQ(*card_.manager().atr_historical_bytes(), hist);
  // The next ATR carries them, with T0 and TCK to match.
  auto parsed = apdu::parse_atr(card_.atr());
  ASSERT_TRUE(std::holds_alternative<apdu::AtrInfo>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<apdu::AtrInfo>(parsed).historical, hist);
  EXPECT_TRUE(std::get<apdu::AtrInfo>(parsed).has_tck);
  // 15 bytes, the maximum, and zero bytes are allowed too.
  EXPECT_EQ(ask("803400000F" + std::string(30, '7')), 0x01);
  parsed = apdu::parse_atr(card_.atr());
  ASSERT_TRUE(std::holds_alternative<apdu::AtrInfo>(parsed)) << std::get<std::string>(parsed);
  EXPECT_EQ(std::get<apdu::AtrInfo>(parsed).historical, Bytes(15, 0x77));
  EXPECT_EQ(ask("8034000000"), 0x01);
  parsed = apdu::parse_atr(card_.atr());
  ASSERT_TRUE(std::holds_alternative<apdu::AtrInfo>(parsed)) << std::get<std::string>(parsed);
  EXPECT_TRUE(std::get<apdu::AtrInfo>(parsed).historical.empty());
}

// A power loss between the decrement of the try counter and the comparison costs the try.
TEST(GlobalPin, TryCounterIsWrittenBeforeTheComparison) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("uicc-gp-pin-" + to_hex(crypto::random_bytes(6)) + ".img");
  const Bytes pin = from_hex("31323334");
  {
    auto store = store::Store::open(path);
    test::FakeContent content(*store, test::kContentRoot);
    sd::CardManager manager(*store, content);
    ASSERT_TRUE(manager.set_global_pin_try_limit(kIsd, 3));
    ASSERT_TRUE(manager.update_global_pin(kIsd, pin, 0x01));
    store->flush();
    store->cut_power_after(1);
    EXPECT_THROW(manager.verify_global_pin(pin, 0x01), store::PowerLoss);
  }
  {
    auto store = store::Store::open(path);
    test::FakeContent content(*store, test::kContentRoot);
    sd::CardManager manager(*store, content);
    EXPECT_EQ(manager.global_pin_state().tries_remaining, 2);
    EXPECT_TRUE(manager.verify_global_pin(pin, 0x01));
    EXPECT_EQ(manager.global_pin_state().tries_remaining, 3);
    EXPECT_TRUE(manager.global_pin_state().verified);
  }
  std::filesystem::remove(path);
}

TEST_F(GpApi, RegistryEntryOfItself) {
  client_.select(kPrivileged);
  // State SELECTABLE, privileges 1A0000 (3 bytes), Card Lock, CVM Management, associated with
  // the ISD, the same object again, its AID.
  EXPECT_EQ(to_hex(raw("8036000000").data), "071A00000301010101" + to_hex(kPrivileged));
  client_.select(kPlain);
  EXPECT_EQ(to_hex(raw("8036000000").data),
            "07000000030000010"
            "1" +
                to_hex(kPlain));
}

TEST_F(GpApi, RegistryEntryOfOthersNeedsGlobalRegistry) {
  client_.select(kPlain);
  EXPECT_EQ(sw(raw("8036000008" + to_hex(kPrivileged))), 0x6A82);
  EXPECT_EQ(sw(raw("8036000008" + to_hex(kIsd))), 0x6A82);
  EXPECT_EQ(sw(raw("8036000005F000000000")), 0x6A82);
}

TEST_F(GpApi, RegistryEntrySetState) {
  client_.select(kPlain);
  EXPECT_EQ(ask("803807"
                "0000"),
            0x00);                     // its own state already
  EXPECT_EQ(ask("80380F0000"), 0x01);  // an application-specific state
  EXPECT_EQ(card_.manager().application_life_cycle(kPlain), 0x0F);
  EXPECT_EQ(ask("8038030000"), 0x00);  // back to INSTALLED: not allowed
  EXPECT_EQ(ask("8038830000"), 0x01);  // LOCKED
  EXPECT_EQ(card_.manager().application_life_cycle(kPlain), 0x8F);
}

// Global Registry (byte 2, 04) reads every entry; Global Lock (byte 2, 08) locks and unlocks
// other applications but not the issuer security domain.
TEST_F(GpApi, GlobalRegistryAndGlobalLock) {
  const Bytes manager = from_hex("F075696363020304");
  open_isd();
  client_.expect_ok(install_for_install(kPackage, kClass, manager, from_hex("000C00"),
                                        install_parameters({}), {}, true),
                    "INSTALL [for install]");
  client_.select(manager);
  EXPECT_EQ(to_hex(raw("8036000008" + to_hex(kPrivileged)).data),
            "071A00000301010101" + to_hex(kPrivileged));
  // The issuer security domain reports the card's life cycle state and its own privileges.
  EXPECT_EQ(to_hex(raw("8036000008" + to_hex(kIsd)).data).substr(0, 10), "0F9EFE8003");
  EXPECT_EQ(ask("8038830008" + to_hex(kPlain)), 0x01);
  EXPECT_EQ(card_.manager().application_life_cycle(kPlain), 0x87);
  EXPECT_EQ(ask("80380F0008" + to_hex(kPlain)), 0x00);  // unlock names the previous state
  EXPECT_EQ(ask("8038070008" + to_hex(kPlain)), 0x01);
  EXPECT_EQ(card_.manager().application_life_cycle(kPlain), 0x07);
  EXPECT_EQ(ask("8038830008" + to_hex(kIsd)), 0x00);
  client_.select(kPlain);
  EXPECT_EQ(sw(raw("8038830008" + to_hex(kPrivileged))), 0x6A82);  // cannot even read it
}

TEST_F(GpApi, RegisterServiceIsNotSupported) {
  client_.select(kPlain);
  // SystemException.ILLEGAL_USE, uncaught: 6F00.
  EXPECT_EQ(sw(raw("803A000000")), 0x6F00);
}

// --- personalization through Application.processData ----------------------------------------

TEST_F(GpApi, StoreDataReachesProcessData) {
  open_isd(kMacEnc);
  client_.expect_ok(install_for_personalization(kPlain), "INSTALL [for personalization]");
  // Two blocks, with C-MAC and C-DECRYPTION. The second is case 4 (P1 b1), and the applet
  // returns response data.
  EXPECT_EQ(sw(client_.send(cmd("80E2000003A1A2A3"))), 0x9000);
  apdu::Response last = client_.send(cmd("80E2810102B1B200"));
  ASSERT_EQ(sw(last), 0x9000);
  EXPECT_EQ(to_hex(last.data), "0005");
  client_.select(kPlain);
  EXPECT_EQ(to_hex(raw("8040000000").data), "A1A2A3B1B20002");
}

// GPCS 2.3.1 §11.11.2: P1 b7 and b6 set mark data encrypted with the session's data
// encryption key, which the application decrypts through its SecureChannel.
TEST_F(GpApi, ProcessDataDecryptsWithTheDomainSession) {
  open_isd();
  client_.expect_ok(install_for_personalization(kPlain), "INSTALL [for personalization]");
  const Bytes key = from_hex("000102030405060708090A0B0C0D0E0F");
  const Bytes ciphered = client_.session()->encrypt_sensitive_data(key);
  apdu::Command store = cmd("80E2E000");
  store.data = ciphered;
  ASSERT_EQ(sw(client_.send(store)), 0x9000);
  client_.select(kPlain);
  EXPECT_EQ(to_hex(raw("8040000000").data), to_hex(key) + "0001");
}

// The benchmark's blocks (data starting with BB) are counted but not kept.
TEST_F(GpApi, ProcessDataCountsBenchmarkBlocks) {
  open_isd();
  client_.expect_ok(install_for_personalization(kPlain), "INSTALL [for personalization]");
  EXPECT_EQ(sw(client_.send(cmd("80E2000002BB01"))), 0x9000);
  EXPECT_EQ(sw(client_.send(cmd("80E2800102A1A2"))), 0x9000);
  client_.select(kPlain);
  EXPECT_EQ(to_hex(raw("8040000000").data), "A1A20002");
}

TEST_F(GpApi, ProcessDataExceptionGivesItsStatusWord) {
  open_isd();
  client_.expect_ok(install_for_personalization(kPlain), "INSTALL [for personalization]");
  EXPECT_EQ(sw(client_.send(cmd("80E2800002EE01"))), 0x6A80);
}

TEST_F(GpApi, StoreDataToAppletWithoutApplicationGets6985) {
  open_isd();
  client_.install(read_cap_file(UICC_SAMPLE_HELLO_CAP), Client::InstallOptions{});
  client_.expect_ok(install_for_personalization(kHelloApplet), "INSTALL [for personalization]");
  EXPECT_EQ(sw(client_.send(cmd("80E2800002A1A2"))), 0x6985);
}

TEST_F(GpApi, CaseThreeStoreDataMustNotAnswer) {
  open_isd();
  client_.expect_ok(install_for_personalization(kPlain), "INSTALL [for personalization]");
  EXPECT_EQ(sw(client_.send(cmd("80E2000002A1A2"))), 0x9000);
  // P1 b1 clear (case 3) but the applet returns data: GPCS 2.3.1 §11.11.3.1.
  EXPECT_EQ(sw(client_.send(cmd("80E2800102CC01"))), 0x6A86);
}

TEST_F(GpApi, StoreDataWithoutPersonalizationStaysWithTheDomain) {
  open_isd();
  // No INSTALL [for personalization]: the domain takes the data, not the applet.
  EXPECT_EQ(sw(client_.send(cmd("80E2900007420511223344 55"))), 0x9000);
  client_.select(kPlain);
  EXPECT_EQ(to_hex(raw("8040000000").data), "0000");
}

}  // namespace
}  // namespace uicc::gp
