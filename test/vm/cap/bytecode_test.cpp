#include "vm/cap/bytecode.h"

#include <gtest/gtest.h>

#include <limits>

namespace uicc::cap {
namespace {

Instruction decode_ok(const Bytes& code, std::size_t pc = 0) {
  DecodeError error{};
  auto instruction = decode_instruction(code, pc, &error);
  EXPECT_TRUE(instruction) << to_string(error);
  return instruction.value_or(Instruction{});
}

DecodeError decode_error(const Bytes& code, std::size_t pc = 0) {
  DecodeError error{};
  EXPECT_FALSE(decode_instruction(code, pc, &error));
  return error;
}

TEST(DecodeInstruction, SignedAndUnsignedOperands) {
  const Instruction bspush = decode_ok(from_hex("10 FF"));
  EXPECT_EQ(bspush.opcode(), Opcode::kBspush);
  EXPECT_EQ(bspush.length, 2u);
  EXPECT_EQ(bspush.operands[0], -1);

  const Instruction iipush = decode_ok(from_hex("14 80 00 00 00"));
  EXPECT_EQ(iipush.operands[0], std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(iipush.length, 5u);

  const Instruction sinc_w = decode_ok(from_hex("96 FF 80 00"));
  EXPECT_EQ(sinc_w.operands[0], 255);  // local index is unsigned
  EXPECT_EQ(sinc_w.operands[1], -32768);

  const Instruction getstatic = decode_ok(from_hex("7D FF FE"));
  EXPECT_EQ(getstatic.operands[0], 0xFFFE);
}

TEST(DecodeInstruction, InvokeinterfaceOperands) {
  const Instruction call = decode_ok(from_hex("00 8E 03 01 02 07"), 1);
  EXPECT_EQ(call.pc, 1u);
  EXPECT_EQ(call.length, 5u);
  EXPECT_EQ(call.operands[0], 3);       // nargs
  EXPECT_EQ(call.operands[1], 0x0102);  // constant-pool index
  EXPECT_EQ(call.operands[2], 7);       // method token
  auto location = call.cp_index_location();
  ASSERT_TRUE(location);
  EXPECT_EQ(location->first, 3u);
  EXPECT_EQ(location->second, 2u);
}

TEST(DecodeInstruction, ConstantPoolIndexLocations) {
  auto checkcast = decode_ok(from_hex("94 00 00 05")).cp_index_location();
  ASSERT_TRUE(checkcast);
  EXPECT_EQ(checkcast->first, 2u);
  EXPECT_EQ(checkcast->second, 2u);

  auto getfield = decode_ok(from_hex("83 04")).cp_index_location();
  ASSERT_TRUE(getfield);
  EXPECT_EQ(getfield->first, 1u);
  EXPECT_EQ(getfield->second, 1u);

  EXPECT_FALSE(decode_ok(from_hex("41")).cp_index_location());
}

TEST(DecodeInstruction, BranchTargetsRelativeToOpcode) {
  const Instruction back = decode_ok(from_hex("00 00 70 FE"), 2);
  EXPECT_EQ(back.branch_offset(), -2);
  EXPECT_EQ(back.jump_targets(), (std::vector<std::int64_t>{0}));

  const Instruction wide = decode_ok(from_hex("A8 01 00"));
  EXPECT_EQ(wide.jump_targets(), (std::vector<std::int64_t>{256}));

  EXPECT_TRUE(decode_ok(from_hex("3D")).jump_targets().empty());
}

TEST(DecodeInstruction, Stableswitch) {
  // default +0x20, low 1, high 3, offsets 0x10 0x12 0x14
  const Bytes code = from_hex("73 0020 0001 0003 0010 0012 0014");
  const Instruction sw = decode_ok(code);
  EXPECT_EQ(sw.length, 13u);
  ASSERT_TRUE(sw.switch_operand);
  EXPECT_EQ(sw.switch_operand->count, 3u);
  EXPECT_EQ(sw.switch_operand->match(2), 3);
  EXPECT_EQ(sw.switch_operand->offset(1), 0x12);
  EXPECT_EQ(sw.jump_targets(), (std::vector<std::int64_t>{0x20, 0x10, 0x12, 0x14}));
}

TEST(DecodeInstruction, Itableswitch) {
  const Bytes code = from_hex("74 0008 FFFFFFFF 00000000 0004 0006");
  const Instruction sw = decode_ok(code);
  EXPECT_EQ(sw.length, 15u);
  EXPECT_EQ(sw.switch_operand->low, -1);
  EXPECT_EQ(sw.switch_operand->match(0), -1);
  EXPECT_EQ(sw.switch_operand->match(1), 0);
}

TEST(DecodeInstruction, LookupSwitches) {
  const Bytes short_code = from_hex("75 0010 0002 FFFF 0004 0007 0006");
  const Instruction s = decode_ok(short_code);
  EXPECT_EQ(s.length, 13u);
  EXPECT_EQ(s.switch_operand->count, 2u);
  EXPECT_EQ(s.switch_operand->match(0), -1);
  EXPECT_EQ(s.switch_operand->offset(1), 6);
  EXPECT_TRUE(s.switch_operand->is_sorted());

  const Bytes int_code = from_hex("76 0010 0002 00010000 0004 00000001 0006");
  const Instruction i = decode_ok(int_code);
  EXPECT_EQ(i.length, 17u);
  EXPECT_EQ(i.switch_operand->match(0), 0x10000);
  EXPECT_FALSE(i.switch_operand->is_sorted());

  const Bytes empty_code = from_hex("75 0003 0000");
  const Instruction empty = decode_ok(empty_code);
  EXPECT_EQ(empty.length, 5u);
  EXPECT_EQ(empty.jump_targets(), (std::vector<std::int64_t>{3}));
}

TEST(DecodeInstruction, RejectsUndefinedOpcode) {
  EXPECT_EQ(decode_error(from_hex("B9")), DecodeError::kUndefinedOpcode);
  EXPECT_EQ(decode_error(from_hex("FD")), DecodeError::kUndefinedOpcode);
  EXPECT_EQ(decode_ok(from_hex("FE")).opcode(), Opcode::kImpdep1);
}

TEST(DecodeInstruction, RejectsTruncatedOperands) {
  EXPECT_EQ(decode_error(from_hex("11 00")), DecodeError::kTruncated);
  EXPECT_EQ(decode_error(from_hex("8E 01 00 01")), DecodeError::kTruncated);
  EXPECT_EQ(decode_error(from_hex("73 0000 0001")), DecodeError::kTruncated);
  EXPECT_EQ(decode_error(from_hex("73 0000 0001 0002 0004")), DecodeError::kTruncated);
  EXPECT_EQ(decode_error(from_hex("75 0000 0002 0001 0002")), DecodeError::kTruncated);
  EXPECT_EQ(decode_error(from_hex("41"), 1), DecodeError::kTruncated);
}

TEST(DecodeInstruction, RejectsEmptyTableRange) {
  EXPECT_EQ(decode_error(from_hex("73 0000 0002 0001")), DecodeError::kEmptySwitchRange);
}

TEST(DecodeInstruction, HugeTableRangeIsTruncatedNotAllocated) {
  EXPECT_EQ(decode_error(from_hex("74 0000 80000000 7FFFFFFF 0000")), DecodeError::kTruncated);
}

TEST(DecodeInstruction, WalksEveryFixedLengthOpcode) {
  for (const OpcodeInfo& entry : kOpcodeTable) {
    if (entry.is_variable_length()) continue;
    Bytes code(entry.fixed_length(), 0);
    code[0] = entry.value();
    const Instruction instruction = decode_ok(code);
    EXPECT_EQ(instruction.length, entry.fixed_length()) << entry.mnemonic;
    code.pop_back();
    if (!code.empty()) {
      EXPECT_FALSE(decode_instruction(code, 0)) << entry.mnemonic;
    }
  }
}

}  // namespace
}  // namespace uicc::cap
