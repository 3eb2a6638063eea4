// `uicc cap dump FILE`: prints a CAP file's components, imports, applets, exports, constant
// pool, classes and a disassembly of every method.
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/disassembler.h"

namespace uicc::cli {

namespace {

struct CapDumpArguments {
  std::string file;
  std::vector<std::string> export_paths;
  bool no_code = false;
  bool bytes = false;
};

void run_cap_dump(const CapDumpArguments& arguments) {
  const cap::CapFile file = cap::read_cap_file(arguments.file);
  std::vector<std::filesystem::path> directories(arguments.export_paths.begin(),
                                                 arguments.export_paths.end());
  const std::vector<cap::ExportFile> exports = cap::load_export_files(directories);
  cap::dump_cap(std::cout, file, exports,
                cap::DumpOptions{.disassemble = !arguments.no_code, .show_bytes = arguments.bytes});
}

}  // namespace

void add_cap_command(CLI::App& app) {
  CLI::App* cap = app.add_subcommand("cap", "Inspect CAP files");
  cap->require_subcommand(1);

  auto arguments = std::make_shared<CapDumpArguments>();
  CLI::App* dump = cap->add_subcommand(
      "dump",
      "Print a CAP file (a JAR, or the component stream of a GlobalPlatform LOAD): components, "
      "imports, applets, exports, constant pool, classes and the bytecode of every method");
  dump->add_option("file", arguments->file, "CAP file to read")
      ->required()
      ->check(CLI::ExistingFile);
  dump->add_option("--exp-path", arguments->export_paths,
                   "Directory searched recursively for the .exp files of imported packages, to "
                   "name their classes, methods and fields (repeatable)")
      ->check(CLI::ExistingDirectory);
  dump->add_flag("--no-code", arguments->no_code, "Leave out the disassembly of the methods");
  dump->add_flag("--bytes", arguments->bytes, "Show each instruction's bytes in hex");
  dump->callback([arguments] { run_cap_dump(*arguments); });
}

}  // namespace uicc::cli
