// JVM instruction decoding, JVMS Java SE 17 §6.5 (instruction formats) and §4.9.1 (static
// constraints on branch targets and switch padding).
#include "tools/sdk/converter/jvm_code.h"

#include <algorithm>

#include <fmt/format.h>

#include "tools/sdk/converter/class_file.h"
#include "tools/sdk/converter/jvm_opcodes.h"

namespace uicc::sdk {
namespace {

class CodeReader {
 public:
  CodeReader(ByteView code, std::string_view where) : code_(code), where_(where) {}

  std::uint8_t u1(std::size_t at) const {
    check(at, 1);
    return code_[at];
  }
  std::int8_t s1(std::size_t at) const { return static_cast<std::int8_t>(u1(at)); }
  std::uint16_t u2(std::size_t at) const {
    check(at, 2);
    return get_u16(code_, at);
  }
  std::int16_t s2(std::size_t at) const { return static_cast<std::int16_t>(u2(at)); }
  std::int32_t s4(std::size_t at) const {
    check(at, 4);
    return static_cast<std::int32_t>(get_u32(code_, at));
  }

  [[noreturn]] void fail(std::size_t pc, std::string_view message) const {
    throw ClassFormatError(fmt::format("{}: bytecode offset {}: {}", where_, pc, message));
  }

 private:
  void check(std::size_t at, std::size_t length) const {
    if (at > code_.size() || code_.size() - at < length) fail(at, "truncated instruction");
  }

  ByteView code_;
  std::string_view where_;
};

// Maps iload_0 ... astore_3 to (general opcode, index).
bool split_short_form(std::uint8_t op, JvmInstruction& insn) {
  struct Range {
    std::uint8_t first;
    std::uint8_t general;
  };
  static constexpr Range kRanges[] = {
      {jvm::iload_0, jvm::iload},   {jvm::lload_0, jvm::lload},   {jvm::fload_0, jvm::fload},
      {jvm::dload_0, jvm::dload},   {jvm::aload_0, jvm::aload},   {jvm::istore_0, jvm::istore},
      {jvm::lstore_0, jvm::lstore}, {jvm::fstore_0, jvm::fstore}, {jvm::dstore_0, jvm::dstore},
      {jvm::astore_0, jvm::astore},
  };
  for (const auto& range : kRanges) {
    if (op >= range.first && op < range.first + 4) {
      insn.opcode = range.general;
      insn.index = op - range.first;
      return true;
    }
  }
  return false;
}

void decode_switch(const CodeReader& in, std::uint32_t pc, JvmInstruction& insn) {
  std::uint32_t at = (pc + 4) & ~3u;  // operands start at the next multiple of 4
  insn.default_target = static_cast<std::int32_t>(pc) + in.s4(at);
  if (insn.opcode == jvm::tableswitch) {
    insn.is_table_switch = true;
    std::int32_t low = in.s4(at + 4);
    std::int32_t high = in.s4(at + 8);
    if (low > high) in.fail(pc, fmt::format("tableswitch with low {} above high {}", low, high));
    std::uint64_t count = static_cast<std::uint64_t>(std::int64_t{high} - low) + 1;
    if (count > 65536) in.fail(pc, "tableswitch larger than the code");
    at += 12;
    for (std::uint64_t i = 0; i < count; ++i, at += 4) {
      insn.cases.emplace_back(static_cast<std::int32_t>(low + static_cast<std::int64_t>(i)),
                              static_cast<std::int32_t>(pc) + in.s4(at));
    }
  } else {
    std::int32_t npairs = in.s4(at + 4);
    if (npairs < 0 || npairs > 65536) in.fail(pc, fmt::format("lookupswitch npairs {}", npairs));
    at += 8;
    for (std::int32_t i = 0; i < npairs; ++i, at += 8) {
      insn.cases.emplace_back(in.s4(at), static_cast<std::int32_t>(pc) + in.s4(at + 4));
    }
    std::sort(insn.cases.begin(), insn.cases.end());
  }
  insn.length = at - pc;
}

void decode_operands(const CodeReader& in, std::uint32_t pc, JvmInstruction& insn) {
  const std::uint8_t op = insn.opcode;
  switch (op) {
    case jvm::bipush:
      insn.value = in.s1(pc + 1);
      return;
    case jvm::sipush:
      insn.value = in.s2(pc + 1);
      return;
    case jvm::ldc:
    case jvm::newarray:
      insn.index = in.u1(pc + 1);
      return;
    case jvm::iload:
    case jvm::lload:
    case jvm::fload:
    case jvm::dload:
    case jvm::aload:
    case jvm::istore:
    case jvm::lstore:
    case jvm::fstore:
    case jvm::dstore:
    case jvm::astore:
    case jvm::ret:
      insn.index = in.u1(pc + 1);
      return;
    case jvm::iinc:
      insn.index = in.u1(pc + 1);
      insn.value = in.s1(pc + 2);
      return;
    case jvm::invokeinterface:
      insn.index = in.u2(pc + 1);
      insn.value = in.u1(pc + 3);
      return;
    case jvm::multianewarray:
      insn.index = in.u2(pc + 1);
      insn.value = in.u1(pc + 3);
      return;
    case jvm::goto_w:
    case jvm::jsr_w:
      insn.target = static_cast<std::int32_t>(pc) + in.s4(pc + 1);
      return;
    default:
      break;
  }
  if ((op >= jvm::ifeq && op <= jvm::jsr) || op == jvm::ifnull || op == jvm::ifnonnull) {
    insn.target = static_cast<std::int32_t>(pc) + in.s2(pc + 1);
  } else if (jvm::fixed_length(op) == 3) {
    insn.index = in.u2(pc + 1);  // ldc_w, ldc2_w, field, method and class instructions
  }
}

void decode_wide(const CodeReader& in, std::uint32_t pc, JvmInstruction& insn) {
  std::uint8_t op = in.u1(pc + 1);
  insn.opcode = op;
  insn.index = in.u2(pc + 2);
  if (op == jvm::iinc) {
    insn.value = in.s2(pc + 4);
    insn.length = 6;
    return;
  }
  bool load_store = (op >= jvm::iload && op <= jvm::aload) ||
                    (op >= jvm::istore && op <= jvm::astore) || op == jvm::ret;
  if (!load_store) in.fail(pc, fmt::format("wide applied to opcode 0x{:02X}", op));
  insn.length = 4;
}

}  // namespace

std::vector<JvmInstruction> decode_jvm_code(ByteView code, std::string_view where) {
  CodeReader in(code, where);
  std::vector<JvmInstruction> out;
  std::vector<bool> starts(code.size() + 1, false);
  std::uint32_t pc = 0;
  while (pc < code.size()) {
    JvmInstruction insn;
    insn.pc = pc;
    std::uint8_t op = code[pc];
    int length = jvm::fixed_length(op);
    if (length < 0) in.fail(pc, fmt::format("undefined opcode 0x{:02X}", op));
    insn.opcode = op;
    if (op == jvm::wide) {
      decode_wide(in, pc, insn);
    } else if (op == jvm::tableswitch || op == jvm::lookupswitch) {
      decode_switch(in, pc, insn);
    } else {
      insn.length = static_cast<std::uint32_t>(length);
      if (pc + insn.length > code.size()) in.fail(pc, "truncated instruction");
      if (!split_short_form(op, insn)) decode_operands(in, pc, insn);
      if (op >= jvm::iconst_m1 && op <= jvm::iconst_5) insn.value = op - jvm::iconst_0;
    }
    starts[pc] = true;
    pc += insn.length;
    out.push_back(std::move(insn));
  }
  auto check_target = [&](const JvmInstruction& insn, std::int32_t target) {
    if (target < 0 || static_cast<std::size_t>(target) >= code.size() ||
        !starts[static_cast<std::size_t>(target)]) {
      in.fail(insn.pc, fmt::format("branch target {} is not the start of an instruction", target));
    }
  };
  for (const auto& insn : out) {
    std::uint8_t op = insn.opcode;
    if ((op >= jvm::ifeq && op <= jvm::jsr) || op == jvm::ifnull || op == jvm::ifnonnull ||
        op == jvm::goto_w || op == jvm::jsr_w) {
      check_target(insn, insn.target);
    } else if (op == jvm::tableswitch || op == jvm::lookupswitch) {
      check_target(insn, insn.default_target);
      for (const auto& [match, target] : insn.cases) check_target(insn, target);
    }
  }
  return out;
}

}  // namespace uicc::sdk
