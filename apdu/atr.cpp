#include "apdu/atr.h"

#include <fmt/format.h>

namespace uicc::apdu {

Bytes default_atr(int logical_channels) {
  // ISO/IEC 7816-4:2020 §12.1.1.11, third software function byte: b7 extended Lc and Le,
  // b5 and b4 channel numbers assigned by the card and by the interface, b3-b1 channels - 1
  // (7 = eight or more).
  std::uint8_t channels = logical_channels > 7 ? 7 : static_cast<std::uint8_t>(logical_channels - 1);
  std::uint8_t third_function_byte = static_cast<std::uint8_t>(0x40 | 0x18 | channels);

  Bytes historical{
      0x80,              // category: compact-TLV objects follow
      0x31, 0xE0,        // card service data: selection by full and partial DF name, EF.DIR
      0x73, 0xFE, 0x21, third_function_byte,  // card capabilities
      0x82, 0x90, 0x00,  // status indicator: SW 9000
  };

  Bytes atr;
  atr.reserve(33);
  for (std::uint8_t byte : std::initializer_list<std::uint8_t>{
      0x3B,                                                     // TS: direct convention
      static_cast<std::uint8_t>(0x90 | historical.size()),  // T0: TA1 and TD1 follow
      0x96,                                                     // TA1: Fi 512, Di 32
      0x80,                                                     // TD1: T=0, TD2 follows
      0xB1,                                                     // TD2: T=1, TA3 TB3 TD3 follow
      0xFE,                                                     // TA3: IFSC 254
      0x45,                                                     // TB3: BWI 4, CWI 5
      0x1F,                                                     // TD3: T=15, TA4 follows
      0xC7,                                                     // TA4: no clock-stop preference, classes A, B and C
  }) {
    atr.push_back(byte);
  }
  for (std::uint8_t byte : historical) atr.push_back(byte);
  std::uint8_t tck = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) tck = static_cast<std::uint8_t>(tck ^ atr[i]);
  atr.push_back(tck);
  return atr;
}

std::variant<AtrInfo, std::string> parse_atr(ByteView atr) {
  if (atr.size() < 2) return std::string("ATR shorter than TS and T0");
  if (atr[0] != 0x3B && atr[0] != 0x3F) {
    return fmt::format("TS is {:02X}, expected 3B (direct) or 3F (inverse convention)", atr[0]);
  }
  if (atr.size() > 33) return fmt::format("ATR has {} bytes, at most 33 are allowed", atr.size());

  AtrInfo info;
  std::size_t pos = 1;
  int y = atr[pos] >> 4;
  std::size_t historical_count = atr[pos] & 0x0F;
  ++pos;
  bool needs_tck = false;
  for (int level = 1;; ++level) {
    for (int bit : {0x1, 0x2, 0x4}) {
      if ((y & bit) == 0) continue;
      if (pos >= atr.size()) return fmt::format("ATR ends inside the interface bytes of level {}", level);
      ++pos;
    }
    if ((y & 0x8) == 0) break;
    if (pos >= atr.size()) return fmt::format("ATR ends before TD{}", level);
    std::uint8_t td = atr[pos++];
    int protocol = td & 0x0F;
    info.protocols.push_back(protocol);
    if (protocol != 0) needs_tck = true;
    y = td >> 4;
  }
  if (info.protocols.empty()) info.protocols.push_back(0);

  if (pos + historical_count > atr.size()) {
    return fmt::format("T0 announces {} historical bytes but only {} remain", historical_count,
                       atr.size() - pos);
  }
  info.historical.assign(atr.begin() + static_cast<std::ptrdiff_t>(pos),
                         atr.begin() + static_cast<std::ptrdiff_t>(pos + historical_count));
  pos += historical_count;

  if (needs_tck) {
    if (pos + 1 != atr.size()) return std::string("TCK is missing although a protocol other than T=0 is offered");
    std::uint8_t check = 0;
    for (std::size_t i = 1; i < atr.size(); ++i) check = static_cast<std::uint8_t>(check ^ atr[i]);
    if (check != 0) return fmt::format("TCK {:02X} does not make the XOR of T0..TCK zero", atr.back());
    info.has_tck = true;
  } else if (pos == atr.size() - 1) {
    info.has_tck = true;  // an optional TCK for T=0 only
  } else if (pos != atr.size()) {
    return fmt::format("{} bytes follow the historical bytes", atr.size() - pos);
  }
  return info;
}

}  // namespace uicc::apdu
