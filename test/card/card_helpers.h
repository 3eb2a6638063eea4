// Sends hex APDUs to an in-process card and checks responses, for the card tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "card/card.h"

namespace uicc::card::testing {

struct Reply {
  Bytes data;
  std::uint16_t sw = 0;
};

inline Reply send(Card& card, std::string_view hex) {
  Bytes out = card.transmit(from_hex(hex));
  Reply reply;
  reply.sw = static_cast<std::uint16_t>((out[out.size() - 2] << 8) | out.back());
  reply.data.assign(out.begin(), out.end() - 2);
  return reply;
}

inline CardOptions image_options(const std::filesystem::path& path) {
  CardOptions options;
  options.image = path;
  return options;
}

inline std::uint16_t sw_of(Card& card, std::string_view hex) { return send(card, hex).sw; }

}  // namespace uicc::card::testing
