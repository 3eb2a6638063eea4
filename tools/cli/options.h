// Command-line options shared by the sub-commands that create a card.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "card/card.h"

namespace uicc::cli {

struct CardImageOptions {
  std::string image;         // empty: the default path
  bool memory_only = false;  // no image at all
  bool fresh = false;        // delete the image first
  std::string profile;       // profile file for a new image; empty: the built-in profile
};

// --image, --fresh, --profile and, unless the card lives in memory by default, --memory.
void add_image_options(CLI::App& command, CardImageOptions& options, bool memory_by_default = false);

// The image path: --image, or $XDG_STATE_HOME/uicc/card.img (~/.local/state/uicc/card.img).
std::filesystem::path resolve_image_path(const CardImageOptions& options);

// Card options for the image and profile choice; creates the image's folder, applies
// --fresh and loads the profile file (throwing card::ProfileError for a bad one).
card::CardOptions make_card_options(const CardImageOptions& options);

// Logs a warning when --profile was given but the card kept an existing image.
void warn_if_profile_ignored(const CardImageOptions& options, const card::Card& card);

// CAP files to load into the card before it starts, and applets to install from them.
struct LoadOptions {
  std::vector<std::string> caps;
  // CLASS_AID[:INSTANCE_AID[:PARAMETERS[:PRIVILEGES]]], hex; none given: every applet class of
  // each loaded package, under its class AID.
  std::vector<std::string> installs;
};

// --load and --install.
void add_load_options(CLI::App& command, LoadOptions& options);

// Loads the CAP files into `card` (a package already on the card is kept) and installs the
// applets, as the Java Card runtime would after GlobalPlatform's INSTALL [for load], LOAD and
// INSTALL [for install]. Throws std::invalid_argument for a malformed install option and the
// runtime's LoadError or RuntimeError.
void apply_loads(const LoadOptions& options, card::Card& card);

}  // namespace uicc::cli
