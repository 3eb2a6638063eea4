// Passes 2 and 3 of the method translator: the range of each web of values and the low bits
// its uses observe, from which each web gets the short or the int representation. Java Card
// 3.0.5 Virtual Machine Specification §2.2.3 and §7.5.
#include "tools/sdk/converter/method_translator_internal.h"

#include <fmt/format.h>

namespace uicc::sdk::translation {

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

namespace {

// Loops make ranges grow step by step; after a few rounds a growing bound jumps to the next
// of these thresholds, so the iterations end.
constexpr std::int64_t kThresholds[] = {-2147483648LL, -65536, -32768, -256,  -128,        -1, 0, 1,
                                        127,           255,    32767,  65535, 2147483647LL};

void widen(Range& range, const Range& before) {
  if (range.lo < before.lo) {
    for (auto it = std::rbegin(kThresholds); it != std::rend(kThresholds); ++it) {
      if (*it <= range.lo) {
        range.lo = *it;
        break;
      }
    }
  }
  if (range.hi > before.hi) {
    for (std::int64_t t : kThresholds) {
      if (t >= range.hi) {
        range.hi = t;
        break;
      }
    }
  }
}

Range intersect(const Range& a, const Range& b) {
  if (a.empty() || b.empty()) return a;
  return {std::max(a.lo, b.lo), std::min(a.hi, b.hi)};
}

// What `x cond y` tells about x on the edge where it holds (`holds`) or not, for the JVM's
// conditions eq, ne, lt, ge, gt, le in that order (JVMS 17 §6.5 if_icmp<cond>).
Range refine(const Range& x, const Range& y, int condition, bool holds) {
  if (x.empty() || y.empty()) return x;
  static constexpr int kNegation[] = {1, 0, 3, 2, 5, 4};
  if (!holds) condition = kNegation[condition];
  switch (condition) {
    case 0:  // x == y
      return intersect(x, y);
    case 2:  // x < y
      return intersect(x, {x.lo, y.hi - 1});
    case 3:  // x >= y
      return intersect(x, {y.lo, x.hi});
    case 4:  // x > y
      return intersect(x, {y.lo + 1, x.hi});
    case 5:  // x <= y
      return intersect(x, {x.lo, y.hi});
    default:  // x != y tells nothing about an interval
      return x;
  }
}

// The same condition seen from its right operand: y cond' x.
int mirror(int condition) {
  static constexpr int kMirror[] = {0, 1, 4, 5, 2, 3};
  return kMirror[condition];
}

struct RangeState {
  bool reached = false;
  int visits = 0;
  std::vector<Range> stack;
  std::vector<Range> locals;
};

}  // namespace

// A flow-sensitive range analysis over the instructions, with the ranges that a comparison
// proves on each of its edges: in `for (short i = 0; i < 5; i++)` the increment sees i in
// 0..4, so i + 1 stays in the short range. Returns false if it does not converge in time;
// the caller then falls back to ranges per web.
bool Translator::compute_point_ranges() {
  const std::size_t n = instructions_.size();
  point_def_range_.assign(values_.size(), Range{});
  std::vector<RangeState> states(n);
  std::deque<int> work;
  constexpr int kWidenAfter = 4;
  auto merge = [&](int target, const RangeState& from) {
    RangeState& to = states[static_cast<std::size_t>(target)];
    if (!frame(target).reached) return;
    if (!to.reached) {
      to = from;
      to.reached = true;
      to.visits = 0;
      work.push_back(target);
      return;
    }
    bool changed = false;
    auto join = [&](std::vector<Range>& mine, const std::vector<Range>& theirs) {
      for (std::size_t k = 0; k < mine.size() && k < theirs.size(); ++k) {
        Range before = mine[k];
        mine[k].unite(theirs[k]);
        if (mine[k] == before) continue;
        if (to.visits >= kWidenAfter && !before.empty()) widen(mine[k], before);
        changed = true;
      }
    };
    join(to.stack, from.stack);
    join(to.locals, from.locals);
    if (changed) work.push_back(target);
  };

  RangeState entry;
  entry.locals.assign(code_attr_.max_locals, Range{});
  for (std::size_t slot = 0; slot < param_values_.size(); ++slot) {
    if (param_values_[slot] >= 0)
      entry.locals[slot] = values_[static_cast<std::size_t>(param_values_[slot])].range;
  }
  merge(0, entry);
  std::vector<std::vector<int>> handlers_of(n);
  for (std::size_t h = 0; h < code_attr_.exception_table.size(); ++h) {
    const auto& e = code_attr_.exception_table[h];
    for (std::size_t i = 0; i < n; ++i) {
      if (instructions_[i].pc >= e.start_pc && instructions_[i].pc < e.end_pc) {
        handlers_of[i].push_back(handler_insn_[h]);
      }
    }
  }
  const std::size_t max_steps = 64 * n + 4096;
  for (std::size_t steps = 0; !work.empty(); ++steps) {
    if (steps > max_steps) return false;
    const int i = work.front();
    work.pop_front();
    RangeState in = states[static_cast<std::size_t>(i)];
    ++states[static_cast<std::size_t>(i)].visits;
    for (int handler : handlers_of[static_cast<std::size_t>(i)]) {
      RangeState h;
      h.locals = in.locals;
      h.stack = {Range{}};
      merge(handler, h);
    }
    const JvmInstruction& insn = instructions_[static_cast<std::size_t>(i)];
    const std::uint8_t op = insn.opcode;
    const auto& successors = successors_[static_cast<std::size_t>(i)];
    RangeState out = in;
    const std::size_t pops = static_cast<std::size_t>(pop_count_[static_cast<std::size_t>(i)]);
    if (out.stack.size() < pops) return false;
    out.stack.resize(out.stack.size() - pops);
    auto slot = [&](int index) -> Range& { return out.locals.at(static_cast<std::size_t>(index)); };
    auto operand = [&](std::size_t k) { return in.stack[in.stack.size() - 1 - k]; };
    if (op == jvm::iload) {
      out.stack.push_back(slot(insn.index));
    } else if (op == jvm::istore || op == jvm::astore) {
      slot(insn.index) = op == jvm::istore ? operand(0) : Range{};
    } else if (op == jvm::iinc) {
      int v = value_of_insn_.at(i);
      Range r = operation_range(jvm::iadd, slot(insn.index), Range::of(insn.value));
      point_def_range_[static_cast<std::size_t>(v)].unite(r);
      slot(insn.index) = r;
    } else if (is_dup(op)) {
      const DupLayout& layout = dup_layout(op);
      std::size_t base = in.stack.size() - layout.inputs;
      for (std::size_t source : layout.sources) out.stack.push_back(in.stack[base + source]);
    } else if (auto def = value_of_insn_.find(i); def != value_of_insn_.end()) {
      const Value& v = values_[static_cast<std::size_t>(def->second)];
      Range r = v.range;
      if (v.kind == DefKind::kOperation || v.kind == DefKind::kNarrowing) {
        bool binary = pops == 2;
        r = operation_range(op, binary ? operand(1) : operand(0), binary ? operand(0) : Range{});
        point_def_range_[static_cast<std::size_t>(def->second)].unite(r);
      }
      out.stack.push_back(r);
    }
    if (successors.empty()) continue;
    // Other pushes (references, results of invocations) carry no range.
    const std::size_t expected = frame(successors.front()).stack.size();
    while (out.stack.size() < expected) out.stack.push_back(Range{});

    // A comparison refines the local variables it compared on each edge.
    const bool compare_zero = op >= jvm::ifeq && op <= jvm::ifle;
    const bool compare_two = op >= jvm::if_icmpeq && op <= jvm::if_icmple;
    if (!compare_zero && !compare_two) {
      for (int s : successors) merge(s, out);
      continue;
    }
    const int condition = compare_zero ? op - jvm::ifeq : op - jvm::if_icmpeq;
    // The local an operand was loaded from, if it still holds that value at the branch.
    auto source_local = [&](int k) -> int {
      const PushSet& sites = operand_sites(i, k);
      if (sites.size() != 1 || sites.front().insn < 0) return -1;
      const JvmInstruction& pusher = instructions_[static_cast<std::size_t>(sites.front().insn)];
      if (pusher.opcode != jvm::iload) return -1;
      for (int between = sites.front().insn + 1; between < i; ++between) {
        const JvmInstruction& other = instructions_[static_cast<std::size_t>(between)];
        if ((other.opcode == jvm::istore || other.opcode == jvm::iinc) &&
            other.index == pusher.index) {
          return -1;
        }
      }
      return pusher.index;
    };
    const Range right = compare_zero ? Range::of(0) : operand(0);
    const Range left = compare_zero ? operand(0) : operand(1);
    const int left_local = source_local(compare_zero ? 0 : 1);
    const int right_local = compare_zero ? -1 : source_local(0);
    const int target = index_of_pc_.at(static_cast<std::uint32_t>(insn.target));
    if (successors.size() != 2 || successors[0] == successors[1]) {
      for (int s : successors) merge(s, out);  // both edges lead to the same instruction
      continue;
    }
    for (int s : successors) {
      const bool holds = s == target;
      RangeState edge = out;
      if (left_local >= 0) {
        edge.locals.at(static_cast<std::size_t>(left_local)) =
            refine(left, right, condition, holds);
      }
      if (right_local >= 0) {
        edge.locals.at(static_cast<std::size_t>(right_local)) =
            refine(right, left, mirror(condition), holds);
      }
      // An edge that no value can take keeps the unrefined ranges: the instructions behind
      // it are still translated and need ranges.
      bool feasible = true;
      for (int local : {left_local, right_local}) {
        if (local >= 0 && edge.locals.at(static_cast<std::size_t>(local)).empty() &&
            !out.locals.at(static_cast<std::size_t>(local)).empty()) {
          feasible = false;
        }
      }
      merge(s, feasible ? edge : out);
    }
  }
  return true;
}

void Translator::compute_ranges() {
  web_range_.assign(webs_.size(), Range{});
  for (std::size_t id = 0; id < values_.size(); ++id) {
    const Value& v = values_[id];
    if (v.kind == DefKind::kConstant || v.kind == DefKind::kTyped) {
      web_range_[static_cast<std::size_t>(web(static_cast<int>(id)))].unite(v.range);
    }
  }
  if (compute_point_ranges()) {
    for (std::size_t id = 0; id < values_.size(); ++id) {
      web_range_[static_cast<std::size_t>(web(static_cast<int>(id)))].unite(point_def_range_[id]);
    }
    return;
  }
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
      widen(w, before);
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
        // bastore keeps the low 8 bits of its value (JCVM 3.0.5 §7.5 bastore).
        add(1, kIndex, UseKind::kArrayIndex);
        add(0, 8, UseKind::kStore);
        break;
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
        if (!type || !type->is_int_like()) break;
        // putfield_b and putstatic_b keep the low 8 bits (JCVM 3.0.5 §7.5 putfield_b).
        bool byte_field = type->base == BaseType::kByte || type->base == BaseType::kBoolean;
        add(0, byte_field ? Demand{8} : typed_demand(*type), UseKind::kStore);
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

}  // namespace uicc::sdk::translation
