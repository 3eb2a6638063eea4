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
