// Command-line options shared by the sub-commands that create a card.
#pragma once

#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "card/card.h"

namespace uicc::cli {

struct CardImageOptions {
  std::string image;         // empty: the default path
  bool memory_only = false;  // no image at all
  bool fresh = false;        // delete the image first
};

// --image, --fresh and, unless the card lives in memory by default, --memory.
void add_image_options(CLI::App& command, CardImageOptions& options, bool memory_by_default = false);

// The image path: --image, or $XDG_STATE_HOME/uicc/card.img (~/.local/state/uicc/card.img).
std::filesystem::path resolve_image_path(const CardImageOptions& options);

// Card options for the image choice; creates the image's folder and applies --fresh.
card::CardOptions make_card_options(const CardImageOptions& options);

}  // namespace uicc::cli
