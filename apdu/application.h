// The interface between the APDU dispatcher and whatever can be selected by AID on a logical
// channel: an applet instance, a security domain, an ADF.
#pragma once

#include <cstdint>

#include "apdu/command.h"

namespace uicc::apdu {

class Application {
 public:
  virtual ~Application() = default;

  virtual ByteView aid() const = 0;
  // True if the application may be selected on several logical channels at once
  // (Java Card MultiSelectable; security domains are).
  virtual bool multi_selectable() const { return false; }

  // Called when SELECT by AID chooses this application on `channel`. Returning false refuses
  // the selection; the channel is then left with no application and the SELECT gets 6999.
  virtual bool select(std::uint8_t channel) = 0;
  virtual void deselect(std::uint8_t channel) = 0;

  // Processes a command on `channel`, including the SELECT that chose the application.
  // Reports failures by throwing StatusError or by returning a response with that status.
  virtual Response process(std::uint8_t channel, const Command& command) = 0;
};

}  // namespace uicc::apdu
