// A readable listing of a CAP file: components, imports, applets, exports, constant pool,
// classes, static fields and a disassembly of every method. Names of the package's own items
// come from the Debug component, names of imported items from export files.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "vm/cap/bytecode.h"
#include "vm/cap/cap_file.h"
#include "vm/cap/export_file.h"

namespace uicc::cap {

// Names for the items a CAP file refers to. Built once per file; every lookup falls back to a
// description by offset or token when no name is known.
class NameResolver {
 public:
  // `exports` are the export files of imported packages, matched to the Import component by
  // AID and major version. The package's own export file, when given, names its public items
  // in a CAP file without a Debug component.
  NameResolver(const CapFile& cap, const std::vector<ExportFile>& exports);

  std::string package(std::uint8_t package_token) const;
  std::string class_name(ClassRef ref) const;
  // A method by its Method component offset ("com/example/Hello.process").
  std::string method_at(std::uint16_t offset) const;
  // The item a constant pool entry names, e.g. "javacard/framework/APDU.getBuffer()[B".
  std::string constant(std::uint16_t index) const;
  // The name of the static field at an offset of the static field image.
  std::string static_field_at(std::uint16_t offset) const;

 private:
  const ExportFile* export_of(std::uint8_t package_token) const;
  void name_from_own_export(const std::vector<ExportFile>& exports);
  std::string member(ClassRef owner, std::uint8_t token, bool is_static, bool is_method) const;

  const CapFile& cap_;
  std::map<std::uint8_t, const ExportFile*> exports_;
  std::map<std::uint16_t, std::string> classes_;        // Class component offset -> name
  std::map<std::uint16_t, std::string> methods_;        // Method component offset -> name
  std::map<std::uint16_t, std::string> static_fields_;  // image offset -> name
  // (class offset, instance field token) -> name
  std::map<std::pair<std::uint16_t, std::uint8_t>, std::string> instance_fields_;
  // (class offset, virtual method token) -> name
  std::map<std::pair<std::uint16_t, std::uint8_t>, std::string> virtual_methods_;
};

// One instruction as text: mnemonic and operands, constant pool entries by name, branch
// targets as method-relative pcs ("ifeq -> 0x001A"). Switches take one line per target.
std::string format_instruction(const Instruction& instruction, const NameResolver* names);

struct DumpOptions {
  bool disassemble = true;  // the Methods section
  bool show_bytes = false;  // the instruction bytes in hex beside each instruction
};

// Writes the listing of a whole CAP file.
void dump_cap(std::ostream& out, const CapFile& cap, const std::vector<ExportFile>& exports,
              const DumpOptions& options = {});

// Reads every *.exp file under the directories (recursively). Files that are not valid
// export files raise FormatError naming the file.
std::vector<ExportFile> load_export_files(const std::vector<std::filesystem::path>& directories);

}  // namespace uicc::cap
