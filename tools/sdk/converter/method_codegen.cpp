// Pass 4 of the method translator: Java Card local variables, the representation each use
// requires at the instruction that pushed its value, constant pool entries and the Java Card
// bytecode. Java Card 3.0.5 Virtual Machine Specification §7.5.
#include "tools/sdk/converter/method_translator_internal.h"

#include <fmt/format.h>

namespace uicc::sdk::translation {

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
      if (repr_of(v) == Repr::kInt) needed[s] = 2;
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
    // value -> value, value, value -> value, value, (int)(short)value -> value, comparison
    code.emit(Opcode::kDup2);
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

// Local variable instruction for kind 'a' (reference), 's' (short) or 'i' (int), with the
// one-byte form for locals 0 to 3.
Opcode local_opcode(char kind, Opcode reference_form, Opcode short_form, Opcode int_form) {
  Opcode general = int_form;
  if (kind == 'a') {
    general = reference_form;
  } else if (kind == 's') {
    general = short_form;
  }
  return general;
}

Opcode load_opcode(char kind, int index) {
  Opcode general = local_opcode(kind, Opcode::kAload, Opcode::kSload, Opcode::kIload);
  Opcode first = local_opcode(kind, Opcode::kAload0, Opcode::kSload0, Opcode::kIload0);
  if (index >= 0 && index <= 3) return static_cast<Opcode>(static_cast<int>(first) + index);
  return general;
}

Opcode store_opcode(char kind, int index) {
  Opcode general = local_opcode(kind, Opcode::kAstore, Opcode::kSstore, Opcode::kIstore);
  Opcode first = local_opcode(kind, Opcode::kAstore0, Opcode::kSstore0, Opcode::kIstore0);
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
      if (actual_repr(i, 0) == Repr::kInt) {
        code.emit(Opcode::kI2b);
      } else if (web_demand_[static_cast<std::size_t>(web(value_of_insn_.at(i)))] > 8) {
        // Without s2b the value keeps its upper byte, which no use of it reads: a byte
        // store, say, keeps the low 8 bits anyway.
        code.emit(Opcode::kS2b);
      }
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
        check.operand = static_cast<std::int32_t>(cap::ArrayType::kClass);
        check.cp = *cp;
      } else if (name.size() == 2) {
        // Arrays of primitives name their type in atype, with index 0 (JCVM 3.0.5 §7.5
        // checkcast).
        switch (name[1]) {
          case 'Z':
            check.operand = static_cast<std::int32_t>(cap::ArrayType::kBoolean);
            break;
          case 'B':
            check.operand = static_cast<std::int32_t>(cap::ArrayType::kByte);
            break;
          case 'S':
            check.operand = static_cast<std::int32_t>(cap::ArrayType::kShort);
            break;
          default:
            check.operand = static_cast<std::int32_t>(cap::ArrayType::kInt);
            break;
        }
      } else {
        auto cp = class_cp(i, name.substr(2, name.size() - 3));
        if (!cp) return;
        check.operand = static_cast<std::int32_t>(cap::ArrayType::kReference);
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

}  // namespace uicc::sdk::translation
