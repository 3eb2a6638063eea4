// Instruction decoding: operand values, switch layouts and branch targets.
#include "vm/cap/bytecode.h"

namespace uicc::cap {
namespace {

std::int32_t read_signed(ByteView code, std::size_t at, std::size_t size) {
  switch (size) {
    case 1:
      return static_cast<std::int8_t>(code[at]);
    case 2:
      return static_cast<std::int16_t>(get_u16(code, at));
    default:
      return static_cast<std::int32_t>(get_u32(code, at));
  }
}

bool is_unsigned(OperandKind kind) {
  switch (kind) {
    case OperandKind::kLocal:
    case OperandKind::kCpIndex1:
    case OperandKind::kCpIndex2:
    case OperandKind::kArrayType:
    case OperandKind::kWordCounts:
    case OperandKind::kArgCount:
    case OperandKind::kMethodToken:
      return true;
    default:
      return false;
  }
}

// Reads the switch operand that starts at `at` and sets `size` to its length in bytes.
std::optional<SwitchOperand> read_switch(ByteView code, std::size_t at, OperandKind kind,
                                         std::size_t& size, DecodeError& error) {
  const bool is_table =
      kind == OperandKind::kTableSwitchShort || kind == OperandKind::kTableSwitchInt;
  const bool is_int = kind == OperandKind::kTableSwitchInt || kind == OperandKind::kLookupSwitchInt;
  const std::size_t key_size = is_int ? 4 : 2;
  const std::size_t header = is_table ? 2 + 2 * key_size : 4;
  error = DecodeError::kTruncated;
  if (code.size() - at < header) return std::nullopt;

  SwitchOperand result;
  result.default_offset = read_signed(code, at, 2);
  std::uint64_t entry_size = 2;
  if (is_table) {
    result.low = read_signed(code, at + 2, key_size);
    result.high = read_signed(code, at + 2 + key_size, key_size);
    if (result.low > result.high) {
      error = DecodeError::kEmptySwitchRange;
      return std::nullopt;
    }
    const std::int64_t count = std::int64_t{result.high} - result.low + 1;
    // More entries than bytes left cannot fit; the check also keeps count in 32 bits.
    if (count > static_cast<std::int64_t>(code.size())) return std::nullopt;
    result.count = static_cast<std::uint32_t>(count);
  } else {
    result.count = get_u16(code, at + 2);
    result.match_size = key_size;
    entry_size = key_size + 2;
  }
  const std::uint64_t table_size = entry_size * result.count;
  if (code.size() - at - header < table_size) return std::nullopt;
  result.entries = code.subspan(at + header, static_cast<std::size_t>(table_size));
  size = header + result.entries.size();
  return result;
}

}  // namespace

std::string_view to_string(DecodeError error) {
  switch (error) {
    case DecodeError::kUndefinedOpcode:
      return "undefined opcode";
    case DecodeError::kTruncated:
      return "instruction runs past the end of the bytecode";
    case DecodeError::kEmptySwitchRange:
      return "table switch with low greater than high";
  }
  return "unknown decode error";
}

std::int32_t SwitchOperand::match(std::size_t i) const {
  if (match_size == 0) return static_cast<std::int32_t>(low + static_cast<std::int64_t>(i));
  return read_signed(entries, i * (match_size + 2), match_size);
}

std::int16_t SwitchOperand::offset(std::size_t i) const {
  const std::size_t at = match_size == 0 ? i * 2 : i * (match_size + 2) + match_size;
  return static_cast<std::int16_t>(get_u16(entries, at));
}

bool SwitchOperand::is_sorted() const {
  for (std::size_t i = 1; i < count; ++i) {
    if (match(i - 1) >= match(i)) return false;
  }
  return true;
}

std::optional<std::int32_t> Instruction::branch_offset() const {
  const auto kinds = info->operands.view();
  if (kinds.size() == 1 && is_branch(kinds[0])) return operands[0];
  return std::nullopt;
}

std::vector<std::int64_t> Instruction::jump_targets() const {
  std::vector<std::int64_t> targets;
  const auto base = static_cast<std::int64_t>(pc);
  if (auto offset = branch_offset()) targets.push_back(base + *offset);
  if (switch_operand) {
    targets.reserve(switch_operand->count + 1);
    targets.push_back(base + switch_operand->default_offset);
    for (std::size_t i = 0; i < switch_operand->count; ++i) {
      targets.push_back(base + switch_operand->offset(i));
    }
  }
  return targets;
}

std::optional<std::pair<std::size_t, std::size_t>> Instruction::cp_index_location() const {
  std::size_t at = pc + 1;
  for (OperandKind kind : info->operands.view()) {
    if (is_cp_index(kind)) return std::pair{at, operand_size(kind)};
    at += operand_size(kind);
  }
  return std::nullopt;
}

std::optional<Instruction> decode_instruction(ByteView code, std::size_t pc, DecodeError* error) {
  DecodeError failure = DecodeError::kTruncated;
  auto fail = [&](DecodeError reason) -> std::optional<Instruction> {
    if (error != nullptr) *error = reason;
    return std::nullopt;
  };
  if (pc >= code.size()) return fail(DecodeError::kTruncated);
  const OpcodeInfo* info = find_opcode(code[pc]);
  if (info == nullptr) return fail(DecodeError::kUndefinedOpcode);

  Instruction instruction;
  instruction.info = info;
  instruction.pc = pc;
  std::size_t at = pc + 1;
  std::size_t index = 0;
  for (OperandKind kind : info->operands.view()) {
    if (is_switch(kind)) {
      std::size_t size = 0;
      instruction.switch_operand = read_switch(code, at, kind, size, failure);
      if (!instruction.switch_operand) return fail(failure);
      at += size;
      continue;
    }
    const std::size_t size = operand_size(kind);
    if (code.size() - at < size) return fail(DecodeError::kTruncated);
    std::int32_t value = read_signed(code, at, size);
    if (is_unsigned(kind)) value = size == 1 ? code[at] : get_u16(code, at);
    instruction.operands[index++] = value;
    at += size;
  }
  instruction.length = at - pc;
  return instruction;
}

}  // namespace uicc::cap
