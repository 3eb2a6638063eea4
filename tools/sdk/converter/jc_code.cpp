// Layout of Java Card bytecode: instruction sizes, short and wide branch forms (JCVM 3.0.5
// §7.5: if<cond>, goto and the field instructions come in 1-byte and 2-byte operand forms),
// constant pool index encoding and operand stack depth.
#include "tools/sdk/converter/jc_code.h"

#include <algorithm>
#include <deque>
#include <optional>

#include <fmt/format.h>

#include "tools/sdk/converter/diagnostics.h"

namespace uicc::sdk {
namespace {

using cap::Opcode;

bool fits_s1(std::int64_t value) {
  return value >= -128 && value <= 127;
}
bool fits_s2(std::int64_t value) {
  return value >= -32768 && value <= 32767;
}

bool is_this_field(Opcode op) {
  return (op >= Opcode::kGetfieldAThis && op <= Opcode::kGetfieldIThis) ||
         (op >= Opcode::kPutfieldAThis && op <= Opcode::kPutfieldIThis);
}

bool is_short_field(Opcode op) {
  return op >= Opcode::kGetfieldA && op <= Opcode::kPutfieldI;
}

bool is_switch(Opcode op) {
  return op == Opcode::kStableswitch || op == Opcode::kItableswitch ||
         op == Opcode::kSlookupswitch || op == Opcode::kIlookupswitch;
}

// getfield_<t>_this -> getfield_<t>_w, putfield_<t>_this -> putfield_<t>_w, same type.
Opcode this_to_wide(Opcode op) {
  auto v = static_cast<std::uint8_t>(op);
  if (op <= Opcode::kGetfieldIThis) {
    return static_cast<Opcode>(v - static_cast<std::uint8_t>(Opcode::kGetfieldAThis) +
                               static_cast<std::uint8_t>(Opcode::kGetfieldAW));
  }
  return static_cast<Opcode>(v - static_cast<std::uint8_t>(Opcode::kPutfieldAThis) +
                             static_cast<std::uint8_t>(Opcode::kPutfieldAW));
}

std::size_t switch_size(const JcInstruction& insn) {
  std::size_t n = insn.case_labels.size();
  switch (insn.opcode) {
    case Opcode::kStableswitch:
      return 1 + 2 + 2 + 2 + 2 * n;
    case Opcode::kItableswitch:
      return 1 + 2 + 4 + 4 + 2 * n;
    case Opcode::kSlookupswitch:
      return 1 + 2 + 2 + 4 * n;
    default:
      return 1 + 2 + 2 + 6 * n;
  }
}

// Words a value of a putfield/getfield type takes: int 2, the others 1.
int field_words(Opcode op) {
  switch (op) {
    case Opcode::kGetfieldIThis:
    case Opcode::kPutfieldIThis:
    case Opcode::kGetfieldI:
    case Opcode::kPutfieldI:
    case Opcode::kGetfieldIW:
    case Opcode::kPutfieldIW:
      return 2;
    default:
      return 1;
  }
}

// How an instruction is encoded after the layout's choices.
struct Form {
  Opcode opcode;
  bool wide = false;         // 2-byte branch offset or 2-byte constant pool index
  bool expand_this = false;  // _this form with a constant pool index above 255
};

std::size_t encoded_size(const JcInstruction& insn, const Form& form) {
  if (is_switch(insn.opcode)) return switch_size(insn);
  if (form.expand_this) {
    // aload_0 + getfield_<t>_w, or aload_0 + swap_x + putfield_<t>_w
    return insn.opcode <= Opcode::kGetfieldIThis ? 1 + 3 : 1 + 2 + 3;
  }
  return cap::info(form.opcode).fixed_length();
}

}  // namespace

int ConstantPoolBuilder::intern(const CpKey& key) {
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  int id = static_cast<int>(entries_.size());
  entries_.push_back(key);
  ids_.emplace(key, id);
  return id;
}

std::vector<int> ConstantPoolBuilder::ids_in_order() const {
  // JCVM 3.0.5 §6.7 leaves the order free. Instance field references come first because
  // getfield_<t> and putfield_<t> carry a one-byte index; the other kinds follow in the
  // order of their tags, each group sorted by name for a reproducible file.
  std::vector<int> ids(entries_.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int>(i);
  auto rank = [&](int id) {
    cap::ConstantTag kind = entries_[static_cast<std::size_t>(id)].kind;
    return kind == cap::ConstantTag::kInstanceFieldref ? 0 : static_cast<int>(kind);
  };
  std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return entries_[static_cast<std::size_t>(a)] < entries_[static_cast<std::size_t>(b)];
  });
  return ids;
}

void ConstantPoolBuilder::assign_indexes() {
  index_.assign(entries_.size(), 0);
  auto order = ids_in_order();
  for (std::size_t i = 0; i < order.size(); ++i) {
    index_[static_cast<std::size_t>(order[i])] = static_cast<std::uint16_t>(i);
  }
}

int JcCode::new_label() {
  labels_.push_back(-1);
  return static_cast<int>(labels_.size()) - 1;
}

void JcCode::bind(int label) {
  labels_[static_cast<std::size_t>(label)] = static_cast<int>(code_.size());
}

void JcCode::emit(Opcode opcode, std::int32_t operand, std::int32_t operand2) {
  JcInstruction insn;
  insn.opcode = opcode;
  insn.operand = operand;
  insn.operand2 = operand2;
  code_.push_back(std::move(insn));
}

void JcCode::emit_short_constant(std::int16_t value) {
  if (value >= -1 && value <= 5) {
    emit(static_cast<Opcode>(static_cast<int>(Opcode::kSconst0) + value));
  } else if (fits_s1(value)) {
    emit(Opcode::kBspush, value);
  } else {
    emit(Opcode::kSspush, value);
  }
}

void JcCode::emit_int_constant(std::int32_t value) {
  if (value >= -1 && value <= 5) {
    emit(static_cast<Opcode>(static_cast<int>(Opcode::kIconst0) + value));
  } else if (fits_s1(value)) {
    emit(Opcode::kBipush, value);
  } else if (fits_s2(value)) {
    emit(Opcode::kSipush, value);
  } else {
    emit(Opcode::kIipush, value);
  }
}

void JcCode::emit_branch(Opcode short_form, int label) {
  JcInstruction insn;
  insn.opcode = short_form;
  insn.label = label;
  code_.push_back(std::move(insn));
}

void JcCode::emit_cp(Opcode opcode, int cp_id) {
  JcInstruction insn;
  insn.opcode = opcode;
  insn.cp = cp_id;
  code_.push_back(std::move(insn));
}

namespace {

// Local variable index of a load or store, or -1 for other instructions.
int local_of(const JcInstruction& insn, Opcode general, Opcode first) {
  if (insn.opcode == general) return insn.operand;
  int delta = static_cast<int>(insn.opcode) - static_cast<int>(first);
  return delta >= 0 && delta <= 3 ? delta : -1;
}

// Value pushed by a constant instruction of the short (or, with `int_form`, int) set.
std::optional<std::int32_t> constant_of(const JcInstruction& insn, bool int_form) {
  Opcode c0 = int_form ? Opcode::kIconst0 : Opcode::kSconst0;
  int delta = static_cast<int>(insn.opcode) - static_cast<int>(c0);
  if (delta >= -1 && delta <= 5) return delta;
  if (insn.opcode == (int_form ? Opcode::kBipush : Opcode::kBspush)) return insn.operand;
  if (insn.opcode == (int_form ? Opcode::kSipush : Opcode::kSspush)) return insn.operand;
  return std::nullopt;
}

}  // namespace

void JcCode::fuse_increments(const std::vector<int>& handler_labels) {
  std::vector<bool> bound(code_.size() + 1, false);
  auto mark = [&](int label) {
    if (label < 0) return;
    int position = labels_[static_cast<std::size_t>(label)];
    if (position >= 0) bound[static_cast<std::size_t>(position)] = true;
  };
  for (const auto& insn : code_) {
    mark(insn.label);
    mark(insn.default_label);
    for (int label : insn.case_labels) mark(label);
  }
  for (int label : handler_labels) mark(label);
  std::vector<JcInstruction> out;
  std::vector<int> new_index(code_.size() + 1, 0);
  for (std::size_t k = 0; k < code_.size();) {
    new_index[k] = static_cast<int>(out.size());
    bool fused = false;
    if (k + 3 < code_.size() && !bound[k + 1] && !bound[k + 2] && !bound[k + 3]) {
      for (bool int_form : {false, true}) {
        Opcode load = int_form ? Opcode::kIload : Opcode::kSload;
        Opcode load0 = int_form ? Opcode::kIload0 : Opcode::kSload0;
        Opcode store = int_form ? Opcode::kIstore : Opcode::kSstore;
        Opcode store0 = int_form ? Opcode::kIstore0 : Opcode::kSstore0;
        Opcode add = int_form ? Opcode::kIadd : Opcode::kSadd;
        Opcode sub = int_form ? Opcode::kIsub : Opcode::kSsub;
        int local = local_of(code_[k], load, load0);
        auto c = constant_of(code_[k + 1], int_form);
        Opcode op = code_[k + 2].opcode;
        if (local < 0 || !c || (op != add && op != sub) ||
            local_of(code_[k + 3], store, store0) != local) {
          continue;
        }
        std::int64_t increment = op == add ? *c : -std::int64_t{*c};
        if (!fits_s2(increment)) continue;
        JcInstruction inc;
        inc.opcode = int_form ? Opcode::kIinc : Opcode::kSinc;
        inc.operand = local;
        inc.operand2 = static_cast<std::int32_t>(increment);
        out.push_back(inc);
        for (std::size_t skip = 1; skip <= 3; ++skip)
          new_index[k + skip] = static_cast<int>(out.size());
        k += 4;
        fused = true;
        break;
      }
    }
    if (!fused) {
      out.push_back(code_[k]);
      ++k;
    }
  }
  new_index[code_.size()] = static_cast<int>(out.size());
  for (int& position : labels_) {
    if (position >= 0) position = new_index[static_cast<std::size_t>(position)];
  }
  code_ = std::move(out);
}

Opcode wide_form(Opcode op) {
  auto v = static_cast<std::uint8_t>(op);
  if (op >= Opcode::kIfeq && op <= Opcode::kIfScmple) {
    return static_cast<Opcode>(v - static_cast<std::uint8_t>(Opcode::kIfeq) +
                               static_cast<std::uint8_t>(Opcode::kIfeqW));
  }
  if (op == Opcode::kGoto) return Opcode::kGotoW;
  if (op >= Opcode::kGetfieldA && op <= Opcode::kGetfieldI) {
    return static_cast<Opcode>(v - static_cast<std::uint8_t>(Opcode::kGetfieldA) +
                               static_cast<std::uint8_t>(Opcode::kGetfieldAW));
  }
  if (op >= Opcode::kPutfieldA && op <= Opcode::kPutfieldI) {
    return static_cast<Opcode>(v - static_cast<std::uint8_t>(Opcode::kPutfieldA) +
                               static_cast<std::uint8_t>(Opcode::kPutfieldAW));
  }
  if (op == Opcode::kSinc) return Opcode::kSincW;
  if (op == Opcode::kIinc) return Opcode::kIincW;
  return op;
}

bool is_branch(Opcode op) {
  return (op >= Opcode::kIfeq && op <= Opcode::kGoto) ||
         (op >= Opcode::kIfeqW && op <= Opcode::kGotoW);
}

LaidOutCode JcCode::lay_out(const ConstantPoolBuilder& pool,
                            const std::vector<int>& handler_labels) const {
  const std::size_t n = code_.size();
  std::vector<Form> forms(n);
  for (std::size_t i = 0; i < n; ++i) {
    const JcInstruction& insn = code_[i];
    forms[i].opcode = insn.opcode;
    if (insn.cp >= 0 && pool.index_of(insn.cp) > 255) {
      if (is_short_field(insn.opcode)) {
        forms[i].opcode = wide_form(insn.opcode);
        forms[i].wide = true;
      } else if (is_this_field(insn.opcode)) {
        forms[i].expand_this = true;
      }
    }
    if ((insn.opcode == Opcode::kSinc || insn.opcode == Opcode::kIinc) && !fits_s1(insn.operand2)) {
      forms[i].opcode = wide_form(insn.opcode);
    }
  }
  std::vector<std::uint32_t> offsets(n + 1, 0);
  auto label_offset = [&](int label) {
    return offsets[static_cast<std::size_t>(labels_[static_cast<std::size_t>(label)])];
  };
  // Widen branches until every displacement fits; widening only grows the code, so the loop
  // ends after at most one pass per branch.
  for (bool changed = true; changed;) {
    changed = false;
    std::uint32_t offset = 0;
    for (std::size_t i = 0; i < n; ++i) {
      offsets[i] = offset;
      offset += static_cast<std::uint32_t>(encoded_size(code_[i], forms[i]));
    }
    offsets[n] = offset;
    if (offset > 65535) {
      throw ConversionError(fmt::format("method bytecode of {} bytes exceeds 65535", offset));
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_branch(forms[i].opcode) || forms[i].wide) continue;
      std::int64_t delta = std::int64_t{label_offset(code_[i].label)} - offsets[i];
      if (!fits_s1(delta)) {
        forms[i].opcode = wide_form(forms[i].opcode);
        forms[i].wide = true;
        changed = true;
      }
    }
  }

  LaidOutCode out;
  Bytes& b = out.bytecode;
  auto put_s2 = [&](std::int64_t v) { append_u16(b, static_cast<std::uint16_t>(v)); };
  auto put_s4 = [&](std::int64_t v) { append_u32(b, static_cast<std::uint32_t>(v)); };
  auto branch_delta = [&](std::size_t i, int label) {
    std::int64_t delta = std::int64_t{label_offset(label)} - offsets[i];
    if (!fits_s2(delta)) throw ConversionError("branch displacement exceeds 32767 bytes");
    return delta;
  };
  for (std::size_t i = 0; i < n; ++i) {
    const JcInstruction& insn = code_[i];
    const Form& form = forms[i];
    if (form.expand_this) {
      // The _this forms exist with a one-byte index only: load local 0 explicitly and use
      // the wide form. For a put, the reference goes beneath the value first.
      Opcode wide = this_to_wide(insn.opcode);
      b.push_back(static_cast<std::uint8_t>(Opcode::kAload0));
      if (insn.opcode >= Opcode::kPutfieldAThis) {
        b.push_back(static_cast<std::uint8_t>(Opcode::kSwapX));
        b.push_back(static_cast<std::uint8_t>(0x10 | field_words(insn.opcode)));
      }
      b.push_back(static_cast<std::uint8_t>(wide));
      out.cp_locations.push_back({static_cast<std::uint32_t>(b.size()), true});
      put_s2(pool.index_of(insn.cp));
      continue;
    }
    b.push_back(static_cast<std::uint8_t>(form.opcode));
    const cap::OpcodeInfo& info = cap::info(form.opcode);
    if (is_switch(insn.opcode)) {
      put_s2(branch_delta(i, insn.default_label));
      bool int_keys = insn.opcode == Opcode::kItableswitch || insn.opcode == Opcode::kIlookupswitch;
      if (insn.opcode == Opcode::kStableswitch || insn.opcode == Opcode::kItableswitch) {
        if (int_keys) {
          put_s4(insn.low);
          put_s4(insn.high);
        } else {
          put_s2(insn.low);
          put_s2(insn.high);
        }
        for (int label : insn.case_labels) put_s2(branch_delta(i, label));
      } else {
        put_s2(static_cast<std::int64_t>(insn.case_labels.size()));
        for (std::size_t k = 0; k < insn.case_labels.size(); ++k) {
          if (int_keys) {
            put_s4(insn.matches[k]);
          } else {
            put_s2(insn.matches[k]);
          }
          put_s2(branch_delta(i, insn.case_labels[k]));
        }
      }
      continue;
    }
    for (cap::OperandKind kind : info.operands.view()) {
      switch (kind) {
        case cap::OperandKind::kLocal:
        case cap::OperandKind::kArrayType:
        case cap::OperandKind::kWordCounts:
        case cap::OperandKind::kArgCount:
          b.push_back(static_cast<std::uint8_t>(insn.operand));
          break;
        case cap::OperandKind::kByte:
          // bspush and bipush take the first operand; sinc and iinc the second.
          b.push_back(static_cast<std::uint8_t>(
              (form.opcode == Opcode::kSinc || form.opcode == Opcode::kIinc) ? insn.operand2
                                                                             : insn.operand));
          break;
        case cap::OperandKind::kShort:
          put_s2((form.opcode == Opcode::kSincW || form.opcode == Opcode::kIincW) ? insn.operand2
                                                                                  : insn.operand);
          break;
        case cap::OperandKind::kInt:
          put_s4(insn.operand);
          break;
        case cap::OperandKind::kCpIndex1:
          out.cp_locations.push_back({static_cast<std::uint32_t>(b.size()), false});
          b.push_back(static_cast<std::uint8_t>(pool.index_of(insn.cp)));
          break;
        case cap::OperandKind::kCpIndex2:
          if (insn.cp < 0) {
            put_s2(0);  // checkcast and instanceof of a primitive array type
          } else {
            out.cp_locations.push_back({static_cast<std::uint32_t>(b.size()), true});
            put_s2(pool.index_of(insn.cp));
          }
          break;
        case cap::OperandKind::kBranch1: {
          std::int64_t delta = branch_delta(i, insn.label);
          b.push_back(static_cast<std::uint8_t>(delta));
          break;
        }
        case cap::OperandKind::kBranch2:
          put_s2(branch_delta(i, insn.label));
          break;
        case cap::OperandKind::kMethodToken:
          b.push_back(static_cast<std::uint8_t>(insn.operand2));
          break;
        default:
          break;
      }
    }
  }
  out.label_offsets.resize(labels_.size());
  for (std::size_t l = 0; l < labels_.size(); ++l) {
    out.label_offsets[l] = labels_[l] < 0 ? 0 : offsets[static_cast<std::size_t>(labels_[l])];
  }

  // Operand stack depth in words, over every path from the entry and from each handler,
  // where the stack holds the thrown object only (JCVM 3.0.5 §3.5).
  std::vector<int> depth(n + 1, -1);
  std::deque<std::size_t> work;
  auto reach = [&](std::size_t at, int d) {
    if (at > n || depth[at] >= 0) return;
    depth[at] = d;
    work.push_back(at);
  };
  reach(0, 0);
  for (int label : handler_labels)
    reach(static_cast<std::size_t>(labels_[static_cast<std::size_t>(label)]), 1);
  int max_depth = 0;
  while (!work.empty()) {
    std::size_t i = work.front();
    work.pop_front();
    if (i >= n) continue;
    const JcInstruction& insn = code_[i];
    const cap::OpcodeInfo& info = cap::info(insn.opcode);
    int pops = info.pops;
    int pushes = info.pushes;
    if (insn.opcode == Opcode::kDupX || insn.opcode == Opcode::kSwapX) {
      auto effect =
          cap::word_count_effect(insn.opcode, static_cast<std::uint8_t>(insn.operand), true);
      pops = effect ? effect->pops : 0;
      pushes = effect ? effect->pushes : 0;
    } else if (pops == cap::kVariableWords) {
      pops = insn.invoke_pops;
      pushes = insn.invoke_pushes;
    }
    int d = depth[i] - pops;
    int after = std::max(d, 0) + pushes;
    max_depth = std::max({max_depth, depth[i], after});
    if (forms[i].expand_this) max_depth = std::max(max_depth, depth[i] + 1);
    switch (info.flow) {
      case cap::Flow::kNext:
        reach(i + 1, after);
        break;
      case cap::Flow::kBranch:
        reach(i + 1, after);
        reach(static_cast<std::size_t>(labels_[static_cast<std::size_t>(insn.label)]), after);
        break;
      case cap::Flow::kGoto:
        reach(static_cast<std::size_t>(labels_[static_cast<std::size_t>(insn.label)]), after);
        break;
      case cap::Flow::kSwitch:
        reach(static_cast<std::size_t>(labels_[static_cast<std::size_t>(insn.default_label)]),
              after);
        for (int label : insn.case_labels) {
          reach(static_cast<std::size_t>(labels_[static_cast<std::size_t>(label)]), after);
        }
        break;
      default:
        break;
    }
  }
  out.max_stack = max_depth;
  return out;
}

}  // namespace uicc::sdk
