// A security domain as an apdu::Application: selectable by AID on any logical channel, it runs
// the GlobalPlatform commands of GlobalPlatform Card Specification 2.3.1 §11 for its part of
// the card. The issuer security domain and every supplementary security
// domain are instances of this class over their registry entries; each command family is
// implemented in its own file under commands/.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "apdu/application.h"
#include "security_domains/registry.h"
#include "security_domains/scp/secure_channel.h"

namespace uicc::sd {

class CardManager;

class SecurityDomain final : public apdu::Application {
 public:
  static constexpr std::size_t kChannels = 20;  // ISO/IEC 7816-4: basic plus 19 supplementary

  SecurityDomain(CardManager& manager, Bytes aid);
  ~SecurityDomain() override;

  ByteView aid() const override { return aid_; }
  bool multi_selectable() const override { return true; }
  bool select(std::uint8_t channel) override;
  void deselect(std::uint8_t channel) override;
  apdu::Response process(std::uint8_t channel, const apdu::Command& command) override;

  bool selected_anywhere() const;
  // The secure channel of this domain on `channel`, as the domain itself uses it.
  scp::SecureChannel* secure_channel(std::uint8_t channel);
  // Card reset: ends sessions on every channel.
  void reset();

  // A LOAD sequence in progress on one channel (GPCS 2.3.1 §9.3.5).
  struct LoadSession {
    Bytes load_file;
    Bytes security_domain;  // the domain the load file will be associated with
    Bytes hash;             // Load File Data Block Hash of INSTALL [for load], if given
    Bytes install_command;  // data of INSTALL [for load], for receipts and combined install
    std::uint8_t next_block = 0;
    std::size_t memory_required = 0;
    bool delegated = false;  // loaded through delegated management: a receipt is returned
    Bytes token_identifier;
    Bytes provider;  // Application Provider identifier from the load parameters
    Bytes data;
  };

  // The state a command handler works with.
  struct Channel {
    std::unique_ptr<scp::SecureChannel> secure_channel;
    std::optional<LoadSession> load;
    // GET STATUS [get next occurrence(s)]: the request and how many entries were returned.
    struct StatusCursor {
      std::uint8_t p1 = 0;
      Bytes criteria;
      std::size_t returned = 0;
    };
    std::optional<StatusCursor> status;
    std::optional<Bytes> personalization;  // the applet STORE DATA goes to
    std::uint8_t store_data_block = 0;
    Bytes store_data;  // STORE DATA blocks of the domain itself, until the last one
  };

 private:
  using Handler = apdu::Response (SecurityDomain::*)(Channel&, const apdu::Command&);

  ApplicationEntry& entry();
  Channel& channel_state(std::uint8_t channel);
  apdu::Response dispatch(Channel& state, const apdu::Command& command);

  // Common gates of GPCS 2.3.1 Tables 11-1 and 11-2.
  void require_authenticated(const Channel& state) const;
  void require_content_management() const;
  void require_card_not_locked() const;
  // Writes the card image; a write error becomes 6581. NOTE: the store keeps the changes in
  // memory after a failed write, so the card goes on from a state its image does not have.
  void write_through();

  // Command handlers, one file each under commands/.
  apdu::Response select_response(Channel& state, const apdu::Command& command);
  apdu::Response get_data(Channel& state, const apdu::Command& command);
  apdu::Response get_status(Channel& state, const apdu::Command& command);
  apdu::Response set_status(Channel& state, const apdu::Command& command);
  apdu::Response put_key(Channel& state, const apdu::Command& command);
  apdu::Response delete_command(Channel& state, const apdu::Command& command);
  apdu::Response install(Channel& state, const apdu::Command& command);
  apdu::Response load(Channel& state, const apdu::Command& command);
  apdu::Response store_data(Channel& state, const apdu::Command& command);

  CardManager& manager_;
  Bytes aid_;
  std::array<std::unique_ptr<Channel>, kChannels> channels_;

  friend class InstallProcessor;
  friend class DeleteProcessor;
};

}  // namespace uicc::sd
