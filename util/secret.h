// A byte buffer for keys and PINs: wiped when it dies and never printed.
#pragma once

#include <cstdint>
#include <ostream>
#include <vector>

#include <fmt/format.h>

#include "util/bytes.h"

namespace uicc {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}
  explicit SecretBytes(std::size_t size) : bytes_(size, 0) {}
  SecretBytes(const SecretBytes& other) = default;
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.bytes_.clear(); }
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes() { wipe(); }

  ByteView view() const { return bytes_; }
  MutableByteView mutable_view() { return bytes_; }
  const std::uint8_t* data() const { return bytes_.data(); }
  std::uint8_t* data() { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }

  // Overwrites the contents with zeros and empties the buffer.
  void wipe();

  friend bool operator==(const SecretBytes& a, const SecretBytes& b) {
    return constant_time_equal(a.view(), b.view());
  }
  friend std::ostream& operator<<(std::ostream& out, const SecretBytes&) { return out << "<redacted>"; }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace uicc

template <>
struct fmt::formatter<uicc::SecretBytes> : fmt::formatter<std::string_view> {
  template <typename Context>
  auto format(const uicc::SecretBytes&, Context& context) const {
    return fmt::formatter<std::string_view>::format("<redacted>", context);
  }
};
