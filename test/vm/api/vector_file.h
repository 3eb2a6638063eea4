// Reads the test vector files of data/: records of "Name = value" lines separated by blank
// lines, with '#' comments. Each record also gets "Line", the line number where it starts.
#pragma once

#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace uicc::api::test {

using Record = std::map<std::string, std::string>;

inline std::vector<Record> read_vectors(const std::string& name) {
  const std::string path = std::string(UICC_API_TEST_DATA) + "/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test vectors " + path);
  std::vector<Record> records;
  Record current;
  std::string line;
  int number = 0;
  auto flush = [&] {
    if (!current.empty()) records.push_back(current);
    current.clear();
  };
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line[0] == '#') continue;
    const auto eq = line.find(" =");
    if (eq == std::string::npos) {
      flush();
      continue;
    }
    if (current.empty()) current["Line"] = std::to_string(number);
    std::string value = line.substr(eq + 2);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    current[line.substr(0, eq)] = value;
  }
  flush();
  return records;
}

// The message of a record: "Text" as ASCII or "Message"/"Plaintext" as hex.
inline Bytes message_of(const Record& record, const std::string& hex_field = "Message") {
  if (auto it = record.find("Text"); it != record.end())
    return Bytes(it->second.begin(), it->second.end());
  return from_hex(record.at(hex_field));
}

inline std::string where(const Record& record, const std::string& file) {
  return file + ":" + record.at("Line") + " " + record.at("Algorithm");
}

}  // namespace uicc::api::test
