#include "test/security_domains/vector_file.h"

#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

namespace uicc::test {

namespace {

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  std::size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

}  // namespace

const std::string& Vector::text(const std::string& field) const {
  auto it = fields.find(field);
  if (it == fields.end()) throw std::out_of_range(fmt::format("{}: no field {}", label(), field));
  return it->second;
}

Bytes Vector::bytes(const std::string& field) const {
  auto parsed = parse_hex(text(field));
  if (!parsed) throw std::invalid_argument(fmt::format("{}: field {} is not hex", label(), field));
  return *parsed;
}

std::string Vector::label() const {
  auto name = fields.find("Name");
  return fmt::format("{}:{} [{}] {}", file, line, section,
                     name == fields.end() ? std::string() : name->second);
}

std::vector<Vector> read_vectors(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot open test vectors {}", path.string()));

  std::vector<Vector> entries;
  Vector current;
  std::string section;
  std::string raw;
  std::size_t line_number = 0;
  auto finish_entry = [&] {
    if (!current.fields.empty()) entries.push_back(current);
    current = Vector{};
  };

  while (std::getline(in, raw)) {
    ++line_number;
    std::string line = trim(raw);
    if (line.empty()) {
      finish_entry();
      continue;
    }
    if (line[0] == '#') continue;
    if (line.front() == '[' && line.back() == ']') {
      finish_entry();
      section = line.substr(1, line.size() - 2);
      continue;
    }
    std::size_t equals = line.find('=');
    if (equals == std::string::npos) {
      throw std::runtime_error(
          fmt::format("{}:{}: expected 'Field = value'", path.string(), line_number));
    }
    if (current.fields.empty()) {
      current.file = path.filename().string();
      current.line = line_number;
      current.section = section;
    }
    current.fields[trim(line.substr(0, equals))] = trim(line.substr(equals + 1));
  }
  finish_entry();
  return entries;
}

std::vector<Vector> read_section(const std::filesystem::path& path, const std::string& section) {
  std::vector<Vector> selected;
  for (Vector& entry : read_vectors(path)) {
    if (entry.section == section) selected.push_back(std::move(entry));
  }
  if (selected.empty()) {
    throw std::runtime_error(fmt::format("{} has no entries in [{}]", path.string(), section));
  }
  return selected;
}

}  // namespace uicc::test
