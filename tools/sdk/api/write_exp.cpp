// Writes the export files of the built-in API packages under a directory, in the layout
// converters search: <dir>/<package path>/javacard/<name>.exp.
//
// Usage: uicc_api_exp_writer DIR
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "vm/api/export_files.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTPUT_DIRECTORY\n", argv[0]);
    return 2;
  }
  const std::filesystem::path directory = argv[1];
  for (const uicc::api::PackageInfo& package : uicc::api::builtin_packages()) {
    const std::filesystem::path path = uicc::cap::export_file_path(directory, package.name);
    const uicc::Bytes bytes = uicc::cap::write_export_file(uicc::api::export_file_of(package));
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.string().c_str());
      return 1;
    }
  }
  return 0;
}
