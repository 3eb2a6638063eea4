#include "vm/api/crypto/checksum.h"

#include <array>

#include <fmt/format.h>

#include "vm/api/api_constants.h"
#include "vm/api/crypto/crypto_error.h"

namespace uicc::api::crypto {

namespace jchecksum = jc::javacard::security::Checksum;

namespace {

// Table of the non-reflected CRC-16 with polynomial 0x1021, MSB first.
constexpr std::array<std::uint16_t, 256> make_crc16_table() {
  std::array<std::uint16_t, 256> table{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned crc = i << 8;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x8000) ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = static_cast<std::uint16_t>(crc);
  }
  return table;
}

// Table of the reflected CRC-32 with polynomial 0x04C11DB7 (0xEDB88320 reflected), LSB first.
constexpr std::array<std::uint32_t, 256> make_crc32_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
    table[i] = crc;
  }
  return table;
}

constexpr auto kCrc16 = make_crc16_table();
constexpr auto kCrc32 = make_crc32_table();

}  // namespace

Checksum::Checksum(std::int8_t algorithm) : algorithm_(algorithm) {
  if (algorithm != jchecksum::ALG_ISO3309_CRC16 && algorithm != jchecksum::ALG_ISO3309_CRC32) {
    fail(Reason::no_such_algorithm, fmt::format("Checksum algorithm {} not supported", algorithm));
  }
}

void Checksum::init(ByteView start) {
  if (start.size() != length()) {
    fail(Reason::illegal_value,
         fmt::format("Checksum start value of {} bytes, expected {}", start.size(), length()));
  }
  start_ = length() == 2 ? get_u16(start, 0) : get_u32(start, 0);
  crc_ = start_;
}

void Checksum::update(ByteView data) {
  if (algorithm_ == jchecksum::ALG_ISO3309_CRC16) {
    auto crc = static_cast<std::uint16_t>(crc_);
    for (std::uint8_t b : data) {
      crc = static_cast<std::uint16_t>((crc << 8) ^ kCrc16[((crc >> 8) ^ b) & 0xFF]);
    }
    crc_ = crc;
  } else {
    std::uint32_t crc = crc_;
    for (std::uint8_t b : data) crc = (crc >> 8) ^ kCrc32[(crc ^ b) & 0xFF];
    crc_ = crc;
  }
}

Bytes Checksum::do_final(ByteView data) {
  update(data);
  Bytes out(length());
  if (length() == 2) {
    put_u16(out, 0, static_cast<std::uint16_t>(crc_ ^ 0xFFFF));
  } else {
    put_u32(out, 0, crc_ ^ 0xFFFFFFFFu);
  }
  // Java Card 3.0.5 API, Checksum.doFinal: the start value returns to zero.
  start_ = 0;
  crc_ = 0;
  return out;
}

}  // namespace uicc::api::crypto
