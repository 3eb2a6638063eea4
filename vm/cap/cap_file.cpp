// Accessors of the CAP file model.
#include "vm/cap/cap_file.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace uicc::cap {
namespace {

struct ComponentNames {
  std::string_view name;
  std::string_view file_name;
};

// Indexed by tag - 1. JCVM 3.0.5 §6.2.1 names the JAR entries; the Static Resources entry
// name is the one the Java Card 3.1 converter writes.
constexpr std::array<ComponentNames, 13> kComponentNames = {{
    {"Header", "Header.cap"},
    {"Directory", "Directory.cap"},
    {"Applet", "Applet.cap"},
    {"Import", "Import.cap"},
    {"ConstantPool", "ConstantPool.cap"},
    {"Class", "Class.cap"},
    {"Method", "Method.cap"},
    {"StaticField", "StaticField.cap"},
    {"ReferenceLocation", "RefLocation.cap"},
    {"Export", "Export.cap"},
    {"Descriptor", "Descriptor.cap"},
    {"Debug", "Debug.cap"},
    {"StaticResources", "StaticResources.capx"},
}};

}  // namespace

std::string_view component_name(std::uint8_t tag) {
  if (tag >= 1 && tag <= kComponentNames.size()) return kComponentNames[tag - 1].name;
  if (tag >= kFirstCustomTag) return "custom";
  return "unknown";
}

std::string_view component_file_name(std::uint8_t tag) {
  if (tag >= 1 && tag <= kComponentNames.size()) return kComponentNames[tag - 1].file_name;
  return {};
}

std::uint32_t DirectoryComponent::size_of(ComponentTag tag) const {
  if (tag == ComponentTag::kStaticResources) return static_resources_size;
  return component_sizes[static_cast<std::size_t>(tag) - 1];
}

std::string_view constant_tag_name(ConstantTag tag) {
  switch (tag) {
    case ConstantTag::kClassref:
      return "Classref";
    case ConstantTag::kInstanceFieldref:
      return "InstanceFieldref";
    case ConstantTag::kVirtualMethodref:
      return "VirtualMethodref";
    case ConstantTag::kSuperMethodref:
      return "SuperMethodref";
    case ConstantTag::kStaticFieldref:
      return "StaticFieldref";
    case ConstantTag::kStaticMethodref:
      return "StaticMethodref";
  }
  return "unknown";
}

ConstantPoolEntry ConstantPoolEntry::classref(ClassRef ref) {
  return {ConstantTag::kClassref,
          {static_cast<std::uint8_t>(ref.value >> 8), static_cast<std::uint8_t>(ref.value), 0}};
}

ConstantPoolEntry ConstantPoolEntry::member(ConstantTag tag, ClassRef ref, std::uint8_t token) {
  return {tag,
          {static_cast<std::uint8_t>(ref.value >> 8), static_cast<std::uint8_t>(ref.value), token}};
}

ConstantPoolEntry ConstantPoolEntry::static_member(ConstantTag tag, StaticRef ref) {
  return {tag, ref.bytes};
}

const InterfaceInfo* ClassComponent::find_interface(std::uint16_t offset) const {
  auto it = std::find_if(interfaces.begin(), interfaces.end(),
                         [&](const InterfaceInfo& entry) { return entry.offset == offset; });
  return it == interfaces.end() ? nullptr : &*it;
}

const ClassInfo* ClassComponent::find_class(std::uint16_t offset) const {
  auto it = std::find_if(classes.begin(), classes.end(),
                         [&](const ClassInfo& entry) { return entry.offset == offset; });
  return it == classes.end() ? nullptr : &*it;
}

ByteView MethodComponent::bytes_at(std::size_t info_offset, std::size_t length) const {
  const std::size_t start = methods_offset();
  if (info_offset < start || info_offset - start > method_area.size() ||
      method_area.size() - (info_offset - start) < length) {
    throw FormatError(fmt::format(
        "Method component: {} bytes at offset 0x{:X} outside the method area 0x{:X}-0x{:X}", length,
        info_offset, start, info_size()));
  }
  return ByteView(method_area).subspan(info_offset - start, length);
}

MethodHeader MethodComponent::header_at(std::size_t info_offset) const {
  const ByteView first = bytes_at(info_offset, 2);
  MethodHeader header;
  header.flags = first[0] >> 4;
  if (header.is_extended()) {
    const ByteView extended = bytes_at(info_offset, 4);
    header.max_stack = extended[1];
    header.nargs = extended[2];
    header.max_locals = extended[3];
  } else {
    header.max_stack = first[0] & 0x0F;
    header.nargs = first[1] >> 4;
    header.max_locals = first[1] & 0x0F;
  }
  return header;
}

const TypeDescriptor* DescriptorComponent::find_type(std::uint16_t offset) const {
  auto it = std::find_if(types.begin(), types.end(),
                         [&](const PooledType& entry) { return entry.offset == offset; });
  return it == types.end() ? nullptr : &it->type;
}

std::string DebugComponent::string_at(std::uint16_t index) const {
  if (index < strings.size()) return strings[index];
  return fmt::format("<invalid string index {}>", index);
}

}  // namespace uicc::cap
