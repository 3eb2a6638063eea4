// Values of the global PIN in the three formats of the GlobalPlatform Card API's CVM interface
// (version 1.6, CVM.update and CVM.verify): ASCII characters, BCD digits (nibbles, left
// justified, an odd count padded with one F nibble) and HEX (binary data).
#pragma once

#include <cstdint>

#include "util/bytes.h"

namespace uicc::sd::cvm {

// CVM.FORMAT_ASCII, FORMAT_BCD and FORMAT_HEX.
inline constexpr std::uint8_t format_ascii = 0x01;
inline constexpr std::uint8_t format_bcd = 0x02;
inline constexpr std::uint8_t format_hex = 0x03;

// Whether `value` may be stored in `format`: not empty, and in BCD only digits 0 to 9 with F
// as the last nibble alone.
bool valid_value(ByteView value, std::uint8_t format);

// Compares a presented value with the stored one under the CVM interface's conversion rules:
// HEX matches HEX only; ASCII and BCD match each other when the ASCII characters are all
// digits, after conversion, and themselves exactly. Only the lengths leak through timing.
bool values_match(ByteView stored, std::uint8_t stored_format, ByteView presented,
                  std::uint8_t presented_format);

}  // namespace uicc::sd::cvm
