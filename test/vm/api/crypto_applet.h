// A test applet that drives the crypto classes from bytecode, for the tests and the benchmark
// of the built-in API. Commands (CLA 80):
//   INS 10  set the AES-128 key from the 16 data bytes and init the AES-CBC cipher to encrypt
//   INS 11  generate a P-256 key pair and init ECDSA-SHA-256 signing with its private key
//   INS 20  encrypt the first 256 bytes of the applet's data array in place (AES-CBC)
//   INS 21  SHA-256 of the 1024-byte data array into the output array
//   INS 22  ECDSA-SHA-256 signature of the first 32 data bytes into the output array
//   INS 23  INS 20 repeated P1 times in a bytecode loop
//   INS 30  send the first 32 bytes of the data array
//   INS 31  send the first 32 bytes of the output array
//   INS 00  nothing (the cost of a command without API calls)
#pragma once

#include "test/vm/runtime/cap_builder.h"

namespace uicc::api::test {

inline constexpr const char* kCryptoPackage = "A0000005590202";
inline constexpr const char* kCryptoApplet = "A000000559020201";

vm::test::CapBuilder crypto_applet_package();

}  // namespace uicc::api::test
