#include "tools/cli/options.h"

#include <cstdlib>

#include "card/profile_file.h"
#include "util/log.h"

namespace uicc::cli {

void add_image_options(CLI::App& command, CardImageOptions& options, bool memory_by_default) {
  options.memory_only = memory_by_default;
  command.add_option("--image", options.image,
                     memory_by_default ? "Card image file holding all persistent state (default: a card in memory)"
                                       : "Card image file holding all persistent state (default: "
                                         "$XDG_STATE_HOME/uicc/card.img, else ~/.local/state/uicc/card.img)");
  if (!memory_by_default) {
    command.add_flag("--memory", options.memory_only, "Keep the card in memory only, with no image file");
  }
  command.add_flag("--fresh", options.fresh, "Delete the card image first, so a new card is created");
  command.add_option("--profile", options.profile,
                     "Profile file (TOML) for a new card image; an existing image keeps its content")
      ->check(CLI::ExistingFile);
}

std::filesystem::path resolve_image_path(const CardImageOptions& options) {
  if (!options.image.empty()) return options.image;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state != nullptr && *state != '\0') {
    return std::filesystem::path(state) / "uicc" / "card.img";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".local" / "state" / "uicc" / "card.img";
}

card::CardOptions make_card_options(const CardImageOptions& options) {
  card::CardOptions card_options;
  if (!options.profile.empty()) card_options.profile = card::load_profile(options.profile);
  bool use_image = !options.memory_only || !options.image.empty();
  if (!use_image) return card_options;
  auto path = resolve_image_path(options);
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  if (options.fresh) std::filesystem::remove(path);
  card_options.image = path;
  return card_options;
}

void warn_if_profile_ignored(const CardImageOptions& options, const card::Card& card) {
  if (!options.profile.empty() && !card.created_from_profile()) {
    log::get("cli")->warn("the existing card image was kept, so --profile {} was not applied; add --fresh to "
                          "create the card from the profile",
                          options.profile);
  }
}

}  // namespace uicc::cli
