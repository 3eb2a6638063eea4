#include "apdu/channels.h"

#include "apdu/cla.h"

namespace uicc::apdu {

namespace {
constexpr std::uint8_t kOpen = 0x00;
constexpr std::uint8_t kClose = 0x80;
}  // namespace

ChannelTable::ChannelTable(int count) : count_(count == 20 ? 20 : 4) { open_[0] = true; }

void ChannelTable::reset() {
  open_.fill(false);
  open_[0] = true;
}

void ChannelTable::close(std::uint8_t channel) {
  if (channel != 0 && channel < count_) open_[channel] = false;
}

std::optional<std::variant<ChannelTable::Opened, ChannelTable::Closed>> ChannelTable::manage(
    std::uint8_t origin, const Command& command, Response& response) {
  response = Response{};
  auto reject = [&](StatusWord sw) {
    response.sw = sw;
    return std::nullopt;
  };

  // Java Card 3.0.5 RE §4.5.1 step 1 and §4.6.1 step 1: no secure messaging, P1 00 or 80,
  // P2 at most 19.
  if (ClassByte{command.cla}.secure_messaging() != SecureMessaging::none) {
    return reject(sw::secure_messaging_not_supported);
  }
  if ((command.p1 != kOpen && command.p1 != kClose) || command.p2 > 19) {
    return reject(sw::function_not_supported);
  }
  if (!command.data.empty()) return reject(sw::wrong_length);

  if (command.p1 == kClose) {
    std::uint8_t channel = command.p2;
    if (channel == 0) return reject(sw::function_not_supported);
    // Closing a channel that is not open changes nothing: warning 6200 (§4.6.1 step 5).
    if (!is_open(channel)) return reject(sw::no_information);
    open_[channel] = false;
    return Closed{channel};
  }

  if (command.p2 == 0) {
    // The card assigns the channel and returns its number in one byte; Le must ask for it.
    if (!command.has_le || command.ne != 1) return reject(sw::wrong_le(1));
    for (std::uint8_t channel = 1; channel < count_; ++channel) {
      if (!open_[channel]) {
        open_[channel] = true;
        response.data = {channel};
        return Opened{channel, origin};
      }
    }
    return reject(sw::function_not_supported);
  }

  std::uint8_t channel = command.p2;
  if (channel >= count_ || open_[channel]) return reject(sw::incorrect_p1_p2);
  open_[channel] = true;
  return Opened{channel, origin};
}

}  // namespace uicc::apdu
