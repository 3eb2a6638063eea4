// The VM's benchmarks, each with its baseline in the same run (figures in
// docs/benchmarks.md):
//  * a compute workload (bubble sort of 64 bytes and CRC-16/CCITT over 255 bytes) as Java Card
//    bytecode on the uicc VM, as C++, and as Java under `java -Xint`;
//  * loading (reading, verifying, linking and storing) a CAP file of about 100 KB, against
//    reading it alone;
//  * persistent field writes outside and inside a transaction against transient array writes,
//    with the journal flushed per command as the card does;
//  * the resident memory of idle card runtimes.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "test/benchmarks/resident_memory.h"
#include "test/vm/runtime/test_api.h"
#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"
#include "test/vm/runtime/workload.h"
#include "util/log.h"
#include "vm/cap/cap_reader.h"

namespace {

using namespace uicc;
using namespace uicc::vm;
using namespace uicc::vm::test;
using O = Opcode;

// A card in memory with one package loaded.
struct Card {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<Runtime> runtime;
  detail::Machine& machine() { return static_cast<detail::Machine&>(runtime->vm()); }
};

Card make_card(const Bytes& cap, const std::filesystem::path& image = {}) {
  log::configure(spdlog::level::off, false);
  Card card;
  card.store = image.empty() ? std::make_unique<store::Store>() : store::Store::open(image);
  card.runtime = std::make_unique<Runtime>(*card.store, test_registry());
  if (!cap.empty()) card.runtime->load_package(cap);
  return card;
}

// --- compute workload ----------------------------------------------------------------------

void Workload_UiccVm(benchmark::State& state) {
  Card card = make_card(encode(workload_package().build()));
  detail::Machine& m = card.machine();
  detail::Package* package = m.find_package(Aid::from_hex(kWorkloadPackage));
  m.context_ = package->context;
  Ref data = m.new_transient_array(ArrayType::byte_array, 255, TransientEvent::clear_on_reset);
  Ref sorted = m.new_transient_array(ArrayType::byte_array, 64, TransientEvent::clear_on_reset);
  m.context_ = kJcreContext;
  for (std::uint32_t i = 0; i < 255; ++i)
    card.store->write(data, i, Bytes{static_cast<std::uint8_t>(i)});
  const detail::Method* method = package->methods.at(0).get();
  const Slot args[] = {data, sorted};
  for (auto _ : state)
    benchmark::DoNotOptimize(m.call(method, args, package->context, detail::kNoApplet));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Workload_UiccVm);

void Workload_Native(benchmark::State& state) {
  std::vector<std::int8_t> data(255);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::int8_t>(i);
  std::vector<std::int8_t> sorted(64);
  for (auto _ : state) {
    benchmark::DoNotOptimize(workload_native(data, sorted));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Workload_Native);

// Runs the Java version once with `iterations` inside the JVM and reports its own CPU time per
// iteration (without JVM start-up) as the iteration time; compare it with the CPU column of the
// other workload benchmarks. The JVM's wall-clock time is the counter wall_ns.
void Workload_JavaXint(benchmark::State& state) {
#ifdef UICC_JAVA_WORKLOAD_DIR
  const int iterations = 2000;
  const std::string command = std::string("java -Xint -cp ") + UICC_JAVA_WORKLOAD_DIR +
                              " VmWorkload " + std::to_string(iterations);
  for (auto _ : state) {
    FILE* pipe = ::popen(command.c_str(), "r");
    double nanoseconds = 0;
    double wall_nanoseconds = 0;
    int result = 0;
    if (pipe == nullptr ||
        std::fscanf(pipe, "%lf %lf %d", &nanoseconds, &wall_nanoseconds, &result) != 3) {
      if (pipe != nullptr) ::pclose(pipe);
      state.SkipWithError("java -Xint did not run");
      return;
    }
    ::pclose(pipe);
    state.SetIterationTime(nanoseconds * 1e-9);
    state.counters["result"] = result;
    state.counters["wall_ns"] = wall_nanoseconds;
  }
  state.SetItemsProcessed(state.iterations());
#else
  state.SkipWithError("built without a Java compiler");
#endif
}
BENCHMARK(Workload_JavaXint)->UseManualTime()->Iterations(3);

// --- loading a large CAP file --------------------------------------------------------------

// About 100 KB: 250 copies of the workload method (about 48 KB of bytecode), 50 KB of
// initialized static array data, and the constant pool entries naming the methods.
Bytes large_cap() {
  CapBuilder workload = workload_package();
  const cap::CapFile one = workload.build();
  CapBuilder b("A0000000081001");
  const ByteView body = ByteView(one.methods.method_area).subspan(2);  // after the method header
  const Bytes code(body.begin(), body.end());
  for (int i = 0; i < 250; ++i) {
    int method = b.add_method({6, 2, 5, code});
    b.cp_static_method(method);
  }
  b.set_static_fields(8, 4, 0);
  for (int i = 0; i < 4; ++i) {
    b.add_array_init(cap::array_init_type::kByte, Bytes(12500, static_cast<std::uint8_t>(i)));
  }
  return encode(b.build());
}

void LoadLargeCap_Runtime(benchmark::State& state) {
  const Bytes cap = large_cap();
  for (auto _ : state) {
    state.PauseTiming();
    Card card = make_card({});
    state.ResumeTiming();
    card.runtime->load_package(cap);
    state.PauseTiming();
    card = Card{};
    state.ResumeTiming();
  }
  state.counters["cap_bytes"] = static_cast<double>(cap.size());
}
BENCHMARK(LoadLargeCap_Runtime)->Unit(benchmark::kMillisecond);

void LoadLargeCap_ReadOnly(benchmark::State& state) {
  const Bytes cap = large_cap();
  for (auto _ : state) benchmark::DoNotOptimize(cap::read_cap(cap));
  state.counters["cap_bytes"] = static_cast<double>(cap.size());
}
BENCHMARK(LoadLargeCap_ReadOnly)->Unit(benchmark::kMillisecond);

// --- persistent and transient writes -------------------------------------------------------

constexpr int kWritesPerCall = 100;

// A package with class Counter (one short field) and three static methods of 100 writes each:
// persistent(Counter), transaction(Counter) and transient(byte[]).
CapBuilder writes_package() {
  CapBuilder b("A0000000091001");
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  const std::uint8_t framework = b.import_package(kFramework, 1, 6);
  const std::uint16_t field = b.cp_instance_field(0, 0);
  const std::uint16_t begin = b.cp_external_static_method(framework, fw::kJcSystem, 1);
  const std::uint16_t commit = b.cp_external_static_method(framework, fw::kJcSystem, 2);
  auto loop = [&](Code& c, bool transient) {
    c.op(O::kSconst0)
        .op(O::kSstore1)
        .label("loop")
        .op(O::kSload1)
        .op(O::kBspush)
        .s1(kWritesPerCall)
        .branch(O::kIfScmpge, "end");
    if (transient) {
      c.op(O::kAload0).op(O::kSconst0).op(O::kSload1).op(O::kBastore);
    } else {
      c.op(O::kAload0).op(O::kSload1).op(O::kPutfieldS, static_cast<std::uint8_t>(field));
    }
    c.op(O::kSinc).u1(1).s1(1).branch(O::kGoto, "loop").label("end");
  };
  Code persistent;
  loop(persistent, false);
  persistent.op(O::kReturn);
  Code transaction;
  transaction.op2(O::kInvokestatic, begin);
  loop(transaction, false);
  transaction.op2(O::kInvokestatic, commit).op(O::kReturn);
  Code transient;
  loop(transient, true);
  transient.op(O::kReturn);
  for (Code* code : {&persistent, &transaction, &transient}) {
    int method = b.add_method({3, 1, 1, code->take()});
    b.cp_static_method(method);
  }
  ClassSpec counter;
  counter.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  counter.declared_instance_size = 1;
  b.add_class(counter);
  return b;
}

// Runs method `index` of the writes package per iteration, flushing the journal after each
// call as the card does before each response.
void Writes(benchmark::State& state, int index) {
  const auto path = std::filesystem::temp_directory_path() / "uicc-vm-benchmark-writes.img";
  std::filesystem::remove(path);
  {
    Card card = make_card(encode(writes_package().build()), path);
    detail::Machine& m = card.machine();
    detail::Package* package = m.find_package(Aid::from_hex("A0000000091001"));
    m.context_ = package->context;
    Ref target =
        index == 2 ? m.new_transient_array(ArrayType::byte_array, 4, TransientEvent::clear_on_reset)
                   : m.allocate_instance(package->classes.at(0).get());
    m.context_ = kJcreContext;
    const detail::Method* method = package->methods.at(static_cast<std::size_t>(index)).get();
    const Slot args[] = {target};
    for (auto _ : state) {
      m.call(method, args, package->context, detail::kNoApplet);
      card.store->flush();
    }
    state.SetItemsProcessed(state.iterations() * kWritesPerCall);
  }
  std::filesystem::remove(path);
}
BENCHMARK_CAPTURE(Writes, Persistent, 0);
BENCHMARK_CAPTURE(Writes, PersistentInTransaction, 1);
BENCHMARK_CAPTURE(Writes, Transient, 2);

// --- memory --------------------------------------------------------------------------------

using uicc::bench::resident_bytes;

// Resident memory added by `count` idle cards, each with the wallet package loaded and one
// instance installed.
void IdleCards(benchmark::State& state) {
  const auto count = static_cast<std::size_t>(state.range(0));
  const Bytes wallet = encode(wallet_package().build());
  for (auto _ : state) {
    std::vector<Card> cards;
    cards.reserve(count);
    const std::size_t before = resident_bytes();
    for (std::size_t i = 0; i < count; ++i) {
      cards.push_back(make_card(wallet));
      cards.back().runtime->install_applet(
          Aid::from_hex(kWalletPackage), Aid::from_hex(kWalletClass),
          Aid::from_hex(kWalletInstance), install_parameters(kWalletInstance));
    }
    const std::size_t after = resident_bytes();
    state.counters["resident_bytes_per_card"] =
        static_cast<double>(after - before) / static_cast<double>(count);
  }
}
BENCHMARK(IdleCards)->Arg(1)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
