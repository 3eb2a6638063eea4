#include "vm/runtime/value.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

namespace uicc::vm {

Aid::Aid(ByteView bytes) {
  if (bytes.size() < kMinLength || bytes.size() > kMaxLength) {
    throw std::invalid_argument(
        fmt::format("AID {} has {} bytes, expected 5 to 16", uicc::to_hex(bytes), bytes.size()));
  }
  std::copy(bytes.begin(), bytes.end(), bytes_.begin());
  length_ = static_cast<std::uint8_t>(bytes.size());
}

Aid Aid::from_hex(std::string_view hex) {
  return Aid(uicc::from_hex(hex));
}

bool Aid::same_rid(const Aid& other) const {
  return length_ >= 5 && other.length_ >= 5 &&
         std::equal(bytes_.begin(), bytes_.begin() + 5, other.bytes_.begin());
}

std::string Aid::to_hex() const {
  return uicc::to_hex(bytes());
}

}  // namespace uicc::vm
