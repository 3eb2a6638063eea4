// What a package shows to the packages that import it: the contents of its export file,
// with names and tokens. The converter reads one for each imported package and writes one
// for the package it converts. Java Card 3.0.5 Virtual Machine Specification §4.3 (token
// assignment) and chapter 5 (export file format).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace uicc::sdk {

// Export file access flags, JCVM 3.0.5 §5.7 to §5.9. They have the values of the class file
// flags, plus ACC_SHAREABLE and ACC_REMOTE for classes.
namespace export_flags {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kProtected = 0x0004;
inline constexpr std::uint16_t kStatic = 0x0008;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kInterface = 0x0200;
inline constexpr std::uint16_t kAbstract = 0x0400;
inline constexpr std::uint16_t kShareable = 0x0800;
inline constexpr std::uint16_t kRemote = 0x1000;
}  // namespace export_flags

// Token of a field that is a compile-time constant: it exists only in the export file.
inline constexpr std::uint8_t kConstantFieldToken = 0xFF;

struct ExportedField {
  std::string name;
  std::string descriptor;
  std::uint16_t access_flags = 0;
  std::uint8_t token = kConstantFieldToken;
  std::optional<std::int32_t> constant;  // the value of a static final primitive constant

  bool is_static() const { return (access_flags & export_flags::kStatic) != 0; }
};

struct ExportedMethod {
  std::string name;
  std::string descriptor;
  std::uint16_t access_flags = 0;
  std::uint8_t token = 0;

  bool is_static() const { return (access_flags & export_flags::kStatic) != 0; }
  bool is_constructor() const { return name == "<init>"; }
  // A method invoked through a virtual method token (not static, not a constructor).
  bool is_virtual() const { return !is_static() && !is_constructor(); }
};

struct ExportedClass {
  std::string name;  // internal form, "javacard/framework/Applet"
  std::uint8_t token = 0;
  std::uint16_t access_flags = 0;
  std::vector<std::string> supers;      // every superclass, java/lang/Object first
  std::vector<std::string> interfaces;  // every superinterface, direct or inherited
  std::vector<ExportedField> fields;
  std::vector<ExportedMethod> methods;  // inherited public and protected methods included

  bool is_interface() const { return (access_flags & export_flags::kInterface) != 0; }
  bool is_shareable() const { return (access_flags & export_flags::kShareable) != 0; }
  const ExportedMethod* find_method(std::string_view name, std::string_view descriptor) const;
  const ExportedField* find_field(std::string_view name) const;
  // One more than the highest public virtual method token, 0 without virtual methods. The
  // public virtual method tokens of a subclass continue from this value (JCVM 3.0.5 §4.3.7.6).
  int public_virtual_method_count() const;
};

struct ExportedPackage {
  std::string name;  // internal form, "javacard/framework"
  Bytes aid;
  std::uint8_t major_version = 1;
  std::uint8_t minor_version = 0;
  bool library = true;  // ACC_LIBRARY: the package defines no applet
  std::vector<ExportedClass> classes;

  const ExportedClass* find_class(std::string_view internal_name) const;
};

}  // namespace uicc::sdk
