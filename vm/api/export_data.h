// The built-in API packages as their export files define them: AIDs, versions, class tokens,
// constants and method tokens. The tables are generated at build time from vm/api/exports/*.json,
// the one source of truth that also yields the Java stubs and the .exp files of the SDK.
//
// Token rules: Java Card 3.0.5 Virtual Machine Specification §4.3.7 (token assignment) and
// chapter 5 (export file format), whose access flag values these tables keep.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace uicc::api {

// class_info access flags, JCVM 3.0.5 §5.7.
namespace class_flag {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kInterface = 0x0200;
inline constexpr std::uint16_t kAbstract = 0x0400;
inline constexpr std::uint16_t kShareable = 0x0800;
inline constexpr std::uint16_t kRemote = 0x1000;
}  // namespace class_flag

// method_info and field_info access flags, JCVM 3.0.5 §5.8 and §5.9.
namespace member_flag {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kProtected = 0x0004;
inline constexpr std::uint16_t kStatic = 0x0008;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kAbstract = 0x0400;
}  // namespace member_flag

// A compile-time constant (token 0xFF in the export file). The converter inlines these, so no
// CAP file refers to them; they are kept for the stubs and for tests.
struct ConstantInfo {
  std::string_view name;
  char type;           // 'B' byte, 'S' short, 'Z' boolean
  std::int32_t value;  // signed value of the Java type; booleans 0 or 1
};

struct MethodInfo {
  std::uint8_t token;
  std::string_view name;        // "<init>" for constructors
  std::string_view descriptor;  // JVM form, e.g. "([BSS)V"
  std::uint16_t flags;          // member_flag bits

  // Constructors and static methods share one token space; virtual (or, in an interface,
  // interface) methods have another (JCVM 3.0.5 §4.3.7.4-6).
  constexpr bool is_static() const {
    return (flags & member_flag::kStatic) != 0 || name == "<init>";
  }
};

struct ClassInfo {
  std::uint8_t token;
  std::string_view name;  // simple name; nested classes as "Outer$Inner"
  std::uint16_t flags;    // class_flag bits
  // Every superclass, root first ("java.lang.Object", ..., direct superclass). Empty for
  // java.lang.Object itself.
  std::span<const std::string_view> supers;
  // Every superinterface, direct or inherited, as dotted qualified names.
  std::span<const std::string_view> interfaces;
  std::span<const ConstantInfo> constants;
  // The export file's method entries: the class's own methods and the public virtual methods
  // it inherits, each with its token.
  std::span<const MethodInfo> methods;

  constexpr bool is_interface() const { return (flags & class_flag::kInterface) != 0; }
};

struct PackageInfo {
  std::string_view name;  // dotted, e.g. "javacard.framework"
  std::span<const std::uint8_t> aid;
  std::uint8_t major;
  std::uint8_t minor;
  bool library;  // ACC_LIBRARY: the package has no applets
  std::span<const ClassInfo> classes;
  std::string_view source;  // the document whose export file gave the tokens
};

// Every package the card provides, in name order.
std::span<const PackageInfo> builtin_packages();

const PackageInfo* find_package(std::string_view name);
const PackageInfo* find_package(std::span<const std::uint8_t> aid);
const ClassInfo* find_class(const PackageInfo& package, std::string_view name);
const ClassInfo* find_class(const PackageInfo& package, std::uint8_t token);
// Looks a class up by its dotted qualified name, e.g. "javacard.security.MessageDigest$OneShot".
const ClassInfo* find_class(std::string_view qualified_name);
const PackageInfo* package_of(const ClassInfo& cls);
// Finds a method entry by name and descriptor. MethodInfo::is_static() then says which token
// space the entry belongs to.
const MethodInfo* find_method(const ClassInfo& cls, std::string_view name,
                              std::string_view descriptor);
const ConstantInfo* find_constant(const ClassInfo& cls, std::string_view name);

}  // namespace uicc::api
