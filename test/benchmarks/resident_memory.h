// The process's resident memory, for the memory benchmarks.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <fstream>

namespace uicc::bench {

// Returns the resident set size of this process in bytes, from /proc/self/statm.
inline std::size_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  std::size_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace uicc::bench
