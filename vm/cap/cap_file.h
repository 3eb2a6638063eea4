// The CAP file as typed components: Header, Directory, Applet, Import, ConstantPool, Class,
// Method, StaticField, ReferenceLocation, Export, Descriptor, Debug and Static Resources, for
// CAP format 2.1, 2.2 and the compact form of 2.3. Offsets inside the structures are the ones
// the file carries, relative to each component's info item, so the runtime links and runs
// against them directly.
//
// Java Card 3.0.5 Virtual Machine Specification, Classic Edition, chapter 6 (§6.4 Header to
// §6.15 Debug); Java Card 3.1 Virtual Machine Specification chapter 6 for format 2.3.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace uicc::cap {

// A CAP file that breaks the format. The message names the component, the byte offset in
// that component's info item and the bad value, e.g. "Method component: handler 3 end
// offset 0x1F2 beyond method area of 0x1A0 bytes".
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Component tags (JCVM 3.0.5 §6.2; tag 13 from JCVM 3.1). Tags 128-255 are custom
// components, which a reader skips.
enum class ComponentTag : std::uint8_t {
  kHeader = 1,
  kDirectory = 2,
  kApplet = 3,
  kImport = 4,
  kConstantPool = 5,
  kClass = 6,
  kMethod = 7,
  kStaticField = 8,
  kReferenceLocation = 9,
  kExport = 10,
  kDescriptor = 11,
  kDebug = 12,
  kStaticResources = 13,
};

inline constexpr std::uint8_t kFirstCustomTag = 128;

// "Header", "ConstantPool", ...; "custom" for 128-255 and "unknown" otherwise.
std::string_view component_name(std::uint8_t tag);
// The JAR entry name of a standard component (JCVM 3.0.5 §6.2.1), e.g.
// "RefLocation.cap". Empty for other tags.
std::string_view component_file_name(std::uint8_t tag);

struct FormatVersion {
  std::uint8_t major = 2;
  std::uint8_t minor = 2;

  constexpr bool at_least(std::uint8_t other_major, std::uint8_t other_minor) const {
    return major > other_major || (major == other_major && minor >= other_minor);
  }
  friend constexpr bool operator==(const FormatVersion&, const FormatVersion&) = default;
};

inline constexpr FormatVersion kFormat21{2, 1};
inline constexpr FormatVersion kFormat22{2, 2};
inline constexpr FormatVersion kFormat23{2, 3};

inline constexpr std::uint32_t kCapMagic = 0xDECAFFED;
inline constexpr std::size_t kMinAidLength = 5;
inline constexpr std::size_t kMaxAidLength = 16;

// Header flags (JCVM 3.0.5 §6.4; ACC_EXTENDED from JCVM 3.1).
namespace header_flags {
inline constexpr std::uint8_t kInt = 0x01;
inline constexpr std::uint8_t kExport = 0x02;
inline constexpr std::uint8_t kApplet = 0x04;
// The extended format of Java Card 3.1 (several packages, Method component over 64 KB).
// NOTE: the reader rejects it; only the compact format is supported.
inline constexpr std::uint8_t kExtended = 0x08;
}  // namespace header_flags

// package_info: a package's version and AID, in the Header and in the Import component.
struct PackageInfo {
  std::uint8_t minor = 0;
  std::uint8_t major = 0;
  Bytes aid;

  friend bool operator==(const PackageInfo&, const PackageInfo&) = default;
};

struct HeaderComponent {
  FormatVersion version;  // of the CAP file format, not of the package
  std::uint8_t flags = 0;
  PackageInfo package;
  // package_name_info, present from format 2.2 on. Empty unless the package defines remote
  // interfaces or classes; internal form with slashes ("com/example/wallet").
  std::optional<std::string> package_name;

  bool has_flag(std::uint8_t flag) const { return (flags & flag) != 0; }
  friend bool operator==(const HeaderComponent&, const HeaderComponent&) = default;
};

struct StaticFieldSizeInfo {
  std::uint16_t image_size = 0;
  std::uint16_t array_init_count = 0;
  std::uint16_t array_init_size = 0;
  friend bool operator==(const StaticFieldSizeInfo&, const StaticFieldSizeInfo&) = default;
};

struct CustomComponentInfo {
  std::uint8_t tag = kFirstCustomTag;
  std::uint16_t size = 0;
  Bytes aid;
  friend bool operator==(const CustomComponentInfo&, const CustomComponentInfo&) = default;
};

struct DirectoryComponent {
  // Size of each component's info item, indexed by tag - 1 (Header at 0 to Debug at 11).
  // Format 2.1 has only the first 11 entries; entry 11 (Debug) is then 0.
  std::array<std::uint16_t, 12> component_sizes{};
  // Format 2.3 only: the Static Resources component's size, a u4.
  std::uint32_t static_resources_size = 0;
  StaticFieldSizeInfo static_field_size;
  std::uint8_t import_count = 0;
  std::uint8_t applet_count = 0;
  std::vector<CustomComponentInfo> custom_components;

  std::uint32_t size_of(ComponentTag tag) const;
  friend bool operator==(const DirectoryComponent&, const DirectoryComponent&) = default;
};

struct AppletInfo {
  Bytes aid;
  std::uint16_t install_method_offset = 0;  // into the Method component's info item
  friend bool operator==(const AppletInfo&, const AppletInfo&) = default;
};

struct AppletComponent {
  std::vector<AppletInfo> applets;
  friend bool operator==(const AppletComponent&, const AppletComponent&) = default;
};

// The Import component. The index of a package in `packages` is its package token.
struct ImportComponent {
  std::vector<PackageInfo> packages;
  friend bool operator==(const ImportComponent&, const ImportComponent&) = default;
};

// class_ref (JCVM 3.0.5 §6.8.1): an offset into the Class component's info item, or, with the
// high bit set, a package token (into the Import component) and a class token. 0xFFFF is the
// missing superclass of java.lang.Object.
struct ClassRef {
  std::uint16_t value = 0;

  static constexpr ClassRef internal(std::uint16_t offset) { return {offset}; }
  static constexpr ClassRef external(std::uint8_t package_token, std::uint8_t class_token) {
    return {static_cast<std::uint16_t>(0x8000 | (package_token << 8) | class_token)};
  }
  static constexpr ClassRef none() { return {0xFFFF}; }

  constexpr bool is_none() const { return value == 0xFFFF; }
  constexpr bool is_external() const { return (value & 0x8000) != 0; }
  constexpr std::uint16_t offset() const { return value; }
  constexpr std::uint8_t package_token() const {
    return static_cast<std::uint8_t>((value >> 8) & 0x7F);
  }
  constexpr std::uint8_t class_token() const { return static_cast<std::uint8_t>(value); }
  friend constexpr bool operator==(const ClassRef&, const ClassRef&) = default;
};

// static_field_ref and static_method_ref (JCVM 3.0.5 §6.8.3): internal as a zero byte
// and an offset (into the static field image, or into the Method component's info item), or
// external as package token with the high bit set, class token and token. In format 2.3 the
// first byte of an internal method reference is the method_info_block_index, which the
// compact format keeps at 0.
struct StaticRef {
  std::array<std::uint8_t, 3> bytes{};

  static constexpr StaticRef internal(std::uint16_t offset) {
    return {{0, static_cast<std::uint8_t>(offset >> 8), static_cast<std::uint8_t>(offset)}};
  }
  static constexpr StaticRef external(std::uint8_t package_token, std::uint8_t class_token,
                                      std::uint8_t token) {
    return {{static_cast<std::uint8_t>(0x80 | package_token), class_token, token}};
  }

  constexpr bool is_external() const { return (bytes[0] & 0x80) != 0; }
  constexpr std::uint8_t padding() const { return bytes[0]; }
  constexpr std::uint16_t offset() const {
    return static_cast<std::uint16_t>((bytes[1] << 8) | bytes[2]);
  }
  constexpr std::uint8_t package_token() const {
    return static_cast<std::uint8_t>(bytes[0] & 0x7F);
  }
  constexpr std::uint8_t class_token() const { return bytes[1]; }
  constexpr std::uint8_t token() const { return bytes[2]; }
  friend constexpr bool operator==(const StaticRef&, const StaticRef&) = default;
};

// Constant pool tags (JCVM 3.0.5 §6.8).
enum class ConstantTag : std::uint8_t {
  kClassref = 1,
  kInstanceFieldref = 2,
  kVirtualMethodref = 3,
  kSuperMethodref = 4,
  kStaticFieldref = 5,
  kStaticMethodref = 6,
};

std::string_view constant_tag_name(ConstantTag tag);

// One 4-byte cp_info entry, kept as its tag and three info bytes so that a round trip keeps
// every byte. The accessors give the typed view that the tag selects.
struct ConstantPoolEntry {
  ConstantTag tag = ConstantTag::kClassref;
  std::array<std::uint8_t, 3> info{};

  static ConstantPoolEntry classref(ClassRef ref);
  // InstanceFieldref, VirtualMethodref and SuperMethodref: a class and a token.
  static ConstantPoolEntry member(ConstantTag tag, ClassRef ref, std::uint8_t token);
  // StaticFieldref and StaticMethodref.
  static ConstantPoolEntry static_member(ConstantTag tag, StaticRef ref);

  // For Classref and the three class member tags.
  ClassRef class_ref() const { return {static_cast<std::uint16_t>((info[0] << 8) | info[1])}; }
  // The field or method token of InstanceFieldref, VirtualMethodref and SuperMethodref. For
  // the method references, a token with the high bit set names a package-visible method.
  std::uint8_t token() const { return info[2]; }
  // For StaticFieldref and StaticMethodref.
  StaticRef static_ref() const { return {info}; }
  bool is_static() const {
    return tag == ConstantTag::kStaticFieldref || tag == ConstantTag::kStaticMethodref;
  }
  friend bool operator==(const ConstantPoolEntry&, const ConstantPoolEntry&) = default;
};

struct ConstantPoolComponent {
  std::vector<ConstantPoolEntry> entries;
  friend bool operator==(const ConstantPoolComponent&, const ConstantPoolComponent&) = default;
};

// Nibble values of a type_descriptor (JCVM 3.0.5 §6.9). A reference or reference
// array nibble is followed by four nibbles holding a class_ref.
namespace type_nibble {
inline constexpr std::uint8_t kVoid = 0x1;
inline constexpr std::uint8_t kBoolean = 0x2;
inline constexpr std::uint8_t kByte = 0x3;
inline constexpr std::uint8_t kShort = 0x4;
inline constexpr std::uint8_t kInt = 0x5;
inline constexpr std::uint8_t kReference = 0x6;
inline constexpr std::uint8_t kBooleanArray = 0xA;
inline constexpr std::uint8_t kByteArray = 0xB;
inline constexpr std::uint8_t kShortArray = 0xC;
inline constexpr std::uint8_t kIntArray = 0xD;
inline constexpr std::uint8_t kReferenceArray = 0xE;
}  // namespace type_nibble

// type_descriptor: a field type or method signature as nibbles, parameters first and the
// return type last, packed two per byte with a zero pad nibble when the count is odd.
struct TypeDescriptor {
  std::uint8_t nibble_count = 0;
  Bytes packed;  // (nibble_count + 1) / 2 bytes

  std::uint8_t nibble(std::size_t i) const {
    return static_cast<std::uint8_t>(i % 2 == 0 ? packed[i / 2] >> 4 : packed[i / 2] & 0x0F);
  }
  std::size_t encoded_size() const { return 1 + packed.size(); }
  friend bool operator==(const TypeDescriptor&, const TypeDescriptor&) = default;
};

// A type descriptor with its offset in the pool that contains it: the Class component's
// signature pool, or the Descriptor component's type_descriptor_info.
struct PooledType {
  std::uint16_t offset = 0;
  TypeDescriptor type;
  friend bool operator==(const PooledType&, const PooledType&) = default;
};

// Flags of interface_info and class_info, the high nibble of their first byte
// (JCVM 3.0.5 §6.9).
namespace class_flags {
inline constexpr std::uint8_t kInterface = 0x8;
inline constexpr std::uint8_t kShareable = 0x4;
inline constexpr std::uint8_t kRemote = 0x2;
}  // namespace class_flags

struct InterfaceInfo {
  std::uint16_t offset = 0;  // in the Class component's info item: the internal class_ref
  std::uint8_t flags = class_flags::kInterface;
  std::vector<ClassRef> superinterfaces;  // all of them, direct and indirect
  // interface_name_info, present only when the interface is remote (format 2.2 and later).
  std::optional<std::string> name;
  friend bool operator==(const InterfaceInfo&, const InterfaceInfo&) = default;
};

struct ImplementedInterface {
  ClassRef interface_ref;
  // index[i] is the virtual method token that implements interface method token i.
  std::vector<std::uint8_t> index;
  friend bool operator==(const ImplementedInterface&, const ImplementedInterface&) = default;
};

struct RemoteMethodInfo {
  std::uint16_t remote_method_hash = 0;
  std::uint16_t signature_offset = 0;  // into the Class component's signature pool
  std::uint8_t virtual_method_token = 0;
  friend bool operator==(const RemoteMethodInfo&, const RemoteMethodInfo&) = default;
};

// remote_interface_info of a remote class (format 2.2 and later, JCVM 3.0.5 §6.9).
struct RemoteInterfaceInfo {
  std::vector<RemoteMethodInfo> remote_methods;
  Bytes hash_modifier;
  std::string class_name;
  std::vector<ClassRef> remote_interfaces;
  friend bool operator==(const RemoteInterfaceInfo&, const RemoteInterfaceInfo&) = default;
};

struct ClassInfo {
  std::uint16_t offset = 0;  // in the Class component's info item: the internal class_ref
  std::uint8_t flags = 0;    // class_flags without kInterface
  ClassRef super_class = ClassRef::none();
  std::uint8_t declared_instance_size = 0;  // 16-bit cells, two for an int field
  std::uint8_t first_reference_token = 0xFF;
  std::uint8_t reference_count = 0;
  std::uint8_t public_method_table_base = 0;
  std::uint8_t package_method_table_base = 0;
  // Offsets into the Method component's info item, for the virtual method tokens
  // public_method_table_base + i (and package_method_table_base + i for the package table,
  // whose tokens have the high bit set).
  std::vector<std::uint16_t> public_virtual_method_table;
  std::vector<std::uint16_t> package_virtual_method_table;
  std::vector<ImplementedInterface> interfaces;
  std::optional<RemoteInterfaceInfo> remote_interfaces;  // when flags has kRemote
  // Format 2.3 only: one byte per public virtual method token (public_method_table_base +
  // public_method_table_count entries) and the count of public methods that classes in CAP
  // files of format 2.2 and older may inherit.
  std::vector<std::uint8_t> public_virtual_method_token_mapping;
  std::uint8_t cap22_inheritable_public_method_token_count = 0;
  friend bool operator==(const ClassInfo&, const ClassInfo&) = default;
};

struct ClassComponent {
  std::vector<PooledType> signature_pool;  // format 2.2 and later; offsets into the pool
  std::vector<InterfaceInfo> interfaces;   // come first in the component
  std::vector<ClassInfo> classes;

  const InterfaceInfo* find_interface(std::uint16_t offset) const;
  const ClassInfo* find_class(std::uint16_t offset) const;
  friend bool operator==(const ClassComponent&, const ClassComponent&) = default;
};

struct ExceptionHandler {
  std::uint16_t start_offset = 0;  // into the Method component's info item
  std::uint16_t active_length = 0;
  bool stop_bit = false;  // the try block is not nested in a later handler's try block
  std::uint16_t handler_offset = 0;
  std::uint16_t catch_type_index = 0;  // Classref in the constant pool; 0 for finally
  friend bool operator==(const ExceptionHandler&, const ExceptionHandler&) = default;
};

// Flags of method_header_info (JCVM 3.0.5 §6.10), the high nibble of its first byte.
namespace method_flags {
inline constexpr std::uint8_t kExtended = 0x8;
inline constexpr std::uint8_t kAbstract = 0x4;
}  // namespace method_flags

// method_header_info or extended_method_header_info. Counts are 16-bit words.
struct MethodHeader {
  std::uint8_t flags = 0;
  std::uint8_t max_stack = 0;
  std::uint8_t nargs = 0;  // includes `this` for virtual methods
  std::uint8_t max_locals = 0;

  bool is_extended() const { return (flags & method_flags::kExtended) != 0; }
  bool is_abstract() const { return (flags & method_flags::kAbstract) != 0; }
  std::size_t size() const { return is_extended() ? 4 : 2; }
  friend bool operator==(const MethodHeader&, const MethodHeader&) = default;
};

struct MethodComponent {
  std::vector<ExceptionHandler> handlers;
  // The methods[] table as bytes: every method_info (header and bytecode) in order. It
  // starts at info offset methods_offset(), which CAP offsets to methods already include.
  Bytes method_area;

  std::size_t methods_offset() const { return 1 + 8 * handlers.size(); }
  std::size_t info_size() const { return methods_offset() + method_area.size(); }
  // Decodes the method header at an info offset. Throws FormatError if it is not inside the
  // method area or its header does not fit.
  MethodHeader header_at(std::size_t info_offset) const;
  // `length` bytes of the method area at an info offset; throws FormatError outside it.
  ByteView bytes_at(std::size_t info_offset, std::size_t length) const;
  friend bool operator==(const MethodComponent&, const MethodComponent&) = default;
};

// One method located in the Method component: where its header and bytecode are.
struct MethodLocation {
  std::uint16_t offset = 0;  // of the method_info in the Method component's info item
  MethodHeader header;
  std::uint16_t bytecode_offset = 0;  // info offset of the first bytecode
  std::uint16_t bytecode_count = 0;   // 0 for abstract methods
  friend bool operator==(const MethodLocation&, const MethodLocation&) = default;
};

// Array types of array_init_info (JCVM 3.0.5 §6.11).
namespace array_init_type {
inline constexpr std::uint8_t kBoolean = 2;
inline constexpr std::uint8_t kByte = 3;
inline constexpr std::uint8_t kShort = 4;
inline constexpr std::uint8_t kInt = 5;
}  // namespace array_init_type

struct ArrayInit {
  std::uint8_t type = array_init_type::kByte;
  Bytes values;  // big-endian elements; count is values.size()
  friend bool operator==(const ArrayInit&, const ArrayInit&) = default;
};

// The Static Field component. The static field image it describes has four segments:
// arrays initialized by <clinit>, other references, primitives with default values, and
// primitives with the non-default values listed here (JCVM 3.0.5 §6.11).
struct StaticFieldComponent {
  std::uint16_t image_size = 0;
  std::uint16_t reference_count = 0;
  std::vector<ArrayInit> array_init;
  std::uint16_t default_value_count = 0;
  Bytes non_default_values;
  friend bool operator==(const StaticFieldComponent&, const StaticFieldComponent&) = default;
};

// The Reference Location component, decoded from its delta encoding into info offsets of the
// Method component at which a constant pool index sits.
struct ReferenceLocationComponent {
  std::vector<std::uint16_t> byte_index_offsets;   // 1-byte indices (getfield_<t> and the like)
  std::vector<std::uint16_t> byte2_index_offsets;  // 2-byte indices, catch types included
  friend bool operator==(const ReferenceLocationComponent&,
                         const ReferenceLocationComponent&) = default;
};

struct ClassExport {
  std::uint16_t class_offset = 0;                    // into the Class component's info item
  std::vector<std::uint16_t> static_field_offsets;   // into the static field image, by token
  std::vector<std::uint16_t> static_method_offsets;  // into the Method component, by token
  friend bool operator==(const ClassExport&, const ClassExport&) = default;
};

// The Export component. The index of a class in `classes` is its class token.
struct ExportComponent {
  std::vector<ClassExport> classes;
  friend bool operator==(const ExportComponent&, const ExportComponent&) = default;
};

// Access flags of the Descriptor component (JCVM 3.0.5 §6.14).
namespace descriptor_flags {
inline constexpr std::uint8_t kPublic = 0x01;
inline constexpr std::uint8_t kPrivate = 0x02;
inline constexpr std::uint8_t kProtected = 0x04;
inline constexpr std::uint8_t kStatic = 0x08;
inline constexpr std::uint8_t kFinal = 0x10;
inline constexpr std::uint8_t kClassInterface = 0x40;  // classes only
inline constexpr std::uint8_t kClassAbstract = 0x80;   // classes only
inline constexpr std::uint8_t kMethodAbstract = 0x40;  // methods only
inline constexpr std::uint8_t kMethodInit = 0x80;      // methods only: a constructor
}  // namespace descriptor_flags

// A field's type in field_descriptor_info: a primitive (high bit set, low bits 2 boolean,
// 3 byte, 4 short, 5 int) or an offset into the Descriptor's type_descriptor_info.
struct FieldType {
  std::uint16_t value = 0;
  bool is_primitive() const { return (value & 0x8000) != 0; }
  std::uint8_t primitive() const { return static_cast<std::uint8_t>(value & 0x7FFF); }
  std::uint16_t reference_offset() const { return value; }
  friend bool operator==(const FieldType&, const FieldType&) = default;
};

struct FieldDescriptor {
  std::uint8_t token = 0xFF;  // 0xFF for private and package-visible fields
  std::uint8_t access_flags = 0;
  // static_field_ref for static fields; class_ref and instance field token otherwise.
  std::array<std::uint8_t, 3> field_ref{};
  FieldType type;

  bool is_static() const { return (access_flags & descriptor_flags::kStatic) != 0; }
  StaticRef static_field() const { return {field_ref}; }
  ClassRef instance_class() const {
    return {static_cast<std::uint16_t>((field_ref[0] << 8) | field_ref[1])};
  }
  std::uint8_t instance_token() const { return field_ref[2]; }
  friend bool operator==(const FieldDescriptor&, const FieldDescriptor&) = default;
};

struct MethodDescriptor {
  std::uint8_t token = 0xFF;
  std::uint8_t access_flags = 0;
  std::uint16_t method_offset = 0;  // into the Method component; 0 for interface methods
  std::uint16_t type_offset = 0;    // into type_descriptor_info
  std::uint16_t bytecode_count = 0;
  std::uint16_t exception_handler_count = 0;
  std::uint16_t exception_handler_index = 0;
  friend bool operator==(const MethodDescriptor&, const MethodDescriptor&) = default;
};

struct ClassDescriptor {
  std::uint8_t token = 0xFF;
  std::uint8_t access_flags = 0;
  ClassRef this_class;
  std::vector<ClassRef> interfaces;
  std::vector<FieldDescriptor> fields;
  std::vector<MethodDescriptor> methods;

  bool is_interface() const { return (access_flags & descriptor_flags::kClassInterface) != 0; }
  friend bool operator==(const ClassDescriptor&, const ClassDescriptor&) = default;
};

struct DescriptorComponent {
  std::vector<ClassDescriptor> classes;
  // type_descriptor_info: the type of each constant pool entry (0xFFFF for Classref) as an
  // offset into this structure, then the type descriptors with their offsets.
  std::vector<std::uint16_t> constant_pool_types;
  std::vector<PooledType> types;

  const TypeDescriptor* find_type(std::uint16_t offset) const;
  friend bool operator==(const DescriptorComponent&, const DescriptorComponent&) = default;
};

// Access flags of the Debug component, Java class-file style (JCVM 3.0.5 §6.15).
namespace debug_flags {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kPrivate = 0x0002;
inline constexpr std::uint16_t kProtected = 0x0004;
inline constexpr std::uint16_t kStatic = 0x0008;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kRemote = 0x0020;  // classes
inline constexpr std::uint16_t kNative = 0x0100;  // methods
inline constexpr std::uint16_t kInterface = 0x0200;
inline constexpr std::uint16_t kAbstract = 0x0400;
inline constexpr std::uint16_t kShareable = 0x0800;  // classes
}  // namespace debug_flags

struct FieldDebugInfo {
  std::uint16_t name_index = 0;
  std::uint16_t descriptor_index = 0;
  std::uint16_t access_flags = 0;
  // A static final primitive's value, a static field's image offset in the low 16 bits, or
  // an instance field's token in the low 8 bits, as the access flags and type select.
  std::uint32_t contents = 0;
  friend bool operator==(const FieldDebugInfo&, const FieldDebugInfo&) = default;
};

struct VariableInfo {
  std::uint8_t index = 0;
  std::uint16_t name_index = 0;
  std::uint16_t descriptor_index = 0;
  std::uint16_t start_pc = 0;
  std::uint16_t length = 0;
  friend bool operator==(const VariableInfo&, const VariableInfo&) = default;
};

struct LineInfo {
  std::uint16_t start_pc = 0;
  std::uint16_t end_pc = 0;
  std::uint16_t source_line = 0;
  friend bool operator==(const LineInfo&, const LineInfo&) = default;
};

struct MethodDebugInfo {
  std::uint16_t name_index = 0;
  std::uint16_t descriptor_index = 0;
  std::uint16_t access_flags = 0;
  std::uint16_t location = 0;  // info offset in the Method component; 0 when abstract
  std::uint8_t header_size = 0;
  std::uint16_t body_size = 0;
  std::vector<VariableInfo> variable_table;
  std::vector<LineInfo> line_table;
  friend bool operator==(const MethodDebugInfo&, const MethodDebugInfo&) = default;
};

struct ClassDebugInfo {
  std::uint16_t name_index = 0;
  std::uint16_t access_flags = 0;
  std::uint16_t location = 0;  // info offset in the Class component
  std::uint16_t superclass_name_index = 0;
  std::uint16_t source_file_index = 0;
  std::vector<std::uint16_t> interface_name_indexes;
  std::vector<FieldDebugInfo> fields;
  std::vector<MethodDebugInfo> methods;
  friend bool operator==(const ClassDebugInfo&, const ClassDebugInfo&) = default;
};

// The Debug component (format 2.2 and later). Names are indexes into `strings`.
struct DebugComponent {
  std::vector<std::string> strings;
  std::uint16_t package_name_index = 0;
  std::vector<ClassDebugInfo> classes;

  // The string at an index, or "<invalid string index N>" outside the table.
  std::string string_at(std::uint16_t index) const;
  friend bool operator==(const DebugComponent&, const DebugComponent&) = default;
};

struct StaticResource {
  std::uint16_t id = 0;
  Bytes data;  // at most 32767 bytes
  friend bool operator==(const StaticResource&, const StaticResource&) = default;
};

// The Static Resources component (format 2.3), whose size field is a u4.
struct StaticResourcesComponent {
  std::vector<StaticResource> resources;
  friend bool operator==(const StaticResourcesComponent&,
                         const StaticResourcesComponent&) = default;
};

// A custom component (tag 128-255) or one this reader does not know, kept as bytes.
struct RawComponent {
  std::uint8_t tag = 0;
  Bytes info;
  std::string file_name;  // JAR entry name without the directory, when read from a JAR
  friend bool operator==(const RawComponent&, const RawComponent&) = default;
};

// A whole CAP file. Optional members are the components a CAP file may lack: Applet and
// Export by definition, Descriptor and Debug in a GlobalPlatform load file.
struct CapFile {
  HeaderComponent header;
  DirectoryComponent directory;
  std::optional<AppletComponent> applets;
  ImportComponent imports;
  ConstantPoolComponent constant_pool;
  ClassComponent classes;
  MethodComponent methods;
  StaticFieldComponent static_fields;
  ReferenceLocationComponent reference_locations;
  std::optional<ExportComponent> exports;
  std::optional<DescriptorComponent> descriptor;
  std::optional<DebugComponent> debug;
  std::optional<StaticResourcesComponent> static_resources;
  std::vector<RawComponent> custom_components;

  // The package's directory in the JAR ("com/example/wallet"), from the JAR entry names or
  // the Header's package name; empty when neither gives it.
  std::string package_path;

  // Every method_info in the Method component, sorted by offset: from the Descriptor when
  // present, else inferred from the offsets other components refer to (see locate_methods).
  std::vector<MethodLocation> method_locations;

  friend bool operator==(const CapFile&, const CapFile&) = default;
};

}  // namespace uicc::cap
