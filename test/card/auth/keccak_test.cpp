#include "card/auth/keccak.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "util/bytes.h"

namespace uicc::auth {
namespace {

// SHA3-256 (FIPS 202 §6.1) as a sponge over our permutation: rate 136 bytes, domain
// suffix 01 and pad10*1.
Bytes sha3_256_with_our_permutation(ByteView message) {
  constexpr std::size_t kRate = 136;
  std::array<std::uint8_t, kKeccakStateSize> state{};
  Bytes padded(message.begin(), message.end());
  padded.push_back(0x06);
  while (padded.size() % kRate != 0) padded.push_back(0x00);
  padded.back() |= 0x80;
  for (std::size_t block = 0; block < padded.size(); block += kRate) {
    for (std::size_t i = 0; i < kRate; ++i) state[i] ^= padded[block + i];
    keccak_f1600(state);
  }
  return Bytes(state.begin(), state.begin() + 32);
}

Bytes sha3_256_with_openssl(ByteView message) {
  Bytes digest(32);
  unsigned int size = 0;
  EXPECT_EQ(
      EVP_Digest(message.data(), message.size(), digest.data(), &size, EVP_sha3_256(), nullptr), 1);
  return digest;
}

TEST(Keccak, ZeroStateMatchesKeccakTeamValue) {
  // KeccakF-1600-IntermediateValues.txt of the Keccak team: the permutation of the all-zero
  // state starts with lane F1258F7940E1DDE7.
  std::array<std::uint64_t, 25> lanes{};
  keccak_f1600(lanes);
  EXPECT_EQ(lanes[0], 0xF1258F7940E1DDE7u);
}

TEST(Keccak, Sha3SpongeMatchesOpenssl) {
  for (std::size_t length : {0u, 1u, 3u, 135u, 136u, 137u, 300u}) {
    Bytes message(length);
    for (std::size_t i = 0; i < length; ++i) message[i] = static_cast<std::uint8_t>(i * 7 + 1);
    EXPECT_EQ(to_hex(sha3_256_with_our_permutation(message)),
              to_hex(sha3_256_with_openssl(message)))
        << "message length " << length;
  }
}

TEST(Keccak, ByteAndLaneFormsAgree) {
  std::array<std::uint8_t, kKeccakStateSize> bytes{};
  bytes[0] = 0x01;
  bytes[9] = 0x80;
  std::array<std::uint64_t, 25> lanes{};
  lanes[0] = 0x01;
  lanes[1] = 0x8000;
  keccak_f1600(bytes);
  keccak_f1600(lanes);
  for (std::size_t i = 0; i < 25; ++i) {
    std::uint64_t lane = 0;
    for (std::size_t j = 0; j < 8; ++j) lane |= std::uint64_t{bytes[8 * i + j]} << (8 * j);
    EXPECT_EQ(lane, lanes[i]) << "lane " << i;
  }
}

}  // namespace
}  // namespace uicc::auth
