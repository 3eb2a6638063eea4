// The uicc program: runs the emulated card and the tools around it.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"
#include "util/log.h"

int main(int argc, char** argv) {
  CLI::App app{"uicc: a UICC with a Java Card VM, on a PC/SC virtual reader"};
  app.require_subcommand(1);
  app.fallthrough();  // global options such as --log-level may follow the sub-command
  app.set_version_flag("--version", "uicc 0.1.0");
  std::string level = "info";
  app.add_option("--log-level", level, "Log level: trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  app.parse_complete_callback([&] { uicc::log::configure(spdlog::level::from_str(level), false); });

  uicc::cli::add_run_command(app, level);
  uicc::cli::add_apdu_command(app, level);
  uicc::cli::add_convert_command(app, level);
  uicc::cli::add_cap_command(app);
  uicc::cli::add_gp_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::cerr << "uicc: " << e.what() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
