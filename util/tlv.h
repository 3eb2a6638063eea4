// BER-TLV as ISO/IEC 7816-4 §5.2 and ETSI TS 101 220 use it: tags of one to three bytes,
// definite lengths of one to four bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace uicc::tlv {

struct Element {
  std::uint32_t tag = 0;  // the tag bytes as a big-endian number, e.g. 0x9F7F
  ByteView value;         // points into the parsed buffer
  std::size_t size = 0;   // bytes taken by tag, length and value together

  bool constructed() const;
};

struct Tag {
  std::uint32_t value = 0;
  std::size_t size = 0;  // bytes the tag takes
};

// The tag and length at the start of an element whose value may not all be present yet.
struct Header {
  std::uint32_t tag = 0;
  std::size_t size = 0;    // bytes taken by tag and length
  std::size_t length = 0;  // the value's length
  bool der = true;         // the length is in its shortest form, as DER requires
};

// Parses a tag of one to three bytes at the start of `bytes`.
std::optional<Tag> parse_tag(ByteView bytes);

// Parses the tag and the length at the start of `bytes`, with the same rules as parse_one
// but without requiring the value to follow.
std::optional<Header> parse_header(ByteView bytes);

// Parses the element at the start of `bytes`. Returns nullopt on a truncated tag or length,
// an indefinite length (0x80), a length of more than four bytes, or a value running past the end.
std::optional<Element> parse_one(ByteView bytes);

// Parses consecutive elements covering all of `bytes`. Returns nullopt if any element is
// malformed or bytes remain that do not form an element. Padding bytes 00 and FF between
// elements are not accepted: callers strip record padding first.
std::optional<std::vector<Element>> parse_all(ByteView bytes);

// Returns the first element with `tag` among the elements of `bytes`, or nullopt if it is
// absent or the buffer is malformed.
std::optional<Element> find(ByteView bytes, std::uint32_t tag);

void append_tag(Bytes& out, std::uint32_t tag);
void append_length(Bytes& out, std::size_t length);
void append(Bytes& out, std::uint32_t tag, ByteView value);
Bytes encode(std::uint32_t tag, ByteView value);

}  // namespace uicc::tlv
