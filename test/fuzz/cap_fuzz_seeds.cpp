// Writes a seed corpus for cap_reader_fuzz: the assembled test packages in every format, as
// JARs and as component streams. Usage: cap_fuzz_seeds DIRECTORY
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "test/vm/cap/test_caps.h"
#include "vm/cap/cap_writer.h"

int main(int argc, char** argv) {
  using namespace uicc::cap;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIRECTORY\n", argv[0]);
    return 2;
  }
  const std::filesystem::path directory = argv[1];
  std::filesystem::create_directories(directory);
  const auto save = [&](const std::string& name, const uicc::Bytes& data) {
    std::ofstream out(directory / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  };
  for (FormatVersion version : {kFormat21, kFormat22, kFormat23}) {
    const std::string suffix = "_2" + std::to_string(version.minor);
    const CapFile hello = testing::make_hello_cap(version);
    const CapFile library = testing::make_library_cap(version);
    save("hello" + suffix + ".cap", write_cap_jar(hello));
    save("hello" + suffix + ".ijc", write_cap_components(hello, {.include_debug = true}));
    save("library" + suffix + ".cap", write_cap_jar(library));
    save("library" + suffix + ".ijc", write_cap_components(library));
  }
  return 0;
}
