// `uicc run`: the card on the virtual reader.
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include <boost/asio/signal_set.hpp>

#include "apdu/vpcd/vpcd_client.h"
#include "card/card.h"
#include "tools/cli/commands.h"
#include "tools/cli/options.h"
#include "util/log.h"

namespace uicc::cli {

namespace {

struct RunOptions {
  CardImageOptions image;
  LoadOptions load;
  std::string vpcd_host = "127.0.0.1";
  std::uint16_t vpcd_port = apdu::kVpcdDefaultPort;
  std::string atr;
  int channels = 4;
  bool trace = false;
};

int run(const RunOptions& options, const std::string& log_level) {
  log::configure(spdlog::level::from_str(log_level), options.trace);
  card::CardOptions card_options = make_card_options(options.image);
  card_options.logical_channels = options.channels;
  if (!options.atr.empty()) card_options.atr = from_hex(options.atr);

  card::Card card(std::move(card_options));
  warn_if_profile_ignored(options.image, card);
  apply_loads(options.load, card);
  auto logger = log::get("cli");
  if (options.image.memory_only) {
    logger->info("card image kept in memory only");
  } else {
    logger->info("card image {}", resolve_image_path(options.image).string());
  }
  logger->info("ATR {}", to_hex(card.atr(), " "));

  boost::asio::io_context io;
  apdu::VpcdClient client(io, card, apdu::VpcdOptions{options.vpcd_host, options.vpcd_port});
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    logger->info("signal {} received, stopping", signal);
    client.stop();
  });
  client.start();
  io.run();
  card.power_off();  // flushes the image
  return EXIT_SUCCESS;
}

}  // namespace

void add_run_command(CLI::App& app, const std::string& log_level) {
  auto options = std::make_shared<RunOptions>();
  auto* command = app.add_subcommand("run", "Attach the card to the virtual PC/SC reader (vsmartcard vpcd)");
  add_image_options(*command, options->image);
  add_load_options(*command, options->load);
  command->add_option("--vpcd-host", options->vpcd_host, "Host where pcscd's vpcd driver listens")
      ->capture_default_str();
  command->add_option("--vpcd-port", options->vpcd_port, "TCP port of the vpcd reader slot")->capture_default_str();
  command->add_option("--atr", options->atr, "ATR to send instead of the default, in hex");
  command->add_option("--channels", options->channels, "Logical channels offered: 4 or 20")
      ->check(CLI::IsMember({4, 20}))
      ->capture_default_str();
  command->add_flag("--trace", options->trace, "Log every APDU and response");
  command->callback([options, &log_level] { std::exit(run(*options, log_level)); });
}

}  // namespace uicc::cli
