// Access conditions of ETSI TS 102 221 V17.1.0 §9: security attributes in referenced (8B),
// compact (8C) and expanded (AB) form, access rules in EF.ARR, and their evaluation against
// the PIN verification status.
#pragma once

#include <cstdint>

#include "card/fs/file_system.h"
#include "card/fs/pins.h"

namespace uicc::card {

// Access mode bits of ISO/IEC 7816-4:2020 §7.4.3 Table 17 (for EFs; for DFs the same bit
// positions name the DF operations).
enum class Operation : std::uint8_t {
  read = 0x01,        // READ BINARY, READ RECORD, SEARCH RECORD
  update = 0x02,      // UPDATE BINARY, UPDATE RECORD
  write = 0x04,
  deactivate = 0x08,
  activate = 0x10,
  terminate = 0x20,
  remove = 0x40,      // DELETE FILE
  increase = 0x80,    // INCREASE: tag 84 with INS 32, else the UPDATE rule
};

class AccessControl {
 public:
  AccessControl(const FileSystem& fs, const PinTable& pins) : fs_(fs), pins_(pins) {}

  // True if `operation` on `file` is allowed with the current security status. Malformed
  // or missing rules deny access.
  bool allowed(const FileInfo& file, Operation operation) const;

 private:
  Bytes rules_of(const FileInfo& file) const;
  bool evaluate(ByteView rules, Operation operation) const;
  bool condition_met(std::uint32_t tag, ByteView value) const;

  const FileSystem& fs_;
  const PinTable& pins_;
};

}  // namespace uicc::card
