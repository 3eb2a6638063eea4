// The converter: the class files of one Java package in, a CAP file and an export file out,
// as Oracle's converter produces them from the same input. Java Card 3.0.5 Virtual Machine
// Specification chapters 4 to 6.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tools/sdk/converter/cap_builder.h"
#include "tools/sdk/converter/class_file.h"
#include "tools/sdk/converter/diagnostics.h"
#include "vm/cap/cap_file.h"
#include "vm/cap/export_file.h"

namespace uicc::sdk {

struct ConverterOptions {
  std::string package_name;  // dotted, "com.example.wallet"
  Bytes package_aid;
  std::uint8_t major = 1;
  std::uint8_t minor = 0;
  std::vector<AppletDeclaration> applets;  // class names in dotted or internal form
  bool int_support = false;
  cap::FormatVersion format = cap::kFormat22;
  // Directories laid out as <dir>/<package path>/javacard/<name>.exp, searched in order.
  std::vector<std::filesystem::path> export_path;
  // Load the result into a VM with the built-in API, which links it and runs the bytecode
  // verifier (convert_to_files only). Imported packages of this project are loaded from the
  // CAP file next to their export file.
  bool verify = true;
};

struct ConversionResult {
  cap::CapFile cap;
  cap::ExportFile export_file;
  std::size_t method_count = 0;
  std::size_t bytecode_size = 0;      // Java Card bytecode of all methods
  std::size_t jvm_bytecode_size = 0;  // javac's bytecode of the same methods
};

// Converts in memory. Throws ConversionError listing every problem found, with class,
// method and source line.
ConversionResult convert_package(const std::vector<ClassFile>& classes,
                                 const std::vector<cap::ExportFile>& imports,
                                 const ConverterOptions& options);

// Reads the class files of a package: every .class file in `root`/<package path>/, not in
// its subdirectories. Throws ConversionError when there is none.
std::vector<ClassFile> load_package_classes(const std::filesystem::path& root,
                                            const std::string& package_name);

// Reads the export file of every package that the classes use, other than their own, from
// the first directory of the export path that has it. Throws ConversionError naming the
// packages without one.
std::vector<cap::ExportFile> load_imports(const std::vector<ClassFile>& classes,
                                          const std::vector<std::filesystem::path>& export_path);

// Loads a converted package into a fresh VM, as a card would: link against the built-in API
// and the CAP files found beside the imported export files, then verify. Throws
// ConversionError with the VM's message if the VM refuses it.
void verify_on_vm(const cap::CapFile& cap, const std::vector<cap::ExportFile>& imports,
                  const std::vector<std::filesystem::path>& export_path, bool int_support);

// Converts a package from disk and writes <out>/<package path>/javacard/<name>.cap and
// <name>.exp. Returns the conversion result.
ConversionResult convert_to_files(const std::filesystem::path& classes_root,
                                  const ConverterOptions& options,
                                  const std::filesystem::path& out_dir);

// The CAP and export file paths the converter writes for a package under `out_dir`.
std::filesystem::path cap_output_path(const std::filesystem::path& out_dir,
                                      const std::string& package_name);
std::filesystem::path export_output_path(const std::filesystem::path& out_dir,
                                         const std::string& package_name);

}  // namespace uicc::sdk
