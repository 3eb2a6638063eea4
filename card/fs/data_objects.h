// The content of a BER-TLV structured EF (ETSI TS 102 221 V17.1.0 §8.2.2.4): top-level data
// objects, DER coded, one after the other from the start of the file's content, then FF up
// to the file size. Tag 5C is reserved for the list of tags and never stored.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "util/bytes.h"

namespace uicc::card {

struct StoredObject {
  std::uint32_t tag = 0;
  std::size_t offset = 0;  // where the tag starts in the content
  std::size_t size = 0;    // tag, length and value
};

inline constexpr std::uint32_t kTagList = 0x5C;

// The objects of a BER-TLV EF's content, or nullopt if it is not a valid sequence of DER
// objects with distinct tags followed by FF padding.
std::optional<std::vector<StoredObject>> stored_objects(ByteView content);

// Bytes taken by the objects (0 for malformed content, which the file system never stores).
std::size_t used_bytes(ByteView content);

}  // namespace uicc::card
