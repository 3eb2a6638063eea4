// Command APDUs of ISO/IEC 7816-4:2020 §5.1: cases 1 to 4, short and extended length.
#pragma once

#include <cstdint>
#include <variant>

#include "apdu/status_word.h"
#include "util/bytes.h"

namespace uicc::apdu {

// Wire limits. vpcd frames carry a 16-bit length, so the largest C-APDU it can deliver is
// 65535 bytes; an extended case-4 APDU with 65535 data bytes would need 65544.
inline constexpr std::size_t kMaxShortData = 255;
inline constexpr std::size_t kMaxShortResponse = 256;
inline constexpr std::size_t kMaxExtendedData = 65535;
inline constexpr std::size_t kMaxExtendedResponse = 65536;

enum class ApduCase : std::uint8_t { case1 = 1, case2 = 2, case3 = 3, case4 = 4 };

struct Command {
  std::uint8_t cla = 0;
  std::uint8_t ins = 0;
  std::uint8_t p1 = 0;
  std::uint8_t p2 = 0;
  Bytes data;
  // Ne, the maximum number of response bytes expected: 0 when Le is absent, 1..256 for a
  // short Le (00 means 256), 1..65536 for an extended Le (0000 means 65536).
  std::size_t ne = 0;
  bool has_le = false;
  bool extended = false;

  ApduCase apdu_case() const;
  // Encodes the APDU, choosing the extended form when `extended` is set or a field needs it.
  Bytes encode() const;
};

// Parses a C-APDU. A malformed APDU yields the status word ISO/IEC 7816-4 names for it:
// fewer than four bytes, a body whose length disagrees with Lc, or a truncated extended
// length all give 6700 (wrong length).
std::variant<Command, StatusWord> parse_command(ByteView bytes);

struct Response {
  Bytes data;
  StatusWord sw = sw::ok;

  Bytes encode() const;
};

// Splits an R-APDU into data and status word; returns nullopt if it has fewer than two bytes.
std::optional<Response> parse_response(ByteView bytes);

}  // namespace uicc::apdu
