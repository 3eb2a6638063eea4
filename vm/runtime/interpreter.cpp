// The bytecode interpreter: one dispatch function over the opcode table of vm/cap, by switch or
// (with UICC_COMPUTED_GOTO) by a table of label addresses. The verifier has proven stack
// depths, local indexes, operand types and branch targets at load, so the handlers check only
// what cannot be proven: null references, array bounds, the firewall, casts and division by
// zero. Java Card 3.0.5 Virtual Machine Specification §7.5.
#include <algorithm>
#include <cstring>

#include "vm/cap/opcodes.h"
#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"

namespace uicc::vm::detail {

namespace {

using cap::Opcode;

// Every opcode the dispatcher handles, in table order. A static_assert below checks the list
// against vm/cap's table, so the two cannot drift apart.
#define UICC_INTERPRETER_OPCODES(X)                                                                               \
  X(kNop)                                                                                                         \
  X(kAconstNull)                                                                                                  \
  X(kSconstM1)                                                                                                    \
  X(kSconst0)                                                                                                     \
  X(kSconst1)                                                                                                     \
  X(kSconst2)                                                                                                     \
  X(kSconst3)                                                                                                     \
  X(kSconst4) X(kSconst5) X(kIconstM1) X(kIconst0) X(kIconst1) X(kIconst2) X(kIconst3) X(                         \
      kIconst4) X(kIconst5) X(kBspush) X(kSspush) X(kBipush) X(kSipush) X(kIipush) X(kAload)                      \
      X(kSload) X(kIload) X(kAload0) X(kAload1) X(kAload2) X(kAload3) X(kSload0) X(kSload1) X(                    \
          kSload2) X(kSload3) X(kIload0) X(kIload1) X(kIload2) X(kIload3) X(kAaload) X(kBaload)                   \
          X(kSaload) X(kIaload) X(kAstore) X(kSstore) X(kIstore) X(kAstore0) X(kAstore1) X(                       \
              kAstore2) X(kAstore3) X(kSstore0) X(kSstore1) X(kSstore2) X(kSstore3) X(kIstore0)                   \
              X(kIstore1) X(kIstore2) X(kIstore3) X(kAastore) X(kBastore) X(kSastore) X(                          \
                  kIastore) X(kPop)                                                                               \
                  X(kPop2) X(kDup) X(kDup2) X(kDupX) X(kSwapX) X(kSadd) X(kIadd) X(kSsub) X(kIsub) X(kSmul) X(    \
                      kImul) X(kSdiv) X(kIdiv) X(kSrem) X(kIrem)                                                  \
                      X(kSneg) X(kIneg) X(kSshl) X(                                                               \
                          kIshl) X(kSshr) X(kIshr) X(kSushr) X(kIushr) X(kSand) X(kIand) X(kSor) X(kIor) X(kSxor) \
                          X(kIxor) X(kSinc) X(kIinc) X(kS2b) X(kS2i) X(kI2b) X(kI2s) X(kIcmp) X(kIfeq) X(         \
                              kIfne) X(kIflt) X(kIfge) X(kIfgt) X(kIfle)                                          \
                              X(kIfnull) X(kIfnonnull) X(kIfAcmpeq) X(kIfAcmpne) X(kIfScmpeq) X(                  \
                                  kIfScmpne) X(kIfScmplt) X(kIfScmpge) X(kIfScmpgt) X(kIfScmple)                  \
                                  X(kGoto) X(kJsr) X(kRet) X(kStableswitch) X(kItableswitch) X(kSlookupswitch) X( \
                                      kIlookupswitch) X(kAreturn) X(kSreturn) X(kIreturn) X(kReturn)              \
                                      X(kGetstaticA) X(kGetstaticB) X(kGetstaticS) X(                             \
                                          kGetstaticI) X(kPutstaticA) X(kPutstaticB) X(kPutstaticS)               \
                                          X(kPutstaticI) X(kGetfieldA) X(kGetfieldB) X(kGetfieldS) X(             \
                                              kGetfieldI) X(kPutfieldA) X(kPutfieldB)                             \
                                              X(kPutfieldS) X(                                                    \
                                                  kPutfieldI) X(kInvokevirtual) X(kInvokespecial)                 \
                                                  X(kInvokestatic) X(kInvokeinterface) X(kNew) X(                 \
                                                      kNewarray) X(kAnewarray) X(kArraylength) X(kAthrow)         \
                                                      X(kCheckcast) X(kInstanceof) X(kSincW) X(kIincW) X(         \
                                                          kIfeqW) X(kIfneW) X(kIfltW)                             \
                                                          X(kIfgeW) X(                                            \
                                                              kIfgtW) X(kIfleW) X(kIfnullW)                       \
                                                              X(kIfnonnullW) X(kIfAcmpeqW) X(kIfAcmpneW) X(       \
                                                                  kIfScmpeqW) X(kIfScmpneW) X(kIfScmpltW)         \
                                                                  X(kIfScmpgeW) X(                                \
                                                                      kIfScmpgtW) X(kIfScmpleW) X(kGotoW)         \
                                                                      X(kGetfieldAW) X(kGetfieldBW) X(            \
                                                                          kGetfieldSW) X(kGetfieldIW)             \
                                                                          X(kGetfieldAThis) X(                    \
                                                                              kGetfieldBThis) X(kGetfieldSThis)   \
                                                                              X(kGetfieldIThis) X(                \
                                                                                  kPutfieldAW) X(kPutfieldBW)     \
                                                                                  X(kPutfieldSW) X(               \
                                                                                      kPutfieldIW)                \
                                                                                      X(kPutfieldAThis) X(        \
                                                                                          kPutfieldBThis)         \
                                                                                          X(kPutfieldSThis)       \
                                                                                              X(kPutfieldIThis)

#define UICC_LIST_ENTRY(name) Opcode::name,
constexpr Opcode kHandled[] = {UICC_INTERPRETER_OPCODES(UICC_LIST_ENTRY)};
#undef UICC_LIST_ENTRY

constexpr bool handles_every_opcode() {
  std::size_t handled = 0;
  for (const auto& entry : cap::kOpcodeTable) {
    if (entry.reserved) continue;
    if (handled >= std::size(kHandled) || kHandled[handled] != entry.opcode) return false;
    ++handled;
  }
  return handled == std::size(kHandled);
}
static_assert(handles_every_opcode(), "the dispatcher must handle every opcode of vm/cap's table");

inline std::int16_t s16(Slot v) {
  return static_cast<std::int16_t>(v);
}
inline std::int32_t s32(Slot v) {
  return static_cast<std::int32_t>(v);
}
inline Slot from_short(std::int32_t v) {
  return slot_of_short(static_cast<std::int16_t>(v));
}
inline Slot from_int(std::int64_t v) {
  return static_cast<Slot>(static_cast<std::uint32_t>(v));
}

inline std::int8_t op_s1(const std::uint8_t* p) {
  return static_cast<std::int8_t>(p[0]);
}
inline std::uint16_t op_u2(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::int16_t op_s2(const std::uint8_t* p) {
  return static_cast<std::int16_t>(op_u2(p));
}
inline std::int32_t op_s4(const std::uint8_t* p) {
  return static_cast<std::int32_t>((std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                   (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]});
}

inline Slot load_word(const std::uint8_t* p) {
  return (Slot{p[0]} << 24) | (Slot{p[1]} << 16) | (Slot{p[2]} << 8) | Slot{p[3]};
}

inline void store_word(std::uint8_t* p, Slot v) {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// Java's shift rules for short and int (JCVM 3.0.5 §7.5 sshl, sshr, sushr). The distance is
// masked to 5 bits, and the short is shifted as an int and then truncated.
inline Slot shift_short_left(Slot a, Slot b) {
  return from_short(s32(a) << (b & 0x1F));
}
inline Slot shift_short_right(Slot a, Slot b) {
  return from_short(s32(a) >> (b & 0x1F));
}
inline Slot shift_short_unsigned(Slot a, Slot b) {
  // The short value is sign-extended to an int before the unsigned shift.
  return from_short(static_cast<std::int32_t>(static_cast<std::uint32_t>(s32(a)) >> (b & 0x1F)));
}

}  // namespace

// --- traps and exception objects -----------------------------------------------------------

Ref Machine::exception_instance(const Class* cls, std::int16_t reason) {
  auto it = exception_instances_.find(cls);
  Ref object = it != exception_instances_.end() ? it->second : kNullRef;
  if (object == kNullRef || !store_.valid(object)) {
    // JCRE-owned temporary entry points in RAM, like the system instances of the API's
    // exception classes (Java Card 3.0.5 Runtime Environment Specification §6.2.1).
    store::ObjectHeader header{
        object_kind::kInstance,
        static_cast<std::uint8_t>(store::kVolatile | object_flag::kTemporaryEntryPoint),
        kJcreContext, cls->type_id};
    object = store_.allocate(header, std::uint32_t{cls->instance_words} * 4);
    exception_instances_[cls] = object;
  }
  if (cls->instance_words > 0) {
    std::uint8_t bytes[4];
    store_word(bytes, slot_of_short(reason));
    store_.write(object, 0, bytes);
  }
  return object;
}

void Machine::throw_java(const ClassName& exception_class, std::int16_t reason) {
  raise_java(exception_class, reason);
}

void Machine::raise_java(const ClassName& exception_class, std::int16_t reason) {
  const Class* cls = find_class(exception_class);
  if (cls == nullptr) {
    throw std::logic_error("throw_java: exception class " + exception_class.package.to_hex() +
                           " token " + std::to_string(exception_class.token) + " is not linked");
  }
  throw JavaThrow{exception_instance(cls, reason)};
}

void Machine::throw_object(Ref exception) {
  if (exception == kNullRef) trap(Trap::null_pointer);
  if (throwable_class_ != nullptr && !assignable(exception, throwable_class_))
    trap(Trap::class_cast);
  throw JavaThrow{exception};
}

void Machine::trap(Trap trap) {
  using namespace api;
  switch (trap) {
    case Trap::null_pointer:
      raise_java(lang_class(lang::kNullPointerException));
    case Trap::array_index:
      raise_java(lang_class(lang::kArrayIndexOutOfBoundsException));
    case Trap::negative_array_size:
      raise_java(lang_class(lang::kNegativeArraySizeException));
    case Trap::arithmetic:
      raise_java(lang_class(lang::kArithmeticException));
    case Trap::class_cast:
      raise_java(lang_class(lang::kClassCastException));
    case Trap::security:
    case Trap::abstract_method:
      raise_java(lang_class(lang::kSecurityException));
    case Trap::array_store:
      raise_java(lang_class(lang::kArrayStoreException));
    case Trap::out_of_memory:
    case Trap::stack_overflow:
      raise_java(framework_class(framework::kSystemException), system_exception::kNoResource);
    case Trap::out_of_transient:
      raise_java(framework_class(framework::kSystemException), system_exception::kNoTransientSpace);
    case Trap::transaction_full:
      raise_java(framework_class(framework::kTransactionException),
                 transaction_exception::kBufferFull);
  }
  throw std::logic_error("unknown trap");
}

// --- method resolution ---------------------------------------------------------------------

const Method* Machine::resolve_virtual(const Class* cls, std::uint8_t token) const {
  if (token & 0x80) {
    std::size_t index = token & 0x7F;
    return index < cls->package_methods.size() ? cls->package_methods[index] : nullptr;
  }
  return token < cls->public_methods.size() ? cls->public_methods[token] : nullptr;
}

const Method* Machine::resolve_interface(const Class* cls, const Class* interface_class,
                                         std::uint8_t token) const {
  const InterfaceImpl* impl = cls->find_impl(interface_class);
  if (impl == nullptr || token >= impl->virtual_tokens.size()) return nullptr;
  return resolve_virtual(cls, impl->virtual_tokens[token]);
}

// --- calls from C++ ------------------------------------------------------------------------

Slot Machine::invoke_virtual(Ref object, std::uint8_t token, std::span<const Slot> args) {
  const store::ObjectHeader& header = header_of(object);
  const Class* cls = class_of(object);
  const Method* method = cls != nullptr ? resolve_virtual(cls, token) : nullptr;
  if (method == nullptr) trap(Trap::abstract_method);
  ContextId target = context_;
  if (header.owner != context_) {
    bool entry_point =
        header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kPermanentEntryPoint);
    if (context_ != kJcreContext && !entry_point) trap(Trap::security);
    target = header.owner;
  }
  std::vector<Slot> words;
  words.reserve(args.size() + 1);
  words.push_back(object);
  words.insert(words.end(), args.begin(), args.end());
  return call(method, words, target, current_applet_);
}

Slot Machine::invoke_interface(Ref object, const ClassName& interface_name, std::uint8_t token,
                               std::span<const Slot> args) {
  const Class* interface_class = find_class(interface_name);
  if (interface_class == nullptr)
    throw std::invalid_argument("invoke_interface: unknown interface");
  const store::ObjectHeader& header = header_of(object);
  const Class* cls = class_of(object);
  const Method* method = cls != nullptr ? resolve_interface(cls, interface_class, token) : nullptr;
  if (method == nullptr) trap(Trap::abstract_method);
  ContextId target = context_;
  if (header.owner != context_) {
    bool entry_point =
        header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kPermanentEntryPoint);
    if (context_ != kJcreContext && !entry_point && !interface_class->is_shareable) {
      trap(Trap::security);
    }
    target = header.owner;
  }
  std::vector<Slot> words;
  words.reserve(args.size() + 1);
  words.push_back(object);
  words.insert(words.end(), args.begin(), args.end());
  return call(method, words, target, current_applet_);
}

// --- run-time checks of the handlers --------------------------------------------------------

// The element `index` of an array of `kind` for reading, after the null, firewall and bounds
// checks. The kind is checked here too: the verifier proves that the operand is a reference
// but not which array type it is.
[[gnu::always_inline]] inline const std::uint8_t* Machine::element(Ref array, Slot index,
                                                                   std::uint8_t kind,
                                                                   std::uint32_t size) {
  const CachedObject& object = object_of(array);
  if (object.header->kind != kind) trap(Trap::security);
  check_array_access(*object.header);
  const std::int32_t i = s16(index);
  if (i < 0 || static_cast<std::uint32_t>(i + 1) * size > object.size) trap(Trap::array_index);
  return object.data + static_cast<std::uint32_t>(i) * size;
}

// baload and bastore serve both byte and boolean arrays.
[[gnu::always_inline]] inline const std::uint8_t* Machine::byte_element(Ref array, Slot index) {
  const CachedObject& object = object_of(array);
  if (object.header->kind != object_kind::kByteArray &&
      object.header->kind != object_kind::kBooleanArray) {
    trap(Trap::security);
  }
  check_array_access(*object.header);
  const std::int32_t i = s16(index);
  if (i < 0 || static_cast<std::uint32_t>(i) >= object.size) trap(Trap::array_index);
  return object.data + i;
}

[[gnu::always_inline]] inline void Machine::store_element_bytes(Ref array, Slot index,
                                                                std::uint8_t kind,
                                                                const std::uint8_t* bytes,
                                                                std::uint32_t size) {
  const std::uint8_t* p = element(array, index, kind, size);
  const CachedObject& object = object_of(array);
  write_object(array, object, static_cast<std::uint32_t>(p - object.data), bytes, size);
}

[[gnu::always_inline]] inline void Machine::store_byte_element(Ref array, Slot index,
                                                               std::uint8_t value) {
  const std::uint8_t* p = byte_element(array, index);
  const CachedObject& object = object_of(array);
  write_object(array, object, static_cast<std::uint32_t>(p - object.data), &value, 1);
}

// aastore: JCVM 3.0.5 §7.5 aastore, with the firewall rule that a temporary entry-point
// object or a global array cannot be stored (JCRE 3.0.5 §6.2.1, §6.2.2).
void Machine::store_reference_element(Ref array, Slot index, Ref value) {
  const std::uint8_t* p = element(array, index, object_kind::kReferenceArray, 4);
  const std::uint32_t element_type = object_of(array).header->type;
  if (value != kNullRef) {
    check_storable(value);
    if (element_type != 0) {
      const Package* package = package_at(static_cast<std::uint16_t>(element_type >> 16));
      const Class* element_class = package->classes[static_cast<std::uint16_t>(element_type)].get();
      if (!assignable(value, element_class)) trap(Trap::array_store);
    }
  }
  std::uint8_t bytes[4];
  store_word(bytes, value);
  const CachedObject& object = object_of(array);
  write_object(array, object, static_cast<std::uint32_t>(p - object.data), bytes, 4);
}

[[gnu::always_inline]] inline const std::uint8_t* Machine::static_address(const CpEntry& entry) {
  return object_of(entry.static_package->statics).data + entry.static_offset;
}

void Machine::put_static(const CpEntry& entry, const std::uint8_t* bytes, std::uint32_t size) {
  write_persistent(entry.static_package->statics, entry.static_offset, ByteView(bytes, size));
}

// The address of an instance field. The object's class is checked against the field's class
// at run time, because the verifier types references without their class.
[[gnu::always_inline]] inline const std::uint8_t* Machine::field_address(Ref object,
                                                                         const CpEntry& entry) {
  const CachedObject& cached = object_of(object);
  const store::ObjectHeader& header = *cached.header;
  if (header.type != entry.class_ref->type_id || header.kind != object_kind::kInstance)
      [[unlikely]] {
    if (header.kind != object_kind::kInstance) trap(Trap::security);
    const Class* cls = class_of(object);
    if (cls == nullptr || !cls->is_subclass_of(entry.class_ref)) trap(Trap::security);
  }
  check_field_access(header);
  return cached.data + std::uint32_t{entry.field_word} * 4;
}

[[gnu::always_inline]] inline void Machine::put_field(Ref object, const CpEntry& entry,
                                                      Slot value) {
  const std::uint8_t* p = field_address(object, entry);
  const CachedObject& cached = object_of(object);
  std::uint8_t bytes[4];
  store_word(bytes, value);
  write_object(object, cached, static_cast<std::uint32_t>(p - cached.data), bytes, 4);
}

// The method invokevirtual runs for `token` as declared in class `declared`. Package-visible
// tokens (bit 7) number the methods of one package only: a subclass in another package has
// its own numbering, and cannot override them (JCVM 3.0.5 §4.3.7.6). So the lookup starts at
// the nearest class of the declaring package.
const Method* Machine::virtual_target(Ref object, const store::ObjectHeader& header,
                                      std::uint8_t token, const Class* declared) {
  const Class* cls = nullptr;
  if (header.kind == object_kind::kInstance) {
    cls = class_of(object);
  } else {
    cls = object_class_;  // arrays inherit java.lang.Object's methods
  }
  if ((token & 0x80) && cls->package != declared->package) [[unlikely]] {
    while (cls != nullptr && cls->package != declared->package) cls = cls->superclass;
    if (cls == nullptr) trap(Trap::abstract_method);
  }
  const Method* method = resolve_virtual(cls, token);
  if (method == nullptr) trap(Trap::abstract_method);
  return method;
}

// The context a virtual or interface call on `object` runs in, or a SecurityException when
// the firewall forbids it (Java Card 3.0.5 Runtime Environment Specification §6.2.8).
ContextId Machine::call_context(Ref, const store::ObjectHeader& header, bool shareable_interface) {
  if (header.owner == context_) return context_;
  if (context_ == kJcreContext) return header.owner;
  if (header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kPermanentEntryPoint)) {
    return header.owner;
  }
  if (shareable_interface) return header.owner;
  trap(Trap::security);
}

// athrow may throw objects of the current context and JCRE entry points, such as the system
// instances of the API's exceptions (JCRE 3.0.5 §6.2.8).
void Machine::check_throwable(Ref exception) {
  const store::ObjectHeader& header = header_of(exception);
  if (header.owner != context_ && context_ != kJcreContext &&
      !(header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kPermanentEntryPoint))) {
    trap(Trap::security);
  }
  if (throwable_class_ != nullptr && !assignable(exception, throwable_class_)) trap(Trap::security);
}

// True if code running in `context` may test the thrown object's class: its own objects,
// any object when `context` is the JCRE's, and JCRE entry points such as the system
// exception instances.
bool Machine::catchable(Ref exception, ContextId context) {
  const store::ObjectHeader& header = header_of(exception);
  return header.owner == context || context == kJcreContext ||
         (header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kPermanentEntryPoint));
}

// checkcast and instanceof with operands atype and a constant-pool index at pc + 1. An object
// of another context may only be tested against a shareable interface (JCRE 3.0.5 §6.2.8).
bool Machine::cast_check(Ref object, const std::uint8_t* pc) {
  const store::ObjectHeader& header = header_of(object);
  const std::uint8_t atype = pc[1];
  const std::uint16_t index = static_cast<std::uint16_t>((pc[2] << 8) | pc[3]);
  const Class* target = atype == 0 || atype == 14
                            ? frames_.back().method->package->constant_pool[index].class_ref
                            : nullptr;
  const bool accessible =
      header.owner == context_ || context_ == kJcreContext ||
      (header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kPermanentEntryPoint |
                       object_flag::kGlobalArray));
  if (!accessible && !(atype == 0 && target->is_interface && target->is_shareable)) {
    trap(Trap::security);
  }
  if (atype == 0) return assignable(object, target);
  return array_assignable(header, static_cast<ArrayType>(atype), target);
}

// --- calls ---------------------------------------------------------------------------------

Slot Machine::call(const Method* method, std::span<const Slot> args, ContextId context,
                   std::uint16_t applet) {
  if (method->is_abstract) trap(Trap::abstract_method);
  Slot* base = frames_.empty() ? stack_.get() : frames_.back().sp;
  const std::size_t needed = args.size() + method->max_locals + method->max_stack + 2;
  if (static_cast<std::size_t>(stack_end_ - base) < needed) trap(Trap::stack_overflow);
  std::copy(args.begin(), args.end(), base);

  // Restores the caller's frames and context however the callee leaves.
  struct Restore {
    Machine& machine;
    std::size_t depth;
    ContextId context;
    std::uint16_t applet;
    ~Restore() {
      machine.frames_.resize(depth);
      machine.context_ = context;
      machine.current_applet_ = applet;
    }
  } restore{*this, frames_.size(), context_, current_applet_};

  Frame frame;
  frame.method = method;
  frame.locals = base;
  frame.context = context;
  frame.applet = applet;
  context_ = context;
  current_applet_ = applet;
  if (method->native != nullptr) {
    frame.sp = base + args.size();
    frames_.push_back(frame);
    return method->native(*this, Args(base, args.size()));
  }
  std::fill_n(base + args.size(), method->max_locals, Slot{0});
  frame.sp = base + args.size() + method->max_locals;
  frame.pc = method->code;
  frames_.push_back(frame);
  return run(frames_.size());
}

Slot* Machine::invoke_native(const Method* callee, Slot* args, ContextId target) {
  Frame frame;
  frame.method = callee;
  frame.locals = args;
  frame.sp = args + callee->nargs;
  frame.context = target;
  frame.applet = current_applet_;
  const ContextId saved = context_;
  frames_.push_back(frame);
  context_ = target;
  const Slot result = callee->native(*this, Args(args, callee->nargs));
  frames_.pop_back();
  context_ = saved;
  switch (word_count(callee->result)) {
    case 0:
      return args;
    case 1:
      args[0] = result;
      return args + 1;
    default:
      args[0] = result;
      args[1] = 0;
      return args + 2;
  }
}

const Handler* Machine::find_handler(const Frame& frame, std::uint32_t offset, Ref exception) {
  for (const Handler& handler : frame.method->handlers) {
    if (offset < handler.start || offset >= handler.end) continue;
    if (handler.catch_type == nullptr || assignable(exception, handler.catch_type)) return &handler;
  }
  return nullptr;
}

// --- the dispatch loop ---------------------------------------------------------------------

// The handlers' steps. Each expands to a block, because in the switch build DISPATCH() is a
// `continue` of the dispatch loop and must not sit inside a do-while of its own.
#if UICC_COMPUTED_GOTO
#define CASE(name) L_##name:
#define DISPATCH()     \
  {                    \
    op_pc = pc;        \
    goto* labels[*pc]; \
  }
#else
#define CASE(name) case Opcode::name:
#define DISPATCH() continue
#endif
#define NEXT(n) \
  {             \
    pc += (n);  \
    DISPATCH(); \
  }
#define JUMP(offset) \
  {                  \
    pc += (offset);  \
    DISPATCH();      \
  }
#define BRANCH(taken, offset, n)    \
  {                                 \
    pc += (taken) ? (offset) : (n); \
    DISPATCH();                     \
  }

// Runs the frame on top of frames_ (number `entry_depth`) and those it calls, until it returns.
Slot Machine::run(std::size_t entry_depth) {
  const Method* method = frames_.back().method;
  const std::uint8_t* pc = frames_.back().pc;
  Slot* locals = frames_.back().locals;
  Slot* sp = frames_.back().sp;
  const CpEntry* cp = method->package->constant_pool.data();
  const std::uint8_t* op_pc = pc;
  const Method* callee = nullptr;
  ContextId target = kJcreContext;
  std::size_t length = 0;
  std::size_t result_words = 0;

#if UICC_COMPUTED_GOTO
  // Constant-initialized, so cards on several threads share it without a guard. The handled
  // opcodes are 0x00-0xB8 in table order (checked by handles_every_opcode), the 71 values
  // above are undefined.
#define UICC_LABEL_ENTRY(name) &&L_##name,
#define UICC_UNDEFINED_8                                                                    \
  &&L_undefined, &&L_undefined, &&L_undefined, &&L_undefined, &&L_undefined, &&L_undefined, \
      &&L_undefined, &&L_undefined,
  static void* const labels[256] = {
      UICC_INTERPRETER_OPCODES(UICC_LABEL_ENTRY)  // 0x00-0xB8
          UICC_UNDEFINED_8 UICC_UNDEFINED_8 UICC_UNDEFINED_8 UICC_UNDEFINED_8 UICC_UNDEFINED_8
              UICC_UNDEFINED_8 UICC_UNDEFINED_8 UICC_UNDEFINED_8  // 0xB9-0xF8
          && L_undefined,
      &&L_undefined,
      &&L_undefined,
      &&L_undefined,
      &&L_undefined,
      &&L_undefined,
      &&L_undefined,  // 0xF9-0xFF
  };
#undef UICC_UNDEFINED_8
#undef UICC_LABEL_ENTRY
  static_assert(std::size(kHandled) == 0xB9, "the label table assumes opcodes 0x00-0xB8 in order");
#endif

  for (;;) {
    try {
      for (;;) {
#if UICC_COMPUTED_GOTO
        DISPATCH();
#include "vm/runtime/interpreter_cases.inc"
      L_undefined:
        throw std::logic_error("undefined opcode reached the interpreter");
#else
        op_pc = pc;
        switch (static_cast<Opcode>(*pc)) {
#include "vm/runtime/interpreter_cases.inc"
          default:
            // The verifier rejects undefined and reserved opcodes at load.
            throw std::logic_error("undefined opcode reached the interpreter");
        }
        continue;
#endif

      invoke : {
        // Pushes a frame for `callee`, whose arguments are the top words of the operand stack.
        frames_.back().pc = pc + length;
        Slot* args = sp - callee->nargs;
        frames_.back().sp = args;
        if (callee->native != nullptr) {
          sp = invoke_native(callee, args, target);
          pc += length;
          DISPATCH();
        }
        if (callee->is_abstract) trap(Trap::abstract_method);
        if (args + callee->nargs + callee->max_locals + callee->max_stack + 2 > stack_end_) {
          trap(Trap::stack_overflow);
        }
        std::fill_n(args + callee->nargs, callee->max_locals, Slot{0});
        Frame frame;
        frame.method = callee;
        frame.locals = args;
        frame.context = target;
        frame.applet = current_applet_;
        frames_.push_back(frame);
        context_ = target;
        method = callee;
        locals = args;
        sp = args + callee->nargs + callee->max_locals;
        pc = callee->code;
        cp = callee->package->constant_pool.data();
        DISPATCH();
      }

      return_from_frame : {
        Slot* result = sp - result_words;
        frames_.pop_back();
        if (frames_.size() < entry_depth) {
          // The entry frame returned: leave its result for call().
          return result_words > 0 ? result[0] : 0;
        }
        Frame& caller = frames_.back();
        context_ = caller.context;
        method = caller.method;
        locals = caller.locals;
        pc = caller.pc;
        sp = caller.sp;
        cp = method->package->constant_pool.data();
        if (result_words >= 1) *sp++ = result[0];
        if (result_words == 2) *sp++ = 0;
        DISPATCH();
      }
      }
    } catch (const JavaThrow& thrown) {
      // Unwinds by searching the handlers of each frame from the top down to the entry frame.
      // If none catches, the exception leaves run() (JCVM 3.0.5 §7.5 athrow).
      std::uint32_t offset = static_cast<std::uint32_t>(op_pc - method->code);
      Ref exception = thrown.exception;
      bool caught = false;
      while (!caught) {
        // A native frame on top threw; it has no handlers.
        if (frames_.back().method->native != nullptr) frames_.pop_back();
        Frame& frame = frames_.back();
        // Matching a handler tests the thrown object's class as instanceof does. A context
        // that may not test the object (JCRE 3.0.5 §6.2.8, as for instanceof) gets a
        // SecurityException thrown from the same point instead. Frames below it that can
        // access the object still see the object itself.
        Ref seen = exception;
        if (!catchable(exception, frame.context)) {
          seen = exception_instance(find_class(api::lang_class(api::lang::kSecurityException)), 0);
        }
        const Handler* handler = find_handler(frame, offset, seen);
        if (handler != nullptr) {
          exception = seen;
          method = frame.method;
          locals = frame.locals;
          context_ = frame.context;
          cp = method->package->constant_pool.data();
          sp = locals + method->nargs + method->max_locals;
          *sp++ = exception;
          pc = method->code + handler->target;
          caught = true;
          break;
        }
        frames_.pop_back();
        if (frames_.size() < entry_depth) throw JavaThrow{exception};
        Frame& caller = frames_.back();
        context_ = caller.context;
        method = caller.method;
        // The caller's saved pc is its return address; the invoke instruction ends there.
        offset = static_cast<std::uint32_t>(caller.pc - 1 - method->code);
      }
    }
  }
}

#undef CASE
#undef DISPATCH
#undef NEXT
#undef JUMP
#undef BRANCH

}  // namespace uicc::vm::detail
