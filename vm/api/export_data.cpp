#include "vm/api/export_data.h"

#include <algorithm>

namespace uicc::api {

const PackageInfo* find_package(std::string_view name) {
  for (const PackageInfo& package : builtin_packages()) {
    if (package.name == name) return &package;
  }
  return nullptr;
}

const PackageInfo* find_package(std::span<const std::uint8_t> aid) {
  for (const PackageInfo& package : builtin_packages()) {
    if (std::ranges::equal(package.aid, aid)) return &package;
  }
  return nullptr;
}

const ClassInfo* find_class(const PackageInfo& package, std::string_view name) {
  for (const ClassInfo& cls : package.classes) {
    if (cls.name == name) return &cls;
  }
  return nullptr;
}

const ClassInfo* find_class(const PackageInfo& package, std::uint8_t token) {
  for (const ClassInfo& cls : package.classes) {
    if (cls.token == token) return &cls;
  }
  return nullptr;
}

const ClassInfo* find_class(std::string_view qualified_name) {
  const auto dot = qualified_name.rfind('.');
  if (dot == std::string_view::npos) return nullptr;
  const PackageInfo* package = find_package(qualified_name.substr(0, dot));
  if (package == nullptr) return nullptr;
  return find_class(*package, qualified_name.substr(dot + 1));
}

const PackageInfo* package_of(const ClassInfo& cls) {
  for (const PackageInfo& package : builtin_packages()) {
    const ClassInfo* first = package.classes.data();
    if (&cls >= first && &cls < first + package.classes.size()) return &package;
  }
  return nullptr;
}

const MethodInfo* find_method(const ClassInfo& cls, std::string_view name,
                              std::string_view descriptor) {
  for (const MethodInfo& method : cls.methods) {
    if (method.name == name && method.descriptor == descriptor) return &method;
  }
  return nullptr;
}

const ConstantInfo* find_constant(const ClassInfo& cls, std::string_view name) {
  for (const ConstantInfo& constant : cls.constants) {
    if (constant.name == name) return &constant;
  }
  return nullptr;
}

}  // namespace uicc::api
