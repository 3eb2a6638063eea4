// Application selection by DF name (AID): ISO/IEC 7816-4:2020 §11.2.2, with the occurrence
// control of P2 b2-b1 and right-truncated (partial) names.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "util/bytes.h"

namespace uicc::apdu {

inline constexpr std::uint8_t kInsSelect = 0xA4;
inline constexpr std::uint8_t kSelectByDfName = 0x04;
inline constexpr std::size_t kMinAidLength = 5;
inline constexpr std::size_t kMaxAidLength = 16;

enum class Occurrence : std::uint8_t { first = 0, last = 1, next = 2, previous = 3 };

inline Occurrence occurrence_of(std::uint8_t p2) { return static_cast<Occurrence>(p2 & 0x03); }

// Picks the application whose AID starts with `name` among `aids` (in registry order).
// `current` is the index of the application selected on the channel, if any: next and
// previous occurrence move from it when it matches `name`, and otherwise behave like first
// and last. Returns the index of the match, or nullopt.
std::optional<std::size_t> find_by_name(std::span<const ByteView> aids, ByteView name,
                                        Occurrence occurrence, std::optional<std::size_t> current);

}  // namespace uicc::apdu
