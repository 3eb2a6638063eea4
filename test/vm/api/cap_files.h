// CAP files of the SDK for the API's tests: reading them, and the form a GlobalPlatform LOAD
// file often has, without the Descriptor component (Java Card 3.0.5 Virtual Machine
// Specification §6.14: the component is optional on the card).
#pragma once

#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "util/bytes.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::api {

inline Bytes read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// The CAP file's components as a LOAD file carries them, without Descriptor and Debug.
inline Bytes without_descriptor(ByteView cap_bytes) {
  cap::CapFile cap = cap::read_cap(cap_bytes);
  cap.descriptor.reset();
  cap.debug.reset();
  cap::update_directory(cap);
  return cap::write_cap_components(cap);
}

}  // namespace uicc::api
