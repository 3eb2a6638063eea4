// The load-time bytecode verifier. A data-flow analysis over each method computes the type of
// every operand stack word and local variable at each instruction and checks each
// instruction's operands against them (Java Card 3.0.5 Virtual Machine Specification §7.5 gives
// each instruction's operand types). What it cannot prove, the interpreter checks at run time:
// null references, array bounds and element types, the firewall, class casts.
#include "vm/runtime/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>

#include "vm/cap/bytecode.h"
#include "vm/cap/opcodes.h"
#include "vm/runtime/runtime.h"

namespace uicc::vm::detail {

const Method* resolve_declared_method(const CpEntry& entry);

namespace {

using cap::Opcode;

// Types of one word, as in Method::argument_types. kTop is a word nothing may read: the merge
// of different types, or an argument word the method never reads.
constexpr char kTop = 'T';
constexpr char kShort = 'S';
constexpr char kInt = 'I';
constexpr char kIntLow = 'i';
constexpr char kRef = 'R';
constexpr char kReturnAddress = 'A';
constexpr char kVoid = 'V';
constexpr char kUnknown = '?';  // a result type nothing states (see Method::result_type)
// Inference only: local variable i still contains argument word i as the caller passed it.
constexpr char kArgument = 'a';

// The verifier runs in two modes. `infer` computes the argument types of a method that the
// CAP file does not type (no Descriptor component): every argument word starts as kArgument,
// and each instruction that reads it, or each merge with a typed word, records the type it
// takes. `verify` is the proof: the argument words start as Method::argument_types and
// nothing is compatible with anything but itself.
enum class Mode { infer, verify };

bool is_value(char type) {
  return type == kShort || type == kInt || type == kIntLow || type == kRef;
}

struct State {
  bool reached = false;
  std::string stack;
  std::string locals;
};

class MethodVerifier {
 public:
  MethodVerifier(const Package& package, const Method& method, const VerifierOptions& options,
                 const std::string& package_name, Mode mode = Mode::verify)
      : package_(package),
        method_(method),
        options_(options),
        package_name_(package_name),
        mode_(mode),
        code_(method.code, method.code_length) {}

  void run() {
    if (method_.is_abstract) {
      if (method_.code_length != 0) fail(0, "an abstract method has bytecode");
      return;
    }
    if (method_.code_length == 0) fail(0, "the method has no bytecode");
    decode();
    check_handlers();
    analyse();
  }

  // Infer mode: the type each argument word is read as, kTop for the words never read.
  std::string inferred_arguments() const {
    std::string types = uses_;
    std::replace(types.begin(), types.end(), '\0', kTop);
    return types;
  }

 private:
  [[noreturn]] void fail(std::size_t pc, const std::string& what) const {
    throw LoadError(LoadError::Code::verification,
                    fmt::format("{}: verification failed in {} at bytecode offset {}: {}",
                                package_name_, method_.name, pc, what));
  }

  // Decodes every instruction and checks opcodes, lengths and branch targets.
  void decode() {
    std::size_t pc = 0;
    while (pc < code_.size()) {
      cap::DecodeError error{};
      auto instruction = cap::decode_instruction(code_, pc, &error);
      if (!instruction)
        fail(pc, fmt::format("{} (opcode {:#04x})", cap::to_string(error), code_[pc]));
      if (instruction->info->reserved)
        fail(pc, fmt::format("reserved opcode {}", instruction->info->mnemonic));
      if (instruction->info->int_only && !options_.int_support) {
        fail(pc, fmt::format("{} needs int support, which is switched off",
                             instruction->info->mnemonic));
      }
      starts_.push_back(pc);
      instructions_[pc] = *instruction;
      pc += instruction->length;
    }
    for (const auto& [at, instruction] : instructions_) {
      for (std::int64_t target : instruction.jump_targets()) check_target(at, target);
      if (instruction.switch_operand && instruction.switch_operand->match_size != 0 &&
          !instruction.switch_operand->is_sorted()) {
        fail(at, "lookupswitch matches are not sorted");
      }
    }
  }

  void check_target(std::size_t at, std::int64_t target) const {
    if (target < 0 || target >= static_cast<std::int64_t>(code_.size()) ||
        !instructions_.contains(static_cast<std::size_t>(target))) {
      fail(at, fmt::format("branch target {} is not an instruction of the method", target));
    }
  }

  void check_handlers() {
    for (const Handler& handler : method_.handlers) {
      if (!instructions_.contains(handler.start) ||
          (handler.end != code_.size() && !instructions_.contains(handler.end)) ||
          handler.end <= handler.start) {
        fail(handler.start,
             fmt::format("exception handler range {}-{} does not cover whole instructions",
                         handler.start, handler.end));
      }
      check_target(handler.start, handler.target);
    }
  }

  // --- type analysis -----------------------------------------------------------------------

  void analyse() {
    const std::size_t local_count = std::size_t{method_.nargs} + method_.max_locals;
    State entry;
    entry.reached = true;
    entry.locals.assign(local_count, kTop);
    uses_.assign(method_.nargs, '\0');
    for (std::size_t i = 0; i < method_.nargs; ++i) {
      if (mode_ == Mode::infer) {
        entry.locals[i] = kArgument;
      } else if (i < method_.argument_types.size()) {
        entry.locals[i] = method_.argument_types[i];
      }
    }
    states_[0] = entry;

    // Iterates to a fixed point. Each pass can only move types towards kTop, so the number of
    // passes is bounded by the number of words times the height of the type lattice.
    const std::size_t max_passes = 4 + 3 * (local_count + method_.max_stack + 2);
    for (std::size_t pass = 0;; ++pass) {
      if (pass > max_passes) fail(0, "the type analysis does not converge");
      changed_ = false;
      for (std::size_t pc : starts_) {
        auto it = states_.find(pc);
        if (it == states_.end() || !it->second.reached) continue;
        step(pc, it->second);
      }
      if (!changed_) break;
    }
  }

  void merge_into(std::size_t pc, const State& incoming) {
    State& state = states_[pc];
    if (!state.reached) {
      state = incoming;
      state.reached = true;
      changed_ = true;
      return;
    }
    if (state.stack.size() != incoming.stack.size()) {
      fail(pc, fmt::format("operand stack height {} here, {} on another path", state.stack.size(),
                           incoming.stack.size()));
    }
    // Differing types merge to kTop. In infer mode, an argument word still unchanged on one
    // path and typed on the other takes that type, and the argument word is recorded as
    // read with it: the merged local may hold the argument as passed.
    auto merge = [&](std::string& into, const std::string& from, bool locals) {
      for (std::size_t i = 0; i < into.size(); ++i) {
        if (into[i] == from[i] || into[i] == kTop) continue;
        char merged = kTop;
        if (locals && (into[i] == kArgument || from[i] == kArgument)) {
          const char typed = into[i] == kArgument ? from[i] : into[i];
          if (is_value(typed)) {
            record_use(pc, i, typed);
            merged = typed;
          }
        }
        if (merged != into[i]) {
          into[i] = merged;
          changed_ = true;
        }
      }
    };
    merge(state.stack, incoming.stack, false);
    merge(state.locals, incoming.locals, true);
  }

  // Infer mode: argument word `index` is read as `type` (at `pc`).
  void record_use(std::size_t pc, std::size_t index, char type) {
    char& use = uses_[index];
    if (use == '\0') {
      use = type;
    } else if (use != type) {
      fail(pc,
           fmt::format("argument word {} is read as {} and as {}", index, name(use), name(type)));
    }
  }

  // Applies one instruction to a copy of its entry state and passes the result on.
  void step(std::size_t pc, const State& in) {
    const cap::Instruction& ins = instructions_.at(pc);
    State out = in;
    pc_ = pc;
    current_ = &out;
    falls_dead_ = false;
    apply(ins);
    if (out.stack.size() > method_.max_stack) {
      fail(pc, fmt::format("operand stack grows to {} words, max_stack is {}", out.stack.size(),
                           method_.max_stack));
    }

    // Any instruction in a handler's range can throw: the handler starts with the locals of
    // this point and one reference on the stack.
    for (const Handler& handler : method_.handlers) {
      if (pc < handler.start || pc >= handler.end) continue;
      for (const std::string* locals : std::array<const std::string*, 2>{&in.locals, &out.locals}) {
        State at_handler;
        at_handler.locals = *locals;
        at_handler.stack = std::string(1, kRef);
        merge_into(handler.target, at_handler);
      }
    }

    // An invocation of a method that never returns normally does not continue here.
    if (falls_dead_) return;
    const std::size_t next = pc + ins.length;
    switch (ins.info->flow) {
      case cap::Flow::kNext:
        continue_at(next, out);
        break;
      case cap::Flow::kBranch:
        continue_at(next, out);
        merge_into(branch_target(pc, ins), out);
        break;
      case cap::Flow::kGoto:
        merge_into(branch_target(pc, ins), out);
        break;
      case cap::Flow::kSwitch:
        for (std::int64_t target : ins.jump_targets())
          merge_into(static_cast<std::size_t>(target), out);
        break;
      case cap::Flow::kJsr: {
        jsr_sites_[next] = in;  // the state the subroutine returns to, without the address
        merge_into(branch_target(pc, ins), out);
        if (next >= code_.size()) fail(pc, "jsr is the last instruction");
        break;
      }
      case cap::Flow::kRet:
        // Returns to the instruction after any jsr, with the stack of that jsr and the
        // locals of this point.
        for (const auto& [site, before] : jsr_sites_) {
          State back;
          back.stack = before.stack;
          back.locals = out.locals;
          merge_into(site, back);
        }
        break;
      case cap::Flow::kReturn:
      case cap::Flow::kThrow:
        break;
    }
  }

  // Targets were checked against the method in decode().
  static std::size_t branch_target(std::size_t pc, const cap::Instruction& ins) {
    return static_cast<std::size_t>(static_cast<std::int64_t>(pc) + *ins.branch_offset());
  }

  void continue_at(std::size_t next, const State& out) {
    if (next >= code_.size()) fail(pc_, "execution runs past the end of the method");
    merge_into(next, out);
  }

  // --- operand helpers ---------------------------------------------------------------------

  static bool compatible(char actual, char expected) { return actual == expected; }

  // Reads local variable `index` as `expected`; in infer mode, an unchanged argument word
  // records the read instead.
  void check_local(std::size_t index, char expected) {
    const char actual = current_->locals[index];
    if (actual == kArgument) {
      record_use(pc_, index, expected);
      return;
    }
    if (!compatible(actual, expected)) {
      fail(pc_, fmt::format("local variable {} holds {}, expected {}", index, name(actual),
                            name(expected)));
    }
  }

  char pop(char expected) {
    std::string& stack = current_->stack;
    if (stack.empty()) fail(pc_, "operand stack underflow");
    char actual = stack.back();
    stack.pop_back();
    if (!compatible(actual, expected)) {
      fail(pc_,
           fmt::format("expected {} on the operand stack, found {}", name(expected), name(actual)));
    }
    return actual;
  }
  void pop_int() {
    pop(kIntLow);
    pop(kInt);
  }
  char pop_any() {
    std::string& stack = current_->stack;
    if (stack.empty()) fail(pc_, "operand stack underflow");
    char actual = stack.back();
    stack.pop_back();
    return actual;
  }
  void push(char type) { current_->stack.push_back(type); }
  void push_int() {
    push(kInt);
    push(kIntLow);
  }
  void push_result(char type) {
    if (type == 'V') return;
    if (type == kInt) {
      push_int();
    } else {
      push(type);
    }
  }

  std::size_t local_index(std::size_t index, std::size_t words) const {
    if (index + words > current_->locals.size()) {
      fail(pc_,
           fmt::format("local variable {} outside the {} locals", index, current_->locals.size()));
    }
    return index;
  }
  void load(std::size_t index, char type) {
    if (type == kInt) {
      local_index(index, 2);
      check_local(index, kInt);
      check_local(index + 1, kIntLow);
      push_int();
      return;
    }
    local_index(index, 1);
    check_local(index, type);
    push(type);
  }
  void store(std::size_t index, char type) {
    if (type == kInt) {
      local_index(index, 2);
      pop_int();
      current_->locals[index] = kInt;
      current_->locals[index + 1] = kIntLow;
      return;
    }
    local_index(index, 1);
    char actual = type == kRef ? pop_any() : pop(type);
    if (type == kRef && actual != kRef && actual != kReturnAddress) {
      fail(pc_, fmt::format("astore of {}", name(actual)));
    }
    current_->locals[index] = actual;
  }

  static const char* name(char type) {
    switch (type) {
      case kShort:
        return "a short";
      case kInt:
      case kIntLow:
        return "an int";
      case kRef:
        return "a reference";
      case kReturnAddress:
        return "a return address";
      case kArgument:
        return "an argument word";
      default:
        return "an unusable word";
    }
  }

  const CpEntry& constant(std::int32_t index, CpKind kind) const {
    if (index < 0 || static_cast<std::size_t>(index) >= package_.constant_pool.size()) {
      fail(pc_, fmt::format("constant pool index {} out of range (pool has {} entries)", index,
                            package_.constant_pool.size()));
    }
    const CpEntry& entry = package_.constant_pool[static_cast<std::size_t>(index)];
    if (entry.kind != kind &&
        !(kind == CpKind::static_method && entry.kind == CpKind::super_method)) {
      fail(pc_,
           fmt::format("constant pool entry {} has the wrong kind for this instruction", index));
    }
    return entry;
  }

  void check_static_width(const CpEntry& entry, std::uint32_t width, bool reference) const {
    if (entry.is_reference != reference) {
      fail(pc_, reference ? "reference access to a primitive static field"
                          : "primitive access to a reference static field");
    }
    if (std::size_t{entry.static_offset} + width > entry.static_package->static_image_size) {
      fail(pc_, "static field access beyond the static field image");
    }
  }

  void check_field(const CpEntry& entry, bool reference, bool is_int) const {
    if (entry.is_reference != reference) {
      fail(pc_, reference ? "reference access to a primitive field"
                          : "primitive access to a reference field");
    }
    if (is_int && std::uint32_t{entry.field_word} + 1 >= entry.class_ref->instance_words) {
      fail(pc_, "int access to the last word of an instance");
    }
  }

  // Pops a callee's arguments, checking them against its argument types, and pushes its
  // result. `this` (has_this) is dereferenced by the interpreter, so it must be a reference
  // whatever the callee does with it. A word the callee never reads (kTop) takes any value.
  // `exact`: invokestatic and invokespecial, whose callee is the method named; a callee with
  // no return instruction then never returns normally and the code after the call is not
  // reached from here.
  void invoke(const Method* callee, std::uint8_t nargs, bool has_this, bool exact) {
    const std::string& types = callee != nullptr ? callee->argument_types : std::string();
    for (std::size_t i = nargs; i-- > 0;) {
      const char declared = i < types.size() ? types[i] : kTop;
      if (has_this && i == 0) {
        if (mode_ == Mode::verify && declared != kRef && declared != kTop)
          fail(pc_, "the invoked method reads its object reference as a number");
        pop(kRef);
        continue;
      }
      if (mode_ == Mode::infer || declared == kTop) {
        const char actual = pop_any();
        if (actual == kTop || actual == kReturnAddress)
          fail(pc_, "an unusable word passed as an argument");
      } else {
        pop(declared);
      }
    }
    const char result = callee != nullptr ? callee->result_type : kUnknown;
    if (result == kUnknown) {
      if (exact && callee != nullptr) {
        falls_dead_ = true;
        return;
      }
      fail(pc_,
           "the invoked method's result type is unknown: the CAP file of its package has no "
           "Descriptor component, and no method of that package that overrides or implements "
           "it returns");
    }
    push_result(result);
  }

  void apply(const cap::Instruction& ins);
  void apply_objects(const cap::Instruction& ins);

  const Package& package_;
  const Method& method_;
  VerifierOptions options_;
  const std::string& package_name_;
  Mode mode_;
  ByteView code_;
  std::string uses_;  // infer mode: per argument word, the type it is read as ('\0': unread)
  bool falls_dead_ = false;
  std::vector<std::size_t> starts_;
  std::map<std::size_t, cap::Instruction> instructions_;
  std::map<std::size_t, State> states_;
  std::map<std::size_t, State> jsr_sites_;
  bool changed_ = false;
  std::size_t pc_ = 0;
  State* current_ = nullptr;
};

void MethodVerifier::apply(const cap::Instruction& ins) {
  const auto op = ins.opcode();
  const auto& operands = ins.operands;
  switch (op) {
    case Opcode::kNop:
      break;
    case Opcode::kAconstNull:
      push(kRef);
      break;
    case Opcode::kSconstM1:
    case Opcode::kSconst0:
    case Opcode::kSconst1:
    case Opcode::kSconst2:
    case Opcode::kSconst3:
    case Opcode::kSconst4:
    case Opcode::kSconst5:
    case Opcode::kBspush:
    case Opcode::kSspush:
      push(kShort);
      break;
    case Opcode::kIconstM1:
    case Opcode::kIconst0:
    case Opcode::kIconst1:
    case Opcode::kIconst2:
    case Opcode::kIconst3:
    case Opcode::kIconst4:
    case Opcode::kIconst5:
    case Opcode::kBipush:
    case Opcode::kSipush:
    case Opcode::kIipush:
      push_int();
      break;
    case Opcode::kAload:
      load(static_cast<std::size_t>(operands[0]), kRef);
      break;
    case Opcode::kSload:
      load(static_cast<std::size_t>(operands[0]), kShort);
      break;
    case Opcode::kIload:
      load(static_cast<std::size_t>(operands[0]), kInt);
      break;
    case Opcode::kAload0:
    case Opcode::kAload1:
    case Opcode::kAload2:
    case Opcode::kAload3:
      load(static_cast<std::size_t>(op) - static_cast<std::size_t>(Opcode::kAload0), kRef);
      break;
    case Opcode::kSload0:
    case Opcode::kSload1:
    case Opcode::kSload2:
    case Opcode::kSload3:
      load(static_cast<std::size_t>(op) - static_cast<std::size_t>(Opcode::kSload0), kShort);
      break;
    case Opcode::kIload0:
    case Opcode::kIload1:
    case Opcode::kIload2:
    case Opcode::kIload3:
      load(static_cast<std::size_t>(op) - static_cast<std::size_t>(Opcode::kIload0), kInt);
      break;
    case Opcode::kAaload:
      pop(kShort);
      pop(kRef);
      push(kRef);
      break;
    case Opcode::kBaload:
    case Opcode::kSaload:
      pop(kShort);
      pop(kRef);
      push(kShort);
      break;
    case Opcode::kIaload:
      pop(kShort);
      pop(kRef);
      push_int();
      break;
    case Opcode::kAstore:
      store(static_cast<std::size_t>(operands[0]), kRef);
      break;
    case Opcode::kSstore:
      store(static_cast<std::size_t>(operands[0]), kShort);
      break;
    case Opcode::kIstore:
      store(static_cast<std::size_t>(operands[0]), kInt);
      break;
    case Opcode::kAstore0:
    case Opcode::kAstore1:
    case Opcode::kAstore2:
    case Opcode::kAstore3:
      store(static_cast<std::size_t>(op) - static_cast<std::size_t>(Opcode::kAstore0), kRef);
      break;
    case Opcode::kSstore0:
    case Opcode::kSstore1:
    case Opcode::kSstore2:
    case Opcode::kSstore3:
      store(static_cast<std::size_t>(op) - static_cast<std::size_t>(Opcode::kSstore0), kShort);
      break;
    case Opcode::kIstore0:
    case Opcode::kIstore1:
    case Opcode::kIstore2:
    case Opcode::kIstore3:
      store(static_cast<std::size_t>(op) - static_cast<std::size_t>(Opcode::kIstore0), kInt);
      break;
    case Opcode::kAastore:
      pop(kRef);
      pop(kShort);
      pop(kRef);
      break;
    case Opcode::kBastore:
    case Opcode::kSastore:
      pop(kShort);
      pop(kShort);
      pop(kRef);
      break;
    case Opcode::kIastore:
      pop_int();
      pop(kShort);
      pop(kRef);
      break;
    case Opcode::kPop:
      if (pop_any() == kIntLow) fail(pc_, "pop of half an int");
      break;
    case Opcode::kPop2:
      pop_any();
      pop_any();
      break;
    case Opcode::kDup: {
      const char top = pop_any();
      push(top);
      push(top);
      break;
    }
    case Opcode::kDup2: {
      const char b = pop_any();
      const char a = pop_any();
      push(a);
      push(b);
      push(a);
      push(b);
      break;
    }
    case Opcode::kDupX:
    case Opcode::kSwapX: {
      const auto mn = static_cast<std::uint8_t>(operands[0]);
      if (!cap::word_count_effect(op, mn, options_.int_support)) {
        fail(pc_, fmt::format("{} operand {:#04x} out of range", ins.info->mnemonic, mn));
      }
      const std::size_t m = mn >> 4;
      const std::size_t n = mn & 0x0F;
      std::string& stack = current_->stack;
      if (op == Opcode::kDupX) {
        const std::size_t depth = n == 0 ? m : n;
        if (stack.size() < depth) fail(pc_, "operand stack underflow");
        const std::string top = stack.substr(stack.size() - m);
        stack.insert(stack.size() - (n == 0 ? 0 : n), top);
      } else {
        if (stack.size() < m + n) fail(pc_, "operand stack underflow");
        const std::string top = stack.substr(stack.size() - m);
        const std::string below = stack.substr(stack.size() - m - n, n);
        stack.resize(stack.size() - m - n);
        stack += top;
        stack += below;
      }
      break;
    }
    case Opcode::kSadd:
    case Opcode::kSsub:
    case Opcode::kSmul:
    case Opcode::kSdiv:
    case Opcode::kSrem:
    case Opcode::kSshl:
    case Opcode::kSshr:
    case Opcode::kSushr:
    case Opcode::kSand:
    case Opcode::kSor:
    case Opcode::kSxor:
      pop(kShort);
      pop(kShort);
      push(kShort);
      break;
    case Opcode::kIadd:
    case Opcode::kIsub:
    case Opcode::kImul:
    case Opcode::kIdiv:
    case Opcode::kIrem:
    case Opcode::kIshl:
    case Opcode::kIshr:
    case Opcode::kIushr:
    case Opcode::kIand:
    case Opcode::kIor:
    case Opcode::kIxor:
      pop_int();
      pop_int();
      push_int();
      break;
    case Opcode::kSneg:
    case Opcode::kS2b:
      pop(kShort);
      push(kShort);
      break;
    case Opcode::kIneg:
      pop_int();
      push_int();
      break;
    case Opcode::kSinc:
    case Opcode::kSincW: {
      const std::size_t index = local_index(static_cast<std::size_t>(operands[0]), 1);
      check_local(index, kShort);
      current_->locals[index] = kShort;
      break;
    }
    case Opcode::kIinc:
    case Opcode::kIincW: {
      const std::size_t index = local_index(static_cast<std::size_t>(operands[0]), 2);
      check_local(index, kInt);
      check_local(index + 1, kIntLow);
      current_->locals[index] = kInt;
      current_->locals[index + 1] = kIntLow;
      break;
    }
    case Opcode::kS2i:
      pop(kShort);
      push_int();
      break;
    case Opcode::kI2b:
    case Opcode::kI2s:
      pop_int();
      push(kShort);
      break;
    case Opcode::kIcmp:
      pop_int();
      pop_int();
      push(kShort);
      break;
    case Opcode::kIfeq:
    case Opcode::kIfne:
    case Opcode::kIflt:
    case Opcode::kIfge:
    case Opcode::kIfgt:
    case Opcode::kIfle:
    case Opcode::kIfeqW:
    case Opcode::kIfneW:
    case Opcode::kIfltW:
    case Opcode::kIfgeW:
    case Opcode::kIfgtW:
    case Opcode::kIfleW:
    case Opcode::kStableswitch:
    case Opcode::kSlookupswitch:
      pop(kShort);
      break;
    case Opcode::kItableswitch:
    case Opcode::kIlookupswitch:
      pop_int();
      break;
    case Opcode::kIfnull:
    case Opcode::kIfnonnull:
    case Opcode::kIfnullW:
    case Opcode::kIfnonnullW:
      pop(kRef);
      break;
    case Opcode::kIfAcmpeq:
    case Opcode::kIfAcmpne:
    case Opcode::kIfAcmpeqW:
    case Opcode::kIfAcmpneW:
      pop(kRef);
      pop(kRef);
      break;
    case Opcode::kIfScmpeq:
    case Opcode::kIfScmpne:
    case Opcode::kIfScmplt:
    case Opcode::kIfScmpge:
    case Opcode::kIfScmpgt:
    case Opcode::kIfScmple:
    case Opcode::kIfScmpeqW:
    case Opcode::kIfScmpneW:
    case Opcode::kIfScmpltW:
    case Opcode::kIfScmpgeW:
    case Opcode::kIfScmpgtW:
    case Opcode::kIfScmpleW:
      pop(kShort);
      pop(kShort);
      break;
    case Opcode::kGoto:
    case Opcode::kGotoW:
      break;
    case Opcode::kJsr:
      push(kReturnAddress);
      break;
    case Opcode::kRet: {
      const std::size_t index = local_index(static_cast<std::size_t>(operands[0]), 1);
      if (current_->locals[index] != kReturnAddress)
        fail(pc_, fmt::format("ret through local {}, which holds no return address", index));
      break;
    }
    case Opcode::kAreturn:
    case Opcode::kSreturn:
    case Opcode::kIreturn:
    case Opcode::kReturn: {
      const char type = op == Opcode::kAreturn   ? kRef
                        : op == Opcode::kSreturn ? kShort
                        : op == Opcode::kIreturn ? kInt
                                                 : 'V';
      // Callers take a method with an unknown result type for one that never returns
      // normally (MethodVerifier::invoke), so such a method may not return.
      if (method_.result_type == kUnknown) {
        fail(pc_, fmt::format("{} in a method whose result type is unknown (its Descriptor "
                              "component entry gives no valid type)",
                              ins.info->mnemonic));
      }
      if (method_.result_type != type) {
        fail(pc_, fmt::format("{} in a method that returns another type", ins.info->mnemonic));
      }
      if (type == kInt) {
        pop_int();
      } else if (type != 'V') {
        pop(type);
      }
      break;
    }
    case Opcode::kGetstaticA:
    case Opcode::kGetstaticB:
    case Opcode::kGetstaticS:
    case Opcode::kGetstaticI:
    case Opcode::kPutstaticA:
    case Opcode::kPutstaticB:
    case Opcode::kPutstaticS:
    case Opcode::kPutstaticI: {
      const CpEntry& entry = constant(operands[0], CpKind::static_field);
      const bool is_get = op <= Opcode::kGetstaticI;
      const int kind = (static_cast<int>(op) -
                        static_cast<int>(is_get ? Opcode::kGetstaticA : Opcode::kPutstaticA));
      static constexpr std::uint32_t kWidth[] = {4, 1, 2, 4};
      check_static_width(entry, kWidth[kind], kind == 0);
      char type = kShort;
      if (kind == 0) type = kRef;
      if (kind == 3) type = kInt;
      if (is_get) {
        push_result(type);
      } else if (type == kInt) {
        pop_int();
      } else {
        pop(type);
      }
      break;
    }
    default:
      apply_objects(ins);
      break;
  }
}

// Field access, invocations, object creation, casts and athrow.
void MethodVerifier::apply_objects(const cap::Instruction& ins) {
  const auto op = ins.opcode();
  const auto& operands = ins.operands;
  switch (op) {
    case Opcode::kGetfieldA:
    case Opcode::kGetfieldB:
    case Opcode::kGetfieldS:
    case Opcode::kGetfieldI:
    case Opcode::kGetfieldAW:
    case Opcode::kGetfieldBW:
    case Opcode::kGetfieldSW:
    case Opcode::kGetfieldIW:
    case Opcode::kGetfieldAThis:
    case Opcode::kGetfieldBThis:
    case Opcode::kGetfieldSThis:
    case Opcode::kGetfieldIThis: {
      const CpEntry& entry = constant(operands[0], CpKind::instance_field);
      const std::string_view mnemonic = ins.info->mnemonic;
      const char kind = mnemonic[9];  // getfield_<t>
      check_field(entry, kind == 'a', kind == 'i');
      if (mnemonic.ends_with("_this")) {
        load(0, kRef);
        pop(kRef);
      } else {
        pop(kRef);
      }
      char type = kShort;
      if (kind == 'a') type = kRef;
      if (kind == 'i') type = kInt;
      push_result(type);
      break;
    }
    case Opcode::kPutfieldA:
    case Opcode::kPutfieldB:
    case Opcode::kPutfieldS:
    case Opcode::kPutfieldI:
    case Opcode::kPutfieldAW:
    case Opcode::kPutfieldBW:
    case Opcode::kPutfieldSW:
    case Opcode::kPutfieldIW:
    case Opcode::kPutfieldAThis:
    case Opcode::kPutfieldBThis:
    case Opcode::kPutfieldSThis:
    case Opcode::kPutfieldIThis: {
      const CpEntry& entry = constant(operands[0], CpKind::instance_field);
      const std::string_view mnemonic = ins.info->mnemonic;
      const char kind = mnemonic[9];  // putfield_<t>
      check_field(entry, kind == 'a', kind == 'i');
      if (kind == 'i') {
        pop_int();
      } else {
        pop(kind == 'a' ? kRef : kShort);
      }
      if (mnemonic.ends_with("_this")) {
        load(0, kRef);
        pop(kRef);
      } else {
        pop(kRef);
      }
      break;
    }
    case Opcode::kInvokevirtual: {
      const CpEntry& entry = constant(operands[0], CpKind::virtual_method);
      // The interpreter finds the object nargs words down the stack.
      if (entry.nargs == 0) fail(pc_, "invokevirtual of a method with no object reference");
      invoke(resolve_declared_method(entry), entry.nargs, true, false);
      break;
    }
    case Opcode::kInvokespecial: {
      const CpEntry& entry = constant(operands[0], CpKind::static_method);
      invoke(entry.method, entry.method->nargs, true, true);
      break;
    }
    case Opcode::kInvokestatic: {
      const CpEntry& entry = constant(operands[0], CpKind::static_method);
      if (entry.kind != CpKind::static_method)
        fail(pc_, "invokestatic of a super method reference");
      invoke(entry.method, entry.method->nargs, false, true);
      break;
    }
    case Opcode::kInvokeinterface: {
      const CpEntry& entry = constant(operands[1], CpKind::class_ref);
      if (!entry.class_ref->is_interface) fail(pc_, "invokeinterface on a class");
      const auto nargs = static_cast<std::uint8_t>(operands[0]);
      if (nargs == 0) fail(pc_, "invokeinterface with no object reference");
      const auto token = static_cast<std::uint8_t>(operands[2]);
      // The interface's signature: from the Descriptor component, or settled at load from
      // the implementations in the interface's package (verify_package).
      const Method* declared = token < entry.class_ref->public_methods.size()
                                   ? entry.class_ref->public_methods[token]
                                   : nullptr;
      if (declared != nullptr && declared->nargs != nargs)
        fail(pc_, "invokeinterface argument count differs from the method's");
      invoke(declared, nargs, true, false);
      break;
    }
    case Opcode::kNew: {
      const CpEntry& entry = constant(operands[0], CpKind::class_ref);
      if (entry.class_ref->is_interface || entry.class_ref->is_abstract)
        fail(pc_, "new of an interface or abstract class");
      push(kRef);
      break;
    }
    case Opcode::kNewarray: {
      const auto atype = operands[0];
      if (atype < 10 || atype > 13) fail(pc_, fmt::format("newarray of unknown type {}", atype));
      if (atype == 13 && !options_.int_support) fail(pc_, "int array without int support");
      pop(kShort);
      push(kRef);
      break;
    }
    case Opcode::kAnewarray:
      constant(operands[0], CpKind::class_ref);
      pop(kShort);
      push(kRef);
      break;
    case Opcode::kArraylength:
      pop(kRef);
      push(kShort);
      break;
    case Opcode::kAthrow:
      pop(kRef);
      break;
    case Opcode::kCheckcast:
    case Opcode::kInstanceof: {
      const auto atype = operands[0];
      if (atype == 0 || atype == 14) {
        constant(operands[1], CpKind::class_ref);
      } else if (atype < 10 || atype > 13) {
        fail(pc_, fmt::format("{} with unknown type {}", ins.info->mnemonic, atype));
      }
      pop(kRef);
      push(op == Opcode::kCheckcast ? kRef : kShort);
      break;
    }
    default:
      fail(pc_, fmt::format("unexpected instruction {}", ins.info->mnemonic));
  }
}

}  // namespace

std::pair<std::string, char> descriptor_types(std::string_view descriptor) {
  std::string arguments;
  const auto close = descriptor.find(')');
  const auto open = descriptor.find('(');
  if (open == std::string_view::npos || close == std::string_view::npos) return {"", kUnknown};
  for (std::size_t i = open + 1; i < close; ++i) {
    const char c = descriptor[i];
    if (c == 'I') {
      arguments += "Ii";
      continue;
    }
    if (c == '[' || c == 'L') {
      while (i < close && descriptor[i] == '[') ++i;
      if (i < close && descriptor[i] == 'L') i = std::min(descriptor.find(';', i), close);
      arguments += kRef;
      continue;
    }
    arguments += kShort;  // boolean, byte, short
  }
  const char result = close + 1 < descriptor.size() ? descriptor[close + 1] : 'V';
  switch (result) {
    case 'V':
      return {arguments, 'V'};
    case 'I':
      return {arguments, kInt};
    case 'L':
    case '[':
      return {arguments, kRef};
    default:
      return {arguments, kShort};
  }
}

namespace {

// Verification types from a type descriptor of the Descriptor component (JCVM 3.0.5 §6.14).
std::pair<std::string, char> nibble_types(const cap::TypeDescriptor& type) {
  std::vector<char> words;
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < type.nibble_count;) {
    const std::uint8_t nibble = type.nibble(i);
    starts.push_back(words.size());
    switch (nibble) {
      case cap::type_nibble::kVoid:
        words.push_back('V');
        i += 1;
        break;
      case cap::type_nibble::kInt:
        words.push_back(kInt);
        words.push_back(kIntLow);
        i += 1;
        break;
      case cap::type_nibble::kReference:
      case cap::type_nibble::kReferenceArray:
        words.push_back(kRef);
        i += 5;
        break;
      case cap::type_nibble::kBooleanArray:
      case cap::type_nibble::kByteArray:
      case cap::type_nibble::kShortArray:
      case cap::type_nibble::kIntArray:
        words.push_back(kRef);
        i += 1;
        break;
      default:
        words.push_back(kShort);
        i += 1;
        break;
    }
  }
  if (starts.empty()) return {"", kUnknown};
  const std::size_t last = starts.back();
  const char result = words[last];
  return {std::string(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(last)), result};
}

// The result type of a method without a descriptor, from its return instructions; kUnknown
// for a method that has none (it never returns normally).
char result_from_code(const Method& method) {
  char result = kUnknown;
  std::size_t pc = 0;
  ByteView code(method.code, method.code_length);
  while (pc < code.size()) {
    auto instruction = cap::decode_instruction(code, pc);
    if (!instruction) return kUnknown;  // verification reports the bad instruction
    char type = 0;
    switch (instruction->opcode()) {
      case Opcode::kAreturn:
        type = kRef;
        break;
      case Opcode::kSreturn:
        type = kShort;
        break;
      case Opcode::kIreturn:
        type = kInt;
        break;
      case Opcode::kReturn:
        type = 'V';
        break;
      default:
        break;
    }
    if (type != 0) {
      if (result != kUnknown && result != type) return kTop;  // the verifier rejects the mix
      result = type;
    }
    pc += instruction->length;
  }
  return result;
}

}  // namespace

// The class of the package at a Class component offset (interfaces first, then classes, in
// the order the linker created them).
Class* find_class_at(Package& package, const cap::CapFile& cap, std::uint16_t offset) {
  std::size_t index = 0;
  for (const auto& info : cap.classes.interfaces) {
    if (info.offset == offset) return package.classes[index].get();
    ++index;
  }
  for (const auto& info : cap.classes.classes) {
    if (info.offset == offset) return package.classes[index].get();
    ++index;
  }
  return nullptr;
}

const Method* resolve_declared_method(const CpEntry& entry) {
  const auto& table =
      (entry.token & 0x80) ? entry.class_ref->package_methods : entry.class_ref->public_methods;
  const std::size_t index = entry.token & 0x7F;
  return index < table.size() ? table[index] : nullptr;
}

namespace {

// Signatures across the methods that one call site may reach. A call site is verified
// against the method it names (the declared method); the interpreter then runs the method
// that the object's class has at that token, or that implements the interface method. For
// every such pair the runtime target must read each argument word as the declared method
// types it (or not at all) and return the same type, or a number could reach the target as a
// reference. Java Card 3.0.5 Virtual Machine Specification §4.3.7 (virtual and interface
// method tokens) and §6.14 (the Descriptor component, which a CAP file may omit).
class SignatureUnifier {
 public:
  SignatureUnifier(Package& package, const std::string& package_name)
      : package_(package), package_name_(package_name) {}

  // Collects the pairs (declared method, runtime target) that this package's classes create:
  // overrides of virtual methods (public ones across packages, package ones within), and
  // implementations of interface methods. An interface of this package without a signature
  // from the Descriptor component gets one here, shaped by its implementations.
  //
  // An override is paired with the method it replaces in its direct superclass only: that
  // method was unified with the ones it replaces in turn, when its own package was loaded or
  // earlier in this one. So the pairs number at most one per table entry, and a long chain of
  // subclasses cannot make them grow with the square of its length.
  void collect() {
    for (const auto& cls : package_.classes) {
      if (cls->is_interface) continue;
      const Class* super = cls->superclass;
      for (std::size_t token = 0; token < cls->public_methods.size(); ++token) {
        if (super != nullptr && token < super->public_methods.size())
          add(super->public_methods[token], cls->public_methods[token], "overrides");
      }
      if (super != nullptr && super->package == &package_) {
        for (std::size_t token = 0; token < cls->package_methods.size(); ++token) {
          if (token < super->package_methods.size())
            add(super->package_methods[token], cls->package_methods[token], "overrides");
        }
      }
      for (const Class* interface_class : cls->interfaces) {
        const InterfaceImpl* impl = cls->find_impl(interface_class);
        if (impl == nullptr) continue;
        for (std::size_t token = 0; token < impl->virtual_tokens.size(); ++token) {
          const std::uint8_t virtual_token = impl->virtual_tokens[token];
          const Method* target = virtual_token < cls->public_methods.size()
                                     ? cls->public_methods[virtual_token]
                                     : nullptr;
          if (target == nullptr) continue;
          const Method* declared = interface_method(interface_class, token, *target);
          if (declared != nullptr) add(declared, target, "implements");
        }
      }
    }
    for (std::size_t i = 0; i < pairs_.size(); ++i) {
      incident_[pairs_[i].declared].push_back(i);
      incident_[pairs_[i].target].push_back(i);
    }
  }

  // The result types: a declaration without one (an abstract method of a CAP file without a
  // Descriptor component) takes its targets' type, a target without one (no return
  // instruction, or abstract) takes its declaration's.
  void unify_results() {
    settle([this](const Pair& pair) -> const Method* {
      const char declared = pair.declared->result_type;
      const char target = pair.target->result_type;
      if (declared == target) return nullptr;
      if (declared == kUnknown) {
        // No call site can have been verified against an unknown result.
        if (!mine(pair.declared)) return nullptr;
        mutable_method(pair.declared)->result_type = target;
        return pair.declared;
      }
      if (target == kUnknown) {
        // A target without a result never returns normally.
        if (!mine(pair.target)) return nullptr;
        mutable_method(pair.target)->result_type = declared;
        return pair.target;
      }
      fail(pair, fmt::format("returns {} where {} returns {}", result_name(target),
                             pair.declared->name, result_name(declared)));
    });
  }

  // The argument types, word by word: a word one side leaves untyped (kTop: not read) takes
  // the other side's type when that side's method belongs to this package. A declaration of
  // another package is final: its callers were verified against it, so a target that reads a
  // word the declaration leaves untyped is refused.
  void unify_arguments() {
    settle([this](const Pair& pair) -> const Method* {
      const Method& declared = *pair.declared;
      const Method& target = *pair.target;
      if (declared.nargs != target.nargs) {
        fail(pair, fmt::format("takes {} argument words where {} takes {}", target.nargs,
                               declared.name, declared.nargs));
      }
      for (std::size_t i = 0; i < target.nargs; ++i) {
        const char d = word(declared, i);
        const char t = word(target, i);
        if (d == t) continue;
        if (t == kTop) {
          if (!mine(&target)) continue;
          set_word(target, i, d);
          return &target;
        }
        if (d == kTop) {
          if (mine(&declared)) {
            set_word(declared, i, t);
            return &declared;
          }
          // No call site can have been verified against a declaration without a result.
          if (declared.result_type == kUnknown) continue;
          fail(pair, fmt::format("reads argument word {} as {}, which {} of package {} leaves "
                                 "untyped (that package was loaded without its Descriptor "
                                 "component and never reads the word)",
                                 i, word_name(t), declared.name, declared.package->aid.to_hex()));
        }
        fail(pair, fmt::format("reads argument word {} as {} where {} types it as {}", i,
                               word_name(t), declared.name, word_name(d)));
      }
      return nullptr;
    });
  }

 private:
  struct Pair {
    const Method* declared;
    const Method* target;
    const char* relation;
  };

  void add(const Method* declared, const Method* target, const char* relation) {
    if (declared == nullptr || target == nullptr || declared == target) return;
    pairs_.push_back(Pair{declared, target, relation});
  }

  // Applies `step` to every pair until none changes a method. `step` changes at most one
  // word or result per call and returns the method it changed; only the pairs of that method
  // are visited again. Each word and each result changes once at most (from untyped to
  // typed), so the work is bounded by the number of words times the pairs of a method.
  template <typename Step>
  void settle(Step step) {
    std::vector<std::size_t> queue(pairs_.size());
    std::vector<bool> queued(pairs_.size(), true);
    for (std::size_t i = 0; i < pairs_.size(); ++i) queue[i] = pairs_.size() - 1 - i;
    while (!queue.empty()) {
      const std::size_t index = queue.back();
      queue.pop_back();
      queued[index] = false;
      const Method* changed = step(pairs_[index]);
      if (changed == nullptr) continue;
      for (std::size_t other : incident_[changed]) {
        if (!queued[other]) {
          queued[other] = true;
          queue.push_back(other);
        }
      }
    }
  }

  // The signature of interface method `token`, created for an interface of this package.
  const Method* interface_method(const Class* interface_class, std::size_t token,
                                 const Method& target) {
    if (token < interface_class->public_methods.size() &&
        interface_class->public_methods[token] != nullptr) {
      return interface_class->public_methods[token];
    }
    // An interface of another package without a signature: no call site through it can
    // have been verified, so its implementations are free.
    if (interface_class->package != &package_) return nullptr;
    Class* owner = const_cast<Class*>(interface_class);
    auto signature = std::make_unique<Method>();
    signature->package = &package_;
    signature->owner = owner;
    signature->name = owner->name + " interface method " + std::to_string(token);
    signature->is_abstract = true;
    signature->nargs = target.nargs;
    signature->argument_types = std::string(target.nargs, kTop);
    if (target.nargs > 0) signature->argument_types[0] = kRef;
    signature->result_type = kUnknown;
    if (owner->public_methods.size() <= token) owner->public_methods.resize(token + 1, nullptr);
    owner->public_methods[token] = signature.get();
    package_.methods.push_back(std::move(signature));
    return owner->public_methods[token];
  }

  bool mine(const Method* method) const {
    return method->package == &package_ && method->native == nullptr;
  }
  static Method* mutable_method(const Method* method) { return const_cast<Method*>(method); }
  static char word(const Method& method, std::size_t i) {
    return i < method.argument_types.size() ? method.argument_types[i] : kTop;
  }
  static void set_word(const Method& method, std::size_t i, char type) {
    std::string& types = mutable_method(&method)->argument_types;
    if (types.size() < method.nargs) types.resize(method.nargs, kTop);
    types[i] = type;
  }
  static const char* word_name(char type) {
    switch (type) {
      case kShort:
        return "a short";
      case kInt:
        return "the high word of an int";
      case kIntLow:
        return "the low word of an int";
      case kRef:
        return "a reference";
      default:
        return "nothing";
    }
  }
  static const char* result_name(char type) { return type == kVoid ? "void" : word_name(type); }

  [[noreturn]] void fail(const Pair& pair, const std::string& what) const {
    throw LoadError(LoadError::Code::verification,
                    fmt::format("{}: verification failed: {}, which {} {}, {}", package_name_,
                                pair.target->name, pair.relation, pair.declared->name, what));
  }

  Package& package_;
  const std::string& package_name_;
  std::vector<Pair> pairs_;
  std::map<const Method*, std::vector<std::size_t>> incident_;  // pair indexes per method
};

[[noreturn]] void fail_method(const std::string& package_name, const Method& method,
                              const std::string& what) {
  throw LoadError(LoadError::Code::verification, fmt::format("{}: verification failed in {}: {}",
                                                             package_name, method.name, what));
}

// Signatures from the Descriptor component: argument and result types of the methods it
// lists, and signature-only methods for the interface methods (which have no code).
void apply_descriptor(const cap::CapFile& cap, Package& package) {
  std::map<std::uint16_t, Method*> by_offset;
  for (std::size_t i = 0; i < cap.method_locations.size() && i < package.methods.size(); ++i) {
    by_offset[cap.method_locations[i].offset] = package.methods[i].get();
  }
  for (const cap::ClassDescriptor& cls : cap.descriptor->classes) {
    for (const cap::MethodDescriptor& descriptor : cls.methods) {
      auto it = by_offset.find(descriptor.method_offset);
      const cap::TypeDescriptor* type = cap.descriptor->find_type(descriptor.type_offset);
      if (type == nullptr) continue;
      auto [arguments, result] = nibble_types(*type);
      const bool is_static = (descriptor.access_flags & cap::descriptor_flags::kStatic) != 0;
      const bool is_init = (descriptor.access_flags & cap::descriptor_flags::kMethodInit) != 0;
      if (!is_static || is_init) arguments.insert(arguments.begin(), kRef);
      if (it != by_offset.end() && descriptor.method_offset != 0) {
        it->second->argument_types = arguments;
        it->second->result_type = result;
        it->second->typed = true;
      }
      if (cls.is_interface() && !cls.this_class.is_external() && descriptor.method_offset == 0) {
        Class* interface_class = find_class_at(package, cap, cls.this_class.offset());
        if (interface_class == nullptr) continue;
        auto signature = std::make_unique<Method>();
        signature->package = &package;
        signature->owner = interface_class;
        signature->name =
            interface_class->name + " interface method " + std::to_string(descriptor.token);
        signature->is_abstract = true;
        signature->nargs = static_cast<std::uint8_t>(arguments.size());
        signature->argument_types = arguments;
        signature->result_type = result;
        signature->typed = true;
        if (interface_class->public_methods.size() <= descriptor.token) {
          interface_class->public_methods.resize(descriptor.token + 1u, nullptr);
        }
        interface_class->public_methods[descriptor.token] = signature.get();
        package.methods.push_back(std::move(signature));
      }
    }
  }
}

// The methods the package's classes have in their virtual method tables: the interpreter
// calls them with an object reference in word 0.
std::set<const Method*> virtual_methods(const Package& package) {
  std::set<const Method*> methods;
  for (const auto& cls : package.classes) {
    methods.insert(cls->public_methods.begin(), cls->public_methods.end());
    methods.insert(cls->package_methods.begin(), cls->package_methods.end());
  }
  return methods;
}

}  // namespace

void verify_package(const cap::CapFile& cap, Package& package, const VerifierOptions& options,
                    const std::string& package_name) {
  // 1. Signatures the CAP file states: the Descriptor component.
  if (cap.descriptor) apply_descriptor(cap, package);

  // 2. Result types of the other methods, from their return instructions.
  for (const auto& method : package.methods) {
    if (method->typed || method->is_abstract) continue;
    method->result_type = result_from_code(*method);
    if (method->result_type == kTop) {
      fail_method(package_name, *method, "its return instructions return different types");
    }
  }

  // 3. Result types across overrides and interface implementations, so that each call site
  //    has the type that its callee leaves on the stack.
  SignatureUnifier unifier(package, package_name);
  unifier.collect();
  unifier.unify_results();

  // 4. Argument types of the untyped methods, from their own code: the type each argument
  //    word is read as, or kTop for a word never read. An object reference in word 0 of a
  //    virtual method is a reference whatever the code does.
  const std::set<const Method*> virtuals = virtual_methods(package);
  for (const auto& method : package.methods) {
    if (method->nargs == 0 && virtuals.contains(method.get()))
      fail_method(package_name, *method, "a virtual method takes no object reference");
    if (method->typed || method->native != nullptr) continue;
    std::string types(method->nargs, kTop);
    if (!method->is_abstract) {
      MethodVerifier inference(package, *method, options, package_name, Mode::infer);
      inference.run();
      types = inference.inferred_arguments();
    }
    if (method->nargs > 0 && virtuals.contains(method.get())) {
      if (types[0] != kTop && types[0] != kRef)
        fail_method(package_name, *method, "it reads its object reference as a number");
      types[0] = kRef;
    }
    method->argument_types = types;
  }

  // 5. Argument types across overrides and interface implementations.
  unifier.unify_arguments();

  // 6. The runtime calls install(byte[] bArray, short bOffset, byte bLength) itself (Java Card
  //    3.0.5 API, Applet.install).
  static constexpr char kInstallTypes[] = {kRef, kShort, kShort};
  for (const AppletClass& applet : package.applets) {
    Method& install = *const_cast<Method*>(applet.install);
    install.argument_types.resize(3, kTop);
    for (std::size_t i = 0; i < 3; ++i) {
      char& type = install.argument_types[i];
      if (type == kTop) type = kInstallTypes[i];
      if (type != kInstallTypes[i]) {
        fail_method(package_name, install,
                    fmt::format("the install method reads argument word {} as another type than "
                                "install(byte[], short, byte) passes",
                                i));
      }
    }
  }

  // 7. The proof, with every signature settled.
  for (const auto& method : package.methods) verify_method(package, *method, options, package_name);
}

void verify_method(const Package& package, const Method& method, const VerifierOptions& options,
                   const std::string& package_name) {
  MethodVerifier(package, method, options, package_name).run();
}

}  // namespace uicc::vm::detail
