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
