// Bounds-checked big-endian reading and range-checked writing for the CAP and export file
// codecs. Every failure is a FormatError that names the structure, the offset and the item.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"

namespace uicc::cap::detail {

// Reads items from one structure (a component's info item, an export file). `context` starts
// every error message ("Method component"); offsets in messages are relative to `data`.
class ByteCursor {
 public:
  ByteCursor(ByteView data, std::string context) : data_(data), context_(std::move(context)) {}

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return data_.size() - offset_; }
  bool at_end() const { return offset_ == data_.size(); }
  const std::string& context() const { return context_; }

  std::uint8_t u1(std::string_view item) {
    require(1, item);
    return data_[offset_++];
  }
  std::uint16_t u2(std::string_view item) {
    require(2, item);
    const std::uint16_t value = get_u16(data_, offset_);
    offset_ += 2;
    return value;
  }
  std::uint32_t u4(std::string_view item) {
    require(4, item);
    const std::uint32_t value = get_u32(data_, offset_);
    offset_ += 4;
    return value;
  }
  ByteView bytes(std::size_t count, std::string_view item) {
    require(count, item);
    const ByteView view = data_.subspan(offset_, count);
    offset_ += count;
    return view;
  }
  Bytes copy(std::size_t count, std::string_view item) {
    const ByteView view = bytes(count, item);
    return Bytes(view.begin(), view.end());
  }
  std::string string(std::size_t count, std::string_view item) {
    const ByteView view = bytes(count, item);
    return std::string(view.begin(), view.end());
  }
  // An AID preceded by its u1 length, which must be 5 to 16 (ISO/IEC 7816-5).
  Bytes aid(std::string_view item) {
    const std::size_t at = offset_;
    const std::uint8_t length = u1(item);
    if (length < kMinAidLength || length > kMaxAidLength) {
      fail_at(at, fmt::format("{} length {} outside 5-16", item, length));
    }
    return copy(length, item);
  }

  // Throws unless every byte was consumed.
  void expect_end() const {
    if (!at_end()) {
      fail_at(offset_, fmt::format("{} unexpected bytes at the end", remaining()));
    }
  }

  [[noreturn]] void fail_at(std::size_t at, std::string_view message) const {
    throw FormatError(fmt::format("{}: {} (offset 0x{:X})", context_, message, at));
  }

 private:
  void require(std::size_t count, std::string_view item) const {
    if (remaining() < count) {
      throw FormatError(
          fmt::format("{}: truncated at offset 0x{:X} reading {}: {} bytes needed, {} left",
                      context_, offset_, item, count, remaining()));
    }
  }

  ByteView data_;
  std::size_t offset_ = 0;
  std::string context_;
};

// Appends items and checks that each value fits its field.
class ByteWriter {
 public:
  explicit ByteWriter(std::string context) : context_(std::move(context)) {}

  void u1(std::size_t value, std::string_view item) {
    check(value, 0xFF, item);
    out_.push_back(static_cast<std::uint8_t>(value));
  }
  void u2(std::size_t value, std::string_view item) {
    check(value, 0xFFFF, item);
    append_u16(out_, static_cast<std::uint16_t>(value));
  }
  void u4(std::uint32_t value) { append_u32(out_, value); }
  void bytes(ByteView data) { append(out_, data); }
  void aid(ByteView aid, std::string_view item) {
    if (aid.size() < kMinAidLength || aid.size() > kMaxAidLength) {
      throw FormatError(fmt::format("{}: {} length {} outside 5-16", context_, item, aid.size()));
    }
    u1(aid.size(), item);
    bytes(aid);
  }

  std::size_t size() const { return out_.size(); }
  Bytes& data() { return out_; }
  Bytes take() { return std::move(out_); }

 private:
  void check(std::size_t value, std::size_t max, std::string_view item) const {
    if (value > max) {
      throw FormatError(
          fmt::format("{}: {} {} does not fit its field (max {})", context_, item, value, max));
    }
  }

  Bytes out_;
  std::string context_;
};

}  // namespace uicc::cap::detail
