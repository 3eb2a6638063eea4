// The built-in API's binding cost: each operation from bytecode (a C-APDU to the crypto test
// applet, through vm::Runtime and the natives), through the engine class directly, and as the
// plain OpenSSL call, in the same run. The empty command measures what an APDU costs without
// any API call. Figures: docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>

#include "test/vm/api/crypto_applet.h"
#include "util/log.h"
#include "test/vm/runtime/wallet_applet.h"
#include "vm/api/api_constants.h"
#include "vm/api/builtin_registry.h"
#include "vm/api/crypto/cipher.h"
#include "vm/api/crypto/message_digest.h"
#include "vm/cap/cap_writer.h"
#include "vm/runtime/runtime.h"

namespace uicc::api {
namespace {

namespace jcipher = jc::javacardx::crypto::Cipher;
namespace jmd = jc::javacard::security::MessageDigest;

const Bytes kKey = from_hex("2B7E151628AED2A6ABF7158809CF4F3C");

struct Card {
  store::Store store;
  vm::Runtime runtime{store, builtin_registry()};

  Card() {
    cap::CapFile cap = test::crypto_applet_package().build();
    cap::update_directory(cap);
    runtime.load_package(cap::write_cap_components(cap));
    const vm::Aid applet = vm::Aid::from_hex(test::kCryptoApplet);
    runtime.install_applet(vm::Aid::from_hex(test::kCryptoPackage), applet, applet,
                           vm::test::install_parameters(test::kCryptoApplet));
    runtime.select(0, applet);
    check(send("00A4040008A000000559020201"));
    Bytes set_key = from_hex("8010000010");
    append(set_key, kKey);
    check(runtime.process(0, set_key));
    check(send("8011000000"));
  }

  vm::Response send(const char* hex) { return runtime.process(0, from_hex(hex)); }
  static void check(const vm::Response& r) {
    if (r.status != 0x9000) throw std::runtime_error("command failed: " + std::to_string(r.status));
  }
};

void run_command(benchmark::State& state, const char* apdu) {
  Card card;
  const Bytes command = from_hex(apdu);
  for (auto _ : state) {
    vm::Response r = card.runtime.process(0, command);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_EmptyCommand_Bytecode(benchmark::State& state) { run_command(state, "8000000000"); }
void BM_AesCbc256_Bytecode(benchmark::State& state) { run_command(state, "8020000000"); }
void BM_Sha256_1K_Bytecode(benchmark::State& state) { run_command(state, "8021000000"); }
void BM_EcdsaP256Sign_Bytecode(benchmark::State& state) { run_command(state, "8022000000"); }

// 100 encryptions per command in a bytecode loop: the call from bytecode without the APDU.
void BM_AesCbc256_BytecodeLoop(benchmark::State& state) {
  Card card;
  const Bytes command = from_hex("8023640000");  // P1 = 100
  for (auto _ : state) {
    vm::Response r = card.runtime.process(0, command);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * 100);
}

void BM_AesCbc256_Engine(benchmark::State& state) {
  auto cipher = crypto::Cipher::create(jcipher::ALG_AES_BLOCK_128_CBC_NOPAD);
  cipher->init(crypto::AesKeyData{kKey}, jcipher::MODE_ENCRYPT, nullptr);
  Bytes data(256, 0);
  for (auto _ : state) {
    ByteView out = cipher->do_final(data);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}

// The same work as the natives ask of OpenSSL: a reused context, the IV reset to zero, one
// update over 256 bytes.
void BM_AesCbc256_OpenSsl(benchmark::State& state) {
  EVP_CIPHER* aes = EVP_CIPHER_fetch(nullptr, "AES-128-CBC", nullptr);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const std::uint8_t iv[16] = {};
  EVP_EncryptInit_ex2(ctx, aes, kKey.data(), iv, nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  std::uint8_t data[256] = {};
  std::uint8_t out[272];
  for (auto _ : state) {
    int written = 0;
    EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr);
    EVP_EncryptUpdate(ctx, out, &written, data, sizeof data);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  EVP_CIPHER_CTX_free(ctx);
  EVP_CIPHER_free(aes);
}

void BM_Sha256_1K_OpenSsl(benchmark::State& state) {
  EVP_MD* sha = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::uint8_t data[1024] = {};
  std::uint8_t out[32];
  for (auto _ : state) {
    unsigned int size = 0;
    EVP_DigestInit_ex2(ctx, sha, nullptr);
    EVP_DigestUpdate(ctx, data, sizeof data);
    EVP_DigestFinal_ex(ctx, out, &size);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(sha);
}

// ECDSA P-256 with SHA-256 over 32 bytes: digest, then the signature, with a context made once.
void BM_EcdsaP256Sign_OpenSsl(benchmark::State& state) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EVP_MD* sha = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new(key, nullptr);
  EVP_PKEY_sign_init(ctx);
  EVP_PKEY_CTX_set_signature_md(ctx, sha);
  std::uint8_t data[32] = {};
  std::uint8_t digest[32];
  std::uint8_t signature[80];
  for (auto _ : state) {
    unsigned int size = 0;
    EVP_DigestInit_ex2(md, sha, nullptr);
    EVP_DigestUpdate(md, data, sizeof data);
    EVP_DigestFinal_ex(md, digest, &size);
    std::size_t length = sizeof signature;
    EVP_PKEY_sign(ctx, signature, &length, digest, sizeof digest);
    benchmark::DoNotOptimize(signature);
  }
  state.SetItemsProcessed(state.iterations());
  EVP_PKEY_CTX_free(ctx);
  EVP_MD_CTX_free(md);
  EVP_MD_free(sha);
  EVP_PKEY_free(key);
}

BENCHMARK(BM_EmptyCommand_Bytecode);
BENCHMARK(BM_AesCbc256_OpenSsl);
BENCHMARK(BM_AesCbc256_Engine);
BENCHMARK(BM_AesCbc256_Bytecode);
BENCHMARK(BM_AesCbc256_BytecodeLoop);
BENCHMARK(BM_Sha256_1K_OpenSsl);
BENCHMARK(BM_Sha256_1K_Bytecode);
BENCHMARK(BM_EcdsaP256Sign_OpenSsl);
BENCHMARK(BM_EcdsaP256Sign_Bytecode);

}  // namespace
}  // namespace uicc::api

int main(int argc, char** argv) {
  uicc::log::configure(spdlog::level::warn, false);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
