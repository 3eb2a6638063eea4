// Pieces the command handlers share: the LV reader of INSTALL data fields, GlobalPlatform
// instruction codes, and the card recognition data.
#pragma once

#include <cstdint>
#include <optional>

#include "apdu/command.h"
#include "apdu/status_word.h"
#include "security_domains/content_manager.h"
#include "security_domains/registry.h"
#include "util/bytes.h"

namespace uicc::sd::commands {

// Instruction codes of GPCS 2.3.1 §11.
namespace ins {
inline constexpr std::uint8_t select = 0xA4;
inline constexpr std::uint8_t get_data = 0xCA;
inline constexpr std::uint8_t get_data_odd = 0xCB;
inline constexpr std::uint8_t get_status = 0xF2;
inline constexpr std::uint8_t set_status = 0xF0;
inline constexpr std::uint8_t put_key = 0xD8;
inline constexpr std::uint8_t delete_ = 0xE4;
inline constexpr std::uint8_t install = 0xE6;
inline constexpr std::uint8_t load = 0xE8;
inline constexpr std::uint8_t store_data = 0xE2;
}  // namespace ins

// Reads the LV-coded fields of INSTALL and similar data fields. Every read fails with
// StatusError(6A80) when the field runs past the end, so a handler cannot overread.
class LvReader {
 public:
  explicit LvReader(ByteView data) : data_(data) {}

  // A field with a one-byte length.
  ByteView field();
  // A field whose length is BER-coded, where 80 on one byte also means 128 (GPCS 2.3.1
  // §11.5.2.3.1 for parameters and tokens).
  ByteView ber_field();
  bool done() const { return position_ == data_.size(); }
  // The bytes read so far: what a token signs, without the token field.
  ByteView consumed() const { return data_.first(position_); }

 private:
  ByteView data_;
  std::size_t position_ = 0;
};

// Returns the one-byte length of `value` followed by `value` (values of at most 255 bytes).
Bytes lv(ByteView value);

// Throws StatusError(6A80) unless `aid` is 5 to 16 bytes.
void require_aid(ByteView aid);

// The Card Recognition Data / Security Domain Management Data template 73 (GPCS 2.3.1
// §H.2 and §H.3) of a security domain with these secure channel parameters.
Bytes recognition_data(const scp::Parameters& parameters);

// The 1-byte key usage of GPCS 2.3.1 §11.1.9 that a key with `usage` serves, or the key
// version and identifier conventionally used for it when usage was not given.
const Key* find_key_for(const DomainData& domain, std::uint8_t usage,
                        std::uint8_t conventional_version);

// Throws the status word GPCS 2.3.1 names for a runtime failure. 6A80: a malformed load file
// or a failed install. 6A88: a missing import or item. 6985: an AID in use, or content that
// other content depends on. 6A84: memory.
[[noreturn]] void fail_content(const ContentError& error);

}  // namespace uicc::sd::commands
