#include "util/bytes.h"

#include <stdexcept>

#include <openssl/crypto.h>

namespace uicc {

namespace {

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_separator(char c) { return c == ' ' || c == '\t' || c == ':' || c == '\n' || c == '\r'; }

}  // namespace

std::string to_hex(ByteView bytes, std::string_view separator) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string text;
  text.reserve(bytes.size() * (2 + separator.size()));
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) text.append(separator);
    text.push_back(kDigits[bytes[i] >> 4]);
    text.push_back(kDigits[bytes[i] & 0x0F]);
  }
  return text;
}

std::optional<Bytes> parse_hex(std::string_view text) {
  Bytes bytes;
  bytes.reserve(text.size() / 2);
  int high = -1;
  for (char c : text) {
    if (is_separator(c)) {
      if (high >= 0) return std::nullopt;  // a separator splits a digit pair
      continue;
    }
    int value = hex_digit_value(c);
    if (value < 0) return std::nullopt;
    if (high < 0) {
      high = value;
    } else {
      bytes.push_back(static_cast<std::uint8_t>((high << 4) | value));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return bytes;
}

Bytes from_hex(std::string_view text) {
  auto bytes = parse_hex(text);
  if (!bytes) throw std::invalid_argument("invalid hex string: '" + std::string(text) + "'");
  return *std::move(bytes);
}

bool constant_time_equal(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace uicc
