// Java descriptor parsing, JVMS Java SE 17 §4.3.2 (field descriptors) and §4.3.3 (method
// descriptors).
#include "tools/sdk/converter/java_types.h"

namespace uicc::sdk {
namespace {

// Parses one field type at `pos` and advances past it.
std::optional<FieldType> parse_at(std::string_view text, std::size_t& pos) {
  FieldType type;
  while (pos < text.size() && text[pos] == '[') {
    ++type.dimensions;
    ++pos;
  }
  if (pos >= text.size() || type.dimensions > 255) return std::nullopt;
  char c = text[pos++];
  switch (c) {
    case 'Z':
    case 'B':
    case 'C':
    case 'S':
    case 'I':
    case 'J':
    case 'F':
    case 'D':
      type.base = static_cast<BaseType>(c);
      return type;
    case 'L': {
      std::size_t end = text.find(';', pos);
      if (end == std::string_view::npos || end == pos) return std::nullopt;
      type.base = BaseType::kClass;
      type.class_name = std::string(text.substr(pos, end - pos));
      pos = end + 1;
      return type;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

bool FieldType::is_int_like() const {
  if (dimensions != 0) return false;
  switch (base) {
    case BaseType::kBoolean:
    case BaseType::kByte:
    case BaseType::kChar:
    case BaseType::kShort:
    case BaseType::kInt:
      return true;
    default:
      return false;
  }
}

int FieldType::words() const {
  if (is_void()) return 0;
  return is_int() ? 2 : 1;
}

int FieldType::jvm_slots() const {
  if (is_void()) return 0;
  if (dimensions == 0 && (base == BaseType::kLong || base == BaseType::kDouble)) return 2;
  return 1;
}

std::string FieldType::descriptor() const {
  std::string text(static_cast<std::size_t>(dimensions), '[');
  if (base == BaseType::kClass) return text + "L" + class_name + ";";
  return text + static_cast<char>(base);
}

std::string FieldType::java_name() const {
  std::string name;
  switch (base) {
    case BaseType::kVoid:
      name = "void";
      break;
    case BaseType::kBoolean:
      name = "boolean";
      break;
    case BaseType::kByte:
      name = "byte";
      break;
    case BaseType::kChar:
      name = "char";
      break;
    case BaseType::kShort:
      name = "short";
      break;
    case BaseType::kInt:
      name = "int";
      break;
    case BaseType::kLong:
      name = "long";
      break;
    case BaseType::kFloat:
      name = "float";
      break;
    case BaseType::kDouble:
      name = "double";
      break;
    case BaseType::kClass:
      name = dotted_name(class_name);
      break;
  }
  for (int i = 0; i < dimensions; ++i) name += "[]";
  return name;
}

int MethodType::parameter_words() const {
  int words = 0;
  for (const auto& p : parameters) words += p.words();
  return words;
}

int MethodType::parameter_jvm_slots() const {
  int slots = 0;
  for (const auto& p : parameters) slots += p.jvm_slots();
  return slots;
}

std::optional<FieldType> parse_field_descriptor(std::string_view descriptor) {
  std::size_t pos = 0;
  auto type = parse_at(descriptor, pos);
  if (!type || pos != descriptor.size()) return std::nullopt;
  return type;
}

std::optional<MethodType> parse_method_descriptor(std::string_view descriptor) {
  if (descriptor.empty() || descriptor[0] != '(') return std::nullopt;
  MethodType method;
  std::size_t pos = 1;
  while (pos < descriptor.size() && descriptor[pos] != ')') {
    auto param = parse_at(descriptor, pos);
    if (!param) return std::nullopt;
    method.parameters.push_back(*param);
  }
  if (pos >= descriptor.size()) return std::nullopt;
  ++pos;  // ')'
  if (pos < descriptor.size() && descriptor[pos] == 'V') {
    if (pos + 1 != descriptor.size()) return std::nullopt;
    method.result = FieldType{};
    return method;
  }
  auto result = parse_at(descriptor, pos);
  if (!result || pos != descriptor.size()) return std::nullopt;
  method.result = *result;
  return method;
}

std::string dotted_name(std::string_view internal) {
  std::string name(internal);
  for (char& c : name) {
    if (c == '/') c = '.';
  }
  return name;
}

std::string internal_name(std::string_view dotted) {
  std::string name(dotted);
  for (char& c : name) {
    if (c == '.') c = '/';
  }
  return name;
}

std::string package_of(std::string_view internal_class_name) {
  auto slash = internal_class_name.rfind('/');
  if (slash == std::string_view::npos) return {};
  return std::string(internal_class_name.substr(0, slash));
}

}  // namespace uicc::sdk
