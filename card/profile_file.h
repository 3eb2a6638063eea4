// Profiles in a human-readable TOML file, validated field by field. docs/profiles.md
// describes the format; every error names the field and the rejected value.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "card/profile.h"

namespace uicc::card {

// A profile file that cannot be used: the message starts with "FILE:" and names the field.
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Profile load_profile(const std::filesystem::path& path);
// Parses profile text; `origin` names it in error messages.
Profile parse_profile(std::string_view text, const std::string& origin);

}  // namespace uicc::card
