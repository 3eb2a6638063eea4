// Answer-to-reset of ISO/IEC 7816-3:2006 §8 with historical bytes of ISO/IEC 7816-4:2020 §12.1.
#pragma once

#include <optional>
#include <variant>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace uicc::apdu {

struct AtrInfo {
  std::vector<int> protocols;  // the T values offered, in order (T=15 included)
  Bytes historical;
  bool has_tck = false;
};

// Returns the ATR of the default card: T=0 first, then T=1, with the UICC class indicator
// (classes A, B and C) and historical bytes that announce selection by full and partial DF
// name, extended Lc and Le, and `logical_channels` channels (4 or 20).
Bytes default_atr(int logical_channels = 4);

// Checks the structure of an ATR: TS, the interface bytes announced by T0 and each TDi, the
// historical byte count, and TCK (present whenever a protocol other than T=0 is offered, and
// then XOR of T0 to TCK must be zero). Returns a description of the first problem, or the
// decoded fields.
std::variant<AtrInfo, std::string> parse_atr(ByteView atr);

}  // namespace uicc::apdu
