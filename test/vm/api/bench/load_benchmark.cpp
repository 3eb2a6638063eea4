// The cost of loading a CAP file without its Descriptor component, when the verifier infers
// every method's signature, against loading the same CAP file with it, in the same run. One
// iteration reads, verifies, links and stores the package into a fresh store. Figures:
// docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include "applets/builtin_applets.h"
#include "test/vm/api/cap_files.h"
#include "util/log.h"
#include "vm/api/builtin_registry.h"
#include "vm/runtime/runtime.h"

namespace uicc::api {
namespace {

// The CAP file as a LOAD file with its Descriptor component: the component stream without
// the Debug component, so that both variants skip the JAR's unzipping alike.
Bytes with_descriptor(ByteView cap_bytes) {
  cap::CapFile cap = cap::read_cap(cap_bytes);
  cap.debug.reset();
  cap::update_directory(cap);
  return cap::write_cap_components(cap);
}

void load(benchmark::State& state, const Bytes& cap) {
  for (auto _ : state) {
    store::Store store;
    vm::Runtime runtime(store, builtin_registry());
    benchmark::DoNotOptimize(runtime.load_package(cap));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(cap.size()));
}

// The runtime's construction without a load, to subtract from the figures above.
void Load_EmptyRuntime(benchmark::State& state) {
  for (auto _ : state) {
    store::Store store;
    vm::Runtime runtime(store, builtin_registry());
    benchmark::DoNotOptimize(&runtime);
  }
}
BENCHMARK(Load_EmptyRuntime);

void Load_UsimWithDescriptor(benchmark::State& state) {
  load(state, with_descriptor(applets::usim_cap()));
}
BENCHMARK(Load_UsimWithDescriptor);

void Load_UsimWithoutDescriptor(benchmark::State& state) {
  load(state, without_descriptor(applets::usim_cap()));
}
BENCHMARK(Load_UsimWithoutDescriptor);

void Load_ApiExerciseWithDescriptor(benchmark::State& state) {
  load(state, with_descriptor(read_file(UICC_API_EXERCISE_CAP)));
}
BENCHMARK(Load_ApiExerciseWithDescriptor);

void Load_ApiExerciseWithoutDescriptor(benchmark::State& state) {
  load(state, without_descriptor(read_file(UICC_API_EXERCISE_CAP)));
}
BENCHMARK(Load_ApiExerciseWithoutDescriptor);

}  // namespace
}  // namespace uicc::api

int main(int argc, char** argv) {
  uicc::log::configure(spdlog::level::off, false);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
