// JVM to Java Card bytecode translation of one method, in four passes:
//
//  1. Dataflow over the JVM instructions: the kind of every stack slot and local variable,
//     a value id for every integral value and, for each stack slot, the instructions that
//     pushed it. Values that meet at a join (a local variable or a stack slot merged from
//     two paths) are joined into one web, which has one representation in the output.
//  2. Ranges: the interval each web's Java (32-bit) value can take.
//  3. Demands and representations: how many low bits of each web its uses observe; a web
//     is computed with the short instructions unless that could change an observable
//     result, in which case it needs the int instructions.
//  4. Code generation, with conversions (s2i, i2s) placed right after the instruction that
//     pushed a value whose representation differs from what its use needs.
//
// JVM: JVMS Java SE 17 §6.5. Java Card: Java Card 3.0.5 Virtual Machine Specification
// §7.5 (instructions), §3.5 (words: int takes two) and §2.2.3 (the int type is optional).
#include "tools/sdk/converter/method_translator.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "tools/sdk/converter/jvm_code.h"
#include "tools/sdk/converter/jvm_opcodes.h"
#include "tools/sdk/converter/translation_rules.h"

namespace uicc::sdk {
namespace {

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

// How a value is defined.
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

Range range_of_type(const FieldType& type) {
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

const DupLayout& dup_layout(std::uint8_t op) {
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

bool is_dup(std::uint8_t op) {
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

void Translator::error(int insn, std::string message) {
  failed_ = true;
  diagnostics_.add(make_diagnostic(cls_, &method_, pc_of(insn), std::move(message)));
}

// ---------------------------------------------------------------------------------------
// Pass 1: decoding, subset checks, liveness and dataflow.

bool Translator::decode_and_check() {
  try {
    instructions_ = decode_jvm_code(code_attr_.code,
                                    fmt::format("{}.{}", cls_.java_name(), method_.signature()));
  } catch (const ClassFormatError& e) {
    error(-1, e.what());
    return false;
  }
  for (std::size_t i = 0; i < instructions_.size(); ++i) {
    index_of_pc_[instructions_[i].pc] = static_cast<int>(i);
  }
  index_of_pc_[static_cast<std::uint32_t>(code_attr_.code.size())] =
      static_cast<int>(instructions_.size());
  const ClassFile& file = *cls_.file;
  for (std::size_t i = 0; i < instructions_.size(); ++i) {
    const JvmInstruction& insn = instructions_[i];
    std::optional<std::string> problem = unsupported_instruction(file, insn, options_.int_support);
    if (problem) error(static_cast<int>(i), *problem);
  }
  this_is_stable_ = !method_.info->is_static();
  for (const auto& insn : instructions_) {
    if (insn.opcode == jvm::astore && insn.index == 0) this_is_stable_ = false;
  }
  // Successors.
  successors_.assign(instructions_.size(), {});
  for (std::size_t i = 0; i < instructions_.size(); ++i) {
    const JvmInstruction& insn = instructions_[i];
    auto& succ = successors_[i];
    auto at = [&](std::int32_t pc) { return index_of_pc_.at(static_cast<std::uint32_t>(pc)); };
    std::uint8_t op = insn.opcode;
    bool falls_through = true;
    if ((op >= jvm::ifeq && op <= jvm::if_acmpne) || op == jvm::ifnull || op == jvm::ifnonnull) {
      succ.push_back(at(insn.target));
    } else if (op == jvm::goto_ || op == jvm::goto_w) {
      succ.push_back(at(insn.target));
      falls_through = false;
    } else if (op == jvm::tableswitch || op == jvm::lookupswitch) {
      succ.push_back(at(insn.default_target));
      for (const auto& c : insn.cases) succ.push_back(at(c.second));
      falls_through = false;
    } else if ((op >= jvm::ireturn && op <= jvm::return_) || op == jvm::athrow) {
      falls_through = false;
    }
    if (falls_through && i + 1 < instructions_.size()) succ.push_back(static_cast<int>(i + 1));
  }
  handler_insn_.clear();
  for (const auto& h : code_attr_.exception_table) {
    auto it = index_of_pc_.find(h.handler_pc);
    if (it == index_of_pc_.end() || index_of_pc_.find(h.start_pc) == index_of_pc_.end() ||
        index_of_pc_.find(h.end_pc) == index_of_pc_.end()) {
      error(-1, "an exception handler does not start or end at an instruction");
      return false;
    }
    handler_insn_.push_back(it->second);
  }
  return !failed_;
}

void Translator::compute_liveness() {
  // Backward dataflow on local variables, so that a dead variable sharing a slot with a
  // live one (javac reuses slots across scopes) is not merged with it at a join.
  const std::size_t n = instructions_.size();
  const std::size_t locals = code_attr_.max_locals;
  live_in_.assign(n, std::vector<bool>(locals, false));
  std::vector<std::vector<int>> handlers_of(n);
  for (std::size_t h = 0; h < code_attr_.exception_table.size(); ++h) {
    const auto& entry = code_attr_.exception_table[h];
    for (std::size_t i = 0; i < n; ++i) {
      if (instructions_[i].pc >= entry.start_pc && instructions_[i].pc < entry.end_pc) {
        handlers_of[i].push_back(handler_insn_[h]);
      }
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t k = n; k-- > 0;) {
      const JvmInstruction& insn = instructions_[k];
      std::vector<bool> live(locals, false);
      for (int s : successors_[k]) {
        const auto& other = live_in_[static_cast<std::size_t>(s)];
        for (std::size_t v = 0; v < locals; ++v) live[v] = live[v] || other[v];
      }
      for (int h : handlers_of[k]) {
        const auto& other = live_in_[static_cast<std::size_t>(h)];
        for (std::size_t v = 0; v < locals; ++v) live[v] = live[v] || other[v];
      }
      std::uint8_t op = insn.opcode;
      auto slot = static_cast<std::size_t>(insn.index);
      if ((op == jvm::istore || op == jvm::astore) && slot < locals) live[slot] = false;
      if ((op == jvm::iload || op == jvm::aload || op == jvm::iinc) && slot < locals)
        live[slot] = true;
      if (live != live_in_[k]) {
        live_in_[k] = std::move(live);
        changed = true;
      }
    }
  }
}

int Translator::value_at(int insn, DefKind kind, std::uint8_t op, Repr natural, Range range) {
  auto it = value_of_insn_.find(insn);
  if (it != value_of_insn_.end()) return it->second;
  int id = webs_.add();
  Value v;
  v.kind = kind;
  v.insn = insn;
  v.op = op;
  v.natural = natural;
  v.range = range;
  values_.push_back(v);
  value_of_insn_.emplace(insn, id);
  return id;
}

void Translator::merge_into(int target, const Frame& from) {
  Frame& to = frames_[static_cast<std::size_t>(target)];
  const auto& live = live_in_[static_cast<std::size_t>(target)];
  if (!to.reached) {
    to = from;
    for (std::size_t v = 0; v < to.locals.size(); ++v) {
      if (!live[v]) to.locals[v] = Slot{};
    }
    to.reached = true;
    pending_.push_back(target);
    return;
  }
  bool changed = false;
  if (to.stack.size() != from.stack.size()) {
    error(target, "the operand stack has different depths on two paths to this instruction");
    return;
  }
  auto merge_slot = [&](Slot& a, const Slot& b, bool is_local) {
    if (a.kind == SlotKind::kTop) return;
    if (a.kind != b.kind) {
      if (!is_local) error(target, "the operand stack holds different types on two paths");
      a = Slot{};
      changed = true;
      return;
    }
    if (a.kind == SlotKind::kInt && webs_.unite(a.value, b.value)) changed = true;
    if (a.kind == SlotKind::kRef && a.is_this && !b.is_this) {
      a.is_this = false;
      changed = true;
    }
  };
  for (std::size_t s = 0; s < to.stack.size(); ++s) {
    merge_slot(to.stack[s], from.stack[s], false);
    PushSet merged;
    std::set_union(to.pushed_by[s].begin(), to.pushed_by[s].end(), from.pushed_by[s].begin(),
                   from.pushed_by[s].end(), std::back_inserter(merged));
    if (merged != to.pushed_by[s]) {
      to.pushed_by[s] = std::move(merged);
      changed = true;
    }
  }
  for (std::size_t v = 0; v < to.locals.size(); ++v) {
    if (!live[v]) continue;
    merge_slot(to.locals[v], from.locals[v], true);
  }
  if (changed) pending_.push_back(target);
}

void Translator::run_dataflow() {
  const std::size_t n = instructions_.size();
  frames_.assign(n, Frame{});
  pop_count_.assign(n, 0);
  Frame entry;
  entry.locals.assign(code_attr_.max_locals, Slot{});
  param_values_.assign(code_attr_.max_locals, -1);
  std::size_t slot = 0;
  auto need_slot = [&](std::size_t s) {
    if (s >= entry.locals.size()) {
      error(-1, "max_locals is smaller than the parameters need");
      return false;
    }
    return true;
  };
  if (!method_.info->is_static()) {
    if (!need_slot(0)) return;
    entry.locals[0] = Slot{SlotKind::kRef, -1, this_is_stable_};
    slot = 1;
  }
  for (const FieldType& param : method_.type.parameters) {
    if (!need_slot(slot)) return;
    if (param.is_reference()) {
      entry.locals[slot] = Slot{SlotKind::kRef, -1, false};
    } else {
      Repr natural = param.is_int() ? Repr::kInt : Repr::kShort;
      int v =
          value_at(-1 - static_cast<int>(slot), DefKind::kTyped, 0, natural, range_of_type(param));
      entry.locals[slot] = Slot{SlotKind::kInt, v, false};
      param_values_[slot] = v;
    }
    slot += static_cast<std::size_t>(param.jvm_slots());
  }
  if (n == 0) return;
  merge_into(0, entry);
  // Instructions covered by each exception handler, so that their locals reach it.
  std::vector<std::vector<int>> handlers_of(n);
  for (std::size_t h = 0; h < code_attr_.exception_table.size(); ++h) {
    const auto& e = code_attr_.exception_table[h];
    for (std::size_t i = 0; i < n; ++i) {
      if (instructions_[i].pc >= e.start_pc && instructions_[i].pc < e.end_pc) {
        handlers_of[i].push_back(handler_insn_[h]);
      }
    }
  }
  std::size_t steps = 0;
  const std::size_t max_steps = 64 * n + 4096;
  while (!pending_.empty() && !failed_) {
    if (++steps > max_steps) {
      error(-1, "the dataflow analysis does not converge");
      return;
    }
    int i = pending_.front();
    pending_.pop_front();
    Frame f = frames_[static_cast<std::size_t>(i)];
    for (int handler : handlers_of[static_cast<std::size_t>(i)]) {
      Frame h;
      h.locals = f.locals;
      h.stack = {Slot{SlotKind::kRef, -1, false}};
      h.pushed_by = {PushSet{}};
      h.reached = true;
      merge_into(handler, h);
    }
    transfer(i, f);
    if (failed_) return;
    for (int s : successors_[static_cast<std::size_t>(i)]) merge_into(s, f);
  }
}

void Translator::transfer(int i, Frame& f) {
  const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
  const std::uint8_t op = insn.opcode;
  pop_count_[static_cast<std::size_t>(i)] = 0;
  auto pop = [&](std::size_t count) {
    pop_count_[static_cast<std::size_t>(i)] += static_cast<int>(count);
    if (f.stack.size() < count) {
      error(i, "operand stack underflow");
      count = f.stack.size();
    }
    f.stack.resize(f.stack.size() - count);
    f.pushed_by.resize(f.pushed_by.size() - count);
  };
  auto push = [&](Slot slot, int index = 0) {
    f.stack.push_back(slot);
    f.pushed_by.push_back(PushSet{PushSite{i, index}});
  };
  auto push_int = [&](int value) { push(Slot{SlotKind::kInt, value, false}); };
  auto push_ref = [&]() { push(Slot{SlotKind::kRef, -1, false}); };
  auto top = [&](std::size_t k) -> const Slot& { return f.stack[f.stack.size() - 1 - k]; };
  auto typed = [&](const FieldType& type) {
    if (type.is_void()) return;
    if (type.is_reference()) {
      push_ref();
      return;
    }
    Repr natural = type.is_int() ? Repr::kInt : Repr::kShort;
    push_int(value_at(i, DefKind::kTyped, op, natural, range_of_type(type)));
  };
  auto set_inputs = [&](int v, int in1, int in2) {
    Value& value = values_[static_cast<std::size_t>(v)];
    if (value.in1 < 0) {
      value.in1 = in1;
    } else if (in1 >= 0) {
      webs_.unite(value.in1, in1);
    }
    if (value.in2 < 0) {
      value.in2 = in2;
    } else if (in2 >= 0) {
      webs_.unite(value.in2, in2);
    }
  };
  auto check_int = [&](std::size_t k) {
    if (f.stack.size() <= k || top(k).kind != SlotKind::kInt) {
      error(i, "an int operand is missing on the operand stack");
      return false;
    }
    return true;
  };
  auto local = [&](int index) -> Slot& {
    if (index < 0 || static_cast<std::size_t>(index) >= f.locals.size()) {
      error(i, fmt::format("local variable {} outside max_locals", index));
      static Slot dummy;
      return dummy;
    }
    return f.locals[static_cast<std::size_t>(index)];
  };

  switch (op) {
    case jvm::nop:
      return;
    case jvm::aconst_null:
      push_ref();
      return;
    case jvm::iconst_m1:
    case jvm::iconst_0:
    case jvm::iconst_1:
    case jvm::iconst_2:
    case jvm::iconst_3:
    case jvm::iconst_4:
    case jvm::iconst_5:
    case jvm::bipush:
    case jvm::sipush:
    case jvm::ldc:
    case jvm::ldc_w: {
      std::int64_t c = insn.value;
      if (op == jvm::ldc || op == jvm::ldc_w) {
        c = static_cast<std::int32_t>(
            cls_.file->entry(static_cast<std::uint16_t>(insn.index), CpTag::integer).value);
      }
      int v = value_at(i, DefKind::kConstant, op, Repr::kFlex, Range::of(c));
      values_[static_cast<std::size_t>(v)].constant = c;
      push_int(v);
      return;
    }
    case jvm::iload: {
      Slot s = local(insn.index);
      if (s.kind != SlotKind::kInt) {
        error(i, fmt::format("local variable {} holds no int value here", insn.index));
        return;
      }
      push(s);
      return;
    }
    case jvm::aload: {
      Slot s = local(insn.index);
      if (s.kind != SlotKind::kRef) {
        error(i, fmt::format("local variable {} holds no reference here", insn.index));
        return;
      }
      push(s);
      return;
    }
    case jvm::istore:
    case jvm::astore: {
      if (f.stack.empty()) {
        error(i, "operand stack underflow");
        return;
      }
      Slot s = top(0);
      pop(1);
      local(insn.index) = s;
      return;
    }
    case jvm::iaload:
    case jvm::baload:
    case jvm::saload: {
      pop(2);
      Repr natural = op == jvm::iaload ? Repr::kInt : Repr::kShort;
      Range range = op == jvm::iaload   ? Range::full()
                    : op == jvm::baload ? Range{-128, 127}
                                        : Range{-32768, 32767};
      push_int(value_at(i, DefKind::kTyped, op, natural, range));
      return;
    }
    case jvm::aaload:
      pop(2);
      push_ref();
      return;
    case jvm::iastore:
    case jvm::bastore:
    case jvm::sastore:
    case jvm::aastore:
      pop(3);
      return;
    case jvm::pop:
      pop(1);
      return;
    case jvm::pop2:
      pop(2);
      return;
    case jvm::dup:
    case jvm::dup_x1:
    case jvm::dup_x2:
    case jvm::dup2:
    case jvm::dup2_x1:
    case jvm::dup2_x2:
    case jvm::swap: {
      const auto& layout = dup_layout(op);
      if (f.stack.size() < layout.inputs) {
        error(i, "operand stack underflow");
        return;
      }
      std::vector<Slot> in(f.stack.end() - static_cast<std::ptrdiff_t>(layout.inputs),
                           f.stack.end());
      pop(layout.inputs);
      for (std::size_t j = 0; j < layout.sources.size(); ++j) {
        push(in[layout.sources[j]], static_cast<int>(j));
      }
      return;
    }
    case jvm::iadd:
    case jvm::isub:
    case jvm::imul:
    case jvm::idiv:
    case jvm::irem:
    case jvm::ishl:
    case jvm::ishr:
    case jvm::iushr:
    case jvm::iand:
    case jvm::ior:
    case jvm::ixor: {
      if (!check_int(0) || !check_int(1)) return;
      int a = top(1).value;
      int b = top(0).value;
      pop(2);
      int v = value_at(i, DefKind::kOperation, op, Repr::kFlex, {});
      set_inputs(v, a, b);
      push_int(v);
      return;
    }
    case jvm::ineg:
    case jvm::i2b:
    case jvm::i2s: {
      if (!check_int(0)) return;
      int a = top(0).value;
      pop(1);
      DefKind kind = op == jvm::ineg ? DefKind::kOperation : DefKind::kNarrowing;
      Repr natural = op == jvm::ineg ? Repr::kFlex : Repr::kShort;
      int v = value_at(i, kind, op, natural, {});
      set_inputs(v, a, -1);
      push_int(v);
      return;
    }
    case jvm::iinc: {
      Slot& s = local(insn.index);
      if (s.kind != SlotKind::kInt) {
        error(i, fmt::format("iinc on local variable {}, which holds no int value", insn.index));
        return;
      }
      int v = value_at(i, DefKind::kOperation, op, Repr::kFlex, {});
      values_[static_cast<std::size_t>(v)].constant = insn.value;
      set_inputs(v, s.value, -1);
      s = Slot{SlotKind::kInt, v, false};
      return;
    }
    case jvm::ifeq:
    case jvm::ifne:
    case jvm::iflt:
    case jvm::ifge:
    case jvm::ifgt:
    case jvm::ifle:
    case jvm::ifnull:
    case jvm::ifnonnull:
    case jvm::tableswitch:
    case jvm::lookupswitch:
    case jvm::ireturn:
    case jvm::areturn:
    case jvm::athrow:
    case jvm::putstatic:
      pop(1);
      return;
    case jvm::if_icmpeq:
    case jvm::if_icmpne:
    case jvm::if_icmplt:
    case jvm::if_icmpge:
    case jvm::if_icmpgt:
    case jvm::if_icmple:
    case jvm::if_acmpeq:
    case jvm::if_acmpne:
    case jvm::putfield:
      pop(2);
      return;
    case jvm::goto_:
    case jvm::goto_w:
    case jvm::return_:
      return;
    case jvm::getstatic:
    case jvm::getfield: {
      if (op == jvm::getfield) pop(1);
      MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
      auto type = parse_field_descriptor(ref.descriptor);
      if (!type) {
        error(i, fmt::format("invalid field descriptor {}", ref.descriptor));
        return;
      }
      typed(*type);
      return;
    }
    case jvm::invokevirtual:
    case jvm::invokespecial:
    case jvm::invokestatic:
    case jvm::invokeinterface: {
      MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
      auto type = parse_method_descriptor(ref.descriptor);
      if (!type) {
        error(i, fmt::format("invalid method descriptor {}", ref.descriptor));
        return;
      }
      pop(static_cast<std::size_t>(type->parameter_jvm_slots()) +
          (op == jvm::invokestatic ? 0 : 1));
      typed(type->result);
      return;
    }
    case jvm::new_:
      push_ref();
      return;
    case jvm::newarray:
    case jvm::anewarray:
    case jvm::checkcast:
      pop(1);
      push_ref();
      return;
    case jvm::arraylength:
      pop(1);
      // A Java Card array holds at most 32767 elements (JCVM 3.0.5 §2.2.4.1).
      push_int(value_at(i, DefKind::kTyped, op, Repr::kShort, Range{0, 32767}));
      return;
    case jvm:: instanceof:
      pop(1);
      push_int(value_at(i, DefKind::kTyped, op, Repr::kShort, Range{0, 1}));
      return;
    default:
      error(i, fmt::format("instruction {} is not supported", jvm::mnemonic(op)));
      return;
  }
}

// ---------------------------------------------------------------------------------------
// Pass 2: ranges.

Range Translator::def_range(const Value& v) {
  Range a = v.in1 >= 0 ? web_range(v.in1) : Range{};
  Range b;
  if (v.op == jvm::iinc) {
    b = Range::of(v.constant);
  } else if (v.in2 >= 0) {
    b = web_range(v.in2);
  }
  return operation_range(v.op, a, b);
}

void Translator::compute_ranges() {
  web_range_.assign(webs_.size(), Range{});
  for (std::size_t id = 0; id < values_.size(); ++id) {
    const Value& v = values_[id];
    if (v.kind == DefKind::kConstant || v.kind == DefKind::kTyped) {
      web_range_[static_cast<std::size_t>(web(static_cast<int>(id)))].unite(v.range);
    }
  }
  // Loops make ranges grow step by step; after a few rounds a growing bound jumps to the
  // next of these thresholds, so the iteration ends.
  static constexpr std::int64_t kThresholds[] = {
      -2147483648LL, -65536, -32768, -256, -128, -1, 0, 1, 127, 255, 32767, 65535, 2147483647LL};
  constexpr int kWidenAfter = 4;
  constexpr int kMaxRounds = 64;
  for (int round = 0; round < kMaxRounds; ++round) {
    bool changed = false;
    for (std::size_t id = 0; id < values_.size(); ++id) {
      const Value& v = values_[id];
      if (v.kind != DefKind::kOperation && v.kind != DefKind::kNarrowing) continue;
      Range r = def_range(v);
      if (r.empty()) continue;
      Range& w = web_range_[static_cast<std::size_t>(web(static_cast<int>(id)))];
      Range before = w;
      w.unite(r);
      if (w == before) continue;
      changed = true;
      if (round < kWidenAfter || before.empty()) continue;
      if (w.lo < before.lo) {
        for (auto it = std::rbegin(kThresholds); it != std::rend(kThresholds); ++it) {
          if (*it <= w.lo) {
            w.lo = *it;
            break;
          }
        }
      }
      if (w.hi > before.hi) {
        for (std::int64_t t : kThresholds) {
          if (t >= w.hi) {
            w.hi = t;
            break;
          }
        }
      }
    }
    if (!changed) return;
  }
  for (auto& r : web_range_) {
    if (!r.empty()) r = Range::full();
  }
}

// ---------------------------------------------------------------------------------------
// Pass 3: demands and representations.

void Translator::collect_uses() {
  for (std::size_t index = 0; index < instructions_.size(); ++index) {
    int i = static_cast<int>(index);
    if (!frame(i).reached) continue;
    const JvmInstruction& insn = instructions_[index];
    auto add = [&](int k, Demand demand, UseKind kind) {
      if (static_cast<std::size_t>(k) >= frame(i).stack.size()) return;
      const Slot& s = operand(i, k);
      if (s.kind == SlotKind::kInt) uses_.push_back(Use{i, s.value, demand, kind});
    };
    auto typed_demand = [](const FieldType& type) { return type.is_int() ? kExact : Demand{16}; };
    switch (insn.opcode) {
      case jvm::iaload:
      case jvm::baload:
      case jvm::saload:
      case jvm::aaload:
        add(0, kIndex, UseKind::kArrayIndex);
        break;
      case jvm::iastore:
        add(1, kIndex, UseKind::kArrayIndex);
        add(0, kExact, UseKind::kStore);
        break;
      case jvm::bastore:
      case jvm::sastore:
        add(1, kIndex, UseKind::kArrayIndex);
        add(0, 16, UseKind::kStore);
        break;
      case jvm::aastore:
        add(1, kIndex, UseKind::kArrayIndex);
        break;
      case jvm::ifeq:
      case jvm::ifne:
      case jvm::iflt:
      case jvm::ifge:
      case jvm::ifgt:
      case jvm::ifle:
        add(0, kExact, UseKind::kCompare);
        break;
      case jvm::if_icmpeq:
      case jvm::if_icmpne:
      case jvm::if_icmplt:
      case jvm::if_icmpge:
      case jvm::if_icmpgt:
      case jvm::if_icmple:
        add(0, kExact, UseKind::kCompare);
        add(1, kExact, UseKind::kCompare);
        break;
      case jvm::tableswitch:
      case jvm::lookupswitch:
        add(0, kExact, UseKind::kSwitch);
        break;
      case jvm::ireturn:
        add(0, typed_demand(method_.type.result),
            method_.type.result.is_int() ? UseKind::kReturn : UseKind::kOther);
        break;
      case jvm::putstatic:
      case jvm::putfield: {
        MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
        auto type = parse_field_descriptor(ref.descriptor);
        if (type && type->is_int_like()) add(0, typed_demand(*type), UseKind::kStore);
        break;
      }
      case jvm::invokevirtual:
      case jvm::invokespecial:
      case jvm::invokestatic:
      case jvm::invokeinterface: {
        MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
        auto type = parse_method_descriptor(ref.descriptor);
        if (!type) break;
        int k = 0;
        for (auto it = type->parameters.rbegin(); it != type->parameters.rend(); ++it, ++k) {
          if (it->is_int_like()) {
            add(k, typed_demand(*it), it->is_int() ? UseKind::kArgument : UseKind::kOther);
          }
        }
        break;
      }
      case jvm::newarray:
      case jvm::anewarray:
        add(0, kIndex, UseKind::kArrayLength);
        break;
      default:
        break;
    }
  }
}

std::string Translator::describe_value(int value) {
  const Value& v = values_[static_cast<std::size_t>(value)];
  switch (v.kind) {
    case DefKind::kConstant:
      return fmt::format("the constant {}", v.constant);
    case DefKind::kOperation:
      return fmt::format("the result of {}", operator_text(v.op));
    default:
      return "the value";
  }
}

void Translator::decide_representations() {
  const std::size_t count = webs_.size();
  web_demand_.assign(count, kNoDemand);
  web_repr_.assign(count, Repr::kShort);
  web_reason_.assign(count, -1);
  std::vector<bool> fixed_int(count, false);
  std::vector<bool> forced(count, false);
  std::vector<int> forced_by(count, -1);
  for (std::size_t id = 0; id < values_.size(); ++id) {
    if (values_[id].natural == Repr::kInt) {
      auto w = static_cast<std::size_t>(web(static_cast<int>(id)));
      fixed_int[w] = true;
      web_repr_[w] = Repr::kInt;
    }
  }
  // A use index above uses_.size() marks a demand coming from an operation's operand.
  std::vector<UseKind> reason_kind(count, UseKind::kOther);
  std::vector<int> reason_insn(count, -1);
  auto raise = [&](int value, Demand demand, UseKind kind, int insn) {
    if (value < 0 || demand == kNoDemand) return false;
    auto w = static_cast<std::size_t>(web(value));
    if (demand <= web_demand_[w]) return false;
    web_demand_[w] = demand;
    reason_kind[w] = kind;
    reason_insn[w] = insn;
    return true;
  };
  for (const Use& use : uses_) raise(use.value, use.demand, use.kind, use.insn);

  const int max_rounds = static_cast<int>(4 * values_.size() + 16);
  for (int round = 0;; ++round) {
    if (round > max_rounds) {
      error(-1, "the integer type analysis does not converge");
      return;
    }
    bool changed = false;
    for (std::size_t w = 0; w < count; ++w) {
      if (web_repr_[w] == Repr::kInt || static_cast<int>(w) != web(static_cast<int>(w))) continue;
      const Range& r = web_range_[w];
      Demand d = web_demand_[w];
      bool needs_int =
          forced[w] || (d == kExact && !r.fits_short()) || (d == kIndex && !r.fits_index());
      if (needs_int) {
        web_repr_[w] = Repr::kInt;
        changed = true;
      }
    }
    for (std::size_t id = 0; id < values_.size(); ++id) {
      const Value& v = values_[id];
      if (v.kind != DefKind::kOperation && v.kind != DefKind::kNarrowing) continue;
      auto w = static_cast<std::size_t>(web(static_cast<int>(id)));
      bool short_result = v.kind == DefKind::kNarrowing || web_repr_[w] != Repr::kInt;
      Range a = v.in1 >= 0 ? web_range(v.in1) : Range{};
      Range b =
          v.op == jvm::iinc ? Range::of(v.constant) : (v.in2 >= 0 ? web_range(v.in2) : Range{});
      OperandDemands od = operand_demands(v.op, web_demand_[w], short_result, a, b);
      bool exact_operands = v.op == jvm::idiv || v.op == jvm::irem;
      bool exact_first = exact_operands || v.op == jvm::ishr || v.op == jvm::iushr;
      if (v.kind == DefKind::kOperation && short_result &&
          ((exact_first && od.first == kExact && v.in1 >= 0 && repr_of(v.in1) == Repr::kInt) ||
           (exact_operands && v.in2 >= 0 && repr_of(v.in2) == Repr::kInt))) {
        od.needs_int = true;
      }
      if (od.needs_int && v.kind == DefKind::kOperation && short_result && !forced[w]) {
        forced[w] = true;
        forced_by[w] = static_cast<int>(id);
        changed = true;
      }
      UseKind kind = (exact_first || exact_operands) ? UseKind::kOperand : UseKind::kOther;
      if (raise(v.in1, od.first, kind, v.insn)) changed = true;
      if (v.op != jvm::iinc && raise(v.in2, od.second, kind, v.insn)) changed = true;
    }
    if (!changed) break;
  }

  if (options_.int_support) return;
  for (std::size_t w = 0; w < count; ++w) {
    if (web_repr_[w] != Repr::kInt || fixed_int[w]) continue;
    if (static_cast<int>(w) != web(static_cast<int>(w))) continue;
    // Name the first value of the web that is no plain copy.
    int first = static_cast<int>(w);
    if (forced[w]) {
      const Value& v = values_[static_cast<std::size_t>(forced_by[w])];
      error(v.insn, fmt::format("{} on a value that can be negative gives an int result that "
                                "the short shift does not reproduce; shift a non-negative value "
                                "or convert with int support",
                                operator_text(v.op)));
      continue;
    }
    const Range& r = web_range_[w];
    error(reason_insn[w] >= 0 ? reason_insn[w] : values_[static_cast<std::size_t>(first)].insn,
          fmt::format("{} can take values outside the short range ({} to {}) and is used {}; "
                      "cast it to short or byte, or convert with int support",
                      describe_value(first), r.lo, r.hi, use_kind_text(reason_kind[w])));
  }
}

// ---------------------------------------------------------------------------------------
// Pass 4: local variables, conversions and code generation.

void Translator::allocate_locals() {
  const std::size_t slots = code_attr_.max_locals;
  local_map_.assign(slots, -1);
  local_words_.assign(slots, 0);
  std::vector<int> needed(slots, 1);
  std::vector<int> accesses(slots, 0);
  for (std::size_t index = 0; index < instructions_.size(); ++index) {
    int i = static_cast<int>(index);
    if (!frame(i).reached) continue;
    const JvmInstruction& insn = instructions_[index];
    if (insn.index < 0 || static_cast<std::size_t>(insn.index) >= slots) continue;
    auto slot = static_cast<std::size_t>(insn.index);
    switch (insn.opcode) {
      case jvm::istore:
        if (repr_of(operand(i, 0).value) == Repr::kInt) needed[slot] = 2;
        ++accesses[slot];
        break;
      case jvm::iinc:
        if (repr_of(value_of_insn_.at(i)) == Repr::kInt) needed[slot] = 2;
        ++accesses[slot];
        break;
      case jvm::iload:
      case jvm::aload:
      case jvm::astore:
        ++accesses[slot];
        break;
      default:
        break;
    }
  }
  // Parameters keep their places (JCVM 3.0.5 §3.5: arguments are the first locals).
  int next = 0;
  std::size_t slot = 0;
  std::vector<bool> is_param(slots, false);
  if (!method_.info->is_static()) {
    local_map_[0] = next++;
    local_words_[0] = 1;
    is_param[0] = true;
    slot = 1;
  }
  for (const FieldType& param : method_.type.parameters) {
    local_map_[slot] = next;
    local_words_[slot] = param.words();
    is_param[slot] = true;
    next += param.words();
    slot += static_cast<std::size_t>(param.jvm_slots());
  }
  out_.nargs = next;
  // A parameter whose value must change representation, or whose slot later holds an int
  // in a short parameter, moves to a new local filled by a prologue.
  std::vector<std::size_t> order;
  for (std::size_t s = 0; s < slots; ++s) {
    if (!is_param[s]) {
      order.push_back(s);
      continue;
    }
    int v = param_values_[s];
    if (v < 0) continue;
    bool short_param = values_[static_cast<std::size_t>(v)].natural == Repr::kShort;
    bool moves = (short_param && repr_of(v) == Repr::kInt) || (short_param && needed[s] == 2) ||
                 (!short_param && repr_of(v) != Repr::kInt);
    if (moves) {
      order.push_back(s);
      prologue_.push_back(MovedParameter{static_cast<int>(s), local_map_[s], -1});
    }
  }
  // The most used variables first, so that they get the one-byte sload_<n> forms.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return accesses[a] > accesses[b]; });
  for (std::size_t s : order) {
    if (accesses[s] == 0 && !is_param[s]) continue;
    local_map_[s] = next;
    local_words_[s] = needed[s];
    next += needed[s];
    for (auto& moved : prologue_) {
      if (moved.slot == static_cast<int>(s)) moved.target = local_map_[s];
    }
  }
  jc_locals_total_ = next;
  out_.max_locals = next - out_.nargs;
  if (out_.nargs > 255 || out_.max_locals > 255) {
    error(-1, fmt::format("the method needs {} words of parameters and {} of local variables; "
                          "Java Card allows 255 of each",
                          out_.nargs, out_.max_locals));
  }
}

void Translator::require(const PushSite& site, Repr repr, int use_insn) {
  if (site.insn < 0) return;
  const JvmInstruction& pusher = instructions_[static_cast<std::size_t>(site.insn)];
  if (is_dup(pusher.opcode)) {
    // A copy has the representation of its original: require it where the original was pushed.
    const DupLayout& layout = dup_layout(pusher.opcode);
    std::size_t source = layout.sources[static_cast<std::size_t>(site.index)];
    int k = static_cast<int>(layout.inputs - 1 - source);
    for (const PushSite& original : operand_sites(site.insn, k)) require(original, repr, site.insn);
    return;
  }
  auto [it, inserted] = required_.emplace(site, repr);
  if (!inserted && it->second != repr) {
    // Two uses of one pushed value want it in different forms; javac does not produce this
    // for Java source, so it is reported rather than handled.
    error(use_insn,
          "a value on the operand stack is used both as short and as int; split the "
          "expression with a local variable");
  }
}

Repr Translator::site_repr(const PushSite& site) {
  auto it = required_.find(site);
  if (it != required_.end()) return it->second == Repr::kShortChecked ? Repr::kShort : it->second;
  const JvmInstruction& pusher = instructions_[static_cast<std::size_t>(site.insn)];
  if (is_dup(pusher.opcode)) {
    const DupLayout& layout = dup_layout(pusher.opcode);
    std::size_t source = layout.sources[static_cast<std::size_t>(site.index)];
    int k = static_cast<int>(layout.inputs - 1 - source);
    const PushSet& originals = operand_sites(site.insn, k);
    return originals.empty() ? Repr::kShort : site_repr(originals.front());
  }
  if (pusher.opcode == jvm::iload) return repr_of(operand(site.insn + 1, 0).value);
  auto v = value_of_insn_.find(site.insn);
  if (v == value_of_insn_.end()) return Repr::kShort;
  const Value& value = values_[static_cast<std::size_t>(v->second)];
  return value.natural == Repr::kFlex ? repr_of(v->second) : value.natural;
}

Repr Translator::actual_repr(int i, int k) {
  const PushSet& sites = operand_sites(i, k);
  if (sites.empty()) return Repr::kShort;
  return site_repr(sites.front());
}

void Translator::compute_requirements() {
  // Which instructions consume each pushed value, for the _this forms below.
  for (std::size_t index = 0; index < instructions_.size(); ++index) {
    int i = static_cast<int>(index);
    if (!frame(i).reached) continue;
    for (int k = 0; k < pop_count_[index]; ++k) {
      for (const PushSite& site : operand_sites(i, k)) consumers_[site].push_back(i);
    }
  }
  auto need = [&](int i, int k, Repr repr) {
    if (operand(i, k).kind != SlotKind::kInt) return;
    for (const PushSite& site : operand_sites(i, k)) require(site, repr, i);
  };
  auto typed = [](const FieldType& type) { return type.is_int() ? Repr::kInt : Repr::kShort; };
  auto index_repr = [&](int i, int k) {
    int v = operand(i, k).value;
    if (repr_of(v) == Repr::kShort || web_range(v).fits_index()) return Repr::kShort;
    return Repr::kShortChecked;
  };
  for (std::size_t index = 0; index < instructions_.size(); ++index) {
    int i = static_cast<int>(index);
    if (!frame(i).reached) continue;
    const JvmInstruction& insn = instructions_[index];
    const std::uint8_t op = insn.opcode;
    switch (op) {
      case jvm::istore:
        need(i, 0, repr_of(operand(i, 0).value));
        break;
      case jvm::iaload:
      case jvm::baload:
      case jvm::saload:
      case jvm::aaload:
      case jvm::newarray:
      case jvm::anewarray:
        need(i, 0, index_repr(i, 0));
        break;
      case jvm::iastore:
        need(i, 1, index_repr(i, 1));
        need(i, 0, Repr::kInt);
        break;
      case jvm::bastore:
      case jvm::sastore:
      case jvm::aastore:
        need(i, 1, index_repr(i, 1));
        need(i, 0, Repr::kShort);
        break;
      case jvm::ifeq:
      case jvm::ifne:
      case jvm::iflt:
      case jvm::ifge:
      case jvm::ifgt:
      case jvm::ifle:
      case jvm::tableswitch:
      case jvm::lookupswitch:
        need(i, 0, repr_of(operand(i, 0).value));
        break;
      case jvm::if_icmpeq:
      case jvm::if_icmpne:
      case jvm::if_icmplt:
      case jvm::if_icmpge:
      case jvm::if_icmpgt:
      case jvm::if_icmple: {
        bool wide = repr_of(operand(i, 0).value) == Repr::kInt ||
                    repr_of(operand(i, 1).value) == Repr::kInt;
        need(i, 0, wide ? Repr::kInt : Repr::kShort);
        need(i, 1, wide ? Repr::kInt : Repr::kShort);
        break;
      }
      case jvm::ireturn:
        need(i, 0, typed(method_.type.result));
        break;
      case jvm::putstatic:
      case jvm::putfield: {
        MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
        auto type = parse_field_descriptor(ref.descriptor);
        if (type) need(i, 0, typed(*type));
        break;
      }
      case jvm::invokevirtual:
      case jvm::invokespecial:
      case jvm::invokestatic:
      case jvm::invokeinterface: {
        MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
        auto type = parse_method_descriptor(ref.descriptor);
        if (!type) break;
        int k = 0;
        for (auto it = type->parameters.rbegin(); it != type->parameters.rend(); ++it, ++k) {
          need(i, k, typed(*it));
        }
        break;
      }
      case jvm::iadd:
      case jvm::isub:
      case jvm::imul:
      case jvm::idiv:
      case jvm::irem:
      case jvm::ishl:
      case jvm::ishr:
      case jvm::iushr:
      case jvm::iand:
      case jvm::ior:
      case jvm::ixor: {
        Repr r = repr_of(value_of_insn_.at(i));
        need(i, 0, r);
        need(i, 1, r);
        break;
      }
      case jvm::ineg:
        need(i, 0, repr_of(value_of_insn_.at(i)));
        break;
      case jvm::i2b:
      case jvm::i2s:
        need(i, 0, repr_of(operand(i, 0).value));
        break;
      default:
        break;
    }
  }
  if (this_is_stable_) choose_this_forms();
}

void Translator::choose_this_forms() {
  // A field access whose object reference is `this` uses the _this form when the aload_0
  // that pushed the reference feeds nothing else. `this.f += x` pushes the reference once
  // and duplicates it for the getfield and the putfield; both then use the _this form and
  // the aload_0 and dup go away.
  auto object_site = [&](int i) -> const PushSet& {
    std::uint8_t op = instructions_[static_cast<std::size_t>(i)].opcode;
    return operand_sites(i, op == jvm::getfield ? 0 : 1);
  };
  auto is_field_access = [&](int i) {
    std::uint8_t op = instructions_[static_cast<std::size_t>(i)].opcode;
    return op == jvm::getfield || op == jvm::putfield;
  };
  auto only_consumer = [&](const PushSite& site) -> int {
    auto it = consumers_.find(site);
    if (it == consumers_.end() || it->second.empty()) return -1;
    int first = it->second.front();
    for (int u : it->second) {
      if (u != first) return -1;
    }
    return first;
  };
  auto is_this_load = [&](const PushSite& site) {
    if (site.insn < 0) return false;
    const JvmInstruction& pusher = instructions_[static_cast<std::size_t>(site.insn)];
    return pusher.opcode == jvm::aload && pusher.index == 0 && elided_.count(site.insn) == 0;
  };
  for (std::size_t index = 0; index < instructions_.size(); ++index) {
    int i = static_cast<int>(index);
    if (!frame(i).reached || !is_field_access(i) || this_access_.count(i) != 0) continue;
    const PushSet& sites = object_site(i);
    if (sites.size() != 1) continue;
    const PushSite& site = sites.front();
    if (is_this_load(site) && only_consumer(site) == i) {
      elided_.insert(site.insn);
      this_access_.insert(i);
      continue;
    }
    // aload_0; dup; ... getfield; ... putfield
    if (site.insn < 0 || instructions_[static_cast<std::size_t>(site.insn)].opcode != jvm::dup) {
      continue;
    }
    int dup = site.insn;
    const PushSet& dup_input = operand_sites(dup, 0);
    if (dup_input.size() != 1 || !is_this_load(dup_input.front()) ||
        only_consumer(dup_input.front()) != dup) {
      continue;
    }
    int first = only_consumer(PushSite{dup, 0});
    int second = only_consumer(PushSite{dup, 1});
    if (first < 0 || second < 0 || !is_field_access(first) || !is_field_access(second)) continue;
    if (object_site(first).size() != 1 || object_site(second).size() != 1) continue;
    elided_.insert(dup_input.front().insn);
    elided_.insert(dup);
    this_access_.insert(first);
    this_access_.insert(second);
  }
}

// Resolution of references into constant pool entries.

std::optional<CpKey> Translator::field_key(int i, bool is_static) {
  const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
  MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
  // The entry names the class that declares the field, whose token scope it is
  // (JCVM 3.0.5 §4.3.7.5); javac names the class of the expression, so walk up from it.
  std::vector<ClassLocation> chain{model_.find_class(ref.owner)};
  if (!chain.front().found()) {
    error(i, fmt::format("class {} is neither in this package nor in an imported package",
                         dotted_name(ref.owner)));
    return std::nullopt;
  }
  for (const auto& super : model_.superclasses(ref.owner)) chain.push_back(super);
  for (const ClassLocation& location : chain) {
    if (location.local != nullptr) {
      const PackageField* field = location.local->find_field(ref.name);
      if (field == nullptr) continue;
      if (field->is_static != is_static) break;
      if (field->is_constant) {
        error(i, fmt::format("field {} is a compile-time constant and has no storage", ref.name));
        return std::nullopt;
      }
      auto tag =
          is_static ? cap::ConstantTag::kStaticFieldref : cap::ConstantTag::kInstanceFieldref;
      return CpKey{tag, location.local->name, ref.name, ref.descriptor};
    }
    const cap::ExportField* field = location.exported->find_field(ref.name);
    if (field == nullptr) continue;
    if (sdk::is_static(*field) != is_static || field->token == cap::kConstantFieldToken) {
      error(i, fmt::format("field {}.{} cannot be accessed: the export file lists it as a "
                           "constant",
                           dotted_name(location.exported->name), ref.name));
      return std::nullopt;
    }
    auto tag = is_static ? cap::ConstantTag::kStaticFieldref : cap::ConstantTag::kInstanceFieldref;
    return CpKey{tag, location.exported->name, ref.name, ref.descriptor};
  }
  error(i, fmt::format("{} field {}.{} is not found", is_static ? "static" : "instance",
                       dotted_name(ref.owner), ref.name));
  return std::nullopt;
}

std::optional<CpKey> Translator::method_key(int i, std::uint8_t& interface_token) {
  const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
  MemberRef ref = cls_.file->member_ref(static_cast<std::uint16_t>(insn.index));
  ClassLocation owner = model_.find_class(ref.owner);
  std::string shown = fmt::format("{}.{}{}", dotted_name(ref.owner), ref.name, ref.descriptor);
  if (!owner.found()) {
    error(i, fmt::format("class {} is neither in this package nor in an imported package",
                         dotted_name(ref.owner)));
    return std::nullopt;
  }
  auto declares = [&](const ClassLocation& location, bool want_static) {
    if (location.local != nullptr) {
      const PackageMethod* m = location.local->find_method(ref.name, ref.descriptor);
      return m != nullptr && m->info->is_static() == want_static;
    }
    const cap::ExportMethod* m = location.exported->find_method(ref.name, ref.descriptor);
    return m != nullptr && is_static(*m) == want_static;
  };
  auto name_of = [](const ClassLocation& location) {
    return location.local != nullptr ? location.local->name : location.exported->name;
  };
  switch (insn.opcode) {
    case jvm::invokestatic: {
      std::vector<ClassLocation> chain{owner};
      for (const auto& super : model_.superclasses(ref.owner)) chain.push_back(super);
      for (const auto& location : chain) {
        if (declares(location, true)) {
          return CpKey{cap::ConstantTag::kStaticMethodref, name_of(location), ref.name,
                       ref.descriptor};
        }
      }
      break;
    }
    case jvm::invokespecial: {
      if (ref.name == "<init>") {
        if (declares(owner, false)) {
          return CpKey{cap::ConstantTag::kStaticMethodref, ref.owner, ref.name, ref.descriptor};
        }
        break;
      }
      if (ref.owner == cls_.name) {
        const PackageMethod* m = cls_.find_method(ref.name, ref.descriptor);
        if (m != nullptr && m->kind == MethodKind::kPrivate) {
          return CpKey{cap::ConstantTag::kStaticMethodref, cls_.name, ref.name, ref.descriptor};
        }
      }
      // A super call: the entry names the calling class, and the method is looked up from
      // its superclass (JCVM 3.0.5 §7.5 invokespecial).
      for (const auto& slot : cls_.public_vtable) {
        if (slot.name == ref.name && slot.descriptor == ref.descriptor) {
          return CpKey{cap::ConstantTag::kSuperMethodref, cls_.name, ref.name, ref.descriptor};
        }
      }
      for (const auto& slot : cls_.package_vtable) {
        if (slot.name == ref.name && slot.descriptor == ref.descriptor) {
          return CpKey{cap::ConstantTag::kSuperMethodref, cls_.name, ref.name, ref.descriptor};
        }
      }
      break;
    }
    case jvm::invokevirtual: {
      if (owner.is_interface()) {
        error(i, fmt::format("invokevirtual on interface {}", dotted_name(ref.owner)));
        return std::nullopt;
      }
      bool found = false;
      if (owner.local != nullptr) {
        for (const auto* table : {&owner.local->public_vtable, &owner.local->package_vtable}) {
          for (const auto& slot : *table) {
            if (slot.name == ref.name && slot.descriptor == ref.descriptor) found = true;
          }
        }
      } else {
        const cap::ExportMethod* m = owner.exported->find_method(ref.name, ref.descriptor);
        found = m != nullptr && is_virtual(*m);
      }
      if (found)
        return CpKey{cap::ConstantTag::kVirtualMethodref, ref.owner, ref.name, ref.descriptor};
      break;
    }
    case jvm::invokeinterface: {
      if (!owner.is_interface()) break;
      if (owner.local != nullptr) {
        const auto& methods = owner.local->interface_methods;
        for (std::size_t t = 0; t < methods.size(); ++t) {
          if (methods[t].name == ref.name && methods[t].descriptor == ref.descriptor) {
            interface_token = static_cast<std::uint8_t>(t);
            return CpKey{cap::ConstantTag::kClassref, ref.owner, "", ""};
          }
        }
      } else if (const cap::ExportMethod* m =
                     owner.exported->find_method(ref.name, ref.descriptor)) {
        interface_token = m->token;
        return CpKey{cap::ConstantTag::kClassref, ref.owner, "", ""};
      }
      break;
    }
    default:
      break;
  }
  error(i, fmt::format("method {} is not found in this package or in the imported export files",
                       shown));
  return std::nullopt;
}

std::optional<int> Translator::class_cp(int i, const std::string& name) {
  if (!model_.find_class(name).found()) {
    error(i, fmt::format("class {} is neither in this package nor in an imported package",
                         dotted_name(name)));
    return std::nullopt;
  }
  return pool_.intern(CpKey{cap::ConstantTag::kClassref, name, "", ""});
}

// Code generation.

void Translator::emit_conversion(Repr from, Repr to, const Range& range) {
  JcCode& code = out_.code;
  if (from == to || to == Repr::kFlex) return;
  if (from == Repr::kShort && to == Repr::kInt) {
    code.emit(Opcode::kS2i);
  } else if (from == Repr::kInt && to == Repr::kShort) {
    code.emit(Opcode::kI2s);
  } else if (from == Repr::kInt && to == Repr::kShortChecked) {
    if (range.fits_index()) {
      code.emit(Opcode::kI2s);
      return;
    }
    // An int index outside the short range must fail as in Java: replace it with -1, which
    // the array access rejects, instead of letting i2s wrap it into the array.
    int ok = code.new_label();
    int done = code.new_label();
    code.emit(Opcode::kDup2);
    code.emit(Opcode::kI2s);
    code.emit(Opcode::kS2i);
    code.emit(Opcode::kIcmp);
    code.emit_branch(Opcode::kIfeq, ok);
    code.emit(Opcode::kPop2);
    code.emit(Opcode::kSconstM1);
    code.emit_branch(Opcode::kGoto, done);
    code.bind(ok);
    code.emit(Opcode::kI2s);
    code.bind(done);
  }
}

void Translator::emit_conversions(int i) {
  const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
  if (is_dup(insn.opcode)) return;  // copies take their original's form
  PushSite site{i, 0};
  auto required = required_.find(site);
  if (required == required_.end()) return;
  int value = -1;
  if (insn.opcode == jvm::iload) {
    value = operand(i + 1, 0).value;
  } else if (auto v = value_of_insn_.find(i); v != value_of_insn_.end()) {
    value = v->second;
  }
  if (value < 0) return;
  const Value& def = values_[static_cast<std::size_t>(value)];
  if (def.kind == DefKind::kConstant) return;  // emitted in the required form directly
  Repr emitted = insn.opcode == jvm::iload    ? repr_of(value)
                 : def.natural == Repr::kFlex ? repr_of(value)
                                              : def.natural;
  emit_conversion(emitted, required->second, web_range(value));
}

namespace {

Opcode load_opcode(char kind, int index) {
  Opcode general = kind == 'a' ? Opcode::kAload : kind == 's' ? Opcode::kSload : Opcode::kIload;
  Opcode first = kind == 'a' ? Opcode::kAload0 : kind == 's' ? Opcode::kSload0 : Opcode::kIload0;
  if (index >= 0 && index <= 3) return static_cast<Opcode>(static_cast<int>(first) + index);
  return general;
}

Opcode store_opcode(char kind, int index) {
  Opcode general = kind == 'a' ? Opcode::kAstore : kind == 's' ? Opcode::kSstore : Opcode::kIstore;
  Opcode first = kind == 'a' ? Opcode::kAstore0 : kind == 's' ? Opcode::kSstore0 : Opcode::kIstore0;
  if (index >= 0 && index <= 3) return static_cast<Opcode>(static_cast<int>(first) + index);
  return general;
}

// getfield_a/b/s/i, putfield_..., getstatic_..., putstatic_... by the field's type.
Opcode typed_field_opcode(Opcode a_form, const FieldType& type) {
  int offset = 0;
  if (!type.is_reference()) {
    offset = type.is_int() ? 3 : (type.base == BaseType::kShort ? 2 : 1);
  }
  return static_cast<Opcode>(static_cast<int>(a_form) + offset);
}

}  // namespace

void Translator::emit_instruction(int i) {
  JcCode& code = out_.code;
  const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
  const std::uint8_t op = insn.opcode;
  auto label_at = [&](std::int32_t pc) {
    return labels_[static_cast<std::size_t>(index_of_pc_.at(static_cast<std::uint32_t>(pc)))];
  };
  auto words_of = [&](int k) {
    return operand(i, k).kind == SlotKind::kInt && actual_repr(i, k) == Repr::kInt ? 2 : 1;
  };
  switch (op) {
    case jvm::nop:
      return;
    case jvm::aconst_null:
      code.emit(Opcode::kAconstNull);
      return;
    case jvm::iconst_m1:
    case jvm::iconst_0:
    case jvm::iconst_1:
    case jvm::iconst_2:
    case jvm::iconst_3:
    case jvm::iconst_4:
    case jvm::iconst_5:
    case jvm::bipush:
    case jvm::sipush:
    case jvm::ldc:
    case jvm::ldc_w: {
      int v = value_of_insn_.at(i);
      std::int64_t c = values_[static_cast<std::size_t>(v)].constant;
      auto required = required_.find(PushSite{i, 0});
      Repr r = required != required_.end() ? required->second : repr_of(v);
      if (r == Repr::kInt) {
        code.emit_int_constant(static_cast<std::int32_t>(c));
      } else if (r == Repr::kShortChecked && (c < -32768 || c > 65535)) {
        code.emit_short_constant(-1);  // an index that fails, as the Java one does
      } else {
        code.emit_short_constant(static_cast<std::int16_t>(c));
      }
      return;
    }
    case jvm::iload: {
      int v = operand(i + 1, 0).value;
      char kind = repr_of(v) == Repr::kInt ? 'i' : 's';
      int index = jc_local(insn.index);
      code.emit(load_opcode(kind, index), index);
      return;
    }
    case jvm::aload: {
      if (elided_.count(i) != 0) return;
      int index = jc_local(insn.index);
      code.emit(load_opcode('a', index), index);
      return;
    }
    case jvm::istore: {
      char kind = actual_repr(i, 0) == Repr::kInt ? 'i' : 's';
      int index = jc_local(insn.index);
      code.emit(store_opcode(kind, index), index);
      return;
    }
    case jvm::astore: {
      int index = jc_local(insn.index);
      code.emit(store_opcode('a', index), index);
      return;
    }
    case jvm::iaload:
      code.emit(Opcode::kIaload);
      return;
    case jvm::baload:
      code.emit(Opcode::kBaload);
      return;
    case jvm::saload:
      code.emit(Opcode::kSaload);
      return;
    case jvm::aaload:
      code.emit(Opcode::kAaload);
      return;
    case jvm::iastore:
      code.emit(Opcode::kIastore);
      return;
    case jvm::bastore:
      code.emit(Opcode::kBastore);
      return;
    case jvm::sastore:
      code.emit(Opcode::kSastore);
      return;
    case jvm::aastore:
      code.emit(Opcode::kAastore);
      return;
    case jvm::pop:
      code.emit(words_of(0) == 2 ? Opcode::kPop2 : Opcode::kPop);
      return;
    case jvm::pop2: {
      int words = words_of(0) + words_of(1);
      if (words == 2) {
        code.emit(Opcode::kPop2);
      } else if (words == 3) {
        code.emit(words_of(0) == 2 ? Opcode::kPop2 : Opcode::kPop);
        code.emit(words_of(0) == 2 ? Opcode::kPop : Opcode::kPop2);
      } else {
        code.emit(Opcode::kPop2);
        code.emit(Opcode::kPop2);
      }
      return;
    }
    case jvm::dup:
    case jvm::dup_x1:
    case jvm::dup_x2:
    case jvm::dup2:
    case jvm::dup2_x1:
    case jvm::dup2_x2:
    case jvm::swap: {
      if (elided_.count(i) != 0) return;
      // Words of the input slots, top first: w[0] is the top of the stack.
      const DupLayout& layout = dup_layout(op);
      std::vector<int> w;
      for (std::size_t k = 0; k < layout.inputs; ++k) w.push_back(words_of(static_cast<int>(k)));
      int m = 0;
      int n = 0;
      switch (op) {
        case jvm::dup:
          m = w[0];
          break;
        case jvm::dup_x1:
          m = w[0];
          n = w[0] + w[1];
          break;
        case jvm::dup_x2:
          m = w[0];
          n = w[0] + w[1] + w[2];
          break;
        case jvm::dup2:
          m = w[0] + w[1];
          break;
        case jvm::dup2_x1:
          m = w[0] + w[1];
          n = m + w[2];
          break;
        case jvm::dup2_x2:
          m = w[0] + w[1];
          n = m + w[2] + w[3];
          break;
        default:  // swap
          code.emit(Opcode::kSwapX, (w[0] << 4) | w[1]);
          return;
      }
      if (n == 0 && m == 1) {
        code.emit(Opcode::kDup);
      } else if (n == 0 && m == 2) {
        code.emit(Opcode::kDup2);
      } else {
        code.emit(Opcode::kDupX, (m << 4) | n);
      }
      return;
    }
    case jvm::iadd:
    case jvm::isub:
    case jvm::imul:
    case jvm::idiv:
    case jvm::irem:
    case jvm::ineg:
    case jvm::ishl:
    case jvm::ishr:
    case jvm::iushr:
    case jvm::iand:
    case jvm::ior:
    case jvm::ixor: {
      // JVM order iadd, ladd, fadd, dadd, isub, ...: each int operation is 4 opcodes after
      // the previous one up to ineg, then 2 apart; Java Card pairs each short operation with
      // its int one: sadd, iadd, ssub, isub, ...
      static const std::map<std::uint8_t, Opcode> kShortOps = {
          {jvm::iadd, Opcode::kSadd}, {jvm::isub, Opcode::kSsub}, {jvm::imul, Opcode::kSmul},
          {jvm::idiv, Opcode::kSdiv}, {jvm::irem, Opcode::kSrem}, {jvm::ineg, Opcode::kSneg},
          {jvm::ishl, Opcode::kSshl}, {jvm::ishr, Opcode::kSshr}, {jvm::iushr, Opcode::kSushr},
          {jvm::iand, Opcode::kSand}, {jvm::ior, Opcode::kSor},   {jvm::ixor, Opcode::kSxor}};
      Opcode s = kShortOps.at(op);
      bool int_form = repr_of(value_of_insn_.at(i)) == Repr::kInt;
      code.emit(int_form ? static_cast<Opcode>(static_cast<int>(s) + 1) : s);
      return;
    }
    case jvm::iinc: {
      int old_value = operand_local_value(i, insn.index);
      int new_value = value_of_insn_.at(i);
      Repr from = repr_of(old_value);
      Repr to = repr_of(new_value);
      int index = jc_local(insn.index);
      if (from == to) {
        code.emit(to == Repr::kInt ? Opcode::kIinc : Opcode::kSinc, index, insn.value);
        return;
      }
      code.emit(load_opcode(from == Repr::kInt ? 'i' : 's', index), index);
      emit_conversion(from, to, web_range(old_value));
      if (to == Repr::kInt) {
        code.emit_int_constant(insn.value);
        code.emit(Opcode::kIadd);
        code.emit(store_opcode('i', index), index);
      } else {
        code.emit_short_constant(static_cast<std::int16_t>(insn.value));
        code.emit(Opcode::kSadd);
        code.emit(store_opcode('s', index), index);
      }
      return;
    }
    case jvm::i2b:
      code.emit(actual_repr(i, 0) == Repr::kInt ? Opcode::kI2b : Opcode::kS2b);
      return;
    case jvm::i2s:
      if (actual_repr(i, 0) == Repr::kInt) code.emit(Opcode::kI2s);
      return;
    case jvm::ifeq:
    case jvm::ifne:
    case jvm::iflt:
    case jvm::ifge:
    case jvm::ifgt:
    case jvm::ifle: {
      auto cond = static_cast<Opcode>(static_cast<int>(Opcode::kIfeq) + (op - jvm::ifeq));
      if (actual_repr(i, 0) == Repr::kInt) {
        code.emit(Opcode::kIconst0);
        code.emit(Opcode::kIcmp);
      }
      code.emit_branch(cond, label_at(insn.target));
      return;
    }
    case jvm::if_icmpeq:
    case jvm::if_icmpne:
    case jvm::if_icmplt:
    case jvm::if_icmpge:
    case jvm::if_icmpgt:
    case jvm::if_icmple: {
      int condition = op - jvm::if_icmpeq;
      if (actual_repr(i, 0) == Repr::kInt) {
        code.emit(Opcode::kIcmp);
        code.emit_branch(static_cast<Opcode>(static_cast<int>(Opcode::kIfeq) + condition),
                         label_at(insn.target));
      } else {
        code.emit_branch(static_cast<Opcode>(static_cast<int>(Opcode::kIfScmpeq) + condition),
                         label_at(insn.target));
      }
      return;
    }
    case jvm::if_acmpeq:
      code.emit_branch(Opcode::kIfAcmpeq, label_at(insn.target));
      return;
    case jvm::if_acmpne:
      code.emit_branch(Opcode::kIfAcmpne, label_at(insn.target));
      return;
    case jvm::ifnull:
      code.emit_branch(Opcode::kIfnull, label_at(insn.target));
      return;
    case jvm::ifnonnull:
      code.emit_branch(Opcode::kIfnonnull, label_at(insn.target));
      return;
    case jvm::goto_:
    case jvm::goto_w:
      code.emit_branch(Opcode::kGoto, label_at(insn.target));
      return;
    case jvm::tableswitch:
    case jvm::lookupswitch:
      emit_switch(i);
      return;
    case jvm::ireturn:
      code.emit(method_.type.result.is_int() ? Opcode::kIreturn : Opcode::kSreturn);
      return;
    case jvm::areturn:
      code.emit(Opcode::kAreturn);
      return;
    case jvm::return_:
      code.emit(Opcode::kReturn);
      return;
    case jvm::athrow:
      code.emit(Opcode::kAthrow);
      return;
    case jvm::arraylength:
      code.emit(Opcode::kArraylength);
      return;
    case jvm::getstatic:
    case jvm::putstatic:
    case jvm::getfield:
    case jvm::putfield: {
      bool is_static = op == jvm::getstatic || op == jvm::putstatic;
      auto key = field_key(i, is_static);
      if (!key) return;
      FieldType type = *parse_field_descriptor(key->descriptor);
      Opcode a_form =
          op == jvm::getstatic   ? Opcode::kGetstaticA
          : op == jvm::putstatic ? Opcode::kPutstaticA
          : op == jvm::getfield
              ? (this_access_.count(i) != 0 ? Opcode::kGetfieldAThis : Opcode::kGetfieldA)
              : (this_access_.count(i) != 0 ? Opcode::kPutfieldAThis : Opcode::kPutfieldA);
      code.emit_cp(typed_field_opcode(a_form, type), pool_.intern(*key));
      return;
    }
    case jvm::invokevirtual:
    case jvm::invokespecial:
    case jvm::invokestatic:
    case jvm::invokeinterface: {
      std::uint8_t token = 0;
      auto key = method_key(i, token);
      if (!key) return;
      MethodType type = *parse_method_descriptor(
          cls_.file->member_ref(static_cast<std::uint16_t>(insn.index)).descriptor);
      JcInstruction call;
      call.cp = pool_.intern(*key);
      int receiver = op == jvm::invokestatic ? 0 : 1;
      call.invoke_pops = type.parameter_words() + receiver;
      call.invoke_pushes = type.result.words();
      switch (op) {
        case jvm::invokevirtual:
          call.opcode = Opcode::kInvokevirtual;
          break;
        case jvm::invokespecial:
          call.opcode = Opcode::kInvokespecial;
          break;
        case jvm::invokestatic:
          call.opcode = Opcode::kInvokestatic;
          break;
        default:
          call.opcode = Opcode::kInvokeinterface;
          call.operand = call.invoke_pops;
          call.operand2 = token;
          break;
      }
      code.emit(std::move(call));
      return;
    }
    case jvm::new_: {
      auto cp = class_cp(i, cls_.file->class_name(static_cast<std::uint16_t>(insn.index)));
      if (cp) code.emit_cp(Opcode::kNew, *cp);
      return;
    }
    case jvm::newarray: {
      std::uint8_t atype = insn.index == jvm::t_boolean ? 10
                           : insn.index == jvm::t_byte  ? 11
                           : insn.index == jvm::t_short ? 12
                                                        : 13;
      code.emit(Opcode::kNewarray, atype);
      return;
    }
    case jvm::anewarray: {
      auto cp = class_cp(i, cls_.file->class_name(static_cast<std::uint16_t>(insn.index)));
      if (cp) code.emit_cp(Opcode::kAnewarray, *cp);
      return;
    }
    case jvm::checkcast:
    case jvm:: instanceof: {
      Opcode jc = op == jvm::checkcast ? Opcode::kCheckcast : Opcode::kInstanceof;
      const std::string& name = cls_.file->class_name(static_cast<std::uint16_t>(insn.index));
      JcInstruction check;
      check.opcode = jc;
      if (!name.starts_with("[")) {
        auto cp = class_cp(i, name);
        if (!cp) return;
        check.operand = 0;
        check.cp = *cp;
      } else if (name.size() == 2) {
        // Arrays of primitives name their type in atype, with index 0 (JCVM 3.0.5 §7.5
        // checkcast).
        check.operand = name[1] == 'Z' ? 10 : name[1] == 'B' ? 11 : name[1] == 'S' ? 12 : 13;
      } else {
        auto cp = class_cp(i, name.substr(2, name.size() - 3));
        if (!cp) return;
        check.operand = 14;
        check.cp = *cp;
      }
      code.emit(std::move(check));
      return;
    }
    default:
      error(i, fmt::format("instruction {} is not supported", jvm::mnemonic(op)));
      return;
  }
}

void Translator::emit_switch(int i) {
  JcCode& code = out_.code;
  const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
  auto label_at = [&](std::int32_t pc) {
    return labels_[static_cast<std::size_t>(index_of_pc_.at(static_cast<std::uint32_t>(pc)))];
  };
  bool int_key = actual_repr(i, 0) == Repr::kInt;
  JcInstruction sw;
  sw.default_label = label_at(insn.default_target);
  std::vector<std::pair<std::int32_t, std::int32_t>> cases;
  for (const auto& c : insn.cases) {
    // A short key never equals a case outside the short range.
    if (int_key || (c.first >= -32768 && c.first <= 32767)) cases.push_back(c);
  }
  if (cases.empty()) {
    code.emit(int_key ? Opcode::kPop2 : Opcode::kPop);
    code.emit_branch(Opcode::kGoto, sw.default_label);
    return;
  }
  if (insn.is_table_switch) {
    sw.opcode = int_key ? Opcode::kItableswitch : Opcode::kStableswitch;
    sw.low = cases.front().first;
    sw.high = cases.back().first;
    for (const auto& c : cases) sw.case_labels.push_back(label_at(c.second));
  } else {
    sw.opcode = int_key ? Opcode::kIlookupswitch : Opcode::kSlookupswitch;
    for (const auto& c : cases) {
      sw.matches.push_back(c.first);
      sw.case_labels.push_back(label_at(c.second));
    }
  }
  code.emit(std::move(sw));
}

void Translator::generate() {
  JcCode& code = out_.code;
  labels_.clear();
  for (std::size_t i = 0; i <= instructions_.size(); ++i) labels_.push_back(code.new_label());
  // Parameters that move to another local or representation.
  for (const MovedParameter& moved : prologue_) {
    if (moved.target < 0) continue;
    int v = param_values_[static_cast<std::size_t>(moved.slot)];
    Repr natural = values_[static_cast<std::size_t>(v)].natural;
    Repr target = repr_of(v);
    code.emit(load_opcode(natural == Repr::kInt ? 'i' : 's', moved.original), moved.original);
    emit_conversion(natural, target, web_range(v));
    code.emit(store_opcode(target == Repr::kInt ? 'i' : 's', moved.target), moved.target);
  }
  for (std::size_t index = 0; index < instructions_.size(); ++index) {
    int i = static_cast<int>(index);
    code.bind(labels_[index]);
    if (!frame(i).reached) continue;
    emit_instruction(i);
    emit_conversions(i);
  }
  code.bind(labels_.back());
  for (std::size_t h = 0; h < code_attr_.exception_table.size(); ++h) {
    const auto& entry = code_attr_.exception_table[h];
    TranslatedHandler handler;
    handler.start_label = labels_[static_cast<std::size_t>(index_of_pc_.at(entry.start_pc))];
    handler.end_label = labels_[static_cast<std::size_t>(index_of_pc_.at(entry.end_pc))];
    handler.handler_label = labels_[static_cast<std::size_t>(handler_insn_[h])];
    if (entry.catch_type != 0) {
      auto cp = class_cp(handler_insn_[h], cls_.file->class_name(entry.catch_type));
      if (!cp) continue;
      handler.catch_type = *cp;
    }
    out_.handlers.push_back(handler);
  }
  std::vector<int> handler_labels;
  for (const auto& h : out_.handlers) {
    handler_labels.insert(handler_labels.end(), {h.start_label, h.end_label, h.handler_label});
  }
  code.fuse_increments(handler_labels);
  for (const auto& insn : code.instructions()) {
    if (cap::info(insn.opcode).int_only) out_.uses_int = true;
  }
}

TranslatedMethod Translator::run() {
  if (!decode_and_check()) return std::move(out_);
  compute_liveness();
  run_dataflow();
  if (failed_) return std::move(out_);
  compute_ranges();
  collect_uses();
  decide_representations();
  if (failed_) return std::move(out_);
  allocate_locals();
  compute_requirements();
  if (failed_) return std::move(out_);
  generate();
  return std::move(out_);
}

}  // namespace

TranslatedMethod translate_method(const PackageModel& model, const PackageClass& cls,
                                  const PackageMethod& method, ConstantPoolBuilder& pool,
                                  const TranslationOptions& options, Diagnostics& diagnostics) {
  Translator translator(model, cls, method, pool, options, diagnostics);
  return translator.run();
}

}  // namespace uicc::sdk
