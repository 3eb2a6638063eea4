// Opens arbitrary bytes as a card image: loading must either succeed or throw
// store::ImageError, never crash, hang or allocate without bound.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>

#include "card/card.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/uicc-image-fuzz-" + std::to_string(::getpid()) + ".img";
  uicc::log::configure(spdlog::level::off, false);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    uicc::card::CardOptions options;
    options.image = path;
    uicc::card::Card card(options);
    card.power_on();
    card.transmit(uicc::from_hex("00A4000C022FE2"));
    card.transmit(uicc::from_hex("00B0000000"));
  } catch (const uicc::store::ImageError&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
