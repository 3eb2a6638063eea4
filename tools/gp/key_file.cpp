#include "tools/gp/key_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace uicc::gp {

namespace {

std::string trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

}  // namespace

KeySet parse_key_file(std::string_view text) {
  KeySet set;
  std::istringstream lines{std::string(text)};
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    std::size_t equals = content.find('=');
    if (equals == std::string::npos) {
      throw KeyFileError(fmt::format("key file line {}: expected \"name = value\"", number));
    }
    std::string name = trim(content.substr(0, equals));
    std::string value = trim(content.substr(equals + 1));
    std::optional<Bytes> bytes = parse_hex(value);
    if (!bytes || bytes->empty()) {
      throw KeyFileError(fmt::format("key file line {}: {} is not hex", number, name));
    }
    if (name == "version") {
      if (bytes->size() != 1)
        throw KeyFileError(fmt::format("key file line {}: version is one byte", number));
      set.version = (*bytes)[0];
      continue;
    }
    if (bytes->size() != 16 && bytes->size() != 24 && bytes->size() != 32) {
      throw KeyFileError(fmt::format("key file line {}: {} has {} bytes, expected 16, 24 or 32",
                                     number, name, bytes->size()));
    }
    SecretBytes key(*bytes);
    std::fill(bytes->begin(), bytes->end(), 0);
    if (name == "key") {
      set.keys.enc = key;
      set.keys.mac = key;
      set.keys.dek = key;
    } else if (name == "enc") {
      set.keys.enc = key;
    } else if (name == "mac") {
      set.keys.mac = key;
    } else if (name == "dek") {
      set.keys.dek = key;
    } else {
      throw KeyFileError(fmt::format("key file line {}: unknown name \"{}\"", number, name));
    }
  }
  if (set.keys.enc.empty() || set.keys.mac.empty() || set.keys.dek.empty()) {
    throw KeyFileError("key file is missing enc, mac or dek (or key for all three)");
  }
  return set;
}

KeySet read_key_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw KeyFileError(fmt::format("cannot open key file {}", path.string()));
  std::stringstream text;
  text << in.rdbuf();
  return parse_key_file(text.str());
}

}  // namespace uicc::gp
