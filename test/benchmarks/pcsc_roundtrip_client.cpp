// Sends COUNT pairs of SELECT EF.ICCID and READ BINARY through PC/SC and prints the elapsed
// seconds. Usage: pcsc_roundtrip_client READER COUNT
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tools/pcsc/pcsc_reader.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s READER COUNT\n", argv[0]);
    return 2;
  }
  uicc::pcsc::Reader reader(argv[1]);
  const uicc::Bytes select = uicc::from_hex("00A4000C022FE2");
  const uicc::Bytes read = uicc::from_hex("00B000000A");
  long count = std::atol(argv[2]);
  auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    reader.transmit(select);
    reader.transmit(read);
  }
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  std::printf("%.6f\n", elapsed.count());
  return 0;
}
