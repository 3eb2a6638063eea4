// Writing CAP files: single components, the JAR container and the GlobalPlatform component
// stream. A read-write-read round trip gives identical components.
//
// Java Card 3.0.5 Virtual Machine Specification §6.2 and §6.3; the CAP file manifest attributes
// follow the Java Card 3.0.5 Development Kit User Guide (MANIFEST.MF of a CAP file).
#pragma once

#include <string>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"

namespace uicc::cap {

// Encodes one component (tag, size, info) in the format version of the CAP's Header. Throws
// FormatError when a count or size does not fit its field.
Bytes encode_component(const CapFile& cap, ComponentTag tag);

// Fills in what other components determine: the Directory's component sizes, import, applet
// and custom counts and static field sizes, and the Header's ACC_APPLET and ACC_EXPORT flags.
// A converter calls it after building the components.
void update_directory(CapFile& cap);

struct StreamOptions {
  bool include_descriptor = true;
  bool include_debug = false;
};

// The components in the installation order of JCVM 3.0.5 §6.3 (Header, Directory, Import,
// Applet, Class, Method, StaticField, Export, ConstantPool, ReferenceLocation, then Static
// Resources, Descriptor and Debug when present and asked for): the content of a
// GlobalPlatform Load File Data Block.
Bytes write_cap_components(const CapFile& cap, const StreamOptions& options = {});

struct JarOptions {
  // Written as Java-Card-Converter-Provider in the manifest.
  std::string converter_provider = "uicc";
  std::string converter_version = "0.1.0";
};

// A CAP JAR: META-INF/MANIFEST.MF, then one entry per component under
// <package_path>/javacard/, custom components included. Throws FormatError without a
// package path (CapFile::package_path, or the Header's package name).
Bytes write_cap_jar(const CapFile& cap, const JarOptions& options = {});

}  // namespace uicc::cap
