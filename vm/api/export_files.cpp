#include "vm/api/export_files.h"

#include <string>

namespace uicc::api {
namespace {

std::string internal_name(std::string_view dotted) {
  std::string out(dotted);
  for (char& c : out) {
    if (c == '.') c = '/';
  }
  return out;
}

}  // namespace

cap::ExportFile export_file_of(const PackageInfo& package) {
  cap::ExportFile file;
  file.version = {2, 1};
  file.package.flags = package.library ? cap::export_package_flags::kLibrary : 0;
  file.package.name = internal_name(package.name);
  file.package.major = package.major;
  file.package.minor = package.minor;
  file.package.aid.assign(package.aid.begin(), package.aid.end());
  for (const ClassInfo& cls : package.classes) {
    cap::ExportClass out;
    out.token = cls.token;
    out.access_flags = cls.flags;
    out.name = internal_name(package.name) + "/" + std::string(cls.name);
    for (std::string_view s : cls.supers) out.supers.push_back(internal_name(s));
    for (std::string_view i : cls.interfaces) out.interfaces.push_back(internal_name(i));
    for (const ConstantInfo& constant : cls.constants) {
      out.fields.push_back({cap::kConstantFieldToken,
                            member_flag::kPublic | member_flag::kStatic | member_flag::kFinal,
                            std::string(constant.name), std::string(1, constant.type),
                            constant.value});
    }
    for (const MethodInfo& method : cls.methods) {
      out.methods.push_back(
          {method.token, method.flags, std::string(method.name), std::string(method.descriptor)});
    }
    file.classes.push_back(std::move(out));
  }
  return file;
}

}  // namespace uicc::api
