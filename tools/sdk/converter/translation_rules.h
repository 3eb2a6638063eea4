// The rules the method translator applies to single JVM instructions: which instructions the
// Java Card subset excludes, the range of an integral result, and how many low bits of each
// operand decide the bits of the result that its uses observe. Java Card 3.0.5 Virtual
// Machine Specification §2.2 (the Java Card subset) and §7.5 (the short instructions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "tools/sdk/converter/class_file.h"
#include "tools/sdk/converter/jvm_code.h"

namespace uicc::sdk {

// Interval of the values a Java int expression can take.
struct Range {
  std::int64_t lo = 1;  // empty while lo > hi
  std::int64_t hi = 0;

  static constexpr Range full() { return {-2147483648LL, 2147483647LL}; }
  static constexpr Range of(std::int64_t value) { return {value, value}; }
  bool empty() const { return lo > hi; }
  bool fits_short() const { return !empty() && lo >= -32768 && hi <= 32767; }
  // Every value outside the short range that wraps to a short inside it is negative, so an
  // array access with the wrapped index fails exactly when the Java access fails (a Java
  // Card array holds at most 32767 elements).
  bool fits_index() const { return !empty() && lo >= -32768 && hi <= 65535; }
  bool contains(std::int64_t v) const { return lo <= v && v <= hi; }
  void unite(const Range& other);
  friend bool operator==(const Range&, const Range&) = default;
};

// Representation of a value in the Java Card code.
enum class Repr : std::uint8_t {
  kFlex,          // an operation or constant: whatever its web needs
  kShort,         // one word
  kInt,           // two words (int support)
  kShortChecked,  // an int narrowed to short where an out-of-range value must still fail
};

// Low bits of a value that its uses observe. 0..16 are bit counts; kIndex means the value
// is an array index or an array length; kExact means all 32 bits.
using Demand = int;
inline constexpr Demand kNoDemand = 0;
inline constexpr Demand kIndex = 17;
inline constexpr Demand kExact = 32;

// Low bits that a short computation must get right for a demand.
inline int low_bits(Demand demand) {
  return demand >= 16 ? 16 : demand;
}

// Why a value needs its bits, for messages.
enum class UseKind : std::uint8_t {
  kOther,
  kCompare,
  kSwitch,
  kArrayIndex,
  kArrayLength,
  kArgument,
  kReturn,
  kStore,
  kOperand,  // of an operation that needs exact operands (/, %, >>, >>>)
};

const char* use_kind_text(UseKind kind);

// Returns why the Java Card subset excludes a JVM instruction, or nullopt if it is allowed.
// With int support off, the instructions on int arrays are excluded too.
std::optional<std::string> unsupported_instruction(const ClassFile& file,
                                                   const JvmInstruction& insn, bool int_support);

// Range of the Java result of an integral operation (iadd ... ixor, ineg, i2b, i2s; iinc as
// iadd with the constant) from the ranges of its operands.
Range operation_range(std::uint8_t op, const Range& a, const Range& b);

// Demands an operation puts on its operands, given the demand on its result and whether the
// result is computed with short instructions.
struct OperandDemands {
  Demand first = kNoDemand;
  Demand second = kNoDemand;
  // The short instruction cannot give the Java result: the operation needs int.
  bool needs_int = false;
};

OperandDemands operand_demands(std::uint8_t op, Demand result, bool short_result,
                               const Range& first, const Range& second);

// Java operator of a JVM operation, for messages: "+" for iadd.
const char* operator_text(std::uint8_t op);

}  // namespace uicc::sdk
