// In-process APDU round trips: SELECT EF.ICCID then READ BINARY, on a card in memory and on
// a card with an image file (every command flushes the journal), against a plain copy of the
// same response bytes as the floor. Also the resident memory of idle default cards.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "card/card.h"
#include "test/benchmarks/resident_memory.h"
#include "util/log.h"

namespace {

const uicc::Bytes kSelect = uicc::from_hex("00A4000C022FE2");
const uicc::Bytes kRead = uicc::from_hex("00B000000A");
const uicc::Bytes kUpdateRecord = uicc::from_hex("00DC010420" + std::string(64, 'A'));

void SelectAndReadBinary(benchmark::State& state, bool with_image) {
  uicc::log::configure(spdlog::level::off, false);
  uicc::card::CardOptions options;
  auto path = std::filesystem::temp_directory_path() / "uicc-card-benchmark.img";
  std::filesystem::remove(path);
  if (with_image) options.image = path;
  uicc::card::Card card(options);
  card.power_on();
  for (auto _ : state) {
    benchmark::DoNotOptimize(card.transmit(kSelect));
    benchmark::DoNotOptimize(card.transmit(kRead));
  }
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove(path);
}

void UpdateRecordWithImage(benchmark::State& state) {
  uicc::log::configure(spdlog::level::off, false);
  uicc::card::CardOptions options;
  auto path = std::filesystem::temp_directory_path() / "uicc-card-benchmark-update.img";
  std::filesystem::remove(path);
  options.image = path;
  uicc::card::Card card(options);
  card.power_on();
  card.transmit(uicc::from_hex("0020000A083132333435363738"));
  card.transmit(uicc::from_hex("00A4000C022F00"));
  for (auto _ : state) benchmark::DoNotOptimize(card.transmit(kUpdateRecord));
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove(path);
}

// The floor: copying the two responses, as any responder must at least do.
void CopyResponses(benchmark::State& state) {
  const uicc::Bytes select_response = uicc::from_hex("9000");
  const uicc::Bytes read_response = uicc::from_hex("980001010000000000819000");
  for (auto _ : state) {
    uicc::Bytes a = select_response;
    uicc::Bytes b = read_response;
    benchmark::DoNotOptimize(a);
    benchmark::DoNotOptimize(b);
  }
  state.SetItemsProcessed(state.iterations());
}

using uicc::bench::resident_bytes;

// Resident memory added by `count` default cards in memory (file system, USIM applet on the
// runtime, GlobalPlatform registry), each powered on and idle. The first card of a process
// also pays for state all cards share, such as the built-in API's tables.
void IdleDefaultCards(benchmark::State& state) {
  uicc::log::configure(spdlog::level::off, false);
  const auto count = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::vector<std::unique_ptr<uicc::card::Card>> cards;
    cards.reserve(count);
    const std::size_t before = resident_bytes();
    for (std::size_t i = 0; i < count; ++i) {
      cards.push_back(std::make_unique<uicc::card::Card>(uicc::card::CardOptions{}));
      cards.back()->power_on();
    }
    const std::size_t after = resident_bytes();
    state.counters["resident_bytes_per_card"] =
        static_cast<double>(after - before) / static_cast<double>(count);
    state.counters["resident_bytes_before"] = static_cast<double>(before);
  }
}

}  // namespace

BENCHMARK(IdleDefaultCards)->Arg(1)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(SelectAndReadBinary, memory, false);
BENCHMARK_CAPTURE(SelectAndReadBinary, image, true);
BENCHMARK(UpdateRecordWithImage);
BENCHMARK(CopyResponses);
BENCHMARK_MAIN();
