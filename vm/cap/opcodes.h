// The Java Card bytecode set as one table: opcode, mnemonic, operand layout, stack effect in
// words, int-set membership and the exceptions each instruction raises by itself. The
// interpreter's dispatcher, the verifier, the disassembler and the converter all read it.
//
// Java Card 3.0.5 Virtual Machine Specification, Classic Edition, §7.5 (instructions), §7.2
// (reserved opcodes), §8 Table 8-1 (instructions by opcode value), and Runtime Environment
// Specification 3.0.5 §6.2.8 (bytecodes subject to the firewall).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string_view>

namespace uicc::cap {

// Every defined opcode. Values 0xB9-0xFD are undefined and never appear in a valid method.
enum class Opcode : std::uint8_t {
  kNop = 0x00,
  kAconstNull = 0x01,
  kSconstM1 = 0x02,
  kSconst0 = 0x03,
  kSconst1 = 0x04,
  kSconst2 = 0x05,
  kSconst3 = 0x06,
  kSconst4 = 0x07,
  kSconst5 = 0x08,
  kIconstM1 = 0x09,
  kIconst0 = 0x0A,
  kIconst1 = 0x0B,
  kIconst2 = 0x0C,
  kIconst3 = 0x0D,
  kIconst4 = 0x0E,
  kIconst5 = 0x0F,
  kBspush = 0x10,
  kSspush = 0x11,
  kBipush = 0x12,
  kSipush = 0x13,
  kIipush = 0x14,
  kAload = 0x15,
  kSload = 0x16,
  kIload = 0x17,
  kAload0 = 0x18,
  kAload1 = 0x19,
  kAload2 = 0x1A,
  kAload3 = 0x1B,
  kSload0 = 0x1C,
  kSload1 = 0x1D,
  kSload2 = 0x1E,
  kSload3 = 0x1F,
  kIload0 = 0x20,
  kIload1 = 0x21,
  kIload2 = 0x22,
  kIload3 = 0x23,
  kAaload = 0x24,
  kBaload = 0x25,
  kSaload = 0x26,
  kIaload = 0x27,
  kAstore = 0x28,
  kSstore = 0x29,
  kIstore = 0x2A,
  kAstore0 = 0x2B,
  kAstore1 = 0x2C,
  kAstore2 = 0x2D,
  kAstore3 = 0x2E,
  kSstore0 = 0x2F,
  kSstore1 = 0x30,
  kSstore2 = 0x31,
  kSstore3 = 0x32,
  kIstore0 = 0x33,
  kIstore1 = 0x34,
  kIstore2 = 0x35,
  kIstore3 = 0x36,
  kAastore = 0x37,
  kBastore = 0x38,
  kSastore = 0x39,
  kIastore = 0x3A,
  kPop = 0x3B,
  kPop2 = 0x3C,
  kDup = 0x3D,
  kDup2 = 0x3E,
  kDupX = 0x3F,
  kSwapX = 0x40,
  kSadd = 0x41,
  kIadd = 0x42,
  kSsub = 0x43,
  kIsub = 0x44,
  kSmul = 0x45,
  kImul = 0x46,
  kSdiv = 0x47,
  kIdiv = 0x48,
  kSrem = 0x49,
  kIrem = 0x4A,
  kSneg = 0x4B,
  kIneg = 0x4C,
  kSshl = 0x4D,
  kIshl = 0x4E,
  kSshr = 0x4F,
  kIshr = 0x50,
  kSushr = 0x51,
  kIushr = 0x52,
  kSand = 0x53,
  kIand = 0x54,
  kSor = 0x55,
  kIor = 0x56,
  kSxor = 0x57,
  kIxor = 0x58,
  kSinc = 0x59,
  kIinc = 0x5A,
  kS2b = 0x5B,
  kS2i = 0x5C,
  kI2b = 0x5D,
  kI2s = 0x5E,
  kIcmp = 0x5F,
  kIfeq = 0x60,
  kIfne = 0x61,
  kIflt = 0x62,
  kIfge = 0x63,
  kIfgt = 0x64,
  kIfle = 0x65,
  kIfnull = 0x66,
  kIfnonnull = 0x67,
  kIfAcmpeq = 0x68,
  kIfAcmpne = 0x69,
  kIfScmpeq = 0x6A,
  kIfScmpne = 0x6B,
  kIfScmplt = 0x6C,
  kIfScmpge = 0x6D,
  kIfScmpgt = 0x6E,
  kIfScmple = 0x6F,
  kGoto = 0x70,
  kJsr = 0x71,
  kRet = 0x72,
  kStableswitch = 0x73,
  kItableswitch = 0x74,
  kSlookupswitch = 0x75,
  kIlookupswitch = 0x76,
  kAreturn = 0x77,
  kSreturn = 0x78,
  kIreturn = 0x79,
  kReturn = 0x7A,
  kGetstaticA = 0x7B,
  kGetstaticB = 0x7C,
  kGetstaticS = 0x7D,
  kGetstaticI = 0x7E,
  kPutstaticA = 0x7F,
  kPutstaticB = 0x80,
  kPutstaticS = 0x81,
  kPutstaticI = 0x82,
  kGetfieldA = 0x83,
  kGetfieldB = 0x84,
  kGetfieldS = 0x85,
  kGetfieldI = 0x86,
  kPutfieldA = 0x87,
  kPutfieldB = 0x88,
  kPutfieldS = 0x89,
  kPutfieldI = 0x8A,
  kInvokevirtual = 0x8B,
  kInvokespecial = 0x8C,
  kInvokestatic = 0x8D,
  kInvokeinterface = 0x8E,
  kNew = 0x8F,
  kNewarray = 0x90,
  kAnewarray = 0x91,
  kArraylength = 0x92,
  kAthrow = 0x93,
  kCheckcast = 0x94,
  kInstanceof = 0x95,
  kSincW = 0x96,
  kIincW = 0x97,
  kIfeqW = 0x98,
  kIfneW = 0x99,
  kIfltW = 0x9A,
  kIfgeW = 0x9B,
  kIfgtW = 0x9C,
  kIfleW = 0x9D,
  kIfnullW = 0x9E,
  kIfnonnullW = 0x9F,
  kIfAcmpeqW = 0xA0,
  kIfAcmpneW = 0xA1,
  kIfScmpeqW = 0xA2,
  kIfScmpneW = 0xA3,
  kIfScmpltW = 0xA4,
  kIfScmpgeW = 0xA5,
  kIfScmpgtW = 0xA6,
  kIfScmpleW = 0xA7,
  kGotoW = 0xA8,
  kGetfieldAW = 0xA9,
  kGetfieldBW = 0xAA,
  kGetfieldSW = 0xAB,
  kGetfieldIW = 0xAC,
  kGetfieldAThis = 0xAD,
  kGetfieldBThis = 0xAE,
  kGetfieldSThis = 0xAF,
  kGetfieldIThis = 0xB0,
  kPutfieldAW = 0xB1,
  kPutfieldBW = 0xB2,
  kPutfieldSW = 0xB3,
  kPutfieldIW = 0xB4,
  kPutfieldAThis = 0xB5,
  kPutfieldBThis = 0xB6,
  kPutfieldSThis = 0xB7,
  kPutfieldIThis = 0xB8,
  // Reserved for implementation-specific use (JCVM 3.0.5 §7.2). They must not appear in a CAP file.
  kImpdep1 = 0xFE,
  kImpdep2 = 0xFF,
};

// The highest opcode of the instruction set proper; 0xB9-0xFD are undefined.
inline constexpr std::uint8_t kLastOpcode = 0xB8;

// Kind of one operand, in the order the operands follow the opcode byte.
enum class OperandKind : std::uint8_t {
  kLocal,        // u1 index of a local variable
  kByte,         // s1 immediate (bspush, bipush, and the increment of sinc and iinc)
  kShort,        // s2 immediate (sspush, sipush, and the increment of sinc_w and iinc_w)
  kInt,          // s4 immediate (iipush)
  kCpIndex1,     // u1 index into the ConstantPool component
  kCpIndex2,     // u2 index into the ConstantPool component
  kBranch1,      // s1 offset from the address of the opcode
  kBranch2,      // s2 offset from the address of the opcode
  kArrayType,    // u1 atype, see ArrayType
  kWordCounts,   // u1 mn: m in the high nibble, n in the low nibble (dup_x, swap_x)
  kArgCount,     // u1 nargs of invokeinterface: argument words including the object reference
  kMethodToken,  // u1 interface method token of invokeinterface
  // The switches have one variable-length operand each. Offsets are s2 from the opcode.
  kTableSwitchShort,   // s2 default, s2 low, s2 high, (high - low + 1) x s2 offset
  kTableSwitchInt,     // s2 default, s4 low, s4 high, (high - low + 1) x s2 offset
  kLookupSwitchShort,  // s2 default, u2 npairs, npairs x (s2 match, s2 offset), sorted by match
  kLookupSwitchInt,    // s2 default, u2 npairs, npairs x (s4 match, s2 offset), sorted by match
};

// The atype operand of newarray, checkcast and instanceof (JCVM 3.0.5 §7.5, newarray and
// checkcast). kClass and kReference appear only in checkcast and instanceof, where
// the following u2 is then a constant-pool index of the class (or of the component class).
enum class ArrayType : std::uint8_t {
  kClass = 0,
  kBoolean = 10,
  kByte = 11,
  kShort = 12,
  kInt = 13,
  kReference = 14,
};

// Size in bytes of an operand; 0 for the variable-length switch layouts.
constexpr std::size_t operand_size(OperandKind kind) {
  switch (kind) {
    case OperandKind::kShort:
    case OperandKind::kCpIndex2:
    case OperandKind::kBranch2:
      return 2;
    case OperandKind::kInt:
      return 4;
    case OperandKind::kTableSwitchShort:
    case OperandKind::kTableSwitchInt:
    case OperandKind::kLookupSwitchShort:
    case OperandKind::kLookupSwitchInt:
      return 0;
    default:
      return 1;
  }
}

constexpr bool is_switch(OperandKind kind) {
  return kind == OperandKind::kTableSwitchShort || kind == OperandKind::kTableSwitchInt ||
         kind == OperandKind::kLookupSwitchShort || kind == OperandKind::kLookupSwitchInt;
}

// An operand the ReferenceLocation component must list: a constant-pool index that the
// linker resolves (JCVM 3.0.5 §6.11).
constexpr bool is_cp_index(OperandKind kind) {
  return kind == OperandKind::kCpIndex1 || kind == OperandKind::kCpIndex2;
}

constexpr bool is_branch(OperandKind kind) {
  return kind == OperandKind::kBranch1 || kind == OperandKind::kBranch2;
}

// Control transfer after an instruction.
enum class Flow : std::uint8_t {
  kNext,    // the following instruction (invocations included: the callee returns here)
  kBranch,  // the branch target or the following instruction
  kGoto,    // the branch target only
  kSwitch,  // one of the switch's targets, default included
  kJsr,     // the subroutine at the target; its ret resumes at the following instruction
  kRet,     // the return address held in a local variable
  kReturn,  // back to the caller
  kThrow,   // the exception handler found for the thrown object, or the caller
};

// Exceptions an instruction raises by itself, as a bit set. SystemException for a
// resource the VM cannot recover (JCVM 3.0.5 §7.3) can come from any instruction and is
// listed only where the instruction allocates.
namespace throws {
inline constexpr std::uint16_t kNone = 0;
inline constexpr std::uint16_t kNullPointer = 1u << 0;
inline constexpr std::uint16_t kArrayIndexOutOfBounds = 1u << 1;
inline constexpr std::uint16_t kArrayStore = 1u << 2;
inline constexpr std::uint16_t kArithmetic = 1u << 3;
inline constexpr std::uint16_t kNegativeArraySize = 1u << 4;
inline constexpr std::uint16_t kClassCast = 1u << 5;
// Firewall check (JCRE 3.0.5 §6.2.8), or storing a temporary entry point object or a
// global array in a field or an array component (JCRE 3.0.5 §6.2.1, §6.2.2).
inline constexpr std::uint16_t kSecurity = 1u << 6;
// SystemException NO_RESOURCE when the allocation does not fit.
inline constexpr std::uint16_t kSystem = 1u << 7;
// Whatever the invoked method throws, or the object athrow throws.
inline constexpr std::uint16_t kAny = 1u << 8;
}  // namespace throws

// Stack effect value for instructions whose word counts depend on an operand (dup_x,
// swap_x) or on the invoked method's descriptor (the invocations).
inline constexpr std::int8_t kVariableWords = -1;

// Operand kinds of one instruction, at most three (invokeinterface).
struct OperandList {
  std::array<OperandKind, 3> kinds{};
  std::uint8_t count = 0;

  constexpr OperandList() = default;
  constexpr OperandList(std::initializer_list<OperandKind> list) {
    for (OperandKind kind : list) kinds[count++] = kind;
  }
  constexpr std::span<const OperandKind> view() const { return {kinds.data(), count}; }
};

struct OpcodeInfo {
  Opcode opcode;
  std::string_view mnemonic;
  OperandList operands;
  // Operand stack words popped and pushed. A word is 16 bits, so an int takes two words and a
  // short or reference one (JCVM 3.0.5 §3.5). kVariableWords where more than the opcode decides.
  std::int8_t pops;
  std::int8_t pushes;
  Flow flow;
  bool int_only;  // part of the optional int set; the Header's ACC_INT flag announces its use
  bool reserved;  // impdep1 and impdep2
  std::uint16_t throws;

  constexpr std::uint8_t value() const { return static_cast<std::uint8_t>(opcode); }
  constexpr bool is_variable_length() const {
    return operands.count == 1 && is_switch(operands.kinds[0]);
  }
  // Length in bytes including the opcode. For a switch it is 1, because the variable-length
  // operand is excluded. decode_instruction() gives the full length.
  constexpr std::size_t fixed_length() const {
    std::size_t length = 1;
    for (OperandKind kind : operands.view()) length += operand_size(kind);
    return length;
  }
  constexpr bool can_throw() const { return throws != throws::kNone; }
};

namespace detail {

using K = OperandKind;
using F = Flow;
using O = Opcode;
inline constexpr std::int8_t V = kVariableWords;
inline constexpr std::uint16_t kNpe = throws::kNullPointer;
inline constexpr std::uint16_t kSec = throws::kSecurity;
// Array element access: null array, index outside the array, firewall.
inline constexpr std::uint16_t kArrayAccess =
    throws::kNullPointer | throws::kArrayIndexOutOfBounds | throws::kSecurity;
// Instance field access and invokevirtual/invokeinterface on an object reference.
inline constexpr std::uint16_t kObjectAccess = throws::kNullPointer | throws::kSecurity;

constexpr OpcodeInfo core(O op, std::string_view name, OperandList operands, std::int8_t pops,
                          std::int8_t pushes, F flow = F::kNext,
                          std::uint16_t raises = throws::kNone) {
  return {op, name, operands, pops, pushes, flow, false, false, raises};
}

constexpr OpcodeInfo int_op(O op, std::string_view name, OperandList operands, std::int8_t pops,
                            std::int8_t pushes, F flow = F::kNext,
                            std::uint16_t raises = throws::kNone) {
  return {op, name, operands, pops, pushes, flow, true, false, raises};
}

constexpr OpcodeInfo reserved(O op, std::string_view name) {
  return {op, name, {}, 0, 0, F::kNext, false, true, throws::kNone};
}

}  // namespace detail

// All 187 opcodes, ordered by value: 0x00-0xB8 at their own index, then impdep1 and impdep2.
// Stack effects follow the "Stack" line of each instruction in JCVM 3.0.5 §7.5.
inline constexpr std::array<OpcodeInfo, 187> kOpcodeTable = [] {
  using namespace detail;
  return std::array<OpcodeInfo, 187>{{
      core(O::kNop, "nop", {}, 0, 0),
      core(O::kAconstNull, "aconst_null", {}, 0, 1),
      core(O::kSconstM1, "sconst_m1", {}, 0, 1),
      core(O::kSconst0, "sconst_0", {}, 0, 1),
      core(O::kSconst1, "sconst_1", {}, 0, 1),
      core(O::kSconst2, "sconst_2", {}, 0, 1),
      core(O::kSconst3, "sconst_3", {}, 0, 1),
      core(O::kSconst4, "sconst_4", {}, 0, 1),
      core(O::kSconst5, "sconst_5", {}, 0, 1),
      int_op(O::kIconstM1, "iconst_m1", {}, 0, 2),
      int_op(O::kIconst0, "iconst_0", {}, 0, 2),
      int_op(O::kIconst1, "iconst_1", {}, 0, 2),
      int_op(O::kIconst2, "iconst_2", {}, 0, 2),
      int_op(O::kIconst3, "iconst_3", {}, 0, 2),
      int_op(O::kIconst4, "iconst_4", {}, 0, 2),
      int_op(O::kIconst5, "iconst_5", {}, 0, 2),
      core(O::kBspush, "bspush", {K::kByte}, 0, 1),
      core(O::kSspush, "sspush", {K::kShort}, 0, 1),
      int_op(O::kBipush, "bipush", {K::kByte}, 0, 2),
      int_op(O::kSipush, "sipush", {K::kShort}, 0, 2),
      int_op(O::kIipush, "iipush", {K::kInt}, 0, 2),
      core(O::kAload, "aload", {K::kLocal}, 0, 1),
      core(O::kSload, "sload", {K::kLocal}, 0, 1),
      int_op(O::kIload, "iload", {K::kLocal}, 0, 2),
      core(O::kAload0, "aload_0", {}, 0, 1),
      core(O::kAload1, "aload_1", {}, 0, 1),
      core(O::kAload2, "aload_2", {}, 0, 1),
      core(O::kAload3, "aload_3", {}, 0, 1),
      core(O::kSload0, "sload_0", {}, 0, 1),
      core(O::kSload1, "sload_1", {}, 0, 1),
      core(O::kSload2, "sload_2", {}, 0, 1),
      core(O::kSload3, "sload_3", {}, 0, 1),
      int_op(O::kIload0, "iload_0", {}, 0, 2),
      int_op(O::kIload1, "iload_1", {}, 0, 2),
      int_op(O::kIload2, "iload_2", {}, 0, 2),
      int_op(O::kIload3, "iload_3", {}, 0, 2),
      core(O::kAaload, "aaload", {}, 2, 1, F::kNext, kArrayAccess),
      core(O::kBaload, "baload", {}, 2, 1, F::kNext, kArrayAccess),
      core(O::kSaload, "saload", {}, 2, 1, F::kNext, kArrayAccess),
      int_op(O::kIaload, "iaload", {}, 2, 2, F::kNext, kArrayAccess),
      core(O::kAstore, "astore", {K::kLocal}, 1, 0),
      core(O::kSstore, "sstore", {K::kLocal}, 1, 0),
      int_op(O::kIstore, "istore", {K::kLocal}, 2, 0),
      core(O::kAstore0, "astore_0", {}, 1, 0),
      core(O::kAstore1, "astore_1", {}, 1, 0),
      core(O::kAstore2, "astore_2", {}, 1, 0),
      core(O::kAstore3, "astore_3", {}, 1, 0),
      core(O::kSstore0, "sstore_0", {}, 1, 0),
      core(O::kSstore1, "sstore_1", {}, 1, 0),
      core(O::kSstore2, "sstore_2", {}, 1, 0),
      core(O::kSstore3, "sstore_3", {}, 1, 0),
      int_op(O::kIstore0, "istore_0", {}, 2, 0),
      int_op(O::kIstore1, "istore_1", {}, 2, 0),
      int_op(O::kIstore2, "istore_2", {}, 2, 0),
      int_op(O::kIstore3, "istore_3", {}, 2, 0),
      core(O::kAastore, "aastore", {}, 3, 0, F::kNext, kArrayAccess | throws::kArrayStore),
      core(O::kBastore, "bastore", {}, 3, 0, F::kNext, kArrayAccess),
      core(O::kSastore, "sastore", {}, 3, 0, F::kNext, kArrayAccess),
      int_op(O::kIastore, "iastore", {}, 4, 0, F::kNext, kArrayAccess),
      core(O::kPop, "pop", {}, 1, 0),
      core(O::kPop2, "pop2", {}, 2, 0),
      core(O::kDup, "dup", {}, 1, 2),
      core(O::kDup2, "dup2", {}, 2, 4),
      core(O::kDupX, "dup_x", {K::kWordCounts}, V, V),
      core(O::kSwapX, "swap_x", {K::kWordCounts}, V, V),
      core(O::kSadd, "sadd", {}, 2, 1),
      int_op(O::kIadd, "iadd", {}, 4, 2),
      core(O::kSsub, "ssub", {}, 2, 1),
      int_op(O::kIsub, "isub", {}, 4, 2),
      core(O::kSmul, "smul", {}, 2, 1),
      int_op(O::kImul, "imul", {}, 4, 2),
      core(O::kSdiv, "sdiv", {}, 2, 1, F::kNext, throws::kArithmetic),
      int_op(O::kIdiv, "idiv", {}, 4, 2, F::kNext, throws::kArithmetic),
      core(O::kSrem, "srem", {}, 2, 1, F::kNext, throws::kArithmetic),
      int_op(O::kIrem, "irem", {}, 4, 2, F::kNext, throws::kArithmetic),
      core(O::kSneg, "sneg", {}, 1, 1),
      int_op(O::kIneg, "ineg", {}, 2, 2),
      core(O::kSshl, "sshl", {}, 2, 1),
      int_op(O::kIshl, "ishl", {}, 4, 2),
      core(O::kSshr, "sshr", {}, 2, 1),
      int_op(O::kIshr, "ishr", {}, 4, 2),
      core(O::kSushr, "sushr", {}, 2, 1),
      int_op(O::kIushr, "iushr", {}, 4, 2),
      core(O::kSand, "sand", {}, 2, 1),
      int_op(O::kIand, "iand", {}, 4, 2),
      core(O::kSor, "sor", {}, 2, 1),
      int_op(O::kIor, "ior", {}, 4, 2),
      core(O::kSxor, "sxor", {}, 2, 1),
      int_op(O::kIxor, "ixor", {}, 4, 2),
      core(O::kSinc, "sinc", {K::kLocal, K::kByte}, 0, 0),
      int_op(O::kIinc, "iinc", {K::kLocal, K::kByte}, 0, 0),
      core(O::kS2b, "s2b", {}, 1, 1),
      int_op(O::kS2i, "s2i", {}, 1, 2),
      int_op(O::kI2b, "i2b", {}, 2, 1),
      int_op(O::kI2s, "i2s", {}, 2, 1),
      int_op(O::kIcmp, "icmp", {}, 4, 1),
      core(O::kIfeq, "ifeq", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfne, "ifne", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIflt, "iflt", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfge, "ifge", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfgt, "ifgt", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfle, "ifle", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfnull, "ifnull", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfnonnull, "ifnonnull", {K::kBranch1}, 1, 0, F::kBranch),
      core(O::kIfAcmpeq, "if_acmpeq", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfAcmpne, "if_acmpne", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfScmpeq, "if_scmpeq", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfScmpne, "if_scmpne", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfScmplt, "if_scmplt", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfScmpge, "if_scmpge", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfScmpgt, "if_scmpgt", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kIfScmple, "if_scmple", {K::kBranch1}, 2, 0, F::kBranch),
      core(O::kGoto, "goto", {K::kBranch1}, 0, 0, F::kGoto),
      core(O::kJsr, "jsr", {K::kBranch2}, 0, 1, F::kJsr),
      core(O::kRet, "ret", {K::kLocal}, 0, 0, F::kRet),
      core(O::kStableswitch, "stableswitch", {K::kTableSwitchShort}, 1, 0, F::kSwitch),
      int_op(O::kItableswitch, "itableswitch", {K::kTableSwitchInt}, 2, 0, F::kSwitch),
      core(O::kSlookupswitch, "slookupswitch", {K::kLookupSwitchShort}, 1, 0, F::kSwitch),
      int_op(O::kIlookupswitch, "ilookupswitch", {K::kLookupSwitchInt}, 2, 0, F::kSwitch),
      core(O::kAreturn, "areturn", {}, 1, 0, F::kReturn),
      core(O::kSreturn, "sreturn", {}, 1, 0, F::kReturn),
      int_op(O::kIreturn, "ireturn", {}, 2, 0, F::kReturn),
      core(O::kReturn, "return", {}, 0, 0, F::kReturn),
      core(O::kGetstaticA, "getstatic_a", {K::kCpIndex2}, 0, 1),
      core(O::kGetstaticB, "getstatic_b", {K::kCpIndex2}, 0, 1),
      core(O::kGetstaticS, "getstatic_s", {K::kCpIndex2}, 0, 1),
      int_op(O::kGetstaticI, "getstatic_i", {K::kCpIndex2}, 0, 2),
      core(O::kPutstaticA, "putstatic_a", {K::kCpIndex2}, 1, 0, F::kNext, kSec),
      core(O::kPutstaticB, "putstatic_b", {K::kCpIndex2}, 1, 0),
      core(O::kPutstaticS, "putstatic_s", {K::kCpIndex2}, 1, 0),
      int_op(O::kPutstaticI, "putstatic_i", {K::kCpIndex2}, 2, 0),
      core(O::kGetfieldA, "getfield_a", {K::kCpIndex1}, 1, 1, F::kNext, kObjectAccess),
      core(O::kGetfieldB, "getfield_b", {K::kCpIndex1}, 1, 1, F::kNext, kObjectAccess),
      core(O::kGetfieldS, "getfield_s", {K::kCpIndex1}, 1, 1, F::kNext, kObjectAccess),
      int_op(O::kGetfieldI, "getfield_i", {K::kCpIndex1}, 1, 2, F::kNext, kObjectAccess),
      core(O::kPutfieldA, "putfield_a", {K::kCpIndex1}, 2, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldB, "putfield_b", {K::kCpIndex1}, 2, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldS, "putfield_s", {K::kCpIndex1}, 2, 0, F::kNext, kObjectAccess),
      int_op(O::kPutfieldI, "putfield_i", {K::kCpIndex1}, 3, 0, F::kNext, kObjectAccess),
      core(O::kInvokevirtual, "invokevirtual", {K::kCpIndex2}, V, V, F::kNext,
           kObjectAccess | throws::kAny),
      core(O::kInvokespecial, "invokespecial", {K::kCpIndex2}, V, V, F::kNext, kNpe | throws::kAny),
      core(O::kInvokestatic, "invokestatic", {K::kCpIndex2}, V, V, F::kNext, throws::kAny),
      core(O::kInvokeinterface, "invokeinterface", {K::kArgCount, K::kCpIndex2, K::kMethodToken}, V,
           V, F::kNext, kObjectAccess | throws::kAny),
      core(O::kNew, "new", {K::kCpIndex2}, 0, 1, F::kNext, throws::kSystem),
      core(O::kNewarray, "newarray", {K::kArrayType}, 1, 1, F::kNext,
           throws::kNegativeArraySize | throws::kSystem),
      core(O::kAnewarray, "anewarray", {K::kCpIndex2}, 1, 1, F::kNext,
           throws::kNegativeArraySize | throws::kSystem),
      core(O::kArraylength, "arraylength", {}, 1, 1, F::kNext, kObjectAccess),
      core(O::kAthrow, "athrow", {}, 1, 0, F::kThrow, kObjectAccess | throws::kAny),
      core(O::kCheckcast, "checkcast", {K::kArrayType, K::kCpIndex2}, 1, 1, F::kNext,
           throws::kClassCast | kSec),
      core(O::kInstanceof, "instanceof", {K::kArrayType, K::kCpIndex2}, 1, 1, F::kNext, kSec),
      core(O::kSincW, "sinc_w", {K::kLocal, K::kShort}, 0, 0),
      int_op(O::kIincW, "iinc_w", {K::kLocal, K::kShort}, 0, 0),
      core(O::kIfeqW, "ifeq_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfneW, "ifne_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfltW, "iflt_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfgeW, "ifge_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfgtW, "ifgt_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfleW, "ifle_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfnullW, "ifnull_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfnonnullW, "ifnonnull_w", {K::kBranch2}, 1, 0, F::kBranch),
      core(O::kIfAcmpeqW, "if_acmpeq_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfAcmpneW, "if_acmpne_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfScmpeqW, "if_scmpeq_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfScmpneW, "if_scmpne_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfScmpltW, "if_scmplt_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfScmpgeW, "if_scmpge_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfScmpgtW, "if_scmpgt_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kIfScmpleW, "if_scmple_w", {K::kBranch2}, 2, 0, F::kBranch),
      core(O::kGotoW, "goto_w", {K::kBranch2}, 0, 0, F::kGoto),
      core(O::kGetfieldAW, "getfield_a_w", {K::kCpIndex2}, 1, 1, F::kNext, kObjectAccess),
      core(O::kGetfieldBW, "getfield_b_w", {K::kCpIndex2}, 1, 1, F::kNext, kObjectAccess),
      core(O::kGetfieldSW, "getfield_s_w", {K::kCpIndex2}, 1, 1, F::kNext, kObjectAccess),
      int_op(O::kGetfieldIW, "getfield_i_w", {K::kCpIndex2}, 1, 2, F::kNext, kObjectAccess),
      // The _this forms read local variable 0, which a method may have overwritten with null.
      core(O::kGetfieldAThis, "getfield_a_this", {K::kCpIndex1}, 0, 1, F::kNext, kObjectAccess),
      core(O::kGetfieldBThis, "getfield_b_this", {K::kCpIndex1}, 0, 1, F::kNext, kObjectAccess),
      core(O::kGetfieldSThis, "getfield_s_this", {K::kCpIndex1}, 0, 1, F::kNext, kObjectAccess),
      int_op(O::kGetfieldIThis, "getfield_i_this", {K::kCpIndex1}, 0, 2, F::kNext, kObjectAccess),
      core(O::kPutfieldAW, "putfield_a_w", {K::kCpIndex2}, 2, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldBW, "putfield_b_w", {K::kCpIndex2}, 2, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldSW, "putfield_s_w", {K::kCpIndex2}, 2, 0, F::kNext, kObjectAccess),
      int_op(O::kPutfieldIW, "putfield_i_w", {K::kCpIndex2}, 3, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldAThis, "putfield_a_this", {K::kCpIndex1}, 1, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldBThis, "putfield_b_this", {K::kCpIndex1}, 1, 0, F::kNext, kObjectAccess),
      core(O::kPutfieldSThis, "putfield_s_this", {K::kCpIndex1}, 1, 0, F::kNext, kObjectAccess),
      int_op(O::kPutfieldIThis, "putfield_i_this", {K::kCpIndex1}, 2, 0, F::kNext, kObjectAccess),
      reserved(O::kImpdep1, "impdep1"),
      reserved(O::kImpdep2, "impdep2"),
  }};
}();

// Returns the table entry of an opcode byte, or nullptr for an undefined value.
constexpr const OpcodeInfo* find_opcode(std::uint8_t value) {
  if (value <= kLastOpcode) return &kOpcodeTable[value];
  if (value == 0xFE) return &kOpcodeTable[kLastOpcode + 1];
  if (value == 0xFF) return &kOpcodeTable[kLastOpcode + 2];
  return nullptr;
}

constexpr const OpcodeInfo& info(Opcode opcode) {
  return *find_opcode(static_cast<std::uint8_t>(opcode));
}

constexpr std::string_view mnemonic(Opcode opcode) {
  return info(opcode).mnemonic;
}

// Looks an instruction up by its mnemonic as the specification spells it ("getfield_a_this").
std::optional<Opcode> find_mnemonic(std::string_view mnemonic);

// Words popped and pushed by dup_x or swap_x for an mn operand, or nullopt if the operand is
// outside the values that JCVM 3.0.5 §7.5 (dup_x, swap_x) permits. Without int
// support the ranges are smaller: dup_x m 1-2 and n 0 or m..m+2, swap_x m and n 1 only.
struct StackEffect {
  std::int8_t pops;
  std::int8_t pushes;
  friend constexpr bool operator==(const StackEffect&, const StackEffect&) = default;
};

constexpr std::optional<StackEffect> word_count_effect(Opcode opcode, std::uint8_t mn,
                                                       bool int_supported) {
  const int m = mn >> 4;
  const int n = mn & 0x0F;
  if (opcode == Opcode::kDupX) {
    const int max_m = int_supported ? 4 : 2;
    if (m < 1 || m > max_m) return std::nullopt;
    if (n == 0) return StackEffect{static_cast<std::int8_t>(m), static_cast<std::int8_t>(2 * m)};
    if (n < m || n > m + max_m) return std::nullopt;
    return StackEffect{static_cast<std::int8_t>(n), static_cast<std::int8_t>(n + m)};
  }
  if (opcode == Opcode::kSwapX) {
    const int max_words = int_supported ? 2 : 1;
    if (m < 1 || m > max_words || n < 1 || n > max_words) return std::nullopt;
    return StackEffect{static_cast<std::int8_t>(m + n), static_cast<std::int8_t>(m + n)};
  }
  return std::nullopt;
}

}  // namespace uicc::cap
