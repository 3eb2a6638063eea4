// The parts of a CAP file that GlobalPlatform loading needs: the package AID and version, the
// applet AIDs, and the Load File Data Block. That block is the components concatenated in the
// installation order of the Java Card 3.0.5 Virtual Machine Specification §6.3. The VM's
// reader (vm/cap) reads and checks the CAP file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"

namespace uicc::gp {

// The CAP file cannot be read: not a CAP file, a component missing or malformed. The message
// names the file and the reader's reason.
class CapError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadFile {
  Bytes package_aid;
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::vector<Bytes> applet_aids;
  Bytes load_file_data_block;
};

// Reads a CAP file, a JAR or a component stream. `with_descriptor` keeps the optional
// Descriptor component in the Load File Data Block; the Debug component is never loaded.
LoadFile read_cap_file(const std::filesystem::path& path, bool with_descriptor = false);

// The load file of a CAP file already read.
LoadFile load_file_of(const cap::CapFile& cap, bool with_descriptor = false);

}  // namespace uicc::gp
