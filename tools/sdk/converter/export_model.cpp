// Lookups in export file contents.
#include "tools/sdk/converter/export_model.h"

#include <algorithm>

namespace uicc::sdk {

const ExportedMethod* ExportedClass::find_method(std::string_view method_name,
                                                 std::string_view descriptor) const {
  for (const auto& m : methods) {
    if (m.name == method_name && m.descriptor == descriptor) return &m;
  }
  return nullptr;
}

const ExportedField* ExportedClass::find_field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.name == field_name) return &f;
  }
  return nullptr;
}

int ExportedClass::public_virtual_method_count() const {
  int count = 0;
  for (const auto& m : methods) {
    if (m.is_virtual()) count = std::max(count, m.token + 1);
  }
  return count;
}

const ExportedClass* ExportedPackage::find_class(std::string_view internal_name) const {
  for (const auto& c : classes) {
    if (c.name == internal_name) return &c;
  }
  return nullptr;
}

}  // namespace uicc::sdk
