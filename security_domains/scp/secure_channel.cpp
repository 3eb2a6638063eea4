#include "security_domains/scp/secure_channel.h"

#include <stdexcept>

#include <fmt/format.h>

#include "apdu/status_word.h"
#include "security_domains/scp/scp02.h"
#include "security_domains/scp/scp03.h"
#include "util/crypto.h"
#include "util/log.h"

namespace uicc::sd::scp {

namespace {

constexpr std::uint8_t kInsInitializeUpdate = 0x50;
constexpr std::uint8_t kInsExternalAuthenticate = 0x82;

// SCP02 counters are two bytes and never wrap (GPCS 2.3.1 §E.1.2).
constexpr std::uint32_t kMaxScp02Counter = 0xFFFF;

bool valid_security_level(const Parameters& parameters, std::uint8_t p1) {
  switch (p1) {
    case level::none:
    case level::c_mac:
    case level::c_mac | level::c_decryption:
      return true;
    case level::r_mac:
    case level::r_mac | level::c_mac:
    case level::r_mac | level::c_mac | level::c_decryption:
      return parameters.protocol == Protocol::scp03 && (parameters.i & scp03::kRMacSupport) != 0;
    case level::r_encryption | level::r_mac | level::c_mac | level::c_decryption:
      return parameters.protocol == Protocol::scp03 &&
             (parameters.i & scp03::kREncryptionSupport) != 0;
    default:
      return false;
  }
}

}  // namespace

SecureChannel::SecureChannel(Parameters parameters, KeySource& keys, Bytes aid, RandomSource random)
    : parameters_(parameters), keys_(keys), aid_(std::move(aid)), random_(std::move(random)) {
  bool known = parameters.protocol == Protocol::scp02 ? scp02::supported(parameters.i)
                                                      : scp03::supported(parameters.i);
  if (!known) {
    throw std::invalid_argument(fmt::format("unsupported secure channel protocol {:02X} i={:02X}",
                                            static_cast<unsigned>(parameters.protocol),
                                            parameters.i));
  }
  if (!random_) random_ = [](std::size_t count) { return crypto::random_bytes(count); };
}

SecureChannel::~SecureChannel() = default;

bool SecureChannel::is_security_command(const apdu::Command& command) {
  return (command.cla & 0x80) != 0 &&
         (command.ins == kInsInitializeUpdate || command.ins == kInsExternalAuthenticate);
}

std::size_t SecureChannel::challenge_size() const {
  return parameters_.protocol == Protocol::scp02 ? scp02::kChallengeSize
                                                 : scp03::block_size(parameters_.i);
}

std::uint8_t SecureChannel::security_level() const {
  return state_ == State::open ? session_->level() : level::none;
}

void SecureChannel::reset() {
  session_.reset();
  state_ = State::idle;
  key_version_ = 0;
  host_challenge_.clear();
  card_challenge_.clear();
  expected_host_cryptogram_.clear();
}

void SecureChannel::abort() {
  session_.reset();
  state_ = State::aborted;
  uicc::log::get("gp")->warn("secure channel aborted after a security error");
}

apdu::Response SecureChannel::process_security(const apdu::Command& command) {
  if (command.ins == kInsInitializeUpdate) return initialize_update(command);
  if (command.ins == kInsExternalAuthenticate) return external_authenticate(command);
  apdu::fail(apdu::sw::ins_not_supported);
}

apdu::Response SecureChannel::initialize_update(const apdu::Command& command) {
  // GPCS 2.3.1 §E.5.1 and Amendment D v1.2 §7.1.1.
  if (command.p2 != 0x00) apdu::fail(apdu::sw::incorrect_p1_p2);
  if (command.data.size() != challenge_size()) apdu::fail(apdu::sw::wrong_length);

  // A new INITIALIZE UPDATE ends any session on this channel, also when it then fails.
  reset();
  std::optional<StaticKeys> keys = keys_.find_keys(command.p1);
  if (!keys) apdu::fail(apdu::sw::reference_data_not_found);

  host_challenge_ = command.data;
  key_version_ = keys->version;
  Bytes response = keys_.diversification_data();
  response.resize(10, 0x00);
  response.push_back(keys->version);
  response.push_back(static_cast<std::uint8_t>(parameters_.protocol));

  if (parameters_.protocol == Protocol::scp02) {
    append(response, initialize_scp02(*keys));
  } else {
    append(response, initialize_scp03(*keys));
  }

  state_ = State::initialized;
  return apdu::Response{std::move(response), apdu::sw::ok};
}

Bytes SecureChannel::initialize_scp02(const StaticKeys& keys) {
  // GPCS 2.3.1 Table E-8 after the key information: counter, card challenge, card cryptogram.
  counter_ = keys_.sequence_counter(keys.version);
  if (counter_ >= kMaxScp02Counter) apdu::fail(apdu::sw::conditions_not_satisfied);
  auto counter = static_cast<std::uint16_t>(counter_);
  scp02::SessionKeys session_keys = scp02::derive_session_keys(keys, counter);
  card_challenge_ = (parameters_.i & scp02::kPseudoRandomChallenge) != 0
                        ? scp02::pseudo_random_card_challenge(session_keys.c_mac, aid_)
                        : random_(scp02::kCardChallengeSize);
  expected_host_cryptogram_ =
      scp02::host_cryptogram(session_keys.enc, host_challenge_, counter, card_challenge_);

  Bytes tail;
  append_u16(tail, counter);
  append(tail, card_challenge_);
  append(tail, scp02::card_cryptogram(session_keys.enc, host_challenge_, counter, card_challenge_));
  session_ = std::make_unique<scp02::Session>(std::move(session_keys), parameters_.i);
  return tail;
}

Bytes SecureChannel::initialize_scp03(const StaticKeys& keys) {
  // Amendment D v1.2 Table 7-3 after KVN and protocol: i, card challenge, card cryptogram and,
  // with the pseudo-random challenge, the sequence counter.
  std::size_t size = scp03::block_size(parameters_.i);
  bool pseudo_random = (parameters_.i & scp03::kPseudoRandomChallenge) != 0;
  if (pseudo_random) {
    // Amendment D v1.2 §6.2.2.1: the counter advances with every challenge and stops the key
    // set at its maximum.
    std::uint32_t current = keys_.sequence_counter(keys.version);
    if (current >= scp03::kMaxSequenceCounter) apdu::fail(apdu::sw::conditions_not_satisfied);
    counter_ = current + 1;
    keys_.set_sequence_counter(keys.version, counter_);
    card_challenge_ = scp03::pseudo_random_card_challenge(keys.enc, counter_, aid_, size);
  } else {
    card_challenge_ = random_(size);
  }
  scp03::SessionKeys session_keys =
      scp03::derive_session_keys(keys, host_challenge_, card_challenge_);
  expected_host_cryptogram_ =
      scp03::host_cryptogram(session_keys.mac, host_challenge_, card_challenge_);

  Bytes tail{parameters_.i};
  append(tail, card_challenge_);
  append(tail, scp03::card_cryptogram(session_keys.mac, host_challenge_, card_challenge_));
  if (pseudo_random) {
    tail.push_back(static_cast<std::uint8_t>(counter_ >> 16));
    tail.push_back(static_cast<std::uint8_t>(counter_ >> 8));
    tail.push_back(static_cast<std::uint8_t>(counter_));
  }
  auto session = std::make_unique<scp03::Session>(std::move(session_keys), parameters_.i);
  session->set_data_encryption_key(keys.dek);
  session_ = std::move(session);
  return tail;
}

apdu::Response SecureChannel::external_authenticate(const apdu::Command& command) {
  // GPCS 2.3.1 §E.5.2 and Amendment D v1.2 §7.1.2.
  if (state_ != State::initialized) apdu::fail(apdu::sw::conditions_not_satisfied);
  if (command.p2 != 0x00 || !valid_security_level(parameters_, command.p1)) {
    apdu::fail(apdu::sw::incorrect_p1_p2);
  }
  std::size_t size = challenge_size();
  if (command.data.size() != 2 * size) apdu::fail(apdu::sw::wrong_length);

  // The host cryptogram is checked first. A wrong one ends the handshake, so the host has to
  // start again with INITIALIZE UPDATE (GPCS 2.3.1 §E.1.2).
  if (!constant_time_equal(ByteView(command.data).first(size), expected_host_cryptogram_)) {
    uicc::log::get("gp")->warn(
        "EXTERNAL AUTHENTICATE with a wrong host cryptogram (key version {:02X})", key_version_);
    reset();
    apdu::fail(apdu::sw::verification_failed);
  }

  // The C-MAC of EXTERNAL AUTHENTICATE starts the MAC chain.
  session_->set_level(level::c_mac);
  std::optional<apdu::Command> unwrapped = session_->unwrap_command(command);
  if (!unwrapped) {
    abort();
    apdu::fail(apdu::sw::security_status_not_satisfied);
  }

  session_->set_level(static_cast<std::uint8_t>(command.p1 | level::authenticated));
  state_ = State::open;
  if (parameters_.protocol == Protocol::scp02) {
    // GPCS 2.3.1 §E.1.2: the counter counts sessions whose first C-MAC verified.
    keys_.set_sequence_counter(key_version_, counter_ + 1);
  }
  uicc::log::get("gp")->info(
      "secure channel open: SCP{:02X} i={:02X} key version {:02X} level {:02X}",
      static_cast<unsigned>(parameters_.protocol), parameters_.i, key_version_, session_->level());
  return apdu::Response{{}, apdu::sw::ok};
}

apdu::Command SecureChannel::unwrap(const apdu::Command& command) {
  bool secured = has_secure_messaging(command.cla);
  switch (state_) {
    case State::aborted:
      // GPCS 2.3.1 §10 and Amendment D v1.2 §5.6: after an abort, commands of the same
      // application session get a security error.
      apdu::fail(apdu::sw::security_status_not_satisfied);
    case State::idle:
    case State::initialized:
      // No session verifies secure messaging, so a command that claims it cannot be taken.
      if (secured) apdu::fail(apdu::sw::security_status_not_satisfied);
      return command;
    case State::open:
      break;
  }

  // A command secured beyond the session level (a C-MAC at level AUTHENTICATED) is verified
  // at its own level. A command below the level is a security error.
  std::uint8_t session_level = session_->level();
  if (secured && (session_level & level::c_mac) == 0) {
    session_->set_level(static_cast<std::uint8_t>(session_level | level::c_mac));
  }
  std::optional<apdu::Command> unwrapped = session_->unwrap_command(command);
  session_->set_level(session_level);
  if (!unwrapped) {
    abort();
    apdu::fail(apdu::sw::security_status_not_satisfied);
  }
  return *unwrapped;
}

apdu::Response SecureChannel::wrap(const apdu::Response& response) {
  if (state_ != State::open) return response;
  return session_->wrap_response(response);
}

Bytes SecureChannel::decrypt_sensitive_data(ByteView data) const {
  if (state_ != State::open) apdu::fail(apdu::sw::conditions_not_satisfied);
  return session_->decrypt_sensitive_data(data);
}

void SecureChannel::raise_security_level(std::uint8_t requested) {
  if (state_ != State::open) apdu::fail(apdu::sw::conditions_not_satisfied);
  // AUTHENTICATED and ANY_AUTHENTICATED describe the session, not its protection.
  constexpr std::uint8_t kProtection =
      level::c_mac | level::c_decryption | level::r_mac | level::r_encryption;
  const auto requested_protection = static_cast<std::uint8_t>(requested & kProtection);
  const auto current = static_cast<std::uint8_t>(session_->level() & kProtection);
  if ((requested_protection & current) != current ||
      !valid_security_level(parameters_, requested_protection)) {
    apdu::fail(apdu::sw::conditions_not_satisfied);
  }
  session_->set_level(static_cast<std::uint8_t>(requested_protection | level::authenticated));
  uicc::log::get("gp")->info("secure channel level raised to {:02X}", session_->level());
}

Bytes SecureChannel::encrypt_sensitive_data(ByteView data) const {
  if (state_ != State::open) apdu::fail(apdu::sw::conditions_not_satisfied);
  return session_->encrypt_sensitive_data(data);
}

}  // namespace uicc::sd::scp
