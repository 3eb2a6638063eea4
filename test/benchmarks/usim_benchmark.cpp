// AUTHENTICATE per second: the USIM applet on the VM, in process, against the same Milenage
// computed natively in C++ (card/auth) in the same run. Each 3G challenge carries a fresh SQN,
// so every command is a full successful authentication with its SEQ_MS update.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "card/auth/milenage.h"
#include "card/card.h"
#include "util/log.h"

namespace {

using uicc::Bytes;
using uicc::ByteView;
using uicc::SecretBytes;
using uicc::from_hex;

constexpr std::int64_t kCommands = 100000;

const SecretBytes kK(from_hex("465b5ce8b199b49faa5f0a2ee238a6bc"));
const SecretBytes kOpc(from_hex("cd63cb71954a9f4e48a5994e37a02baf"));
const Bytes kRand = from_hex("23553cbe9637a89d218ae64dae47bf35");

// Commands for SQN = (i + 1) << 5, i = 0..count-1, built before timing starts.
std::vector<Bytes> challenges(std::int64_t count) {
  auto milenage = uicc::auth::Milenage::with_opc(kK, kOpc);
  Bytes ak = milenage.f2345(kRand).ak;
  std::vector<Bytes> commands;
  commands.reserve(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) {
    std::uint64_t sqn_value = static_cast<std::uint64_t>(i + 1) << 5;
    Bytes sqn(6);
    for (int b = 0; b < 6; ++b) sqn[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(sqn_value >> (40 - 8 * b));
    Bytes autn(6);
    for (std::size_t b = 0; b < 6; ++b) autn[b] = sqn[b] ^ ak[b];
    uicc::append(autn, from_hex("8000"));
    uicc::append(autn, milenage.f1(kRand, sqn, from_hex("8000")));
    commands.push_back(from_hex(fmt::format("008800812210{}10{}00", uicc::to_hex(kRand), uicc::to_hex(autn))));
  }
  return commands;
}

void Authenticate3gOnVm(benchmark::State& state) {
  uicc::log::configure(spdlog::level::off, false);
  auto commands = challenges(kCommands);
  uicc::card::Card card;
  card.power_on();
  card.transmit(from_hex("00A4040C07A0000000871002"));
  std::size_t next = 0;
  for (auto _ : state) {
    Bytes response = card.transmit(commands[next++]);
    if (response[0] != 0xDB) state.SkipWithError("AUTHENTICATE did not succeed");
  }
  state.SetItemsProcessed(state.iterations());
}

void AuthenticateGsmOnVm(benchmark::State& state) {
  uicc::log::configure(spdlog::level::off, false);
  uicc::card::Card card;
  card.power_on();
  card.transmit(from_hex("00A4040C07A0000000871002"));
  const Bytes command = from_hex("008800801110" + uicc::to_hex(kRand) + "00");
  for (auto _ : state) benchmark::DoNotOptimize(card.transmit(command));
  state.SetItemsProcessed(state.iterations());
}

// The native baseline: what the applet computes for one successful 3G authentication
// (f2..f5 once, f1 once).
void MilenageNative(benchmark::State& state) {
  auto milenage = uicc::auth::Milenage::with_opc(kK, kOpc);
  const Bytes sqn = from_hex("000000000021");
  const Bytes amf = from_hex("8000");
  for (auto _ : state) {
    auto outputs = milenage.f2345(kRand);
    benchmark::DoNotOptimize(outputs);
    benchmark::DoNotOptimize(milenage.f1(kRand, sqn, amf));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK(Authenticate3gOnVm)->Iterations(kCommands)->Repetitions(3);
BENCHMARK(AuthenticateGsmOnVm)->Repetitions(3);
BENCHMARK(MilenageNative)->Repetitions(3);
BENCHMARK_MAIN();
