// Reader of Java class files, the converter's input. Java Virtual Machine Specification,
// Java SE 17 Edition, chapter 4; the converter takes versions 45.0 to 52.0 (Java 8), which is
// what javac produces with --release 8 or -source 8 -target 8.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "util/bytes.h"

namespace uicc::sdk {

// A class file that cannot be read: truncated, inconsistent or of an unsupported version.
// The message names the file, the structure and the offending value.
class ClassFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Constant pool tags, JVMS §4.4 Table 4.4-B.
enum class CpTag : std::uint8_t {
  unused = 0,  // index 0 and the second slot of a long or double
  utf8 = 1,
  integer = 3,
  float_ = 4,
  long_ = 5,
  double_ = 6,
  class_ = 7,
  string = 8,
  fieldref = 9,
  methodref = 10,
  interface_methodref = 11,
  name_and_type = 12,
  method_handle = 15,
  method_type = 16,
  dynamic = 17,
  invoke_dynamic = 18,
  module = 19,
  package = 20,
};

struct CpEntry {
  CpTag tag = CpTag::unused;
  std::string text;         // utf8 entries, in the modified UTF-8 of the file
  std::uint64_t value = 0;  // the bits of integer, float, long and double entries
  // First and second index operand: the name of class, string and method_type entries, the
  // class and the name_and_type of member references, the name and the descriptor of
  // name_and_type entries.
  std::uint16_t ref1 = 0;
  std::uint16_t ref2 = 0;
};

// A field or method reference resolved to its strings.
struct MemberRef {
  std::string owner;  // internal form, "javacard/framework/APDU"
  std::string name;
  std::string descriptor;
};

struct ExceptionTableEntry {
  std::uint16_t start_pc = 0;
  std::uint16_t end_pc = 0;  // exclusive
  std::uint16_t handler_pc = 0;
  std::uint16_t catch_type = 0;  // constant pool index of a class, 0 for any exception
};

struct LineNumber {
  std::uint16_t start_pc = 0;
  std::uint16_t line = 0;
};

struct LocalVariable {
  std::uint16_t start_pc = 0;
  std::uint16_t length = 0;
  std::uint16_t index = 0;
  std::string name;
  std::string descriptor;
};

struct CodeAttribute {
  std::uint16_t max_stack = 0;
  std::uint16_t max_locals = 0;
  Bytes code;
  std::vector<ExceptionTableEntry> exception_table;
  std::vector<LineNumber> line_numbers;
  std::vector<LocalVariable> local_variables;
};

// Access flags of classes, fields and methods, JVMS §4.1, §4.5 and §4.6.
namespace access {
inline constexpr std::uint16_t kPublic = 0x0001;
inline constexpr std::uint16_t kPrivate = 0x0002;
inline constexpr std::uint16_t kProtected = 0x0004;
inline constexpr std::uint16_t kStatic = 0x0008;
inline constexpr std::uint16_t kFinal = 0x0010;
inline constexpr std::uint16_t kSuper = 0x0020;
inline constexpr std::uint16_t kSynchronized = 0x0020;
inline constexpr std::uint16_t kVolatile = 0x0040;
inline constexpr std::uint16_t kBridge = 0x0040;
inline constexpr std::uint16_t kTransient = 0x0080;
inline constexpr std::uint16_t kVarargs = 0x0080;
inline constexpr std::uint16_t kNative = 0x0100;
inline constexpr std::uint16_t kInterface = 0x0200;
inline constexpr std::uint16_t kAbstract = 0x0400;
inline constexpr std::uint16_t kStrict = 0x0800;
inline constexpr std::uint16_t kSynthetic = 0x1000;
inline constexpr std::uint16_t kAnnotation = 0x2000;
inline constexpr std::uint16_t kEnum = 0x4000;
}  // namespace access

struct FieldInfo {
  std::uint16_t access_flags = 0;
  std::string name;
  std::string descriptor;
  std::uint16_t constant_value = 0;  // constant pool index from ConstantValue, 0 if absent
};

struct MethodInfo {
  std::uint16_t access_flags = 0;
  std::string name;
  std::string descriptor;
  std::optional<CodeAttribute> code;
  std::vector<std::string> exceptions;  // the throws clause, internal class names

  bool is_static() const { return (access_flags & access::kStatic) != 0; }
  bool is_abstract() const { return (access_flags & access::kAbstract) != 0; }
};

class ClassFile {
 public:
  std::string origin;  // file name for messages
  std::uint16_t minor_version = 0;
  std::uint16_t major_version = 0;
  std::vector<CpEntry> constant_pool;  // index 0 unused, as in the file
  std::uint16_t access_flags = 0;
  std::string this_class;   // internal form, "com/example/Wallet"
  std::string super_class;  // empty for java/lang/Object
  std::vector<std::string> interfaces;
  std::vector<FieldInfo> fields;
  std::vector<MethodInfo> methods;
  std::string source_file;  // from SourceFile, "Wallet.java"; empty if absent

  bool is_interface() const { return (access_flags & access::kInterface) != 0; }

  // Accessors of the constant pool. Each checks the index and the tag and throws
  // ClassFormatError naming both when they do not match.
  const CpEntry& entry(std::uint16_t index, CpTag expected) const;
  const std::string& utf8(std::uint16_t index) const;
  const std::string& class_name(std::uint16_t index) const;
  MemberRef member_ref(std::uint16_t index) const;  // fieldref, methodref, interface_methodref

  // Returns the source line of a bytecode offset from the LineNumberTable, 0 if unknown.
  static std::uint16_t line_of(const CodeAttribute& code, std::uint32_t pc);
};

// Parses a class file. Throws ClassFormatError with `origin` in the message when the bytes are
// not a class file of a supported version.
ClassFile parse_class_file(ByteView data, std::string_view origin);

}  // namespace uicc::sdk
