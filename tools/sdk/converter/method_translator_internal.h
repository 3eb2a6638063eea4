// Internals of the method translator (method_translator.h), shared by the files of its
// passes: method_dataflow.cpp (pass 1), method_representation.cpp (passes 2 and 3) and
// method_codegen.cpp (pass 4). Not for use outside them.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tools/sdk/converter/jvm_code.h"
#include "tools/sdk/converter/jvm_opcodes.h"
#include "tools/sdk/converter/method_translator.h"
#include "tools/sdk/converter/translation_rules.h"

namespace uicc::sdk::translation {

using cap::Opcode;

enum class SlotKind : std::uint8_t { kTop, kInt, kRef };

struct Slot {
  SlotKind kind = SlotKind::kTop;
  int value = -1;        // value id of an int slot
  bool is_this = false;  // a reference loaded from local 0 holding `this`

  friend bool operator==(const Slot&, const Slot&) = default;
};

// A push site: output `index` (0 = deepest) of the instruction at `insn`.
struct PushSite {
  int insn = -1;
  int index = 0;
  auto operator<=>(const PushSite&) const = default;
};

using PushSet = std::vector<PushSite>;  // sorted, without duplicates

struct Frame {
  bool reached = false;
  std::vector<Slot> stack;
  std::vector<PushSet> pushed_by;  // parallel to `stack`
  std::vector<Slot> locals;
};

// Union-find over value ids; a set is a web.
class Webs {
 public:
  int add() {
    parent_.push_back(static_cast<int>(parent_.size()));
    return parent_.back();
  }
  int find(int v) {
    while (parent_[static_cast<std::size_t>(v)] != v) {
      auto& p = parent_[static_cast<std::size_t>(v)];
      p = parent_[static_cast<std::size_t>(p)];
      v = p;
    }
    return v;
  }
  bool unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a == b) return false;
    if (a > b) std::swap(a, b);
    parent_[static_cast<std::size_t>(b)] = a;
    return true;
  }
  std::size_t size() const { return parent_.size(); }

 private:
  std::vector<int> parent_;
};

// Kind of definition of a value.
enum class DefKind : std::uint8_t {
  kConstant,   // iconst, bipush, sipush, ldc
  kTyped,      // a source of fixed type: parameter, field, array element, invocation result
  kOperation,  // iadd ... ixor, ineg, and iinc on a local
  kNarrowing,  // i2b, i2s
};

struct Value {
  DefKind kind = DefKind::kTyped;
  int insn = -1;  // defining instruction, -1 for parameters
  std::uint8_t op = 0;
  int in1 = -1;
  int in2 = -1;
  std::int64_t constant = 0;  // constant value; iinc increment
  Repr natural = Repr::kFlex;
  Range range;  // of constants and typed sources; computed for the others
};

// A use of an int value whose observed bits constrain the representation.
struct Use {
  int insn = -1;
  int value = -1;
  Demand demand = kNoDemand;
  UseKind kind = UseKind::kOther;
};

inline Range range_of_type(const FieldType& type) {
  if (type.dimensions != 0) return Range::full();
  switch (type.base) {
    case BaseType::kBoolean:
      return {0, 1};
    case BaseType::kByte:
      return {-128, 127};
    case BaseType::kShort:
      return {-32768, 32767};
    default:
      return Range::full();
  }
}

// Stack shuffles: how many slots a dup or swap takes, and for each slot it pushes (deepest
// first) the input slot it copies.
struct DupLayout {
  std::size_t inputs;
  std::vector<std::size_t> sources;
};

inline const DupLayout& dup_layout(std::uint8_t op) {
  static const DupLayout kDup{1, {0, 0}};
  static const DupLayout kDupX1{2, {1, 0, 1}};
  static const DupLayout kDupX2{3, {2, 0, 1, 2}};
  static const DupLayout kDup2{2, {0, 1, 0, 1}};
  static const DupLayout kDup2X1{3, {1, 2, 0, 1, 2}};
  static const DupLayout kDup2X2{4, {2, 3, 0, 1, 2, 3}};
  static const DupLayout kSwap{2, {1, 0}};
  switch (op) {
    case jvm::dup_x1:
      return kDupX1;
    case jvm::dup_x2:
      return kDupX2;
    case jvm::dup2:
      return kDup2;
    case jvm::dup2_x1:
      return kDup2X1;
    case jvm::dup2_x2:
      return kDup2X2;
    case jvm::swap:
      return kSwap;
    default:
      return kDup;
  }
}

inline bool is_dup(std::uint8_t op) {
  return (op >= jvm::dup && op <= jvm::swap);
}

class Translator {
 public:
  Translator(const PackageModel& model, const PackageClass& cls, const PackageMethod& method,
             ConstantPoolBuilder& pool, const TranslationOptions& options, Diagnostics& diagnostics)
      : model_(model),
        cls_(cls),
        method_(method),
        pool_(pool),
        options_(options),
        diagnostics_(diagnostics),
        code_attr_(*method.info->code) {}

  TranslatedMethod run();

 private:
  // Pass 1.
  bool decode_and_check();
  void compute_liveness();
  void run_dataflow();
  void transfer(int i, Frame& frame);
  void merge_into(int target, const Frame& from);
  int value_at(int insn, DefKind kind, std::uint8_t op, Repr natural, Range range);
  // Pass 2.
  void compute_ranges();
  bool compute_point_ranges();
  Range def_range(const Value& v);
  // Pass 3.
  void collect_uses();
  void decide_representations();
  // Pass 4.
  void allocate_locals();
  void require(const PushSite& site, Repr repr, int use_insn);
  void compute_requirements();
  void choose_this_forms();
  void generate();
  void emit_instruction(int i);
  void emit_conversions(int i);
  void emit_conversion(Repr from, Repr to, const Range& range);
  void emit_switch(int i);
  int operand_local_value(int i, int slot) const {
    return frame(i).locals[static_cast<std::size_t>(slot)].value;
  }

  // Helpers.
  void error(int insn, std::string message);
  std::uint32_t pc_of(int insn) const {
    return insn < 0 ? 0 : instructions_[static_cast<std::size_t>(insn)].pc;
  }
  int web(int value) { return webs_.find(value); }
  Repr repr_of(int value) { return web_repr_[static_cast<std::size_t>(web(value))]; }
  const Range& web_range(int value) { return web_range_[static_cast<std::size_t>(web(value))]; }
  int jc_local(int jvm_slot) const { return local_map_[static_cast<std::size_t>(jvm_slot)]; }
  const Frame& frame(int i) const { return frames_[static_cast<std::size_t>(i)]; }
  // Operand slot `k` from the top (0 = top) of the stack before instruction i.
  const Slot& operand(int i, int k) const {
    const auto& stack = frame(i).stack;
    return stack[stack.size() - 1 - static_cast<std::size_t>(k)];
  }
  const PushSet& operand_sites(int i, int k) const {
    const auto& sites = frame(i).pushed_by;
    return sites[sites.size() - 1 - static_cast<std::size_t>(k)];
  }
  // Representation of operand slot k of instruction i as code generation leaves it.
  Repr actual_repr(int i, int k);
  Repr site_repr(const PushSite& site);
  std::optional<CpKey> field_key(int i, bool is_static);
  std::optional<CpKey> method_key(int i, std::uint8_t& interface_token);
  std::optional<int> class_cp(int i, const std::string& name);
  std::string describe_value(int value);

  const PackageModel& model_;
  const PackageClass& cls_;
  const PackageMethod& method_;
  ConstantPoolBuilder& pool_;
  const TranslationOptions& options_;
  Diagnostics& diagnostics_;
  const CodeAttribute& code_attr_;
  bool failed_ = false;

  std::vector<JvmInstruction> instructions_;
  std::map<std::uint32_t, int> index_of_pc_;
  std::vector<std::vector<int>> successors_;
  std::vector<std::vector<bool>> live_in_;
  std::vector<Frame> frames_;
  std::vector<int> handler_insn_;  // per exception table entry
  bool this_is_stable_ = false;    // local 0 holds `this` throughout

  Webs webs_;
  std::vector<Value> values_;
  std::map<int, int> value_of_insn_;
  std::vector<int> param_values_;  // value id per JVM parameter slot, -1 for others
  std::vector<Use> uses_;
  std::vector<Range> web_range_;
  // Range of each operation's result from the flow-sensitive pass, empty where unknown.
  std::vector<Range> point_def_range_;
  std::vector<Demand> web_demand_;
  std::vector<Repr> web_repr_;
  std::vector<int> web_reason_;  // use index that made the web need int, -1 if none

  std::map<PushSite, Repr> required_;
  std::map<PushSite, std::vector<int>> consumers_;
  std::set<int> elided_;       // aload_0 instructions folded into a _this field access
  std::set<int> this_access_;  // getfield and putfield instructions that use the _this form
  std::deque<int> pending_;    // dataflow work list
  std::vector<int> local_map_;
  std::vector<int> local_words_;
  struct MovedParameter {
    int slot = -1;      // JVM local variable of the parameter
    int original = -1;  // its Java Card local as passed by the caller
    int target = -1;    // the Java Card local it moves to
  };
  std::vector<MovedParameter> prologue_;
  std::vector<int> pop_count_;  // operand slots each instruction consumes
  int jc_locals_total_ = 0;

  TranslatedMethod out_;
  std::vector<int> labels_;  // per JVM instruction, plus one for the end
};

}  // namespace uicc::sdk::translation
