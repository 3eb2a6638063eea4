#include "card/auth/keccak.h"

#include <bit>

namespace uicc::auth {

namespace {

// FIPS 202 §3.2.5: the round constants RC[ir] of step iota, for the 24 rounds.
constexpr std::uint64_t kRoundConstants[24] = {
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
};

// FIPS 202 §3.2.2 Table 2: the rotation offset of step rho for lane x + 5y.
constexpr int kRotations[25] = {
    0,  1,  62, 28, 27,  // y = 0
    36, 44, 6,  55, 20,  // y = 1
    3,  10, 43, 25, 39,  // y = 2
    41, 45, 15, 21, 8,   // y = 3
    18, 2,  61, 56, 14,  // y = 4
};

}  // namespace

void keccak_f1600(std::array<std::uint64_t, 25>& a) {
  for (std::uint64_t round_constant : kRoundConstants) {
    // theta: each lane absorbs the parities of two neighbouring columns.
    std::uint64_t column[5];
    for (int x = 0; x < 5; ++x) column[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; ++x) {
      std::uint64_t d = column[(x + 4) % 5] ^ std::rotl(column[(x + 1) % 5], 1);
      for (int y = 0; y < 25; y += 5) a[x + y] ^= d;
    }

    // rho and pi: lane (x, y) rotates and moves to (y, 2x + 3y).
    std::uint64_t b[25];
    for (int x = 0; x < 5; ++x) {
      for (int y = 0; y < 5; ++y) {
        b[y + 5 * ((2 * x + 3 * y) % 5)] = std::rotl(a[x + 5 * y], kRotations[x + 5 * y]);
      }
    }

    // chi: the only non-linear step, along each row.
    for (int y = 0; y < 25; y += 5) {
      for (int x = 0; x < 5; ++x) a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
    }

    // iota
    a[0] ^= round_constant;
  }
}

void keccak_f1600(std::array<std::uint8_t, kKeccakStateSize>& state) {
  std::array<std::uint64_t, 25> lanes{};
  for (std::size_t i = 0; i < 25; ++i) {
    for (std::size_t j = 0; j < 8; ++j) lanes[i] |= std::uint64_t{state[8 * i + j]} << (8 * j);
  }
  keccak_f1600(lanes);
  for (std::size_t i = 0; i < 25; ++i) {
    for (std::size_t j = 0; j < 8; ++j)
      state[8 * i + j] = static_cast<std::uint8_t>(lanes[i] >> (8 * j));
  }
}

}  // namespace uicc::auth
