// The file-system commands of ETSI TS 102 221 V17.1.0 §11.1 and §11.3, routed by a table of
// class and instruction. Each command family lives in a file of its own: select.cpp (SELECT,
// STATUS), binary.cpp, record.cpp, data_objects.cpp, pin_commands.cpp and file_state.cpp
// (ACTIVATE, DEACTIVATE, TERMINAL PROFILE).
#pragma once

#include <cstdint>
#include <span>

#include "apdu/command.h"
#include "card/fs/access.h"
#include "card/fs/file_system.h"
#include "card/fs/pins.h"

namespace uicc::card {

// A RETRIEVE DATA or SET DATA transfer that spans several commands (ETSI TS 102 221
// §11.3.0). A command that changes the current EF ends it.
struct DataTransfer {
  enum class Kind : std::uint8_t { none, retrieve, set };
  Kind kind = Kind::none;
  Handle ef = store::kNull;
  std::uint32_t tag = 0;
  Bytes object;                  // the whole data object (retrieve) or what arrived (set)
  std::size_t expected = 0;      // set: size of the complete object, tag and length included
  std::size_t sent = 0;          // retrieve: bytes of `object` already sent
  std::size_t last_block = 0;    // size of the last block, for "retransmit previous block"
};

// What is selected in the file system on one logical channel (ETSI TS 102 221 §8.4).
struct FileContext {
  Handle current_df = store::kNull;
  Handle current_ef = store::kNull;
  Handle current_adf = store::kNull;  // the application's ADF, if one is selected
  std::uint16_t current_record = 0;   // 1-based record of the current EF, 0 for none
  // A trusted applet's file view (uicc.access): access rules are not checked for it.
  bool unrestricted = false;
  DataTransfer transfer;
};

class FileCommands {
 public:
  FileCommands(FileSystem& fs, PinTable& pins);

  struct Route {
    bool proprietary_class;  // 8X and CX commands rather than 0X and 4X
    std::uint8_t ins;
    apdu::Response (FileCommands::*handler)(FileContext&, const apdu::Command&);
    const char* name;
  };
  static std::span<const Route> routes();

  // Returns the route of a command, or nullptr if the file system does not handle it.
  const Route* find(const apdu::Command& command) const;
  apdu::Response process(FileContext& context, const apdu::Command& command);

  // Selects an ADF found by AID on this channel and returns its FCP (SELECT P2 04) or
  // nothing (P2 0C).
  apdu::Response select_adf(FileContext& context, Handle adf, const apdu::Command& command);
  // Puts the channel back to the MF, as after a reset or a new channel opened from the basic one.
  void select_mf(FileContext& context) const;

  const FileSystem& file_system() const { return fs_; }
  PinTable& pins() { return pins_; }

  apdu::Response select(FileContext&, const apdu::Command&);
  apdu::Response status(FileContext&, const apdu::Command&);
  apdu::Response read_binary(FileContext&, const apdu::Command&);
  apdu::Response update_binary(FileContext&, const apdu::Command&);
  apdu::Response read_record(FileContext&, const apdu::Command&);
  apdu::Response update_record(FileContext&, const apdu::Command&);
  apdu::Response search_record(FileContext&, const apdu::Command&);
  apdu::Response increase(FileContext&, const apdu::Command&);
  apdu::Response verify_pin(FileContext&, const apdu::Command&);
  apdu::Response change_pin(FileContext&, const apdu::Command&);
  apdu::Response disable_pin(FileContext&, const apdu::Command&);
  apdu::Response enable_pin(FileContext&, const apdu::Command&);
  apdu::Response unblock_pin(FileContext&, const apdu::Command&);
  apdu::Response deactivate_file(FileContext&, const apdu::Command&);
  apdu::Response activate_file(FileContext&, const apdu::Command&);
  apdu::Response terminal_profile(FileContext&, const apdu::Command&);
  apdu::Response retrieve_data(FileContext&, const apdu::Command&);
  apdu::Response set_data(FileContext&, const apdu::Command&);

 private:
  // Resolves the EF a command addresses: the SFI in `sfi` if non-zero (making it current),
  // otherwise the current EF. Fails with 6986 when none is selected and 6A82 for an unknown
  // SFI.
  FileInfo target_ef(FileContext& context, std::uint8_t sfi);
  void require(const FileContext& context, const FileInfo& file, Operation operation) const;
  void require_activated(const FileInfo& file) const;
  apdu::Response selection_response(const FileContext& context, Handle file, const apdu::Command& command);
  // Writes `object` (a whole DER object with `tag`) into a BER-TLV EF in place of the object
  // with that tag, or deletes that object if `object` is empty. Fails with 6A84 when the file
  // has no room for it.
  void store_object(const FileInfo& ef, std::uint32_t tag, ByteView object);
  // Content offset of record `number` (1-based) of a record EF, honouring cyclic rotation.
  std::uint32_t record_offset(const FileInfo& file, std::uint16_t number) const;

  FileSystem& fs_;
  PinTable& pins_;
  AccessControl access_;
};

}  // namespace uicc::card
