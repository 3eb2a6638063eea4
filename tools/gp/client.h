// The off-card entity of `uicc gp`. It opens a secure channel to a security domain over a
// Transport and runs the card content management operations of GlobalPlatformPro: list, load
// and install a CAP file, delete, put keys, lock and unlock, set status, store data.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "apdu/command.h"
#include "security_domains/scp/session.h"
#include "tools/gp/cap_file.h"
#include "tools/gp/commands.h"
#include "tools/gp/transport.h"

namespace uicc::gp {

// A command failed with a status word other than the expected one. The message names the
// command, the status word and its meaning.
class CommandError : public std::runtime_error {
 public:
  CommandError(const std::string& message, apdu::StatusWord sw)
      : std::runtime_error(message), sw_(sw) {}
  apdu::StatusWord status() const { return sw_; }

 private:
  apdu::StatusWord sw_;
};

// The keys and options of a secure channel, as the command line or a key file gives them.
struct ChannelOptions {
  sd::scp::StaticKeys keys;
  std::uint8_t key_version = 0;        // 0: the card's first available key set
  std::uint8_t security_level = 0x01;  // C-MAC
  std::uint8_t scp02_i = 0x15;         // SCP02 does not report its "i"
};

// One entry of GET STATUS, decoded from its E3 template (GPCS 2.3.1 Tables 11-36, 11-37).
struct RegistryEntry {
  enum class Kind { issuer_security_domain, application, load_file };
  Kind kind = Kind::application;
  Bytes aid;
  std::uint8_t life_cycle = 0;
  Bytes privileges;
  Bytes load_file;
  Bytes security_domain;
  Bytes version;
  std::vector<Bytes> modules;
};

class Client {
 public:
  explicit Client(Transport& transport) : transport_(transport) {}

  // Sends a command as it is (no secure channel) and follows 61xx with GET RESPONSE and 6Cxx
  // with the exact Le (ISO/IEC 7816-4 §5.3.4 as seen through T=0).
  apdu::Response transmit(const apdu::Command& command);
  // Sends a command through the secure channel, if one is open.
  apdu::Response send(const apdu::Command& command);
  // Sends like send(), and throws CommandError naming `operation` unless the status word is 9000.
  apdu::Response expect_ok(const apdu::Command& command, const std::string& operation);

  // SELECT by AID; returns the FCI. Ends any secure channel.
  Bytes select(ByteView aid);
  // INITIALIZE UPDATE and EXTERNAL AUTHENTICATE. Throws sd::scp::HandshakeError if the card
  // cryptogram is wrong (other keys on the card) and CommandError for a status word.
  void open_secure_channel(const ChannelOptions& options);
  bool secure_channel_open() const { return session_ != nullptr; }
  const sd::scp::Session* session() const { return session_.get(); }

  // GET STATUS for one P1 (80, 40, 20 or 10), following 6310.
  std::vector<RegistryEntry> status(std::uint8_t p1);
  // The issuer security domain, applications and security domains, load files with modules.
  std::vector<RegistryEntry> list();

  struct InstallOptions {
    std::optional<Bytes> applet;    // the applet class to install; default: the only one
    std::optional<Bytes> instance;  // default: the applet class AID
    Bytes privileges = Bytes{0x00};
    Bytes application_parameters;  // content of C9
    Bytes security_domain;         // associate the load file with this domain
    bool load_only = false;
    bool make_selectable = true;
    std::size_t block_size = 0;  // default: as large as the secure channel allows
  };
  // INSTALL [for load], LOAD, INSTALL [for install and make selectable]. Returns the number of
  // APDUs sent.
  std::size_t install(const LoadFile& load_file, const InstallOptions& options);
  void delete_aid(ByteView aid, bool related);
  // PUT KEY of a full key set (ENC, MAC, DEK) of `type` (88 AES, 80 DES). Returns the
  // response: new version and check values.
  Bytes put_key_set(std::uint8_t replaced_version, std::uint8_t new_version, std::uint8_t type,
                    const sd::scp::StaticKeys& keys);
  void set_status(std::uint8_t status_type, std::uint8_t state, ByteView aid);
  // STORE DATA in as many blocks as needed; `structure` 00, 08 (DGI) or 10 (BER-TLV).
  void store_data(ByteView data, std::uint8_t structure);

 private:
  // The largest data field a wrapped command may carry.
  std::size_t max_block() const;

  Transport& transport_;
  std::unique_ptr<sd::scp::Session> session_;
  std::uint8_t channel_ = 0;
};

// Describes privileges bytes as GlobalPlatformPro prints them ("SecurityDomain, CardLock").
std::string describe_privileges(ByteView privileges);
// Names a life cycle state for an entry kind ("SELECTABLE", "SECURED").
std::string describe_life_cycle(RegistryEntry::Kind kind, std::uint8_t state);

}  // namespace uicc::gp
