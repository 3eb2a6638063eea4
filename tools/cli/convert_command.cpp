// `uicc convert`: the SDK's converter, from the class files of one Java package to a CAP file
// and an export file.
#include <iostream>

#include <fmt/format.h>

#include "tools/cli/commands.h"
#include "tools/sdk/converter/converter.h"
#include "tools/sdk/converter/package_config.h"
#include "util/log.h"

namespace uicc::cli {
namespace {

struct ConvertOptions {
  std::string classes;
  std::string config;
  std::string package_name;
  std::string aid;
  std::string version;
  std::vector<std::string> applets;
  std::vector<std::string> export_path;
  std::string out = ".";
  bool int_support = false;
  bool no_verify = false;
  std::string cap_format = "2.2";
};

int run(const ConvertOptions& cli, const std::string& log_level) {
  log::configure(spdlog::level::from_str(log_level), false);
  sdk::ConverterOptions options;
  if (!cli.config.empty()) sdk::read_package_config(cli.config, options);
  if (!cli.package_name.empty()) options.package_name = cli.package_name;
  if (!cli.aid.empty()) options.package_aid = sdk::parse_aid(cli.aid);
  if (!cli.version.empty())
    std::tie(options.major, options.minor) = sdk::parse_version(cli.version);
  if (cli.int_support) options.int_support = true;
  options.verify = !cli.no_verify;
  for (const auto& applet : cli.applets) options.applets.push_back(sdk::parse_applet(applet));
  for (const auto& dir : cli.export_path) options.export_path.emplace_back(dir);
  options.format = cli.cap_format == "2.1" ? cap::kFormat21 : cap::kFormat22;
  if (options.package_name.empty())
    throw std::invalid_argument("no package: give --package or --config");
  if (options.package_aid.empty())
    throw std::invalid_argument("no package AID: give --aid or --config");

  sdk::ConversionResult result = sdk::convert_to_files(cli.classes, options, cli.out);
  std::cout << fmt::format("{}: {} methods, {} bytes of Java Card bytecode ({} of JVM bytecode)\n",
                           sdk::cap_output_path(cli.out, options.package_name).string(),
                           result.method_count, result.bytecode_size, result.jvm_bytecode_size);
  std::cout << sdk::export_output_path(cli.out, options.package_name).string() << "\n";
  return 0;
}

}  // namespace

void add_convert_command(CLI::App& app, const std::string& log_level) {
  auto options = std::make_shared<ConvertOptions>();
  CLI::App* command = app.add_subcommand(
      "convert", "Convert the class files of a Java package to a CAP file and an export file");
  command
      ->add_option("classes", options->classes,
                   "Root of the compiled classes (javac -d), holding <package path>/*.class")
      ->required();
  command->add_option("--config", options->config,
                      "TOML file with package, aid, version, int and [[applet]] class/aid entries");
  command->add_option("--package", options->package_name,
                      "Package to convert, e.g. com.example.wallet");
  command->add_option("--aid", options->aid,
                      "Package AID, hex (A000000062030101) or 0xA0:0x00:... as Oracle's converter");
  command->add_option("--version", options->version, "Package version major.minor (default 1.0)");
  command->add_option("--applet", options->applets, "Applet as CLASS:AID; repeat for each applet");
  command->add_option(
      "--exp-path", options->export_path,
      "Directory of export files (<dir>/<package path>/javacard/<name>.exp); repeat "
      "to search several");
  command->add_option(
      "--out", options->out,
      "Output directory; the files go to <out>/<package path>/javacard/ (default .)");
  command->add_flag("--int", options->int_support, "Allow the optional int type (sets ACC_INT)");
  command->add_flag("--no-verify", options->no_verify,
                    "Skip loading the result into the VM, which links and verifies it");
  command
      ->add_option("--cap-format", options->cap_format,
                   "CAP file format version: 2.1 or 2.2 (default)")
      ->check(CLI::IsMember({"2.1", "2.2"}));
  command->callback([options, &log_level] {
    int status = run(*options, log_level);
    if (status != 0) throw CLI::RuntimeError(status);
  });
}

}  // namespace uicc::cli
