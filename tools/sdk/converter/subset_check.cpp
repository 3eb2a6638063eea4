// Class-level checks of the Java Card subset, JCVM 3.0.5 §2.2.1: no long, float, double or
// char; no String except compile-time constants, which need no storage; no native,
// synchronized, transient, volatile or strictfp; arrays of one dimension; int only with int
// support (§2.2.3).
#include "tools/sdk/converter/subset_check.h"

#include <fmt/format.h>

namespace uicc::sdk {
namespace {

constexpr std::string_view kString = "java/lang/String";

Diagnostic declaration_error(const PackageClass& cls, const PackageMethod* method,
                             std::string message) {
  Diagnostic d = make_diagnostic(cls, method, 0, std::move(message));
  if (method != nullptr && method->info->code && !method->info->code->line_numbers.empty()) {
    d.line = method->info->code->line_numbers.front().line;
  }
  return d;
}

void check_field(const PackageClass& cls, const PackageField& field, bool int_support,
                 Diagnostics& diagnostics) {
  const std::string& name = field.info->name;
  auto add = [&](const std::string& message) {
    diagnostics.add(declaration_error(cls, nullptr, fmt::format("field {}: {}", name, message)));
  };
  // A compile-time constant, String ones included, exists only for the compiler, which
  // inlines it.
  if (field.is_constant) return;
  std::string problem = unsupported_type(field.type, int_support);
  if (!problem.empty()) add(problem);
  if ((field.info->access_flags & access::kVolatile) != 0) {
    add("volatile is not supported by Java Card");
  }
  if ((field.info->access_flags & access::kTransient) != 0) {
    add("transient is not supported by Java Card; use JCSystem.makeTransient*Array for "
        "transient data");
  }
}

void check_method(const PackageClass& cls, const PackageMethod& method, bool int_support,
                  Diagnostics& diagnostics) {
  auto add = [&](const std::string& message) {
    diagnostics.add(declaration_error(cls, &method, message));
  };
  const std::uint16_t flags = method.info->access_flags;
  if ((flags & access::kNative) != 0) add("native methods are not supported by Java Card");
  if ((flags & access::kSynchronized) != 0) {
    add("synchronized methods are not supported by Java Card, which has no threads");
  }
  if ((flags & access::kStrict) != 0) add("strictfp is not supported by Java Card");
  if (cls.is_interface && method.kind == MethodKind::kStatic) {
    add("static methods in interfaces are not supported by Java Card");
  }
  if (cls.is_interface && method.kind == MethodKind::kInterface && !method.is_abstract()) {
    add("default methods are not supported by Java Card");
  }
  if (method.kind == MethodKind::kStaticInitializer) return;
  for (std::size_t i = 0; i < method.type.parameters.size(); ++i) {
    std::string problem = unsupported_type(method.type.parameters[i], int_support);
    if (!problem.empty()) add(fmt::format("parameter {}: {}", i + 1, problem));
  }
  if (!method.type.result.is_void()) {
    std::string problem = unsupported_type(method.type.result, int_support);
    if (!problem.empty()) add(fmt::format("result: {}", problem));
  }
  if (!method.info->code && !method.is_abstract() && (flags & access::kNative) == 0) {
    add("the method has no code");
  }
}

}  // namespace

std::string unsupported_type(const FieldType& type, bool int_support) {
  if (type.dimensions > 1) return "arrays of arrays are not supported by Java Card";
  switch (type.base) {
    case BaseType::kLong:
      return "long values are not supported by Java Card";
    case BaseType::kFloat:
      return "float values are not supported by Java Card";
    case BaseType::kDouble:
      return "double values are not supported by Java Card";
    case BaseType::kChar:
      return "char values are not supported by Java Card; use byte or short";
    case BaseType::kInt:
      if (!int_support) {
        return type.is_array() ? "int arrays need int support; use short arrays or convert "
                                 "with int support"
                               : "the int type needs int support; use short or convert with "
                                 "int support";
      }
      return {};
    case BaseType::kClass:
      if (type.class_name == kString) {
        return "String is not supported by Java Card; use byte arrays";
      }
      return {};
    default:
      return {};
  }
}

void check_subset(const PackageModel& model, bool int_support, Diagnostics& diagnostics) {
  for (const auto& owned : model.classes()) {
    const PackageClass& cls = *owned;
    const std::uint16_t flags = cls.file->access_flags;
    if ((flags & access::kEnum) != 0) {
      diagnostics.add(declaration_error(cls, nullptr, "enum types are not supported by Java Card"));
      continue;
    }
    if ((flags & access::kAnnotation) != 0) {
      diagnostics.add(
          declaration_error(cls, nullptr, "annotation types are not supported by Java Card"));
      continue;
    }
    for (const auto& field : cls.fields) check_field(cls, field, int_support, diagnostics);
    for (const auto& method : cls.methods) check_method(cls, method, int_support, diagnostics);
  }
}

}  // namespace uicc::sdk
