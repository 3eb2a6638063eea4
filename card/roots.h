// Root slots of the card's persistent store: each subsystem finds its objects from one slot.
#pragma once

#include <cstddef>

namespace uicc::card::roots {

inline constexpr std::size_t kCardInfo = 0;      // card identity and settings (card/card.cpp)
inline constexpr std::size_t kFileSystem = 1;    // the MF node (card/fs)
inline constexpr std::size_t kPins = 2;          // PIN and PUK table (card/fs/pins.cpp)
inline constexpr std::size_t kSecurityDomains = 3;  // GlobalPlatform registry (security_domains/)
inline constexpr std::size_t kRuntime = 4;       // Java Card runtime state (vm/runtime)

}  // namespace uicc::card::roots
