// Small CAP files assembled in test code, since no Java Card converter is available to the
// tests: an applet package and a library package, in CAP format 2.1, 2.2 or 2.3. The
// assembler lays out methods from bytecode, derives the Reference Location, Descriptor and
// Directory components from them, and returns a CapFile that check_structure() accepts.
#pragma once

#include <string>
#include <vector>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"

namespace uicc::cap::testing {

// A method to lay out: header fields and bytecode. Branch and constant-pool operands are
// written by the caller; `handlers` are relative to the method's first bytecode.
struct MethodSource {
  std::string name;
  std::string descriptor;  // Java form, for the Debug component
  std::uint8_t access_flags = descriptor_flags::kPublic;
  std::uint8_t token = 0xFF;
  std::uint8_t max_stack = 0;
  std::uint8_t nargs = 0;
  std::uint8_t max_locals = 0;
  bool abstract = false;
  bool extended_header = false;
  Bytes code;
  struct Handler {
    std::uint16_t start = 0;
    std::uint16_t length = 0;
    std::uint16_t handler = 0;
    std::uint16_t catch_type_index = 0;
  };
  std::vector<Handler> handlers;
  TypeDescriptor type;  // signature in the Descriptor's nibble form
};

// AID of the applet package and of its applet.
inline const Bytes kHelloPackageAid = {0xF0, 0x00, 0x00, 0x00, 0x01, 0x01};
inline const Bytes kHelloAppletAid = {0xF0, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01};
inline const Bytes kLibraryPackageAid = {0xF0, 0x00, 0x00, 0x00, 0x02, 0x01};

// An applet package "com/example/hello": class Hello extends javacard.framework.Applet with
// install, a constructor and process (a try/catch, a switch, static and instance fields).
CapFile make_hello_cap(FormatVersion version = kFormat22, bool with_debug = true);

// A library package "com/example/lib": an exported shareable interface and an exported
// class with a static field and a static method, using int instructions (ACC_INT).
CapFile make_library_cap(FormatVersion version = kFormat22);

// The install method's offset in the Method component of make_hello_cap().
std::uint16_t hello_install_offset(const CapFile& cap);

}  // namespace uicc::cap::testing
