// Reading cost of CAP files, against baselines measured in the same run: copying the input
// bytes (for the readers) and summing the bytecode bytes (for the instruction decoder).
#include <benchmark/benchmark.h>

#include <numeric>

#include "test/vm/cap/test_caps.h"
#include "vm/cap/bytecode.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::cap {
namespace {

const Bytes& hello_stream() {
  static const Bytes stream = write_cap_components(testing::make_hello_cap());
  return stream;
}

const Bytes& hello_jar() {
  static const Bytes jar = write_cap_jar(testing::make_hello_cap());
  return jar;
}

void BM_CopyStream(benchmark::State& state) {
  for (auto _ : state) {
    Bytes copy = hello_stream();
    benchmark::DoNotOptimize(copy.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(hello_stream().size()));
}
BENCHMARK(BM_CopyStream);

void BM_ReadCapStream(benchmark::State& state) {
  for (auto _ : state) {
    CapFile cap = read_cap(hello_stream());
    benchmark::DoNotOptimize(cap.methods.method_area.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(hello_stream().size()));
}
BENCHMARK(BM_ReadCapStream);

void BM_ReadCapJar(benchmark::State& state) {
  for (auto _ : state) {
    CapFile cap = read_cap(hello_jar());
    benchmark::DoNotOptimize(cap.methods.method_area.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(hello_jar().size()));
}
BENCHMARK(BM_ReadCapJar);

// The bytecode of every method of the test applet, decoded instruction by instruction.
void BM_SumBytecode(benchmark::State& state) {
  const CapFile cap = testing::make_hello_cap();
  const ByteView area = cap.methods.method_area;
  for (auto _ : state) {
    benchmark::DoNotOptimize(std::accumulate(area.begin(), area.end(), 0u));
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(area.size()));
}
BENCHMARK(BM_SumBytecode);

void BM_DecodeBytecode(benchmark::State& state) {
  const CapFile cap = testing::make_hello_cap();
  std::size_t bytes = 0;
  for (const MethodLocation& method : cap.method_locations) bytes += method.bytecode_count;
  for (auto _ : state) {
    for (const MethodLocation& method : cap.method_locations) {
      const ByteView code = cap.methods.bytes_at(method.bytecode_offset, method.bytecode_count);
      for (std::size_t pc = 0; pc < code.size();) {
        const auto instruction = decode_instruction(code, pc);
        benchmark::DoNotOptimize(instruction);
        pc += instruction->length;
      }
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_DecodeBytecode);

}  // namespace
}  // namespace uicc::cap

BENCHMARK_MAIN();
