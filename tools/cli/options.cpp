#include "tools/cli/options.h"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "card/profile_file.h"
#include "tools/sdk/converter/card_loader.h"
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

void add_load_options(CLI::App& command, LoadOptions& options) {
  command.add_option("--load", options.caps, "CAP file (JAR or component stream) to load into the card first")
      ->check(CLI::ExistingFile)
      ->allow_extra_args(false);
  command.add_option("--install", options.installs,
                     "Applet to install: CLASS_AID[:INSTANCE_AID[:PARAMETERS[:PRIVILEGES]]] in hex; "
                     "without --install, every applet of the loaded packages is installed")
      ->allow_extra_args(false);
}

namespace {

sdk::InstallSpec parse_install(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t colon; (colon = text.find(':', start)) != std::string::npos; start = colon + 1) {
    parts.push_back(text.substr(start, colon - start));
  }
  parts.push_back(text.substr(start));
  if (parts.size() > 4) throw std::invalid_argument(fmt::format("--install {}: more than four fields", text));
  auto field = [&](std::size_t i, const char* name) {
    auto bytes = parse_hex(parts[i]);
    if (!bytes) throw std::invalid_argument(fmt::format("--install {}: {} '{}' is not hex", text, name, parts[i]));
    return *bytes;
  };
  sdk::InstallSpec spec;
  spec.class_aid = field(0, "class AID");
  if (parts.size() > 1) spec.instance_aid = field(1, "instance AID");
  if (parts.size() > 2) spec.parameters = field(2, "parameters");
  if (parts.size() > 3) spec.privileges = field(3, "privileges");
  for (const Bytes* aid : {&spec.class_aid, &spec.instance_aid}) {
    if (!aid->empty() && (aid->size() < 5 || aid->size() > 16)) {
      throw std::invalid_argument(fmt::format("--install {}: an AID has {} bytes, expected 5 to 16", text, aid->size()));
    }
  }
  if (spec.class_aid.empty()) throw std::invalid_argument(fmt::format("--install {}: the class AID is missing", text));
  return spec;
}

}  // namespace

void apply_loads(const LoadOptions& options, card::Card& card) {
  if (options.caps.empty() && options.installs.empty()) return;
  vm::Runtime& runtime = card.runtime();
  auto logger = log::get("cli");

  std::vector<vm::PackageInfo> loaded;
  for (const auto& path : options.caps) {
    std::ifstream in(path, std::ios::binary);
    Bytes cap((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      loaded.push_back(runtime.load_package(cap));
      logger->info("loaded {} (package {})", path, loaded.back().aid.to_hex());
    } catch (const vm::LoadError& e) {
      if (e.code() != vm::LoadError::Code::already_loaded) throw;
      logger->info("{}: the package is on the card already", path);
    }
  }

  std::vector<sdk::InstallSpec> installs;
  for (const auto& text : options.installs) installs.push_back(parse_install(text));
  if (installs.empty()) {
    for (const auto& package : loaded) {
      for (const auto& applet_class : package.applet_classes) {
        sdk::InstallSpec spec;
        spec.class_aid.assign(applet_class.bytes().begin(), applet_class.bytes().end());
        installs.push_back(spec);
      }
    }
  }

  for (const auto& spec : installs) {
    vm::Aid class_aid(spec.class_aid);
    vm::Aid instance(spec.instance_aid.empty() ? spec.class_aid : spec.instance_aid);
    if (runtime.find_applet(instance)) {
      logger->info("applet {} is installed already", instance.to_hex());
      continue;
    }
    std::optional<vm::Aid> package;
    for (const auto& info : runtime.packages()) {
      for (const auto& candidate : info.applet_classes) {
        if (candidate == class_aid) package = info.aid;
      }
    }
    if (!package) {
      throw std::invalid_argument(fmt::format("--install: no package on the card has applet class {}", class_aid.to_hex()));
    }
    runtime.install_applet(*package, class_aid, instance, sdk::install_parameters(spec));
    logger->info("installed applet {} of class {}", instance.to_hex(), class_aid.to_hex());
  }
  card.refresh_applets();
  card.store().flush();
}

}  // namespace uicc::cli
