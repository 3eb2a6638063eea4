// The Keccak-f[1600] permutation (FIPS 202 §3.3 and §3.4, 24 rounds), on which TUAK is built
// (3GPP TS 35.231 V17.0.0 §5.2 and Annex C).
#pragma once

#include <array>
#include <cstdint>

namespace uicc::auth {

inline constexpr std::size_t kKeccakStateSize = 200;

// Applies the permutation to a state of 25 lanes; lane x + 5y is A[x, y] of FIPS 202.
void keccak_f1600(std::array<std::uint64_t, 25>& lanes);

// Applies the permutation to a 200-byte state in the byte order of FIPS 202 §B.1: lane i is
// bytes 8i..8i+7, least significant byte first.
void keccak_f1600(std::array<std::uint8_t, kKeccakStateSize>& state);

}  // namespace uicc::auth
