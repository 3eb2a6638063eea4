// Values of the Java Card virtual machine as the runtime stores them: 32-bit stack slots,
// references as store handles, array types and the kinds and flags of VM objects in the store.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <span>
#include <string>

#include "util/bytes.h"
#include "vm/store/store.h"

namespace uicc::vm {

// One word of the operand stack or of the local variables. It contains a short (sign-extended
// to 32 bits), a reference, or an int. An int takes two words, as the bytecode's word counts
// assume: the whole value sits in the first word and the second word is 0.
using Slot = std::uint32_t;

// A reference: the handle of a store object, 0 for null. The verifier keeps references apart
// from numbers, so bytecode cannot turn a number into a reference.
using Ref = store::Handle;
inline constexpr Ref kNullRef = store::kNull;

inline constexpr Slot slot_of_short(std::int16_t value) {
  return static_cast<Slot>(static_cast<std::int32_t>(value));
}
inline constexpr Slot slot_of_int(std::int32_t value) {
  return static_cast<Slot>(value);
}
inline constexpr std::int16_t short_of_slot(Slot slot) {
  return static_cast<std::int16_t>(slot);
}
inline constexpr std::int32_t int_of_slot(Slot slot) {
  return static_cast<std::int32_t>(slot);
}

// A context is a firewall domain: one per package of applets or libraries, plus the Java Card
// runtime environment's own (Java Card 3.0.5 Runtime Environment Specification §6.1.1).
using ContextId = std::uint16_t;
inline constexpr ContextId kJcreContext = 0;

// Element types, with the values of newarray's atype operand (Java Card 3.0.5 Virtual Machine
// Specification §7.5.63); reference_array has no atype (anewarray creates those).
enum class ArrayType : std::uint8_t {
  boolean_array = 10,
  byte_array = 11,
  short_array = 12,
  int_array = 13,
  reference_array = 14,
};

// Size in bytes of one element of an array of `type`.
inline constexpr std::uint32_t element_size(ArrayType type) {
  switch (type) {
    case ArrayType::boolean_array:
    case ArrayType::byte_array:
      return 1;
    case ArrayType::short_array:
      return 2;
    case ArrayType::int_array:
    case ArrayType::reference_array:
      return 4;
  }
  return 1;
}

// The kind of a Java value: of a field, an argument or a method's result.
enum class ValueKind : std::uint8_t {
  void_value,
  boolean,
  byte,
  short_value,
  int_value,
  reference
};

// Number of stack words a value of `kind` takes.
inline constexpr std::uint8_t word_count(ValueKind kind) {
  return kind == ValueKind::void_value ? 0 : kind == ValueKind::int_value ? 2 : 1;
}

// An AID of 5 to 16 bytes (ISO/IEC 7816-5), held by value.
class Aid {
 public:
  static constexpr std::size_t kMaxLength = 16;
  static constexpr std::size_t kMinLength = 5;

  Aid() = default;
  // Throws std::invalid_argument unless `bytes` is 5 to 16 bytes long.
  explicit Aid(ByteView bytes);
  static Aid from_hex(std::string_view hex);

  ByteView bytes() const { return {bytes_.data(), length_}; }
  std::size_t size() const { return length_; }
  bool empty() const { return length_ == 0; }
  // True if this AID starts with the 5-byte registered application provider identifier of
  // `other` (Java Card 3.0.5 API, AID.RIDEquals).
  bool same_rid(const Aid& other) const;
  std::string to_hex() const;

  friend bool operator==(const Aid& a, const Aid& b) {
    return a.length_ == b.length_ &&
           std::equal(a.bytes_.begin(), a.bytes_.begin() + a.length_, b.bytes_.begin());
  }
  friend bool operator<(const Aid& a, const Aid& b) {
    return std::lexicographical_compare(a.bytes_.begin(), a.bytes_.begin() + a.length_,
                                        b.bytes_.begin(), b.bytes_.begin() + b.length_);
  }

 private:
  std::array<std::uint8_t, kMaxLength> bytes_{};
  std::uint8_t length_ = 0;
};

// Names a class of any package by the package's AID and the class token of its export file.
// Natives use it to name the classes they throw or create.
struct ClassName {
  Aid package;
  std::uint8_t token = 0;

  friend bool operator==(const ClassName&, const ClassName&) = default;
};

// Kinds of the VM's objects in the store (store::ObjectHeader::kind). Values below 0x40 are
// left to the other layers that keep objects in the same store.
namespace object_kind {
inline constexpr std::uint8_t kInstance = 0x40;
inline constexpr std::uint8_t kBooleanArray = 0x41;
inline constexpr std::uint8_t kByteArray = 0x42;
inline constexpr std::uint8_t kShortArray = 0x43;
inline constexpr std::uint8_t kIntArray = 0x44;
inline constexpr std::uint8_t kReferenceArray = 0x45;
// The runtime's own bookkeeping: package list, a package's CAP image and static fields, the
// applet registry.
inline constexpr std::uint8_t kRuntimeTable = 0x50;
inline constexpr std::uint8_t kPackageImage = 0x51;
inline constexpr std::uint8_t kStaticImage = 0x52;
}  // namespace object_kind

// Flags of the VM's objects (store::ObjectHeader::flags). store::kVolatile (0x01) marks
// transient arrays and the runtime's RAM-only objects.
namespace object_flag {
// JCSystem.CLEAR_ON_RESET and CLEAR_ON_DESELECT transient arrays (Java Card 3.0.5 Runtime
// Environment Specification §5.1).
inline constexpr std::uint8_t kClearOnReset = 0x02;
inline constexpr std::uint8_t kClearOnDeselect = 0x04;
// Global arrays are accessible from every context (§6.2.2): the APDU buffer, the install
// parameter array and arrays made with JCSystem.makeGlobalArray.
inline constexpr std::uint8_t kGlobalArray = 0x08;
// Java Card runtime environment entry-point objects (§6.2.1). Temporary ones cannot be stored
// in a field or an array element.
inline constexpr std::uint8_t kTemporaryEntryPoint = 0x10;
inline constexpr std::uint8_t kPermanentEntryPoint = 0x20;
}  // namespace object_flag

inline constexpr std::uint8_t kind_of_array(ArrayType type) {
  return static_cast<std::uint8_t>(object_kind::kBooleanArray +
                                   (static_cast<std::uint8_t>(type) - 10));
}

}  // namespace uicc::vm
