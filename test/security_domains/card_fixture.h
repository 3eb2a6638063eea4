// A card for card manager tests: a store, the fake runtime, the card manager, and an off-card
// host that opens secure channels and sends GlobalPlatform commands to a security domain.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "apdu/command.h"
#include "security_domains/card_manager.h"
#include "security_domains/scp/host.h"
#include "security_domains/security_domain.h"
#include "test/security_domains/fake_content.h"
#include "util/crypto.h"

namespace uicc::test {

inline constexpr std::size_t kContentRoot = 2;

inline apdu::Command command(const std::string& hex) {
  auto parsed = apdu::parse_command(from_hex(hex));
  if (!std::holds_alternative<apdu::Command>(parsed))
    throw std::invalid_argument("bad APDU " + hex);
  return std::get<apdu::Command>(parsed);
}

// The default ISD keys of CardProfile: 404142...4F.
inline sd::scp::StaticKeys default_keys(std::uint8_t version = 0x30) {
  SecretBytes key(from_hex("404142434445464748494A4B4C4D4E4F"));
  return sd::scp::StaticKeys{version, key, key, key};
}

class Host {
 public:
  Host(sd::SecurityDomain& domain, std::uint8_t channel = 0)
      : domain_(&domain), channel_(channel) {}

  void use(sd::SecurityDomain& domain) {
    domain_ = &domain;
    session_.reset();
  }

  // SELECT by AID of the domain (the card layer's part, done here by hand).
  apdu::Response select() {
    session_.reset();
    domain_->select(channel_);
    apdu::Command select_command;
    select_command.cla = channel_;
    select_command.ins = 0xA4;
    select_command.p1 = 0x04;
    select_command.data.assign(domain_->aid().begin(), domain_->aid().end());
    select_command.has_le = true;
    select_command.ne = 256;
    return transmit(select_command);
  }

  // INITIALIZE UPDATE and EXTERNAL AUTHENTICATE. Returns the EXTERNAL AUTHENTICATE response.
  apdu::Response open(const sd::scp::StaticKeys& keys, std::uint8_t level,
                      std::uint8_t key_version = 0, std::uint8_t scp02_i = 0x15) {
    session_.reset();
    Bytes challenge = crypto::random_bytes(8);
    apdu::Command initialize = sd::scp::initialize_update_command(key_version, challenge);
    initialize.cla = static_cast<std::uint8_t>(0x80 | channel_);
    apdu::Response response = transmit(initialize);
    if (response.sw != apdu::sw::ok) return response;
    auto parsed = sd::scp::parse_initialize_update_response(response.data);
    sd::scp::OpenedSession opened = sd::scp::open_session(keys, challenge, parsed, level, scp02_i);
    opened.external_authenticate.cla = static_cast<std::uint8_t>(0x84 | channel_);
    response = transmit(opened.external_authenticate);
    if (response.sw == apdu::sw::ok) session_ = std::move(opened.session);
    return response;
  }

  // Sends a command, wrapped if a session is open, and unwraps the response.
  apdu::Response send(apdu::Command plain) {
    plain.cla = static_cast<std::uint8_t>(plain.cla | channel_);
    apdu::Command wire = session_ ? session_->wrap_command(plain) : plain;
    apdu::Response response = transmit(wire);
    if (session_) {
      auto unwrapped = session_->unwrap_response(response);
      EXPECT_TRUE(unwrapped) << "response R-MAC does not verify";
      if (unwrapped) return *unwrapped;
    }
    return response;
  }
  apdu::Response send(const std::string& hex) { return send(command(hex)); }

  sd::scp::Session* session() { return session_.get(); }
  std::uint8_t channel() const { return channel_; }

 private:
  apdu::Response transmit(const apdu::Command& wire) {
    try {
      return domain_->process(channel_, wire);
    } catch (const apdu::StatusError& error) {
      return apdu::Response{{}, error.status()};
    }
  }

  sd::SecurityDomain* domain_;
  std::uint8_t channel_;
  std::unique_ptr<sd::scp::Session> session_;
};

// A card with an in-memory store.
struct TestCard {
  explicit TestCard(sd::CardProfile profile = {})
      : store(std::make_unique<store::Store>()),
        content(std::make_unique<FakeContent>(*store, kContentRoot)),
        manager(std::make_unique<sd::CardManager>(*store, *content, std::move(profile))),
        host(manager->issuer_security_domain()) {}

  sd::SecurityDomain& isd() { return manager->issuer_security_domain(); }
  sd::Registry& registry() { return manager->registry(); }

  // Selects the ISD and opens SCP03 with the default keys at `level`.
  void authenticate(std::uint8_t level = 0x01) {
    host.use(isd());
    ASSERT_EQ(host.select().sw, apdu::sw::ok);
    ASSERT_EQ(host.open(default_keys(), level).sw, apdu::sw::ok);
  }

  std::unique_ptr<store::Store> store;
  std::unique_ptr<FakeContent> content;
  std::unique_ptr<sd::CardManager> manager;
  Host host;
};

}  // namespace uicc::test
