// Queries on export file contents.
#include "tools/sdk/converter/export_model.h"

#include <algorithm>

namespace uicc::sdk {

bool is_static(const cap::ExportMethod& method) {
  return (method.access_flags & cap::export_member_flags::kStatic) != 0;
}

bool is_static(const cap::ExportField& field) {
  return (field.access_flags & cap::export_member_flags::kStatic) != 0;
}

bool is_virtual(const cap::ExportMethod& method) {
  return !is_static(method) && method.name != "<init>";
}

bool is_shareable(const cap::ExportClass& cls) {
  return (cls.access_flags & cap::export_class_flags::kShareable) != 0;
}

bool is_library(const cap::ExportFile& file) {
  return (file.package.flags & cap::export_package_flags::kLibrary) != 0;
}

int public_virtual_method_count(const cap::ExportClass& cls) {
  int count = 0;
  for (const auto& m : cls.methods) {
    if (is_virtual(m)) count = std::max(count, m.token + 1);
  }
  return count;
}

}  // namespace uicc::sdk
