// Feeds arbitrary GlobalPlatform commands to the issuer security domain inside an open SCP03
// session, so that they reach the command handlers past the MAC check. No input may crash
// the card manager, every command must end in a response or a status word, and after the
// sequence the registry must load again from the store (the power-up path).
//
// Input: a sequence of [flags][length][command bytes]. Flags bit 0 sends the command as it
// is, without the session's C-MAC, and bit 1 reopens the card manager on the store first.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "apdu/command.h"
#include "security_domains/card_manager.h"
#include "security_domains/scp/host.h"
#include "security_domains/security_domain.h"
#include "test/security_domains/fake_content.h"
#include "util/log.h"

namespace {

using namespace uicc;

constexpr std::size_t kContentRoot = 2;

struct Card {
  explicit Card(store::Store& store) : content(store, kContentRoot), manager(store, content) {}
  test::FakeContent content;
  sd::CardManager manager;
};

// Selects the ISD on channel 0 and opens SCP03 with C-MAC and C-DECRYPTION. The host
// challenge is fixed so that a crashing input replays the same session.
std::unique_ptr<sd::scp::Session> open_session(sd::SecurityDomain& isd) {
  isd.select(0);
  SecretBytes key(from_hex("404142434445464748494A4B4C4D4E4F"));
  sd::scp::StaticKeys keys{0x30, key, key, key};
  Bytes challenge(8, 0x11);
  apdu::Response initialized = isd.process(0, sd::scp::initialize_update_command(0, challenge));
  auto parsed = sd::scp::parse_initialize_update_response(initialized.data);
  sd::scp::OpenedSession opened = sd::scp::open_session(keys, challenge, parsed, 0x03, 0x15);
  opened.external_authenticate.cla = 0x84;
  if (isd.process(0, opened.external_authenticate).sw != apdu::sw::ok) std::abort();
  return std::move(opened.session);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool configured = [] {
    log::configure(spdlog::level::off, false);
    return true;
  }();
  (void)configured;

  store::Store store;
  auto card = std::make_unique<Card>(store);
  auto session = open_session(card->manager.issuer_security_domain());

  std::size_t at = 0;
  while (at + 2 <= size) {
    std::uint8_t flags = data[at];
    std::size_t length = data[at + 1];
    at += 2;
    if (length > size - at) length = size - at;
    ByteView bytes(data + at, length);
    at += length;

    if ((flags & 0x02) != 0) {
      card.reset();
      card = std::make_unique<Card>(store);
      session = open_session(card->manager.issuer_security_domain());
    }
    auto parsed = apdu::parse_command(bytes);
    if (!std::holds_alternative<apdu::Command>(parsed)) continue;
    apdu::Command command = std::get<apdu::Command>(parsed);
    command.cla = static_cast<std::uint8_t>(command.cla & 0xFC);  // channel 0 only
    if ((flags & 0x01) == 0 && session && (command.cla & 0x80) != 0) {
      command = session->wrap_command(command);
    }
    try {
      card->manager.issuer_security_domain().process(0, command);
    } catch (const apdu::StatusError&) {
    }
  }

  // Power-up on the resulting store must succeed.
  card.reset();
  Card again(store);
  return 0;
}
