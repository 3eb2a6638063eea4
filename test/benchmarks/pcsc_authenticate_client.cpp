// Sends COUNT 3G AUTHENTICATE commands with fresh SQNs to the default card's USIM through
// PC/SC, then COUNT READ BINARY commands of EF.IMSI, and prints both elapsed times in seconds.
// The challenges are computed before timing with card/auth's Milenage for 3GPP TS 35.208
// test set 1, the default profile's subscriber.
// Usage: pcsc_authenticate_client READER COUNT
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "card/auth/milenage.h"
#include "tools/pcsc/pcsc_reader.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s READER COUNT\n", argv[0]);
    return 2;
  }
  long count = std::atol(argv[2]);
  const uicc::Bytes rand = uicc::from_hex("23553cbe9637a89d218ae64dae47bf35");
  auto milenage = uicc::auth::Milenage::with_opc(uicc::SecretBytes(uicc::from_hex("465b5ce8b199b49faa5f0a2ee238a6bc")),
                                                uicc::SecretBytes(uicc::from_hex("cd63cb71954a9f4e48a5994e37a02baf")));
  uicc::Bytes ak = milenage.f2345(rand).ak;
  std::vector<uicc::Bytes> commands;
  for (long i = 0; i < count; ++i) {
    std::uint64_t value = static_cast<std::uint64_t>(i + 1) << 5;
    uicc::Bytes sqn(6);
    for (int b = 0; b < 6; ++b) sqn[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(value >> (40 - 8 * b));
    uicc::Bytes autn(6);
    for (std::size_t b = 0; b < 6; ++b) autn[b] = sqn[b] ^ ak[b];
    uicc::append(autn, uicc::from_hex("8000"));
    uicc::append(autn, milenage.f1(rand, sqn, uicc::from_hex("8000")));
    commands.push_back(uicc::from_hex(fmt::format("008800812210{}10{}00", uicc::to_hex(rand), uicc::to_hex(autn))));
  }

  uicc::pcsc::Reader reader(argv[1]);
  reader.transmit(uicc::from_hex("00A4040C07A0000000871002"));
  auto start = std::chrono::steady_clock::now();
  for (const auto& command : commands) {
    uicc::Bytes response = reader.transmit(command);
    if (response.empty() || response[0] != 0xDB) {
      std::fprintf(stderr, "AUTHENTICATE failed: %s\n", uicc::to_hex(response).c_str());
      return 1;
    }
  }
  std::chrono::duration<double> authenticate = std::chrono::steady_clock::now() - start;

  reader.transmit(uicc::from_hex("00A4000C026F07"));
  const uicc::Bytes read = uicc::from_hex("00B0000009");
  start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) reader.transmit(read);
  std::chrono::duration<double> plain = std::chrono::steady_clock::now() - start;
  std::printf("%.6f %.6f\n", authenticate.count(), plain.count());
  return 0;
}
