// Formatting of conversion diagnostics.
#include "tools/sdk/converter/diagnostics.h"

#include <fmt/format.h>

namespace uicc::sdk {
namespace {

std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += '\n';
    text += d.to_string();
  }
  return text;
}

}  // namespace

std::string Diagnostic::to_string() const {
  std::string where = source_file;
  if (line != 0) where += fmt::format(":{}", line);
  std::string member = class_name;
  if (!method.empty()) member += "." + method;
  if (where.empty()) return fmt::format("{}: {}", member, message);
  if (member.empty()) return fmt::format("{}: {}", where, message);
  return fmt::format("{}: {}: {}", where, member, message);
}

void Diagnostics::throw_if_any() const {
  if (!items_.empty()) throw ConversionError(items_);
}

ConversionError::ConversionError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ConversionError::ConversionError(const std::string& message) : std::runtime_error(message) {}

}  // namespace uicc::sdk
