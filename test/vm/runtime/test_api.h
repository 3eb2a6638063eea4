// A minimal javacard.framework for the runtime's tests, written against native.h as the API
// library is: Applet, AID, the exception classes with reasons, JCSystem's transaction, transient
// and context methods, APDU's buffer and outgoing data, Shareable, MultiSelectable and
// AppletEvent. Tokens are those of the javacard.framework 1.6 export file (Java Card 3.0.5).
// It also serves as the worked example of a native package in docs/vm.md.
#pragma once

#include "vm/runtime/native.h"

namespace uicc::vm::test {

// Class tokens of javacard.framework used by the tests.
namespace fw {
inline constexpr std::uint8_t kShareable = 2;
inline constexpr std::uint8_t kApplet = 3;
inline constexpr std::uint8_t kCardRuntimeException = 5;
inline constexpr std::uint8_t kAid = 6;
inline constexpr std::uint8_t kIsoException = 7;
inline constexpr std::uint8_t kJcSystem = 8;
inline constexpr std::uint8_t kApdu = 10;
inline constexpr std::uint8_t kSystemException = 13;
inline constexpr std::uint8_t kTransactionException = 14;
inline constexpr std::uint8_t kMultiSelectable = 17;
inline constexpr std::uint8_t kAppletEvent = 18;
}  // namespace fw

// The registry with javacard.framework 1.6 (java.lang comes built in).
const NativeRegistry& test_registry();

}  // namespace uicc::vm::test
