// Tokens and constants of the API classes the runtime itself uses: the exceptions the VM
// throws, the classes the JCRE creates or calls. Values from the export files of the Java Card
// 3.0.5 Classic API (java.lang 1.0, javacard.framework 1.6), identical in 2.2.2 and 3.0.4.
#pragma once

#include <cstdint>

#include "vm/runtime/value.h"

namespace uicc::vm::api {

inline const Aid& java_lang() {
  static const Aid aid = Aid::from_hex("A0000000620001");
  return aid;
}
inline const Aid& javacard_framework() {
  static const Aid aid = Aid::from_hex("A0000000620101");
  return aid;
}

// java.lang class tokens.
namespace lang {
inline constexpr std::uint8_t kObject = 0;
inline constexpr std::uint8_t kThrowable = 1;
inline constexpr std::uint8_t kArrayIndexOutOfBoundsException = 5;
inline constexpr std::uint8_t kNegativeArraySizeException = 6;
inline constexpr std::uint8_t kNullPointerException = 7;
inline constexpr std::uint8_t kClassCastException = 8;
inline constexpr std::uint8_t kArithmeticException = 9;
inline constexpr std::uint8_t kSecurityException = 10;
inline constexpr std::uint8_t kArrayStoreException = 11;
}  // namespace lang

// javacard.framework class tokens.
namespace framework {
inline constexpr std::uint8_t kShareable = 2;
inline constexpr std::uint8_t kApplet = 3;
inline constexpr std::uint8_t kAid = 6;
inline constexpr std::uint8_t kIsoException = 7;
inline constexpr std::uint8_t kApdu = 10;
inline constexpr std::uint8_t kSystemException = 13;
inline constexpr std::uint8_t kTransactionException = 14;
inline constexpr std::uint8_t kMultiSelectable = 17;
inline constexpr std::uint8_t kAppletEvent = 18;

// Virtual method tokens of Applet.
inline constexpr std::uint8_t kAppletDeselect = 4;
inline constexpr std::uint8_t kAppletGetShareableInterfaceObject = 5;
inline constexpr std::uint8_t kAppletSelect = 6;
inline constexpr std::uint8_t kAppletProcess = 7;
// Interface method tokens of MultiSelectable and AppletEvent.
inline constexpr std::uint8_t kMultiSelectableSelect = 0;
inline constexpr std::uint8_t kMultiSelectableDeselect = 1;
inline constexpr std::uint8_t kAppletEventUninstall = 0;
// Static method token of the AID(byte[], short, byte) constructor.
inline constexpr std::uint8_t kAidInit = 0;
}  // namespace framework

// Reasons of SystemException.
namespace system_exception {
inline constexpr std::int16_t kIllegalValue = 1;
inline constexpr std::int16_t kNoTransientSpace = 2;
inline constexpr std::int16_t kIllegalTransient = 3;
inline constexpr std::int16_t kIllegalAid = 4;
inline constexpr std::int16_t kNoResource = 5;
inline constexpr std::int16_t kIllegalUse = 6;
}  // namespace system_exception

// Reasons of TransactionException.
namespace transaction_exception {
inline constexpr std::int16_t kInProgress = 1;
inline constexpr std::int16_t kNotInProgress = 2;
inline constexpr std::int16_t kBufferFull = 3;
inline constexpr std::int16_t kInternalFailure = 4;
}  // namespace transaction_exception

inline ClassName lang_class(std::uint8_t token) {
  return ClassName{java_lang(), token};
}
inline ClassName framework_class(std::uint8_t token) {
  return ClassName{javacard_framework(), token};
}

}  // namespace uicc::vm::api
