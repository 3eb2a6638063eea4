// Decodes arbitrary bytes as a stored registry: a damaged card image must give
// RegistryError, never a crash, and what decodes must encode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "security_domains/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  uicc::ByteView bytes(data, size);
  try {
    uicc::sd::Registry registry = uicc::sd::Registry::decode(bytes);
    uicc::Bytes encoded = registry.encode();
    if (uicc::sd::Registry::decode(encoded).encode() != encoded) std::abort();
  } catch (const uicc::sd::RegistryError&) {
  }
  return 0;
}
