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

// A public virtual method that a class inherits from a class of another package and that
// lies inside the class's public method table (below a token the class defines). The class
// gets a method_info that calls the inherited method (or an abstract one), so that every
// entry of the table is an offset in this package.
// NOTE: JCVM 3.0.5 §6.8.2.3 lets such an entry be 0xFFFF, which the runtime's linker reads
// as inherited; the CAP reader's structural check rejects 0xFFFF today, so the converter
// delegates instead. Remove this once the check accepts 0xFFFF.
struct InheritedDelegate {
  const PackageClass* cls = nullptr;
  std::uint8_t token = 0;
  std::string name;
  std::string descriptor;
  std::uint16_t access_flags = 0;
  bool is_abstract = false;
  int super_method_cp = -1;  // the SuperMethodref the delegate invokes
};

// Finds the delegates the package needs and interns their constant pool entries; call it
// before the constant pool is numbered.
std::vector<InheritedDelegate> plan_inherited_delegates(const PackageModel& model,
                                                        ConstantPoolBuilder& pool);

struct CapBuildInput {
  const PackageModel* model = nullptr;
  const ConstantPoolBuilder* pool = nullptr;
  const std::map<const PackageMethod*, TranslatedMethod>* methods = nullptr;
  const std::map<const PackageClass*, StaticValues>* statics = nullptr;
  std::vector<InheritedDelegate> delegates;
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
