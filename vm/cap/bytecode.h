// Decoding of single instructions from a method's bytecode, on top of the opcode table: the
// operand values, the full length of the switches, and the branch targets.
// Java Card 3.0.5 Virtual Machine Specification §7.5 (instruction formats).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "vm/cap/opcodes.h"

namespace uicc::cap {

enum class DecodeError : std::uint8_t {
  kUndefinedOpcode,   // 0xB9-0xFD
  kTruncated,         // the operands run past the end of the bytecode
  kEmptySwitchRange,  // a tableswitch with low > high
};

std::string_view to_string(DecodeError error);

// The variable-length operand of a switch. `entries` points into the decoded bytecode, which
// must outlive it.
struct SwitchOperand {
  std::int32_t default_offset = 0;
  std::int32_t low = 0;        // table switches
  std::int32_t high = 0;       // table switches
  std::uint32_t count = 0;     // entries: high - low + 1 for tables, npairs for lookups
  ByteView entries;            // the jump offsets (tables) or match-offset pairs (lookups)
  std::size_t match_size = 0;  // 0 for tables, 2 or 4 for lookups

  // The key of entry i: low + i for tables, the match value for lookups.
  std::int32_t match(std::size_t i) const;
  std::int16_t offset(std::size_t i) const;
  // Lookup switches must list their match values in increasing order (JCVM 3.0.5 §7.5,
  // slookupswitch); decoding does not check it, the verifier does.
  bool is_sorted() const;
};

struct Instruction {
  const OpcodeInfo* info = nullptr;
  std::size_t pc = 0;      // offset of the opcode in the bytecode
  std::size_t length = 0;  // bytes, opcode included
  // Operand values in table order. Unsigned kinds (local, constant-pool index, atype, mn,
  // count, token) are zero-extended; the others are sign-extended.
  std::array<std::int32_t, 3> operands{};
  std::optional<SwitchOperand> switch_operand;

  Opcode opcode() const { return info->opcode; }
  // The offset operand of a branch or jsr, or nullopt for other instructions.
  std::optional<std::int32_t> branch_offset() const;
  // Every address control can move to from here other than the following instruction:
  // branch target, or each switch target with the default first. Targets are pc + offset
  // and may lie outside the method, which the caller checks.
  std::vector<std::int64_t> jump_targets() const;
  // Offset inside the bytecode of each constant-pool index operand, with its size (1 or 2),
  // as the ReferenceLocation component lists them.
  std::optional<std::pair<std::size_t, std::size_t>> cp_index_location() const;
};

// Decodes the instruction at `pc`. Returns nullopt and sets `error` (when given) if the
// opcode is undefined or the instruction does not fit in `code`.
std::optional<Instruction> decode_instruction(ByteView code, std::size_t pc,
                                              DecodeError* error = nullptr);

}  // namespace uicc::cap
