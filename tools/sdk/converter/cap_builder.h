// Assembly of the CAP file components and of the export file from the translated package.
// Java Card 3.0.5 Virtual Machine Specification chapter 6 (CAP file format) and chapter 5
// (export file format).
#pragma once

#include <map>
#include <vector>

#include "tools/sdk/converter/diagnostics.h"
#include "tools/sdk/converter/jc_code.h"
#include "tools/sdk/converter/method_translator.h"
#include "tools/sdk/converter/package_model.h"
#include "tools/sdk/converter/static_init.h"
#include "vm/cap/cap_file.h"
#include "vm/cap/export_file.h"

namespace uicc::sdk {

struct AppletDeclaration {
  std::string class_name;  // internal form
  Bytes aid;
};

struct CapBuildInput {
  const PackageModel* model = nullptr;
  const ConstantPoolBuilder* pool = nullptr;
  const std::map<const PackageMethod*, TranslatedMethod>* methods = nullptr;
  const std::map<const PackageClass*, StaticValues>* statics = nullptr;
  Bytes package_aid;
  std::uint8_t major = 1;
  std::uint8_t minor = 0;
  std::vector<AppletDeclaration> applets;
  cap::FormatVersion format = cap::kFormat22;
  bool uses_int = false;
};

// Builds every component. Problems the translation could not see (an applet class without
// install, a CAP component over 64 KB) are added to `diagnostics`.
cap::CapFile build_cap(const CapBuildInput& input, Diagnostics& diagnostics);

// The export file of the package: every public class and interface of a library, the
// public shareable interfaces of an applet package.
cap::ExportFile build_export_file(const PackageModel& model, const Bytes& package_aid,
                                  std::uint8_t major, std::uint8_t minor, bool has_applets);

}  // namespace uicc::sdk
