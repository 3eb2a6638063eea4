#include "security_domains/global_pin.h"

#include <optional>

#include "util/secret.h"

namespace uicc::sd::cvm {

namespace {

constexpr std::uint8_t kPadNibble = 0x0F;

// The digits of a BCD value as the ASCII characters '0' to '9', or nullopt for a nibble above 9
// anywhere but as the final pad.
std::optional<Bytes> bcd_digits(ByteView value) {
  Bytes digits;
  for (std::size_t i = 0; i < value.size() * 2; ++i) {
    const std::uint8_t byte = value[i / 2];
    const std::uint8_t nibble = i % 2 == 0 ? byte >> 4 : byte & 0x0F;
    if (nibble == kPadNibble && i == value.size() * 2 - 1 && i > 0) break;
    if (nibble > 9) return std::nullopt;
    digits.push_back(static_cast<std::uint8_t>('0' + nibble));
  }
  return digits;
}

bool all_digits(ByteView ascii) {
  for (std::uint8_t c : ascii) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A value as a string of ASCII digits, for the comparison of ASCII against BCD.
std::optional<Bytes> as_digits(ByteView value, std::uint8_t format) {
  if (format == format_bcd) return bcd_digits(value);
  if (format == format_ascii && all_digits(value)) return Bytes(value.begin(), value.end());
  return std::nullopt;
}

}  // namespace

bool valid_value(ByteView value, std::uint8_t format) {
  if (value.empty()) return false;
  switch (format) {
    case format_ascii:
    case format_hex:
      return true;
    case format_bcd:
      return bcd_digits(value).has_value();
    default:
      return false;
  }
}

bool values_match(ByteView stored, std::uint8_t stored_format, ByteView presented,
                  std::uint8_t presented_format) {
  if (stored_format == presented_format) {
    return stored.size() == presented.size() && constant_time_equal(stored, presented);
  }
  if (stored_format == format_hex || presented_format == format_hex) return false;
  const std::optional<Bytes> stored_digits = as_digits(stored, stored_format);
  const std::optional<Bytes> presented_digits = as_digits(presented, presented_format);
  if (!stored_digits || !presented_digits) return false;
  return stored_digits->size() == presented_digits->size() &&
         constant_time_equal(*stored_digits, *presented_digits);
}

}  // namespace uicc::sd::cvm
