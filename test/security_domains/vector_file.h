// Reader of the test-vector files under data/: "[Section]" lines, "Field = value" lines, and
// blank lines between entries. Lines starting with '#' are comments (each file names its
// sources there). Values are hex unless the test reads them as text.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "util/secret.h"

namespace uicc::test {

struct Vector {
  std::string file;
  std::size_t line = 0;  // line of the entry's first field
  std::string section;
  std::map<std::string, std::string> fields;

  bool has(const std::string& field) const { return fields.count(field) != 0; }
  // The field as text; throws std::out_of_range naming the entry if it is missing.
  const std::string& text(const std::string& field) const;
  // The field parsed as hex; throws std::invalid_argument naming the entry if it is not hex.
  Bytes bytes(const std::string& field) const;
  SecretBytes secret(const std::string& field) const { return SecretBytes(bytes(field)); }
  // "file:line [section] Name" for failure messages.
  std::string label() const;
};

// Reads every entry of `path`. Throws std::runtime_error if the file cannot be read or a line
// is neither a comment, a section, a field nor blank.
std::vector<Vector> read_vectors(const std::filesystem::path& path);

// The entries of `section` in `path`; throws std::runtime_error if there are none, so a renamed
// section cannot make a test pass vacuously.
std::vector<Vector> read_section(const std::filesystem::path& path, const std::string& section);

}  // namespace uicc::test
