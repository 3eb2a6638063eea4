// Java Card bytecode of one method before layout: instructions with symbolic labels and
// constant pool entries, from which the layout chooses the short or wide form of each
// branch and field access and computes the operand stack depth. Java Card 3.0.5 Virtual
// Machine Specification §7.5 (instruction formats).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "vm/cap/cap_file.h"
#include "vm/cap/opcodes.h"

namespace uicc::sdk {

// A constant pool entry by name; the CAP builder resolves it to offsets or tokens.
struct CpKey {
  cap::ConstantTag kind = cap::ConstantTag::kClassref;
  std::string class_name;  // internal form; the declaring class for members
  std::string member;      // field or method name, empty for a class reference
  std::string descriptor;

  auto operator<=>(const CpKey&) const = default;
};

// The constant pool of the package: entries are interned while methods are translated and
// numbered once all are known, instance field references first so that getfield and
// putfield use their one-byte index forms as often as possible.
class ConstantPoolBuilder {
 public:
  int intern(const CpKey& key);
  const std::vector<CpKey>& entries() const { return entries_; }
  // Orders the entries and returns the final index of each interned id.
  void assign_indexes();
  std::uint16_t index_of(int id) const { return index_[static_cast<std::size_t>(id)]; }
  // Entries in final index order.
  std::vector<int> ids_in_order() const;

 private:
  std::vector<CpKey> entries_;
  std::map<CpKey, int> ids_;
  std::vector<std::uint16_t> index_;
};

// One instruction. Branches and field accesses are stored in their short form; the layout
// widens them where needed.
struct JcInstruction {
  cap::Opcode opcode = cap::Opcode::kNop;
  std::int32_t operand = 0;   // local index, immediate, atype, dup_x/swap_x mn, nargs
  std::int32_t operand2 = 0;  // sinc/iinc increment, invokeinterface method token
  int cp = -1;                // constant pool id (ConstantPoolBuilder), -1 if none
  int label = -1;             // branch target label
  // Switches: default label and one label per case; for table switches the cases are
  // low..high, for lookup switches `matches` holds the keys in increasing order.
  int default_label = -1;
  std::vector<int> case_labels;
  std::vector<std::int32_t> matches;
  std::int32_t low = 0;
  std::int32_t high = 0;
  // Stack words popped and pushed by an invocation, from its descriptor.
  int invoke_pops = 0;
  int invoke_pushes = 0;
};

// Where a method's constant pool indexes sit after layout, for the ReferenceLocation
// component: offsets relative to the start of the bytecode.
struct CpIndexLocation {
  std::uint32_t offset = 0;
  bool two_bytes = false;
};

struct LaidOutCode {
  Bytes bytecode;
  std::vector<std::uint32_t> label_offsets;  // by label id
  std::vector<CpIndexLocation> cp_locations;
  int max_stack = 0;  // words
};

class JcCode {
 public:
  int new_label();
  void bind(int label);
  void emit(JcInstruction insn) { code_.push_back(std::move(insn)); }
  void emit(cap::Opcode opcode, std::int32_t operand = 0, std::int32_t operand2 = 0);
  // Pushes a short constant with the shortest instruction: sconst_<n>, bspush or sspush.
  void emit_short_constant(std::int16_t value);
  // Pushes an int constant: iconst_<n>, bipush, sipush or iipush.
  void emit_int_constant(std::int32_t value);
  void emit_branch(cap::Opcode short_form, int label);
  void emit_cp(cap::Opcode opcode, int cp_id);

  // Replaces load, constant, add, store of one local by sinc (or iinc): Java's x += c and
  // x++ on a short compile to the four instructions. Only labels that a branch or one of
  // `handler_labels` refers to keep instructions apart.
  void fuse_increments(const std::vector<int>& handler_labels);

  std::vector<JcInstruction>& instructions() { return code_; }
  const std::vector<JcInstruction>& instructions() const { return code_; }
  // Instruction index each label is bound to.
  const std::vector<int>& label_positions() const { return labels_; }

  // Encodes the code with the smallest branch forms and computes the operand stack depth.
  // `handler_labels` are the handler entry points, where the stack holds one reference.
  // Throws ConversionError when the method exceeds 65535 bytes.
  LaidOutCode lay_out(const ConstantPoolBuilder& pool,
                      const std::vector<int>& handler_labels) const;

 private:
  std::vector<JcInstruction> code_;
  std::vector<int> labels_;  // label id -> instruction index
};

// Returns the wide form of a branch, field access or sinc, or the opcode itself if it has none.
cap::Opcode wide_form(cap::Opcode opcode);
bool is_branch(cap::Opcode opcode);

}  // namespace uicc::sdk
