// Java field and method descriptors (JVMS Java SE 17 §4.3) as the converter reads them, with
// the word counts of the Java Card virtual machine: an int takes two 16-bit words, every
// other type one (Java Card 3.0.5 Virtual Machine Specification §3.5 and §3.6).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uicc::sdk {

enum class BaseType : char {
  kVoid = 'V',
  kBoolean = 'Z',
  kByte = 'B',
  kChar = 'C',
  kShort = 'S',
  kInt = 'I',
  kLong = 'J',
  kFloat = 'F',
  kDouble = 'D',
  kClass = 'L',
};

struct FieldType {
  BaseType base = BaseType::kVoid;
  int dimensions = 0;      // 0 for a scalar, 1 for byte[], 2 for byte[][] ...
  std::string class_name;  // internal form for kClass, "javacard/framework/AID"

  bool is_void() const { return base == BaseType::kVoid && dimensions == 0; }
  bool is_reference() const { return dimensions > 0 || base == BaseType::kClass; }
  bool is_array() const { return dimensions > 0; }
  // A scalar primitive of one of the integral types the JVM computes with as int.
  bool is_int_like() const;
  bool is_int() const { return dimensions == 0 && base == BaseType::kInt; }
  // Java Card words of a value of this type: 2 for int, 0 for void, 1 otherwise.
  int words() const;
  // JVM local variable slots: 2 for long and double, 0 for void, 1 otherwise.
  int jvm_slots() const;
  // Returns the descriptor form, "[B" or "Ljavacard/framework/APDU;".
  std::string descriptor() const;
  // Returns the Java source form, "byte[]" or "javacard.framework.APDU".
  std::string java_name() const;
};

struct MethodType {
  std::vector<FieldType> parameters;
  FieldType result;

  int parameter_words() const;
  int parameter_jvm_slots() const;
};

std::optional<FieldType> parse_field_descriptor(std::string_view descriptor);
std::optional<MethodType> parse_method_descriptor(std::string_view descriptor);

// Converts between the internal form "com/example/Wallet" and the dotted form.
std::string dotted_name(std::string_view internal_name);
std::string internal_name(std::string_view dotted_name);
// Returns the package part of an internal class name, "com/example" for "com/example/Wallet".
std::string package_of(std::string_view internal_class_name);

}  // namespace uicc::sdk
