// Key files of `uicc gp`: "name = hex" lines with the keys of one key set, so keys stay out of
// shell history. Names: key (one value for ENC, MAC and DEK), enc, mac, dek, version (the key
// version number, hex). Lines starting with # are comments.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "security_domains/scp/session.h"

namespace uicc::gp {

class KeyFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct KeySet {
  sd::scp::StaticKeys keys;
  std::optional<std::uint8_t> version;
};

// Parses key file text. Throws KeyFileError naming the line and what is wrong with it.
KeySet parse_key_file(std::string_view text);
KeySet read_key_file(const std::filesystem::path& path);

}  // namespace uicc::gp
