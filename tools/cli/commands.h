// Sub-commands of the uicc program. Each lives in its own <name>_command.cpp and adds itself
// to the CLI11 application; main.cpp calls every add_*_command below.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace uicc::cli {

// `log_level` is the value of the global --log-level option, read when the command runs.
void add_run_command(CLI::App& app, const std::string& log_level);
void add_apdu_command(CLI::App& app, const std::string& log_level);
void add_convert_command(CLI::App& app, const std::string& log_level);
void add_cap_command(CLI::App& app);
void add_gp_command(CLI::App& app);

}  // namespace uicc::cli
