// uicc-convert: the SDK's converter alone, for the build. The uicc program embeds applets
// that this tool converts, so the build cannot use uicc itself for them.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"uicc-convert: Java class files of one package to a CAP file and an export file"};
  app.require_subcommand(1);
  app.fallthrough();
  std::string level = "info";
  app.add_option("--log-level", level, "Log level: trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  uicc::cli::add_convert_command(app, level);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "uicc-convert: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
