// Logical channels and MANAGE CHANNEL: ISO/IEC 7816-4:2020 §11.1.2, ETSI TS 102 221 V17.1.0
// §11.1.17 and the Java Card 3.0.5 Runtime Environment §4.5.1 and §4.6.1.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <variant>

#include "apdu/command.h"

namespace uicc::apdu {

inline constexpr std::uint8_t kInsManageChannel = 0x70;
inline constexpr std::size_t kMaxLogicalChannels = 20;

class ChannelTable {
 public:
  // `count` is 4 or 20: the channels the card offers, the basic channel 0 included.
  explicit ChannelTable(int count = 4);

  int count() const { return count_; }
  bool is_open(std::uint8_t channel) const { return channel < count_ && open_[channel]; }
  // Closes every channel but the basic one, as a reset does.
  void reset();

  struct Opened {
    std::uint8_t channel;
    std::uint8_t origin;
  };
  struct Closed {
    std::uint8_t channel;
  };

  // Executes MANAGE CHANNEL received on `origin` (the caller checked that it is open). On
  // success returns the channel opened or closed and fills `response`; the caller then sets
  // up or tears down what is selected on that channel. On failure returns nullopt with the
  // status word in `response`.
  std::optional<std::variant<Opened, Closed>> manage(std::uint8_t origin, const Command& command,
                                                     Response& response);

  // Undoes an open whose selection failed (Java Card 3.0.5 RE §4.5.1 step 8).
  void close(std::uint8_t channel);

 private:
  int count_;
  std::array<bool, kMaxLogicalChannels> open_{};
};

}  // namespace uicc::apdu
