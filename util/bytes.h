// Byte buffers, hex text and big-endian integer access shared by every layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace uicc {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;
using MutableByteView = std::span<std::uint8_t>;

// Formats bytes as upper-case hex. With a separator, puts it between bytes ("00 A4 04 00").
std::string to_hex(ByteView bytes, std::string_view separator = "");

// Parses hex text. Spaces, tabs, colons and line breaks between digit pairs are ignored, so
// "00 A4 04 00" and "00:a4:04:00" both parse. Returns nullopt on an odd digit count or a
// character that is neither a hex digit nor a separator.
std::optional<Bytes> parse_hex(std::string_view text);

// Like parse_hex, but throws std::invalid_argument whose message names the offending input.
Bytes from_hex(std::string_view text);

inline std::uint16_t get_u16(ByteView bytes, std::size_t offset) {
  return static_cast<std::uint16_t>((bytes[offset] << 8) | bytes[offset + 1]);
}

inline std::uint32_t get_u32(ByteView bytes, std::size_t offset) {
  return (std::uint32_t{bytes[offset]} << 24) | (std::uint32_t{bytes[offset + 1]} << 16) |
         (std::uint32_t{bytes[offset + 2]} << 8) | std::uint32_t{bytes[offset + 3]};
}

inline void put_u16(MutableByteView bytes, std::size_t offset, std::uint16_t value) {
  bytes[offset] = static_cast<std::uint8_t>(value >> 8);
  bytes[offset + 1] = static_cast<std::uint8_t>(value);
}

inline void put_u32(MutableByteView bytes, std::size_t offset, std::uint32_t value) {
  bytes[offset] = static_cast<std::uint8_t>(value >> 24);
  bytes[offset + 1] = static_cast<std::uint8_t>(value >> 16);
  bytes[offset + 2] = static_cast<std::uint8_t>(value >> 8);
  bytes[offset + 3] = static_cast<std::uint8_t>(value);
}

inline void append_u16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

inline void append_u32(Bytes& out, std::uint32_t value) {
  append_u16(out, static_cast<std::uint16_t>(value >> 16));
  append_u16(out, static_cast<std::uint16_t>(value));
}

inline void append(Bytes& out, ByteView bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }

// Compares two buffers in time that depends only on their lengths, for MACs, cryptograms and PINs.
bool constant_time_equal(ByteView a, ByteView b);

}  // namespace uicc
