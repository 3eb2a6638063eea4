// A wallet applet assembled for the JCRE tests: a persistent short balance updated inside and
// outside transactions, status words through ISOException, an uncaught exception, and an
// implicit abort. Commands (CLA 80):
//   INS 10  balance += data[0]                         (one persistent write)
//   INS 20  begin; balance += 1; history[0] = data[0]; abort
//   INS 22  begin; balance += 1; history[0] = data[0]; commit
//   INS 24  begin; balance += 1; return without commit (the JCRE aborts)
//   INS 30  respond with the balance (2 bytes) and history[0]
//   INS 40  ISOException.throwIt(6A82)
//   INS 50  NullPointerException, not caught
//   other   ISOException.throwIt(6D00)
#pragma once

#include "test/vm/runtime/cap_builder.h"

namespace uicc::vm::test {

inline constexpr const char* kWalletPackage = "A0000000031001";
inline constexpr const char* kWalletClass = "A000000003100101";
inline constexpr const char* kWalletInstance = "A000000003100101AA";

// Install parameters as GlobalPlatform passes them: LV instance AID, LV privileges, LV
// application parameters.
Bytes install_parameters(const char* instance_aid_hex);

// The wallet package; `package_aid` lets tests load a second copy under another AID.
CapBuilder wallet_package(const char* package_aid = kWalletPackage,
                          const char* class_aid = kWalletClass);

}  // namespace uicc::vm::test
