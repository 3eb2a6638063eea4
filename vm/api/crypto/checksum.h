// javacard.security.Checksum: the two CRCs of ISO/IEC 3309 as the Java Card 3.0.5 API defines
// them (Checksum.ALG_ISO3309_CRC16 and ALG_ISO3309_CRC32).
//
// CRC16: polynomial 0x1021, data and result not reflected, result XORed with 0xFFFF.
// CRC32: polynomial 0x04C11DB7, data and result reflected, result XORed with 0xFFFFFFFF.
// Both start from the value given to init() (zero by default) and return to zero after
// doFinal(). With the start value 0xFFFFFFFF, CRC32 is the CRC of PKZIP and java.util.zip.
#pragma once

#include <cstdint>

#include "util/bytes.h"

namespace uicc::api::crypto {

class Checksum {
 public:
  // Throws CryptoError NO_SUCH_ALGORITHM for an unknown algorithm.
  explicit Checksum(std::int8_t algorithm);

  std::int8_t algorithm() const { return algorithm_; }
  std::size_t length() const { return algorithm_ == 1 ? 2 : 4; }
  // Checksum.init: the start value, big-endian, 2 bytes for CRC16 and 4 for CRC32
  // (CryptoError ILLEGAL_VALUE otherwise).
  void init(ByteView start);
  void update(ByteView data);
  // Returns the checksum big-endian and restarts from zero.
  Bytes do_final(ByteView data);

 private:
  std::int8_t algorithm_;
  std::uint32_t start_ = 0;
  std::uint32_t crc_ = 0;
};

}  // namespace uicc::api::crypto
