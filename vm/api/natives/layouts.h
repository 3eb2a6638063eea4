// Instance layouts of the built-in classes that keep state: the meaning of each instance word.
// The runtime allocates the words (vm::NativeClass::instance_words); user classes that extend
// these classes (OwnerPIN, the exceptions) put their own fields after them. References come
// first in each layout, as vm::NativeClass::reference_words requires.
#pragma once

#include <cstdint>

namespace uicc::api::layout {

// CardException and CardRuntimeException: the reason, as the runtime's throw_java sets it.
inline constexpr std::uint16_t kReasonWord = 0;
inline constexpr std::uint16_t kReasonWords = 1;

// AID: a byte array holding exactly the AID bytes. The runtime's AID objects use the same
// layout (it creates them through the AID(byte[], short, byte) constructor).
inline constexpr std::uint16_t kAidBytesWord = 0;
inline constexpr std::uint16_t kAidWords = 1;

// OwnerPIN: the value (persistent byte[]: length, digits), the validated flag (CLEAR_ON_RESET
// boolean[1]) and the state (persistent byte[3]: try limit, maximum size, tries remaining).
inline constexpr std::uint16_t kPinValueWord = 0;
inline constexpr std::uint16_t kPinValidatedWord = 1;
inline constexpr std::uint16_t kPinStateWord = 2;
inline constexpr std::uint16_t kPinWords = 3;
inline constexpr std::uint16_t kPinTriesOffset = 2;

// APDU: the state machine of the command being processed, numbers only. The object is
// RAM-only and the runtime zeroes it before each command.
inline constexpr std::uint16_t kApduStateWord = 0;     // APDU.STATE_*
inline constexpr std::uint16_t kApduFlagsWord = 1;     // kApdu* flags below
inline constexpr std::uint16_t kApduReceivedWord = 2;  // command data bytes received so far
inline constexpr std::uint16_t kApduOutgoingWord = 3;  // length set by setOutgoingLength
inline constexpr std::uint16_t kApduSentWord = 4;      // response bytes sent so far
inline constexpr std::uint16_t kApduWords = 5;

inline constexpr std::uint32_t kApduHeaderCopied = 0x01;
inline constexpr std::uint32_t kApduNoChaining = 0x02;

}  // namespace uicc::api::layout
