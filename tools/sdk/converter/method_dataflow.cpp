// Pass 1 of the method translator: decoding, the subset checks of single instructions,
// liveness of local variables and the dataflow that gives every integral value an id and
// every stack slot the instructions that pushed it. JVMS Java SE 17 §4.10 and §6.5.
#include "tools/sdk/converter/method_translator_internal.h"

#include <fmt/format.h>

namespace uicc::sdk::translation {

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
  // Each kind of problem once per method, at its first line: a long expression is many
  // long instructions.
  std::set<std::string> reported;
  for (std::size_t i = 0; i < instructions_.size(); ++i) {
    const JvmInstruction& insn = instructions_[i];
    std::optional<std::string> problem = unsupported_instruction(file, insn, options_.int_support);
    if (problem && reported.insert(*problem).second) error(static_cast<int>(i), *problem);
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
      std::uint8_t op = insn.opcode;
      auto slot = static_cast<std::size_t>(insn.index);
      if ((op == jvm::istore || op == jvm::astore) && slot < locals) live[slot] = false;
      if ((op == jvm::iload || op == jvm::aload || op == jvm::iinc) && slot < locals) {
        live[slot] = true;
      }
      // A handler sees the locals as they are before an instruction of its range runs.
      for (int h : handlers_of[k]) {
        const auto& other = live_in_[static_cast<std::size_t>(h)];
        for (std::size_t v = 0; v < locals; ++v) live[v] = live[v] || other[v];
      }
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

}  // namespace uicc::sdk::translation
