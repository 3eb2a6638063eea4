// A method's JVM bytecode decoded into instructions with normalised operands: the _<n> forms
// of loads and stores carry their index, wide forms their wide operand, and branches their
// absolute target. JVMS Java SE 17 §6.5.
#pragma once

#include <cstdint>
#include <vector>

#include "util/bytes.h"

namespace uicc::sdk {

struct JvmInstruction {
  std::uint32_t pc = 0;
  std::uint32_t length = 0;
  std::uint8_t opcode = 0;  // with the _<n> forms mapped to their general form (iload_1 -> iload)
  // Local variable index (loads, stores, iinc, ret), constant pool index (ldc, field and method
  // instructions, new, anewarray, checkcast, instanceof, multianewarray) or array type
  // (newarray).
  std::int32_t index = 0;
  // Immediate value: iconst_<i>, bipush, sipush, the increment of iinc; count of
  // invokeinterface; dimensions of multianewarray.
  std::int32_t value = 0;
  std::int32_t target = 0;  // absolute branch target (if*, goto, jsr)
  // tableswitch and lookupswitch: default target and (match, target) pairs, ordered by match.
  std::int32_t default_target = 0;
  std::vector<std::pair<std::int32_t, std::int32_t>> cases;
  bool is_table_switch = false;
};

// Decodes a Code attribute's bytecode. Throws ClassFormatError, naming `where`, on an
// undefined opcode, truncated operands or a branch target that is no instruction start.
std::vector<JvmInstruction> decode_jvm_code(ByteView code, std::string_view where);

}  // namespace uicc::sdk
