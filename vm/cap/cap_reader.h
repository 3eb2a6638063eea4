// Reading CAP files from both containers: the JAR that a converter writes (one entry per
// component under <package>/javacard/) and the concatenated components of a GlobalPlatform
// LOAD (the Load File Data Block). Every length and offset is checked, so a crafted file ends
// in FormatError, never in a crash, an out-of-bounds read or an unbounded allocation.
//
// Java Card 3.0.5 Virtual Machine Specification §6.2 (component model), §6.2.1 (JAR
// containment), §6.3 (installation order); GlobalPlatform Card Specification 2.3.1 §11.6
// (LOAD) for the component stream.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"

namespace uicc::cap {

// Bounds on what a reader accepts before it parses anything.
struct ReadLimits {
  // Bytes of the input (JAR or stream) and, for a JAR, of all entries once inflated. A
  // compact CAP file's components are at most 13 x 64 KB plus the Static Resources.
  std::size_t max_total_size = 16 * 1024 * 1024;
  std::size_t max_jar_entries = 512;
};

// Reads a CAP file, a JAR (it starts with a ZIP local file header, "PK\3\4") or a component
// stream, and checks its structure. Throws FormatError.
CapFile read_cap(ByteView data, const ReadLimits& limits = {});
CapFile read_cap_jar(ByteView jar, const ReadLimits& limits = {});
CapFile read_cap_components(ByteView stream, const ReadLimits& limits = {});
// Reads a file from disk; also throws FormatError when the file cannot be read.
CapFile read_cap_file(const std::filesystem::path& path, const ReadLimits& limits = {});

// True if the component's size item is a u4: the Static Resources component of format 2.3.
constexpr bool has_u4_size(std::uint8_t tag, FormatVersion version) {
  return tag == static_cast<std::uint8_t>(ComponentTag::kStaticResources) && version.at_least(2, 3);
}

// Decodes one component from its bytes (tag, size and info) into `cap`. The reading
// functions above use it; it is public for tools that handle single components.
void decode_component(CapFile& cap, ByteView component);

// Checks what needs no linking: component sizes against the Directory, counts, every offset
// against the component it points into, AID lengths, versions and flags. read_cap() calls
// it; callers that build a CapFile in memory can call it before writing.
void check_structure(const CapFile& cap);

// Finds every method_info in the Method component: from the Descriptor component when there
// is one, else from the offsets that the Applet, Class, Constant Pool and Export components
// give. Without a Descriptor, a method ends after its last instruction that does not fall
// through and that no branch or handler passes, so an unreferenced method after it is found.
// NOTE: a span whose bytecode does not decode is kept as one method.
std::vector<MethodLocation> locate_methods(const CapFile& cap);

}  // namespace uicc::cap
