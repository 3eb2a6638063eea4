#include "security_domains/life_cycle.h"

namespace uicc::sd::life_cycle {

bool card_transition_allowed(std::uint8_t from, std::uint8_t to) {
  if (from == terminated || from == to) return false;
  if (to == terminated) return true;
  switch (from) {
    case op_ready:
      return to == initialized || to == secured;
    case initialized:
      return to == secured;
    case secured:
      return to == card_locked;
    case card_locked:
      return to == secured;
    default:
      return false;
  }
}

bool application_state_valid(std::uint8_t state) {
  if (is_locked(state)) return true;
  return (state & 0x07) == 0x07;
}

}  // namespace uicc::sd::life_cycle
