// Checks the opcode table against facts restated here independently from the Java Card
// 3.0.5 Virtual Machine Specification §7.5: instruction lengths from each "Format" line,
// the int set, and the instructions that carry a constant-pool index.
#include "vm/cap/opcodes.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace uicc::cap {
namespace {

// Every instruction longer than one byte, with its length from JCVM 3.0.5 §7.5. The
// switches are listed with the length of their fixed part: the opcode only.
const std::map<std::string, std::size_t>& multi_byte_lengths() {
  static const std::map<std::string, std::size_t> lengths = [] {
    std::map<std::string, std::size_t> m = {
        {"bspush", 2},        {"sspush", 3},
        {"bipush", 2},        {"sipush", 3},
        {"iipush", 5},        {"aload", 2},
        {"sload", 2},         {"iload", 2},
        {"astore", 2},        {"sstore", 2},
        {"istore", 2},        {"dup_x", 2},
        {"swap_x", 2},        {"sinc", 3},
        {"iinc", 3},          {"goto", 2},
        {"jsr", 3},           {"ret", 2},
        {"invokevirtual", 3}, {"invokespecial", 3},
        {"invokestatic", 3},  {"invokeinterface", 5},
        {"new", 3},           {"newarray", 2},
        {"anewarray", 3},     {"checkcast", 4},
        {"instanceof", 4},    {"sinc_w", 4},
        {"iinc_w", 4},        {"goto_w", 3},
    };
    for (const char* cond : {"eq", "ne", "lt", "ge", "gt", "le"}) {
      m[std::string("if") + cond] = 2;
      m[std::string("if") + cond + "_w"] = 3;
      m[std::string("if_scmp") + cond] = 2;
      m[std::string("if_scmp") + cond + "_w"] = 3;
    }
    for (const char* name : {"ifnull", "ifnonnull", "if_acmpeq", "if_acmpne"}) {
      m[name] = 2;
      m[std::string(name) + "_w"] = 3;
    }
    for (const char* type : {"a", "b", "s", "i"}) {
      m[std::string("getstatic_") + type] = 3;
      m[std::string("putstatic_") + type] = 3;
      m[std::string("getfield_") + type] = 2;
      m[std::string("putfield_") + type] = 2;
      m[std::string("getfield_") + type + "_w"] = 3;
      m[std::string("putfield_") + type + "_w"] = 3;
      m[std::string("getfield_") + type + "_this"] = 2;
      m[std::string("putfield_") + type + "_this"] = 2;
    }
    return m;
  }();
  return lengths;
}

// The optional int instructions: the int forms of JCVM 3.0.5 §7.5, whose descriptions state
// they are unavailable when the virtual machine does not support int.
const std::set<std::string> kIntSet = {
    "iconst_m1",
    "iconst_0",
    "iconst_1",
    "iconst_2",
    "iconst_3",
    "iconst_4",
    "iconst_5",
    "bipush",
    "sipush",
    "iipush",
    "iload",
    "iload_0",
    "iload_1",
    "iload_2",
    "iload_3",
    "iaload",
    "istore",
    "istore_0",
    "istore_1",
    "istore_2",
    "istore_3",
    "iastore",
    "iadd",
    "isub",
    "imul",
    "idiv",
    "irem",
    "ineg",
    "ishl",
    "ishr",
    "iushr",
    "iand",
    "ior",
    "ixor",
    "iinc",
    "s2i",
    "i2b",
    "i2s",
    "icmp",
    "itableswitch",
    "ilookupswitch",
    "ireturn",
    "getstatic_i",
    "putstatic_i",
    "getfield_i",
    "putfield_i",
    "iinc_w",
    "getfield_i_w",
    "getfield_i_this",
    "putfield_i_w",
    "putfield_i_this",
};

const std::set<std::string> kSwitches = {"stableswitch", "itableswitch", "slookupswitch",
                                         "ilookupswitch"};

TEST(OpcodeTable, Has185InstructionsAndTwoReserved) {
  std::size_t instructions = 0;
  std::size_t reserved = 0;
  for (const OpcodeInfo& entry : kOpcodeTable) {
    if (entry.reserved) {
      ++reserved;
    } else {
      ++instructions;
    }
  }
  EXPECT_EQ(instructions, 185u);
  EXPECT_EQ(reserved, 2u);
}

TEST(OpcodeTable, IndexEqualsOpcodeValue) {
  for (std::size_t i = 0; i <= kLastOpcode; ++i) {
    EXPECT_EQ(kOpcodeTable[i].value(), i) << kOpcodeTable[i].mnemonic;
    EXPECT_FALSE(kOpcodeTable[i].reserved) << kOpcodeTable[i].mnemonic;
  }
  EXPECT_EQ(kOpcodeTable[185].value(), 0xFE);
  EXPECT_EQ(kOpcodeTable[185].mnemonic, "impdep1");
  EXPECT_EQ(kOpcodeTable[186].value(), 0xFF);
  EXPECT_EQ(kOpcodeTable[186].mnemonic, "impdep2");
}

TEST(OpcodeTable, ValuesAndMnemonicsAreUnique) {
  std::set<std::uint8_t> values;
  std::set<std::string_view> names;
  for (const OpcodeInfo& entry : kOpcodeTable) {
    EXPECT_TRUE(values.insert(entry.value()).second) << entry.mnemonic;
    EXPECT_TRUE(names.insert(entry.mnemonic).second) << entry.mnemonic;
  }
}

TEST(OpcodeTable, UndefinedValuesHaveNoEntry) {
  for (int value = kLastOpcode + 1; value < 0xFE; ++value) {
    EXPECT_EQ(find_opcode(static_cast<std::uint8_t>(value)), nullptr) << value;
  }
  EXPECT_EQ(find_opcode(0xFE)->opcode, Opcode::kImpdep1);
  EXPECT_EQ(find_opcode(0xFF)->opcode, Opcode::kImpdep2);
}

TEST(OpcodeTable, IntSetMatchesSpecification) {
  std::set<std::string> int_only;
  for (const OpcodeInfo& entry : kOpcodeTable) {
    if (entry.int_only) int_only.insert(std::string(entry.mnemonic));
  }
  EXPECT_EQ(int_only.size(), 51u);
  EXPECT_EQ(int_only, kIntSet);
}

TEST(OpcodeTable, LengthsMatchInstructionFormats) {
  for (const OpcodeInfo& entry : kOpcodeTable) {
    const std::string name(entry.mnemonic);
    auto known = multi_byte_lengths().find(name);
    const std::size_t expected = known == multi_byte_lengths().end() ? 1 : known->second;
    EXPECT_EQ(entry.fixed_length(), expected) << name;
    EXPECT_EQ(entry.is_variable_length(), kSwitches.count(name) == 1) << name;
  }
}

TEST(OpcodeTable, ConstantPoolOperandsMatchReferencingInstructions) {
  // getstatic/putstatic (8), getfield/putfield in three forms (24), the four invocations,
  // new, anewarray, checkcast and instanceof: the instructions ReferenceLocation covers.
  std::size_t one_byte = 0;
  std::size_t two_byte = 0;
  for (const OpcodeInfo& entry : kOpcodeTable) {
    for (OperandKind kind : entry.operands.view()) {
      if (kind == OperandKind::kCpIndex1) ++one_byte;
      if (kind == OperandKind::kCpIndex2) ++two_byte;
    }
  }
  EXPECT_EQ(one_byte, 16u);  // getfield_<t>, putfield_<t> and their _this forms
  EXPECT_EQ(two_byte, 24u);
}

TEST(OpcodeTable, IntValuesTakeTwoWords) {
  EXPECT_EQ(info(Opcode::kIconst0).pushes, 2);
  EXPECT_EQ(info(Opcode::kIload).pushes, 2);
  EXPECT_EQ(info(Opcode::kIadd).pops, 4);
  EXPECT_EQ(info(Opcode::kIadd).pushes, 2);
  EXPECT_EQ(info(Opcode::kIcmp).pops, 4);
  EXPECT_EQ(info(Opcode::kIcmp).pushes, 1);
  EXPECT_EQ(info(Opcode::kIastore).pops, 4);
  EXPECT_EQ(info(Opcode::kPutfieldI).pops, 3);
  EXPECT_EQ(info(Opcode::kPutfieldIThis).pops, 2);
  EXPECT_EQ(info(Opcode::kS2i).pops, 1);
  EXPECT_EQ(info(Opcode::kS2i).pushes, 2);
}

TEST(OpcodeTable, InvocationsHaveVariableStackEffect) {
  for (Opcode op : {Opcode::kInvokevirtual, Opcode::kInvokespecial, Opcode::kInvokestatic,
                    Opcode::kInvokeinterface, Opcode::kDupX, Opcode::kSwapX}) {
    EXPECT_EQ(info(op).pops, kVariableWords) << mnemonic(op);
    EXPECT_EQ(info(op).pushes, kVariableWords) << mnemonic(op);
  }
  std::size_t variable = 0;
  for (const OpcodeInfo& entry : kOpcodeTable) {
    if (entry.pops == kVariableWords || entry.pushes == kVariableWords) ++variable;
  }
  EXPECT_EQ(variable, 6u);
}

TEST(OpcodeTable, ControlFlowKinds) {
  std::size_t branches = 0;
  for (const OpcodeInfo& entry : kOpcodeTable) {
    if (entry.flow == Flow::kBranch) ++branches;
    const bool has_branch_operand = entry.operands.count == 1 && is_branch(entry.operands.kinds[0]);
    const bool jumps =
        entry.flow == Flow::kBranch || entry.flow == Flow::kGoto || entry.flow == Flow::kJsr;
    EXPECT_EQ(has_branch_operand, jumps) << entry.mnemonic;
  }
  EXPECT_EQ(branches, 32u);  // 16 conditional branches in short and wide form
  EXPECT_EQ(info(Opcode::kAthrow).flow, Flow::kThrow);
  EXPECT_EQ(info(Opcode::kRet).flow, Flow::kRet);
  EXPECT_EQ(info(Opcode::kIreturn).flow, Flow::kReturn);
}

TEST(OpcodeTable, ThrowingInstructions) {
  EXPECT_FALSE(info(Opcode::kSadd).can_throw());
  EXPECT_FALSE(info(Opcode::kGetstaticA).can_throw());
  EXPECT_TRUE(info(Opcode::kPutstaticA).throws & throws::kSecurity);
  EXPECT_FALSE(info(Opcode::kPutstaticS).can_throw());
  EXPECT_TRUE(info(Opcode::kSdiv).throws & throws::kArithmetic);
  EXPECT_TRUE(info(Opcode::kAastore).throws & throws::kArrayStore);
  EXPECT_FALSE(info(Opcode::kBastore).throws & throws::kArrayStore);
  EXPECT_TRUE(info(Opcode::kSaload).throws & throws::kArrayIndexOutOfBounds);
  EXPECT_TRUE(info(Opcode::kCheckcast).throws & throws::kClassCast);
  EXPECT_FALSE(info(Opcode::kInstanceof).throws & throws::kClassCast);
  EXPECT_TRUE(info(Opcode::kNewarray).throws & throws::kNegativeArraySize);
  EXPECT_TRUE(info(Opcode::kGetfieldSThis).throws & throws::kNullPointer);
  EXPECT_TRUE(info(Opcode::kInvokestatic).throws & throws::kAny);
  EXPECT_FALSE(info(Opcode::kInvokestatic).throws & throws::kNullPointer);
}

TEST(OpcodeTable, FindsMnemonics) {
  for (const OpcodeInfo& entry : kOpcodeTable) {
    EXPECT_EQ(find_mnemonic(entry.mnemonic), entry.opcode) << entry.mnemonic;
  }
  EXPECT_EQ(find_mnemonic("getfield_a_this"), Opcode::kGetfieldAThis);
  EXPECT_FALSE(find_mnemonic("iconst_6"));
  EXPECT_FALSE(find_mnemonic(""));
}

TEST(OpcodeTable, IsUsableAtCompileTime) {
  static_assert(find_opcode(0x8E)->fixed_length() == 5);
  static_assert(mnemonic(Opcode::kSspush) == "sspush");
  static_assert(find_opcode(0xB9) == nullptr);
}

TEST(WordCountEffect, DupX) {
  const bool with_int = true;
  const bool without_int = false;
  EXPECT_EQ(word_count_effect(Opcode::kDupX, 0x10, without_int), (StackEffect{1, 2}));
  EXPECT_EQ(word_count_effect(Opcode::kDupX, 0x11, without_int), (StackEffect{1, 2}));
  EXPECT_EQ(word_count_effect(Opcode::kDupX, 0x13, without_int), (StackEffect{3, 4}));
  EXPECT_EQ(word_count_effect(Opcode::kDupX, 0x20, without_int), (StackEffect{2, 4}));
  EXPECT_FALSE(word_count_effect(Opcode::kDupX, 0x14, without_int));
  EXPECT_EQ(word_count_effect(Opcode::kDupX, 0x15, with_int), (StackEffect{5, 6}));
  EXPECT_FALSE(word_count_effect(Opcode::kDupX, 0x16, with_int));
  EXPECT_EQ(word_count_effect(Opcode::kDupX, 0x48, with_int), (StackEffect{8, 12}));
  EXPECT_FALSE(word_count_effect(Opcode::kDupX, 0x30, without_int));
  EXPECT_FALSE(word_count_effect(Opcode::kDupX, 0x21, with_int));  // n below m
  EXPECT_FALSE(word_count_effect(Opcode::kDupX, 0x00, with_int));
  EXPECT_FALSE(word_count_effect(Opcode::kDupX, 0x50, with_int));
}

TEST(WordCountEffect, SwapX) {
  EXPECT_EQ(word_count_effect(Opcode::kSwapX, 0x11, false), (StackEffect{2, 2}));
  EXPECT_FALSE(word_count_effect(Opcode::kSwapX, 0x12, false));
  EXPECT_EQ(word_count_effect(Opcode::kSwapX, 0x12, true), (StackEffect{3, 3}));
  EXPECT_EQ(word_count_effect(Opcode::kSwapX, 0x22, true), (StackEffect{4, 4}));
  EXPECT_FALSE(word_count_effect(Opcode::kSwapX, 0x10, true));
  EXPECT_FALSE(word_count_effect(Opcode::kSwapX, 0x31, true));
  EXPECT_FALSE(word_count_effect(Opcode::kPop, 0x11, true));
}

}  // namespace
}  // namespace uicc::cap
