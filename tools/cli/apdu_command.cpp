// `uicc apdu`: send APDUs to a card in this process or in any PC/SC reader and print each
// response with the meaning of its status word.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "apdu/status_word.h"
#include "card/card.h"
#include "tools/cli/commands.h"
#include "tools/cli/options.h"
#include "tools/pcsc/pcsc_reader.h"
#include "util/log.h"

namespace uicc::cli {

namespace {

struct ApduOptions {
  CardImageOptions image;
  LoadOptions load;
  std::string reader;
  std::string script;
  std::vector<std::string> apdus;
  bool trace = false;
};

// One step of a script: an APDU, or a power directive.
struct Step {
  enum class Kind { apdu, reset, power_off, power_on } kind = Kind::apdu;
  Bytes apdu;
  std::string origin;  // "argument 2" or "script.txt:14", for error messages
};

std::string trim(std::string_view text) {
  auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  auto end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

Step parse_step(const std::string& text, const std::string& origin) {
  if (text == "reset") return Step{Step::Kind::reset, {}, origin};
  if (text == "power-off") return Step{Step::Kind::power_off, {}, origin};
  if (text == "power-on") return Step{Step::Kind::power_on, {}, origin};
  auto bytes = parse_hex(text);
  if (!bytes) throw std::invalid_argument(fmt::format("{}: '{}' is neither hex nor a directive (reset, power-off, power-on)", origin, text));
  return Step{Step::Kind::apdu, *bytes, origin};
}

std::vector<Step> collect_steps(const ApduOptions& options) {
  std::vector<Step> steps;
  if (!options.script.empty()) {
    std::ifstream in(options.script);
    if (!in) throw std::invalid_argument(fmt::format("cannot open script '{}'", options.script));
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      std::string text = trim(line.substr(0, line.find('#')));
      if (!text.empty()) steps.push_back(parse_step(text, fmt::format("{}:{}", options.script, number)));
    }
  }
  for (std::size_t i = 0; i < options.apdus.size(); ++i) {
    steps.push_back(parse_step(trim(options.apdus[i]), fmt::format("argument {}", i + 1)));
  }
  return steps;
}

// The two kinds of card the command talks to.
class Target {
 public:
  virtual ~Target() = default;
  virtual Bytes atr() = 0;
  virtual Bytes transmit(ByteView apdu) = 0;
  virtual void reset() = 0;
  virtual void power_off() = 0;
  virtual void power_on() = 0;
};

class InProcessTarget : public Target {
 public:
  InProcessTarget(const CardImageOptions& image, const LoadOptions& load) : card_(make_card_options(image)) {
    warn_if_profile_ignored(image, card_);
    apply_loads(load, card_);
    card_.power_on();
  }
  Bytes atr() override { return card_.atr(); }
  Bytes transmit(ByteView apdu) override { return card_.transmit(apdu); }
  void reset() override { card_.reset(); }
  void power_off() override { card_.power_off(); }
  void power_on() override { card_.power_on(); }

 private:
  card::Card card_;
};

class ReaderTarget : public Target {
 public:
  explicit ReaderTarget(const std::string& name) : reader_(name) {}
  Bytes atr() override { return reader_.atr(); }
  Bytes transmit(ByteView apdu) override { return reader_.transmit(apdu); }
  void reset() override { reader_.reset(); }
  void power_off() override { reader_.reset(); }  // PC/SC offers no plain power-off in shared mode
  void power_on() override {}

 private:
  pcsc::Reader reader_;
};

int run(const ApduOptions& options, const std::string& log_level) {
  log::configure(spdlog::level::from_str(log_level), options.trace);
  std::vector<Step> steps = collect_steps(options);

  std::unique_ptr<Target> target;
  if (!options.reader.empty()) {
    if (!options.load.caps.empty() || !options.load.installs.empty()) {
      throw std::invalid_argument("--load and --install act on the card in this process, not on --reader");
    }
    target = std::make_unique<ReaderTarget>(options.reader);
  } else {
    target = std::make_unique<InProcessTarget>(options.image, options.load);
  }
  std::cout << "ATR " << to_hex(target->atr(), " ") << "\n";

  for (const Step& step : steps) {
    switch (step.kind) {
      case Step::Kind::reset:
        target->reset();
        std::cout << "-- reset, ATR " << to_hex(target->atr(), " ") << "\n";
        continue;
      case Step::Kind::power_off:
        target->power_off();
        std::cout << "-- power off\n";
        continue;
      case Step::Kind::power_on:
        target->power_on();
        std::cout << "-- power on\n";
        continue;
      case Step::Kind::apdu:
        break;
    }
    std::cout << "> " << to_hex(step.apdu, " ") << "\n";
    Bytes response = target->transmit(step.apdu);
    if (response.size() < 2) {
      std::cerr << "uicc apdu: " << step.origin << ": response of " << response.size() << " bytes has no status word\n";
      return EXIT_FAILURE;
    }
    apdu::StatusWord sw(response[response.size() - 2], response.back());
    ByteView data = ByteView(response).first(response.size() - 2);
    if (!data.empty()) std::cout << "< " << to_hex(data, " ") << "\n";
    std::cout << "< " << fmt::format("{}", sw) << " (" << apdu::describe(sw) << ")\n";
  }
  return EXIT_SUCCESS;
}

}  // namespace

void add_apdu_command(CLI::App& app, const std::string& log_level) {
  auto options = std::make_shared<ApduOptions>();
  auto* command = app.add_subcommand(
      "apdu", "Send APDUs to a card in this process (default) or in a PC/SC reader, and print the responses");
  add_image_options(*command, options->image, /*memory_by_default=*/true);
  add_load_options(*command, options->load);
  command->add_option("--reader", options->reader, "PC/SC reader name, or its index in the reader list");
  command->add_option("--script", options->script,
                      "File with one APDU in hex per line; '#' starts a comment; the lines reset, "
                      "power-off and power-on act on the card");
  command->add_option("apdus", options->apdus, "APDUs in hex, sent after the script");
  command->add_flag("--trace", options->trace, "Log every APDU inside the in-process card");
  command->callback([options, &log_level] { std::exit(run(*options, log_level)); });
}

}  // namespace uicc::cli
