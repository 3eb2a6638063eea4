#include <gtest/gtest.h>

#include <map>

#include "apdu/cla.h"
#include "apdu/status_word.h"
#include "security_domains/scp/host.h"
#include "security_domains/scp/scp02.h"
#include "security_domains/scp/scp03.h"
#include "security_domains/scp/secure_channel.h"
#include "test/security_domains/vector_file.h"
#include "util/crypto.h"

namespace uicc::sd::scp {
namespace {

const std::filesystem::path kData = std::filesystem::path(UICC_TEST_DATA_DIR) / "scp";

apdu::Command command_of(const Bytes& bytes) {
  auto parsed = apdu::parse_command(bytes);
  EXPECT_TRUE(std::holds_alternative<apdu::Command>(parsed)) << to_hex(bytes);
  return std::get<apdu::Command>(parsed);
}

apdu::Command command_of(const std::string& hex) {
  return command_of(from_hex(hex));
}

StaticKeys keys_of(const test::Vector& v, std::uint8_t version) {
  return StaticKeys{version, v.secret("KeyEnc"), v.secret("KeyMac"), v.secret("KeyDek")};
}

Bytes host_challenge_of(const test::Vector& v) {
  if (v.has("HostChallenge")) return v.bytes("HostChallenge");
  return command_of(v.bytes("InitializeUpdate")).data;
}

// A key store with one key set and its counter, as a security domain would hold them.
class FakeKeySource : public KeySource {
 public:
  explicit FakeKeySource(StaticKeys keys, std::uint32_t counter = 0)
      : keys_(std::move(keys)), counter_(counter) {}

  std::optional<StaticKeys> find_keys(std::uint8_t version) const override {
    if (version != 0 && version != keys_.version) return std::nullopt;
    return keys_;
  }
  std::uint32_t sequence_counter(std::uint8_t) const override { return counter_; }
  void set_sequence_counter(std::uint8_t, std::uint32_t value) override { counter_ = value; }
  Bytes diversification_data() const override { return diversification_; }

  Bytes diversification_ = Bytes(10, 0);
  StaticKeys keys_;
  std::uint32_t counter_;
};

RandomSource fixed(Bytes value) {
  return [value](std::size_t size) {
    EXPECT_EQ(size, value.size());
    return value;
  };
}

apdu::StatusWord status_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const apdu::StatusError& error) {
    return error.status();
  }
  return apdu::sw::ok;
}

// ---------------------------------------------------------------------------------------------
// Published sessions, replayed by the host side and by the card side.

void replay_as_host(const test::Vector& v, Protocol protocol) {
  SCOPED_TRACE(v.label());
  auto response = parse_initialize_update_response(v.bytes("InitializeUpdateResponse"));
  ASSERT_EQ(response.protocol, protocol);
  apdu::Command external_authenticate = command_of(v.bytes("ExternalAuthenticate"));
  std::uint8_t i =
      v.has("I") ? static_cast<std::uint8_t>(std::stoul(v.text("I"), nullptr, 16)) : response.i;

  OpenedSession opened = open_session(keys_of(v, response.key_version), host_challenge_of(v),
                                      response, external_authenticate.p1, i);
  EXPECT_EQ(to_hex(opened.external_authenticate.encode()), to_hex(v.bytes("ExternalAuthenticate")));

  for (int n = 1; v.has("Plain" + std::to_string(n)); ++n) {
    std::string index = std::to_string(n);
    apdu::Command wrapped = opened.session->wrap_command(command_of(v.bytes("Plain" + index)));
    EXPECT_EQ(to_hex(wrapped.encode()), to_hex(v.bytes("Wrapped" + index))) << "command " << n;
    if (v.has("WrappedResponse" + index)) {
      auto plain =
          opened.session->unwrap_response({v.bytes("WrappedResponse" + index), apdu::sw::ok});
      ASSERT_TRUE(plain) << "response " << n;
      EXPECT_EQ(to_hex(plain->data), to_hex(v.bytes("Response" + index)));
    }
  }
}

void replay_as_card(const test::Vector& v, Parameters parameters) {
  SCOPED_TRACE(v.label());
  auto response = parse_initialize_update_response(v.bytes("InitializeUpdateResponse"));
  bool pseudo_random =
      response.protocol == Protocol::scp03 && (response.i & scp03::kPseudoRandomChallenge) != 0;
  // SCP03 counts before it derives the challenge; SCP02 uses the counter as it is.
  std::uint32_t counter = pseudo_random ? response.sequence_counter - 1 : response.sequence_counter;
  FakeKeySource keys(keys_of(v, response.key_version), counter);
  keys.diversification_ = response.diversification_data;
  Bytes aid = v.has("Aid") ? v.bytes("Aid") : Bytes(8, 0xA0);
  SecureChannel channel(parameters, keys, aid, fixed(response.card_challenge));

  apdu::Command initialize_update = initialize_update_command(0x00, host_challenge_of(v));
  apdu::Response initialized = channel.process_security(initialize_update);
  EXPECT_EQ(to_hex(initialized.data), to_hex(v.bytes("InitializeUpdateResponse")));

  apdu::Response authenticated =
      channel.process_security(command_of(v.bytes("ExternalAuthenticate")));
  EXPECT_EQ(authenticated.sw, apdu::sw::ok);
  EXPECT_NE(channel.security_level() & level::authenticated, 0);

  for (int n = 1; v.has("Plain" + std::to_string(n)); ++n) {
    std::string index = std::to_string(n);
    apdu::Command plain = channel.unwrap(command_of(v.bytes("Wrapped" + index)));
    EXPECT_EQ(to_hex(plain.encode()), to_hex(v.bytes("Plain" + index))) << "command " << n;
    if (v.has("Response" + index)) {
      apdu::Response wrapped = channel.wrap({v.bytes("Response" + index), apdu::sw::ok});
      EXPECT_EQ(to_hex(wrapped.data), to_hex(v.bytes("WrappedResponse" + index)))
          << "response " << n;
    }
  }
}

TEST(Scp02, SessionKeysMatchPublishedSessions) {
  for (const auto& v : test::read_section(kData / "scp02.vec", "SCP02")) {
    SCOPED_TRACE(v.label());
    auto response = parse_initialize_update_response(v.bytes("InitializeUpdateResponse"));
    scp02::SessionKeys keys = scp02::derive_session_keys(
        keys_of(v, response.key_version), static_cast<std::uint16_t>(response.sequence_counter));
    EXPECT_EQ(to_hex(keys.enc.view()), to_hex(v.bytes("SEnc")));
    EXPECT_EQ(to_hex(keys.c_mac.view()), to_hex(v.bytes("CMac")));
    EXPECT_EQ(to_hex(keys.dek.view()), to_hex(v.bytes("Dek")));
    if (v.has("RMac")) {
      EXPECT_EQ(to_hex(keys.r_mac.view()), to_hex(v.bytes("RMac")));
    }
  }
}

TEST(Scp02, SessionKeyCheckValuesMatchGlobalPlatformPro) {
  for (const auto& v : test::read_section(kData / "scp02.vec", "SCP02-KCV")) {
    SCOPED_TRACE(v.label());
    SecretBytes key = v.secret("Key");
    scp02::SessionKeys keys =
        scp02::derive_session_keys(StaticKeys{0x20, key, key, key}, get_u16(v.bytes("Counter"), 0));
    auto kcv = [](const SecretBytes& session_key) {
      Bytes block = crypto::des_ecb_encrypt(session_key, Bytes(8, 0));
      return to_hex(ByteView(block).first(3));
    };
    EXPECT_EQ(kcv(keys.enc), to_hex(v.bytes("SEncKcv")));
    EXPECT_EQ(kcv(keys.c_mac), to_hex(v.bytes("CMacKcv")));
    EXPECT_EQ(kcv(keys.dek), to_hex(v.bytes("DekKcv")));
    EXPECT_EQ(kcv(keys.r_mac), to_hex(v.bytes("RMacKcv")));
    scp02::Session session(std::move(keys), 0x15);
    EXPECT_EQ(to_hex(session.encrypt_sensitive_data(key.view())), to_hex(v.bytes("EncryptedKey")));
  }
}

TEST(Scp02, HostReplaysPublishedSessions) {
  for (const auto& v : test::read_section(kData / "scp02.vec", "SCP02")) {
    replay_as_host(v, Protocol::scp02);
  }
}

TEST(Scp02, CardReplaysPublishedSessions) {
  for (const auto& v : test::read_section(kData / "scp02.vec", "SCP02")) {
    replay_as_card(v, Parameters{Protocol::scp02, 0x15});
  }
}

TEST(Scp03, SessionKeysMatchPublishedSessions) {
  int checked = 0;
  for (const auto& v : test::read_section(kData / "scp03.vec", "SCP03")) {
    if (!v.has("SEnc")) continue;
    SCOPED_TRACE(v.label());
    auto response = parse_initialize_update_response(v.bytes("InitializeUpdateResponse"));
    scp03::SessionKeys keys = scp03::derive_session_keys(
        keys_of(v, response.key_version), host_challenge_of(v), response.card_challenge);
    EXPECT_EQ(to_hex(keys.enc.view()), to_hex(v.bytes("SEnc")));
    EXPECT_EQ(to_hex(keys.mac.view()), to_hex(v.bytes("SMac")));
    EXPECT_EQ(to_hex(keys.rmac.view()), to_hex(v.bytes("SRmac")));
    ++checked;
  }
  EXPECT_EQ(checked, 8);
}

TEST(Scp03, PseudoRandomChallengesMatchPublishedSessions) {
  int checked = 0;
  for (const auto& v : test::read_section(kData / "scp03.vec", "SCP03")) {
    if (!v.has("Aid")) continue;
    SCOPED_TRACE(v.label());
    auto response = parse_initialize_update_response(v.bytes("InitializeUpdateResponse"));
    ASSERT_TRUE(response.has_sequence_counter);
    Bytes challenge =
        scp03::pseudo_random_card_challenge(v.secret("KeyEnc"), response.sequence_counter,
                                            v.bytes("Aid"), response.card_challenge.size());
    EXPECT_EQ(to_hex(challenge), to_hex(response.card_challenge));
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(Scp03, HostReplaysPublishedSessions) {
  for (const auto& v : test::read_section(kData / "scp03.vec", "SCP03")) {
    replay_as_host(v, Protocol::scp03);
  }
}

TEST(Scp03, CardReplaysPublishedSessions) {
  for (const auto& v : test::read_section(kData / "scp03.vec", "SCP03")) {
    if (!v.has("Aid")) continue;  // the card challenge depends on an AID the source omits
    auto response = parse_initialize_update_response(v.bytes("InitializeUpdateResponse"));
    replay_as_card(v, Parameters{Protocol::scp03, response.i});
  }
}

TEST(Scp03, KdfOutputsTwoBlocksForLongKeys) {
  SecretBytes key(Bytes(16, 0x42));
  Bytes long_output = scp03::derive(key, scp03::kSEnc, from_hex("0102"), 256);
  Bytes short_output = scp03::derive(key, scp03::kSEnc, from_hex("0102"), 128);
  EXPECT_EQ(long_output.size(), 32u);
  // L enters the input, so the 128-bit output is not a prefix of the 256-bit one.
  EXPECT_NE(Bytes(long_output.begin(), long_output.begin() + 16), short_output);
  EXPECT_THROW(scp03::derive(key, 0, {}, 12), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------------
// Card and host against each other, for every protocol option and security level.

struct Pair {
  std::unique_ptr<FakeKeySource> keys;
  std::unique_ptr<SecureChannel> card;
  std::unique_ptr<Session> host;
};

StaticKeys random_keys(std::uint8_t version, std::size_t size) {
  return StaticKeys{version, SecretBytes(crypto::random_bytes(size)),
                    SecretBytes(crypto::random_bytes(size)),
                    SecretBytes(crypto::random_bytes(size))};
}

Pair open_pair(Parameters parameters, std::size_t key_size, std::uint8_t security_level,
               std::uint8_t channel = 0) {
  Pair pair;
  pair.keys = std::make_unique<FakeKeySource>(random_keys(0x30, key_size), 5);
  pair.card = std::make_unique<SecureChannel>(parameters, *pair.keys, from_hex("A000000151000000"));
  std::size_t size = parameters.protocol == Protocol::scp02 ? 8 : scp03::block_size(parameters.i);
  Bytes host_challenge = crypto::random_bytes(size);

  apdu::Command initialize_update = initialize_update_command(0x30, host_challenge);
  initialize_update.cla = apdu::ClassByte::encode(channel, true, false);
  apdu::Response response = pair.card->process_security(initialize_update);
  auto parsed = parse_initialize_update_response(response.data);
  OpenedSession opened =
      open_session(pair.keys->keys_, host_challenge, parsed, security_level, parameters.i);
  opened.external_authenticate.cla = apdu::ClassByte::encode(channel, true, true);
  EXPECT_EQ(pair.card->process_security(opened.external_authenticate).sw, apdu::sw::ok);
  pair.host = std::move(opened.session);
  return pair;
}

apdu::Command random_command(std::size_t data_size, bool le, std::uint8_t channel) {
  apdu::Command command;
  command.cla = apdu::ClassByte::encode(channel, true, false);
  command.ins = 0xE2;
  command.p1 = static_cast<std::uint8_t>(data_size);
  command.p2 = 0x01;
  command.data = crypto::random_bytes(data_size);
  command.has_le = le;
  command.ne = le ? 256 : 0;
  return command;
}

void exchange_commands(Pair& pair, std::uint8_t channel) {
  for (std::size_t size : {0u, 1u, 15u, 16u, 17u, 100u, 230u}) {
    for (bool le : {false, true}) {
      apdu::Command plain = random_command(size, le, channel);
      apdu::Command wrapped = pair.host->wrap_command(plain);
      apdu::Command unwrapped = pair.card->unwrap(wrapped);
      EXPECT_EQ(to_hex(unwrapped.encode()), to_hex(plain.encode())) << "data size " << size;

      apdu::Response response{crypto::random_bytes(size), apdu::sw::ok};
      auto received = pair.host->unwrap_response(pair.card->wrap(response));
      ASSERT_TRUE(received) << "data size " << size;
      EXPECT_EQ(received->data, response.data);
    }
  }
}

TEST(SecureChannel, Scp03RoundTripsEveryOptionAndLevel) {
  for (int i : {0x00, 0x10, 0x20, 0x30, 0x60, 0x70, 0x01, 0x71}) {
    for (std::size_t key_size : {16u, 24u, 32u}) {
      for (int security_level : {0x00, 0x01, 0x03, 0x11, 0x13, 0x33}) {
        bool r_mac = (security_level & level::r_mac) != 0;
        bool r_enc = (security_level & level::r_encryption) != 0;
        if ((r_mac && (i & scp03::kRMacSupport) == 0) ||
            (r_enc && (i & scp03::kREncryptionSupport) == 0)) {
          continue;
        }
        SCOPED_TRACE(
            fmt::format("i={:02X} key {} bytes level {:02X}", i, key_size, security_level));
        Pair pair = open_pair({Protocol::scp03, static_cast<std::uint8_t>(i)}, key_size,
                              static_cast<std::uint8_t>(security_level));
        exchange_commands(pair, 0);
      }
    }
  }
}

TEST(SecureChannel, Scp02RoundTripsBothOptions) {
  for (int i : {0x15, 0x55}) {
    for (int security_level : {0x00, 0x01, 0x03}) {
      SCOPED_TRACE(fmt::format("i={:02X} level {:02X}", i, security_level));
      Pair pair = open_pair({Protocol::scp02, static_cast<std::uint8_t>(i)}, 16,
                            static_cast<std::uint8_t>(security_level));
      exchange_commands(pair, 0);
    }
  }
}

TEST(SecureChannel, LogicalChannelsStayOutOfTheMac) {
  for (int channel : {1, 3, 4, 19}) {
    SCOPED_TRACE(fmt::format("channel {}", channel));
    auto number = static_cast<std::uint8_t>(channel);
    Pair scp03 = open_pair({Protocol::scp03, 0x70}, 16, 0x33, number);
    exchange_commands(scp03, number);
    Pair scp02 = open_pair({Protocol::scp02, 0x15}, 16, 0x03, number);
    exchange_commands(scp02, number);
  }
}

TEST(SecureChannel, HostRejectsWrongCardCryptogram) {
  for (Parameters parameters :
       {Parameters{Protocol::scp03, 0x70}, Parameters{Protocol::scp02, 0x15}}) {
    FakeKeySource keys(random_keys(0x30, 16));
    SecureChannel card(parameters, keys, from_hex("A000000151000000"));
    Bytes host_challenge = crypto::random_bytes(8);
    apdu::Response response = card.process_security(initialize_update_command(0, host_challenge));
    auto parsed = parse_initialize_update_response(response.data);
    StaticKeys other = random_keys(0x30, 16);
    EXPECT_THROW(open_session(other, host_challenge, parsed, 0x01), HandshakeError);
  }
}

// ---------------------------------------------------------------------------------------------
// Status words of INITIALIZE UPDATE and EXTERNAL AUTHENTICATE.

TEST(InitializeUpdate, RejectsWrongLengthP2AndKeyVersion) {
  FakeKeySource keys(random_keys(0x30, 16));
  SecureChannel channel({Protocol::scp03, 0x70}, keys, from_hex("A000000151000000"));
  EXPECT_EQ(
      status_of([&] { channel.process_security(initialize_update_command(0x30, Bytes(7, 0))); }),
      apdu::sw::wrong_length);
  EXPECT_EQ(
      status_of([&] { channel.process_security(initialize_update_command(0x30, Bytes(16, 0))); }),
      apdu::sw::wrong_length);
  apdu::Command wrong_p2 = initialize_update_command(0x30, Bytes(8, 0));
  wrong_p2.p2 = 0x01;
  EXPECT_EQ(status_of([&] { channel.process_security(wrong_p2); }), apdu::sw::incorrect_p1_p2);
  EXPECT_EQ(
      status_of([&] { channel.process_security(initialize_update_command(0x31, Bytes(8, 0))); }),
      apdu::sw::reference_data_not_found);
}

TEST(InitializeUpdate, S16ModeNeeds16ByteChallenge) {
  FakeKeySource keys(random_keys(0x30, 16));
  SecureChannel channel({Protocol::scp03, 0x71}, keys, from_hex("A000000151000000"));
  EXPECT_EQ(status_of([&] { channel.process_security(initialize_update_command(0, Bytes(8, 0))); }),
            apdu::sw::wrong_length);
  apdu::Response response = channel.process_security(initialize_update_command(0, Bytes(16, 0)));
  EXPECT_EQ(response.data.size(), 10u + 3u + 16u + 16u + 3u);
}

TEST(InitializeUpdate, Scp03CounterAdvancesAndStopsAtMaximum) {
  FakeKeySource keys(random_keys(0x30, 16), 7);
  SecureChannel channel({Protocol::scp03, 0x70}, keys, from_hex("A000000151000000"));
  apdu::Response first = channel.process_security(initialize_update_command(0, Bytes(8, 1)));
  EXPECT_EQ(keys.counter_, 8u);
  EXPECT_EQ(to_hex(ByteView(first.data).last(3)), "000008");
  apdu::Response second = channel.process_security(initialize_update_command(0, Bytes(8, 1)));
  EXPECT_EQ(keys.counter_, 9u);
  // A new counter value gives a new challenge for the same host challenge.
  EXPECT_NE(Bytes(first.data.begin() + 13, first.data.begin() + 21),
            Bytes(second.data.begin() + 13, second.data.begin() + 21));

  keys.counter_ = scp03::kMaxSequenceCounter;
  EXPECT_EQ(status_of([&] { channel.process_security(initialize_update_command(0, Bytes(8, 1))); }),
            apdu::sw::conditions_not_satisfied);
}

TEST(InitializeUpdate, Scp03RandomChallengeLeavesCounterAlone) {
  FakeKeySource keys(random_keys(0x30, 16), 7);
  SecureChannel channel({Protocol::scp03, 0x00}, keys, from_hex("A000000151000000"));
  apdu::Response response = channel.process_security(initialize_update_command(0, Bytes(8, 1)));
  EXPECT_EQ(response.data.size(), 10u + 3u + 8u + 8u);
  EXPECT_EQ(keys.counter_, 7u);
}

TEST(ExternalAuthenticate, Scp02CounterAdvancesOnlyOnSuccess) {
  FakeKeySource keys(random_keys(0x20, 16), 0x0010);
  SecureChannel card({Protocol::scp02, 0x55}, keys, from_hex("A000000151000000"));
  Bytes host_challenge = crypto::random_bytes(8);
  auto parsed = parse_initialize_update_response(
      card.process_security(initialize_update_command(0, host_challenge)).data);
  EXPECT_EQ(parsed.sequence_counter, 0x0010u);
  EXPECT_EQ(keys.counter_, 0x0010u);
  OpenedSession opened = open_session(keys.keys_, host_challenge, parsed, 0x01, 0x55);
  card.process_security(opened.external_authenticate);
  EXPECT_EQ(keys.counter_, 0x0011u);
}

TEST(ExternalAuthenticate, Scp02PseudoRandomChallengeFollowsAidAndCounter) {
  FakeKeySource keys(random_keys(0x20, 16), 3);
  SecureChannel card({Protocol::scp02, 0x55}, keys, from_hex("A000000151000000"));
  auto parsed = parse_initialize_update_response(
      card.process_security(initialize_update_command(0, Bytes(8, 0))).data);
  scp02::SessionKeys session = scp02::derive_session_keys(keys.keys_, 3);
  EXPECT_EQ(parsed.card_challenge,
            scp02::pseudo_random_card_challenge(session.c_mac, from_hex("A000000151000000")));
}

struct Handshake {
  std::unique_ptr<FakeKeySource> keys;
  std::unique_ptr<SecureChannel> card;
  OpenedSession host;
};

Handshake initialize(Parameters parameters, std::uint8_t security_level) {
  Handshake handshake;
  handshake.keys = std::make_unique<FakeKeySource>(random_keys(0x30, 16));
  handshake.card =
      std::make_unique<SecureChannel>(parameters, *handshake.keys, from_hex("A000000151000000"));
  Bytes host_challenge = crypto::random_bytes(8);
  auto parsed = parse_initialize_update_response(
      handshake.card->process_security(initialize_update_command(0, host_challenge)).data);
  handshake.host =
      open_session(handshake.keys->keys_, host_challenge, parsed, security_level, parameters.i);
  return handshake;
}

const Parameters kBothProtocols[] = {{Protocol::scp03, 0x70}, {Protocol::scp02, 0x15}};

TEST(ExternalAuthenticate, RejectsWrongHostCryptogramWith6300) {
  for (Parameters parameters : kBothProtocols) {
    Handshake handshake = initialize(parameters, 0x01);
    apdu::Command command = handshake.host.external_authenticate;
    command.data[0] ^= 0x01;
    EXPECT_EQ(status_of([&] { handshake.card->process_security(command); }),
              apdu::sw::verification_failed);
    EXPECT_EQ(handshake.card->security_level(), level::none);
    // The handshake has to start again.
    EXPECT_EQ(
        status_of([&] { handshake.card->process_security(handshake.host.external_authenticate); }),
        apdu::sw::conditions_not_satisfied);
  }
}

TEST(ExternalAuthenticate, RejectsBrokenMacWith6982AndClosesSession) {
  for (Parameters parameters : kBothProtocols) {
    Handshake handshake = initialize(parameters, 0x01);
    apdu::Command command = handshake.host.external_authenticate;
    command.data.back() ^= 0x01;
    EXPECT_EQ(status_of([&] { handshake.card->process_security(command); }),
              apdu::sw::security_status_not_satisfied);
    EXPECT_EQ(handshake.card->security_level(), level::none);
    // Every later command of the application session gets a security error ...
    EXPECT_EQ(status_of([&] { handshake.card->unwrap(command_of("80F28002024F0000")); }),
              apdu::sw::security_status_not_satisfied);
    // ... until a new INITIALIZE UPDATE.
    EXPECT_EQ(handshake.card->process_security(initialize_update_command(0, Bytes(8, 0))).sw,
              apdu::sw::ok);
  }
}

TEST(ExternalAuthenticate, RejectsMissingSecureMessaging) {
  Handshake handshake = initialize({Protocol::scp03, 0x70}, 0x01);
  apdu::Command command = handshake.host.external_authenticate;
  command.cla = 0x80;
  EXPECT_EQ(status_of([&] { handshake.card->process_security(command); }),
            apdu::sw::security_status_not_satisfied);
}

TEST(ExternalAuthenticate, RejectsWithoutInitializeUpdate) {
  FakeKeySource keys(random_keys(0x30, 16));
  SecureChannel card({Protocol::scp03, 0x70}, keys, from_hex("A000000151000000"));
  EXPECT_EQ(
      status_of([&] { card.process_security(command_of("8482010010" + std::string(32, '0'))); }),
      apdu::sw::conditions_not_satisfied);
}

TEST(ExternalAuthenticate, RejectsUnsupportedLevelsAndLength) {
  // SCP02 i=15 and SCP03 i=10 have no R-MAC; i=30 has no R-ENCRYPTION; 02 alone is undefined.
  struct Case {
    Parameters parameters;
    std::uint8_t level;
  };
  for (Case c : {Case{{Protocol::scp02, 0x15}, 0x11}, Case{{Protocol::scp03, 0x10}, 0x11},
                 Case{{Protocol::scp03, 0x30}, 0x33}, Case{{Protocol::scp03, 0x70}, 0x02},
                 Case{{Protocol::scp03, 0x70}, 0x20}}) {
    SCOPED_TRACE(fmt::format("i={:02X} level {:02X}", c.parameters.i, c.level));
    Handshake handshake = initialize(c.parameters, c.level);
    EXPECT_EQ(
        status_of([&] { handshake.card->process_security(handshake.host.external_authenticate); }),
        apdu::sw::incorrect_p1_p2);
  }
  Handshake handshake = initialize({Protocol::scp03, 0x70}, 0x01);
  apdu::Command command = handshake.host.external_authenticate;
  command.data.pop_back();
  EXPECT_EQ(status_of([&] { handshake.card->process_security(command); }), apdu::sw::wrong_length);
  command.p2 = 0x01;
  EXPECT_EQ(status_of([&] { handshake.card->process_security(command); }),
            apdu::sw::incorrect_p1_p2);
}

// ---------------------------------------------------------------------------------------------
// Commands inside and outside a session.

TEST(SecureChannel, BrokenCommandMacAbortsSession) {
  for (Parameters parameters : kBothProtocols) {
    Pair pair = open_pair(parameters, 16, 0x03);
    apdu::Command wrapped = pair.host->wrap_command(command_of("80F28002024F0000"));
    wrapped.data[wrapped.data.size() - 1] ^= 0x80;
    EXPECT_EQ(status_of([&] { pair.card->unwrap(wrapped); }),
              apdu::sw::security_status_not_satisfied);
    EXPECT_EQ(pair.card->security_level(), level::none);
    EXPECT_EQ(status_of([&] { pair.card->unwrap(command_of("80CA006600")); }),
              apdu::sw::security_status_not_satisfied);
    pair.card->reset();
    EXPECT_EQ(to_hex(pair.card->unwrap(command_of("80CA006600")).encode()), "80CA006600");
  }
}

TEST(SecureChannel, CommandBelowSessionLevelAbortsSession) {
  Pair pair = open_pair({Protocol::scp03, 0x70}, 16, 0x01);
  EXPECT_EQ(status_of([&] { pair.card->unwrap(command_of("80CA006600")); }),
            apdu::sw::security_status_not_satisfied);
  EXPECT_EQ(pair.card->security_level(), level::none);
}

TEST(SecureChannel, MacedCommandAtAuthenticatedLevelIsVerified) {
  Pair pair = open_pair({Protocol::scp03, 0x70}, 16, 0x00);
  EXPECT_EQ(to_hex(pair.card->unwrap(command_of("80CA006600")).encode()), "80CA006600");

  pair.host->set_level(level::authenticated | level::c_mac);
  apdu::Command wrapped = pair.host->wrap_command(command_of("80CA006600"));
  EXPECT_EQ(to_hex(pair.card->unwrap(wrapped).encode()), "80CA006600");
  EXPECT_EQ(pair.card->security_level(), level::authenticated);
}

TEST(SecureChannel, SecureMessagingWithoutSessionIsRejected) {
  FakeKeySource keys(random_keys(0x30, 16));
  SecureChannel card({Protocol::scp03, 0x70}, keys, from_hex("A000000151000000"));
  EXPECT_EQ(status_of([&] { card.unwrap(command_of("84CA006608112233445566778800")); }),
            apdu::sw::security_status_not_satisfied);
  EXPECT_EQ(to_hex(card.unwrap(command_of("80CA006600")).encode()), "80CA006600");
  EXPECT_EQ(status_of([&] { card.decrypt_sensitive_data(Bytes(16, 0)); }),
            apdu::sw::conditions_not_satisfied);
}

TEST(SecureChannel, NoRMacOnErrorStatus) {
  Pair pair = open_pair({Protocol::scp03, 0x70}, 16, 0x33);
  pair.card->unwrap(pair.host->wrap_command(command_of("80CA006600")));
  apdu::Response error = pair.card->wrap({{}, apdu::sw::reference_data_not_found});
  EXPECT_TRUE(error.data.empty());
  apdu::Response warning = pair.card->wrap({{}, apdu::sw::more_data_available});
  EXPECT_EQ(warning.data.size(), 8u);
}

TEST(SecureChannel, HostDetectsBrokenRMac) {
  Pair pair = open_pair({Protocol::scp03, 0x70}, 16, 0x13);
  pair.card->unwrap(pair.host->wrap_command(command_of("80CA006600")));
  apdu::Response response = pair.card->wrap({from_hex("0102030405"), apdu::sw::ok});
  response.data[0] ^= 0x01;
  EXPECT_FALSE(pair.host->unwrap_response(response));
}

TEST(SecureChannel, SensitiveDataRoundTrips) {
  for (Parameters parameters : kBothProtocols) {
    Pair pair = open_pair(parameters, 16, 0x01);
    Bytes key = crypto::random_bytes(16);
    EXPECT_EQ(pair.card->decrypt_sensitive_data(pair.host->encrypt_sensitive_data(key)), key);
  }
}

TEST(SecureChannel, RejectsUnsupportedOptions) {
  FakeKeySource keys(random_keys(0x30, 16));
  EXPECT_THROW(SecureChannel({Protocol::scp02, 0x1A}, keys, {}), std::invalid_argument);
  EXPECT_THROW(SecureChannel({Protocol::scp03, 0x40}, keys, {}), std::invalid_argument);
  EXPECT_THROW(SecureChannel({Protocol::scp03, 0x72}, keys, {}), std::invalid_argument);
}

TEST(InitializeUpdateResponse, RejectsMalformedResponses) {
  EXPECT_THROW(parse_initialize_update_response(Bytes(11, 0)), HandshakeError);
  Bytes scp02(28, 0);
  scp02[11] = 0x02;
  EXPECT_NO_THROW(parse_initialize_update_response(scp02));
  scp02.push_back(0);
  EXPECT_THROW(parse_initialize_update_response(scp02), HandshakeError);
  Bytes scp03(32, 0);
  scp03[11] = 0x03;
  scp03[12] = 0x70;
  EXPECT_NO_THROW(parse_initialize_update_response(scp03));
  scp03[12] = 0x00;
  EXPECT_THROW(parse_initialize_update_response(scp03), HandshakeError);
  scp03[11] = 0x01;
  EXPECT_THROW(parse_initialize_update_response(scp03), HandshakeError);
}

}  // namespace
}  // namespace uicc::sd::scp
