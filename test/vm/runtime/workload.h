// The compute workload of the VM benchmark as Java Card bytecode and as C++: fill a 64-byte
// array, bubble-sort it, then CRC-16/CCITT (polynomial 0x1021, initial value FFFF) over a
// 255-byte array; the result is the CRC plus the smallest byte. The Java version is
// test/benchmarks/java/VmWorkload.java.
#pragma once

#include <cstdint>
#include <span>

#include "test/vm/runtime/cap_builder.h"

namespace uicc::vm::test {

inline constexpr const char* kWorkloadPackage = "A0000000071001";

// A package whose only method is static short workload(byte[] data, byte[] sorted).
CapBuilder workload_package();

std::int16_t workload_native(std::span<const std::int8_t> data, std::span<std::int8_t> sorted);

}  // namespace uicc::vm::test
