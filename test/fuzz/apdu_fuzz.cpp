// Feeds arbitrary byte strings to a card as C-APDUs: no input may crash it, and every
// response must end with a status word. A leading byte selects a power event first, so
// sequences mix resets and channel changes with commands.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "card/card.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static uicc::card::Card* card = [] {
    uicc::log::configure(spdlog::level::off, false);
    auto* c = new uicc::card::Card();
    c->power_on();
    return c;
  }();
  if (size == 0) return 0;
  if (data[0] == 0xEE) card->reset();
  uicc::Bytes response = card->transmit(uicc::ByteView(data, size));
  if (response.size() < 2) std::abort();
  return 0;
}
