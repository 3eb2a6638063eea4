// Serves the card of gp_card.h (card manager over the Java Card runtime) to pcscd's vpcd
// driver, so that the integration test reaches it with `uicc gp` and pyscard through pcscd.
//
// Usage: gp_test_card --image FILE --vpcd-port PORT
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

#include <boost/asio/signal_set.hpp>

#include "apdu/vpcd/vpcd_client.h"
#include "test/security_domains/gp_card.h"
#include "util/log.h"

int main(int argc, char** argv) {
  std::string image;
  std::uint16_t port = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string option = argv[i];
    if (option == "--image") {
      image = argv[i + 1];
    } else if (option == "--vpcd-port") {
      port = static_cast<std::uint16_t>(std::stoul(argv[i + 1]));
    } else {
      std::cerr << "unknown option " << option << "\n";
      return EXIT_FAILURE;
    }
  }
  if (image.empty() || port == 0) {
    std::cerr << "usage: gp_test_card --image FILE --vpcd-port PORT\n";
    return EXIT_FAILURE;
  }

  uicc::log::configure(spdlog::level::info, false);
  uicc::test::GpCardOptions options;
  options.image = image;
  uicc::test::GpCard card(std::move(options));

  boost::asio::io_context io;
  uicc::apdu::VpcdClient client(
      io, card, uicc::apdu::VpcdOptions{"127.0.0.1", port, std::chrono::milliseconds(200)});
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code& error, int) {
    if (!error) client.stop();
  });
  client.start();
  io.run();
  card.power_off();
  return EXIT_SUCCESS;
}
