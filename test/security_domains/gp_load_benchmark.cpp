// Load benchmark of the host tool: loads and installs a CAP file through a secure channel,
// then sends as many unprotected APDUs of the same lengths, and prints the median times of
// both as a Markdown table. The unprotected APDUs are LOAD commands outside a secure channel,
// which the security domain rejects (6982, or 6700 for one without data) after parsing them:
// they cost the transport and the dispatch, without cryptography and without the runtime.
//
// Usage: gp_load_benchmark (--reader NAME | --in-process) --cap FILE [--rounds N] [--level HEX]
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "test/security_domains/gp_card.h"
#include "tools/gp/client.h"
#include "tools/gp/transport.h"
#include "util/log.h"

namespace {

using namespace uicc;
using Clock = std::chrono::steady_clock;

const Bytes kIsd = from_hex("A000000151000000");

// Records the length of every command it passes on.
class CountingTransport final : public gp::Transport {
 public:
  explicit CountingTransport(gp::Transport& inner) : inner_(inner) {}
  Bytes transmit(ByteView command) override {
    lengths.push_back(command.size());
    return inner_.transmit(command);
  }
  std::vector<std::size_t> lengths;

 private:
  gp::Transport& inner_;
};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

gp::ChannelOptions channel(std::uint8_t level) {
  SecretBytes key(from_hex("404142434445464748494A4B4C4D4E4F"));
  gp::ChannelOptions options;
  options.keys = sd::scp::StaticKeys{0x30, key, key, key};
  options.security_level = level;
  return options;
}

struct Round {
  double install_ms = 0;
  double plain_ms = 0;
  std::size_t apdus = 0;
};

Round run_round(gp::Transport& transport, const gp::LoadFile& file, std::uint8_t level) {
  Round round;
  CountingTransport counting(transport);
  gp::Client client(counting);

  auto start = Clock::now();
  client.select(kIsd);
  client.open_secure_channel(channel(level));
  client.install(file, gp::Client::InstallOptions{});
  round.install_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  round.apdus = counting.lengths.size();

  // The same number of APDUs with the same lengths, unprotected.
  std::vector<Bytes> plain;
  for (std::size_t length : counting.lengths) {
    // Header, Lc and data, and an Le of 00 when the data field alone cannot fill the length
    // (a LOAD of 255 data bytes with Le is 261 bytes long).
    Bytes command{0x80, 0xE8, 0x00, 0x00};
    if (length > 5) {
      std::size_t data = std::min<std::size_t>(length - 5, 255);
      command.push_back(static_cast<std::uint8_t>(data));
      command.resize(5 + data, 0x00);
    }
    command.resize(length, 0x00);
    plain.push_back(std::move(command));
  }
  gp::Client plain_client(transport);
  plain_client.select(kIsd);
  start = Clock::now();
  for (const Bytes& command : plain) {
    Bytes response = transport.transmit(command);
    if (response.size() != 2 || (response[0] == 0x90 && response[1] == 0x00)) {
      throw std::runtime_error(
          fmt::format("a plain LOAD got {} instead of an error status word", to_hex(response)));
    }
  }
  round.plain_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  // Remove the package for the next round (not timed).
  client.select(kIsd);
  client.open_secure_channel(channel(0x01));
  client.delete_aid(file.package_aid, true);
  return round;
}

}  // namespace

int main(int argc, char** argv) {
  std::string reader;
  std::string cap;
  bool in_process = false;
  int rounds = 5;
  std::uint8_t level = 0x03;
  for (int i = 1; i < argc; ++i) {
    std::string option = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(option + " needs a value");
      return argv[++i];
    };
    if (option == "--reader") {
      reader = value();
    } else if (option == "--in-process") {
      in_process = true;
    } else if (option == "--cap") {
      cap = value();
    } else if (option == "--rounds") {
      rounds = std::stoi(value());
    } else if (option == "--level") {
      level = static_cast<std::uint8_t>(std::stoul(value(), nullptr, 16));
    } else {
      std::cerr << "unknown option " << option << "\n";
      return EXIT_FAILURE;
    }
  }
  if (cap.empty() || (reader.empty() && !in_process) || rounds < 1) {
    std::cerr << "usage: gp_load_benchmark (--reader NAME | --in-process) --cap FILE [--rounds N] "
                 "[--level HEX]\n";
    return EXIT_FAILURE;
  }
  uicc::log::configure(spdlog::level::warn, false);

  gp::LoadFile file = gp::read_cap_file(cap);
  std::unique_ptr<test::GpCard> card;
  std::unique_ptr<gp::Transport> transport;
  if (in_process) {
    card = std::make_unique<test::GpCard>();
    transport = std::make_unique<gp::FunctionTransport>(
        [&card](ByteView command) { return card->transmit(command); });
  } else {
    transport = std::make_unique<gp::PcscTransport>(reader);
  }

  std::vector<double> install;
  std::vector<double> plain;
  std::size_t apdus = 0;
  for (int i = 0; i < rounds; ++i) {
    Round round = run_round(*transport, file, level);
    install.push_back(round.install_ms);
    plain.push_back(round.plain_ms);
    apdus = round.apdus;
  }
  double install_ms = median(install);
  double plain_ms = median(plain);
  std::cout << fmt::format("| {} | {} B | {:02X} | {} | {:.2f} ms | {:.2f} ms | {:.2f} |\n",
                           in_process ? "in process" : "pcscd + vpcd",
                           file.load_file_data_block.size(), level, apdus, install_ms, plain_ms,
                           install_ms / plain_ms);
  return EXIT_SUCCESS;
}
