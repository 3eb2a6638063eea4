#include "util/tlv.h"

#include <stdexcept>

namespace uicc::tlv {

bool Element::constructed() const {
  std::uint32_t first = tag;
  while (first > 0xFF) first >>= 8;
  return (first & 0x20) != 0;
}

std::optional<Tag> parse_tag(ByteView bytes) {
  if (bytes.empty()) return std::nullopt;
  // ISO/IEC 7816-4 §5.2.2.1: low five bits all set means more tag bytes follow; in each
  // following byte, b8 set means yet another byte follows.
  std::size_t pos = 0;
  std::uint32_t tag = bytes[pos++];
  if ((tag & 0x1F) == 0x1F) {
    for (int extra = 0;; ++extra) {
      if (pos >= bytes.size() || extra == 2) return std::nullopt;
      std::uint8_t next = bytes[pos++];
      tag = (tag << 8) | next;
      if ((next & 0x80) == 0) break;
    }
  }
  return Tag{tag, pos};
}

std::optional<Header> parse_header(ByteView bytes) {
  auto tag = parse_tag(bytes);
  if (!tag) return std::nullopt;
  std::size_t pos = tag->size;
  if (pos >= bytes.size()) return std::nullopt;
  std::size_t length = bytes[pos++];
  bool minimal = true;
  if (length & 0x80) {
    std::size_t count = length & 0x7F;
    if (count == 0 || count > 4 || pos + count > bytes.size()) return std::nullopt;
    length = 0;
    for (std::size_t i = 0; i < count; ++i) length = (length << 8) | bytes[pos++];
    // DER: the long form only for 128 and above, and without leading zero bytes.
    minimal = length >= 0x80 && (length >> (8 * (count - 1))) != 0;
  }
  return Header{tag->value, pos, length, minimal};
}

std::optional<Element> parse_one(ByteView bytes) {
  auto header = parse_header(bytes);
  if (!header || header->length > bytes.size() - header->size) return std::nullopt;
  return Element{header->tag, bytes.subspan(header->size, header->length), header->size + header->length};
}

std::optional<std::vector<Element>> parse_all(ByteView bytes) {
  std::vector<Element> elements;
  while (!bytes.empty()) {
    auto element = parse_one(bytes);
    if (!element) return std::nullopt;
    bytes = bytes.subspan(element->size);
    elements.push_back(*element);
  }
  return elements;
}

std::optional<Element> find(ByteView bytes, std::uint32_t tag) {
  auto elements = parse_all(bytes);
  if (!elements) return std::nullopt;
  for (const auto& element : *elements) {
    if (element.tag == tag) return element;
  }
  return std::nullopt;
}

void append_tag(Bytes& out, std::uint32_t tag) {
  if (tag > 0xFFFF) out.push_back(static_cast<std::uint8_t>(tag >> 16));
  if (tag > 0xFF) out.push_back(static_cast<std::uint8_t>(tag >> 8));
  out.push_back(static_cast<std::uint8_t>(tag));
}

void append_length(Bytes& out, std::size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<std::uint8_t>(length));
  } else if (length <= 0xFF) {
    out.push_back(0x81);
    out.push_back(static_cast<std::uint8_t>(length));
  } else if (length <= 0xFFFF) {
    out.push_back(0x82);
    append_u16(out, static_cast<std::uint16_t>(length));
  } else if (length <= 0xFFFFFF) {
    out.push_back(0x83);
    out.push_back(static_cast<std::uint8_t>(length >> 16));
    append_u16(out, static_cast<std::uint16_t>(length));
  } else {
    throw std::length_error("BER-TLV length above 16 MiB");
  }
}

void append(Bytes& out, std::uint32_t tag, ByteView value) {
  append_tag(out, tag);
  append_length(out, value.size());
  uicc::append(out, value);
}

Bytes encode(std::uint32_t tag, ByteView value) {
  Bytes out;
  append(out, tag, value);
  return out;
}

}  // namespace uicc::tlv
