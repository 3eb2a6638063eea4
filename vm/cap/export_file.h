// Export files (.exp): the public interface of a package as names and tokens, which a
// converter reads for the packages a package imports and writes for each package it
// converts. Formats 2.1 (Java Card 2.1 to 3.0.5; 2.2 has the same layout) and 2.3 (Java Card
// 3.1 and later, which adds the referenced packages and a per-class token count).
//
// Java Card 3.0.5 Virtual Machine Specification chapter 5; Java Card 3.1 Virtual Machine
// Specification chapter 5 for format 2.3.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"

namespace uicc::cap {

inline constexpr std::uint32_t kExportMagic = 0x00FACADE;

// Flags of CONSTANT_Package (JCVM 3.0.5 chapter 5).
namespace export_package_flags {
inline constexpr std::uint8_t kLibrary = 0x01;  // the package has no applets
}

// Access flags of an exported class or interface (JCVM 3.0.5 chapter 5).
namespace export_class_flags {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kInterface = 0x0200;
inline constexpr std::uint16_t kAbstract = 0x0400;
inline constexpr std::uint16_t kShareable = 0x0800;
inline constexpr std::uint16_t kRemote = 0x1000;
}  // namespace export_class_flags

// Access flags of exported fields and methods (JCVM 3.0.5 chapter 5).
namespace export_member_flags {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kProtected = 0x0004;
inline constexpr std::uint16_t kStatic = 0x0008;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kAbstract = 0x0400;  // methods
}  // namespace export_member_flags

// A field token of 0xFF marks a compile-time constant: a static final field of primitive
// type, which CAP files never reference because the converter inlines its value.
inline constexpr std::uint8_t kConstantFieldToken = 0xFF;

struct ExportPackage {
  std::uint8_t flags = 0;
  std::string name;  // internal form: "javacard/framework"
  std::uint8_t minor = 0;
  std::uint8_t major = 1;
  Bytes aid;
  friend bool operator==(const ExportPackage&, const ExportPackage&) = default;
};

struct ExportField {
  std::uint8_t token = 0;
  std::uint16_t access_flags = 0;
  std::string name;
  std::string descriptor;  // "S", "[B", "Ljavacard/framework/AID;"
  // The ConstantValue attribute of a compile-time constant, as the int the file stores;
  // boolean, byte and short values are sign-extended.
  std::optional<std::int32_t> constant_value;
  friend bool operator==(const ExportField&, const ExportField&) = default;
};

struct ExportMethod {
  std::uint8_t token = 0;
  std::uint16_t access_flags = 0;
  std::string name;        // "<init>" for constructors
  std::string descriptor;  // "([BSB)V"
  friend bool operator==(const ExportMethod&, const ExportMethod&) = default;
};

struct ExportClass {
  std::uint8_t token = 0;
  std::uint16_t access_flags = 0;
  std::string name;  // fully qualified, internal form: "javacard/framework/Applet"
  // All superclasses as the file lists them (for classes of the Java Card API, java/lang/Object
  // first), and all superinterfaces.
  std::vector<std::string> supers;
  std::vector<std::string> interfaces;
  std::vector<ExportField> fields;
  std::vector<ExportMethod> methods;  // static ones (constructors included), then virtual
  // Format 2.3 only (JCVM 3.1 chapter 5).
  std::uint8_t cap22_inheritable_public_method_token_count = 0;

  bool is_interface() const { return (access_flags & export_class_flags::kInterface) != 0; }
  const ExportField* find_field(std::string_view field_name) const;
  // Returns the method of that name and descriptor. Static and virtual methods are separate
  // token spaces, and the method's flags tell which one its token belongs to.
  const ExportMethod* find_method(std::string_view method_name,
                                  std::string_view method_descriptor) const;
  friend bool operator==(const ExportClass&, const ExportClass&) = default;
};

struct ExportFile {
  FormatVersion version{2, 1};
  ExportPackage package;
  // Format 2.3 only: the packages whose classes this one's signatures name.
  std::vector<ExportPackage> referenced_packages;
  std::vector<ExportClass> classes;

  const ExportClass* find_class(std::string_view class_name) const;
  const ExportClass* find_class(std::uint8_t token) const;
  friend bool operator==(const ExportFile&, const ExportFile&) = default;
};

// Reads an export file. Throws FormatError ("export file: ...") on a bad magic, an
// unsupported version, a truncated item, a constant pool index of the wrong type or trailing
// bytes. Attributes other than ConstantValue are skipped.
ExportFile read_export_file(ByteView data);
ExportFile read_export_file(const std::filesystem::path& path);

// Writes an export file in ex.version, building its constant pool. Throws FormatError when a
// count or value does not fit its field.
Bytes write_export_file(const ExportFile& ex);

// The path of a package's export file under an export directory, as converters look it up:
// <dir>/<package path>/javacard/<last name part>.exp, e.g.
// javacard/framework/javacard/framework.exp.
std::filesystem::path export_file_path(const std::filesystem::path& directory,
                                       std::string_view package_name);

}  // namespace uicc::cap
