// Life cycle state codings and transitions of the card, executable load files, applications
// and security domains (GlobalPlatform Card Specification 2.3.1 §5 and Tables 11-3 to 11-6).
#pragma once

#include <cstdint>

namespace uicc::sd::life_cycle {

// Table 11-6: the card, as the issuer security domain reports it.
inline constexpr std::uint8_t op_ready = 0x01;
inline constexpr std::uint8_t initialized = 0x07;
inline constexpr std::uint8_t secured = 0x0F;
inline constexpr std::uint8_t card_locked = 0x7F;
inline constexpr std::uint8_t terminated = 0xFF;

// Table 11-3: an executable load file has a single state.
inline constexpr std::uint8_t loaded = 0x01;

// Tables 11-4 and 11-5: applications and security domains.
inline constexpr std::uint8_t installed = 0x03;
inline constexpr std::uint8_t selectable = 0x07;
inline constexpr std::uint8_t personalized = 0x0F;  // security domains only
inline constexpr std::uint8_t locked_bit = 0x80;

inline bool is_locked(std::uint8_t state) {
  return (state & locked_bit) != 0;
}
// SELECTABLE, or any application-specific state (b3..b1 set, b8 clear).
inline bool is_selectable(std::uint8_t state) {
  return !is_locked(state) && (state & 0x07) == 0x07;
}

// True for a card state transition that GPCS 2.3.1 §5.1.2 allows: forward from OP_READY through
// INITIALIZED to SECURED (skipping a state is allowed), SECURED and CARD_LOCKED both ways, and
// any state to TERMINATED.
bool card_transition_allowed(std::uint8_t from, std::uint8_t to);

// True for a state an application may give itself (GPCS 2.3.1 Figure 5-2): an
// application-specific state (b8 clear, b3..b1 set, b7..b4 free), or LOCKED.
bool application_state_valid(std::uint8_t state);

}  // namespace uicc::sd::life_cycle
