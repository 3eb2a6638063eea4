// The cost of the org.globalplatform services as an applet uses them. The baseline, measured in
// the same run, is a command that the applet processes without the API. The card is
// gp_card.h's (card manager, Java Card runtime, in-memory store). Figures:
// docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include "security_domains/scp/host.h"
#include "test/security_domains/gp_card.h"
#include "tools/gp/cap_file.h"
#include "tools/gp/client.h"
#include "tools/gp/commands.h"
#include "util/crypto.h"
#include "util/log.h"

namespace uicc::gp {
namespace {

const Bytes kIsd = from_hex("A000000151000000");
const Bytes kApplet = from_hex("F075696363020301");

sd::scp::StaticKeys test_keys() {
  SecretBytes key(from_hex("404142434445464748494A4B4C4D4E4F"));
  return sd::scp::StaticKeys{0x30, key, key, key};
}

apdu::Command command(const std::string& hex) {
  return std::get<apdu::Command>(apdu::parse_command(from_hex(hex)));
}

// The test applet installed with CVM Management, and the global PIN "1234" with 100 tries.
struct Bench {
  test::GpCard card;
  FunctionTransport transport{[this](ByteView bytes) { return card.transmit(bytes); }};
  Client client{transport};
  std::unique_ptr<sd::scp::Session> applet_session;

  Bench() {
    log::configure(spdlog::level::warn, false);
    open_isd(0x01);
    Client::InstallOptions options;
    options.privileges = Bytes{0x02};
    client.install(read_cap_file(UICC_GP_API_APPLET_CAP), options);
    client.select(kApplet);
    expect(client.transmit(command("8026640000")), "setTryLimit");
    expect(client.transmit(command("802401000431323334")), "update");
  }

  void open_isd(std::uint8_t level) {
    client.select(kIsd);
    ChannelOptions channel;
    channel.keys = test_keys();
    channel.security_level = level;
    client.open_secure_channel(channel);
  }

  // Opens the domain's SCP03 session through the applet at C-MAC and C-DECRYPTION.
  void open_applet_session() {
    client.select(kApplet);
    const Bytes challenge = crypto::random_bytes(8);
    apdu::Response initialize = client.transmit(sd::scp::initialize_update_command(0, challenge));
    expect(initialize, "INITIALIZE UPDATE");
    auto parsed = sd::scp::parse_initialize_update_response(initialize.data);
    sd::scp::OpenedSession opened = sd::scp::open_session(test_keys(), challenge, parsed, 0x03);
    expect(client.transmit(opened.external_authenticate), "EXTERNAL AUTHENTICATE");
    applet_session = std::move(opened.session);
  }

  static void expect(const apdu::Response& response, const char* operation) {
    if (response.sw != apdu::sw::ok) {
      throw std::runtime_error(fmt::format("{} failed with {:04X}", operation, response.sw.value));
    }
  }
};

// Baseline: a command that the applet serves from its own fields (INS 40).
void BM_AppletCommand(benchmark::State& state) {
  Bench bench;
  bench.client.select(kApplet);
  const apdu::Command read = command("8040000000");
  for (auto _ : state) {
    apdu::Response response = bench.client.transmit(read);
    if (response.sw != apdu::sw::ok) state.SkipWithError("applet command failed");
  }
}
BENCHMARK(BM_AppletCommand);

// A 32-byte command with C-MAC and C-DECRYPTION, unwrapped by SecureChannel.unwrap and echoed
// through SecureChannel.wrap. The host wraps it in the loop too, as it must for each command.
void BM_SecureChannelUnwrap(benchmark::State& state) {
  Bench bench;
  bench.open_applet_session();
  apdu::Command plain = command("80100000");
  plain.data = Bytes(32, 0x5A);
  for (auto _ : state) {
    apdu::Response response = bench.client.transmit(bench.applet_session->wrap_command(plain));
    if (response.sw != apdu::sw::ok) state.SkipWithError("unwrap failed");
    benchmark::DoNotOptimize(response);
  }
}
BENCHMARK(BM_SecureChannelUnwrap);

// CVM.verify with the right value: two registry writes (the try counter before and after).
void BM_GlobalPinVerify(benchmark::State& state) {
  Bench bench;
  bench.client.select(kApplet);
  const apdu::Command verify = command("802001000431323334");
  for (auto _ : state) {
    apdu::Response response = bench.client.transmit(verify);
    if (response.sw != apdu::sw::ok) state.SkipWithError("verify failed");
  }
}
BENCHMARK(BM_GlobalPinVerify);

// STORE DATA with C-MAC, unwrapped by the issuer security domain and passed to processData.
void BM_StoreDataToProcessData(benchmark::State& state) {
  Bench bench;
  bench.open_isd(0x01);
  bench.client.expect_ok(install_for_personalization(kApplet), "INSTALL [for personalization]");
  const apdu::Command store = command("80E2000010BB0102030405060708090A0B0C0D0E0F");
  std::uint8_t next_block = 0;
  for (auto _ : state) {
    // Block numbers run from 00 to FF (GPCS 2.3.1 §11.11.2.2); start a new sequence then.
    apdu::Command block = store;
    block.p2 = next_block++;
    if (block.p2 == 0xFF) block.p1 |= 0x80;
    apdu::Response response = bench.client.send(block);
    if (response.sw != apdu::sw::ok) {
      state.SkipWithError(fmt::format("STORE DATA failed with {:04X}", response.sw.value).c_str());
      break;
    }
    if (block.p2 == 0xFF) {
      bench.client.expect_ok(install_for_personalization(kApplet), "INSTALL [for personalization]");
    }
  }
}
BENCHMARK(BM_StoreDataToProcessData);

}  // namespace
}  // namespace uicc::gp

BENCHMARK_MAIN();
