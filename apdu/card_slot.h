// What a front end (the vpcd client, an in-process tool) drives: one card in one slot.
#pragma once

#include "util/bytes.h"

namespace uicc::apdu {

class CardSlot {
 public:
  virtual ~CardSlot() = default;
  virtual void power_on() = 0;
  virtual void power_off() = 0;
  virtual void reset() = 0;
  virtual Bytes atr() = 0;
  // Processes one C-APDU and returns the R-APDU (data and status word).
  virtual Bytes transmit(ByteView command) = 0;
};

}  // namespace uicc::apdu
