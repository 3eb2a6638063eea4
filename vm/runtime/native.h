// The native binding interface: built-in API packages (java.lang, javacard.*, javacardx.*,
// org.globalplatform, uicc.*) are C++ classes described here and bound at the token numbers of
// their official export files, so that CAP files link against them exactly as against a
// library package's Export component (Java Card 3.0.5 Virtual Machine Specification §4.3).
//
// A native package is an AID, a version and classes. A native class gives its token, its
// superclass and interfaces, the words of instance state it adds, and tables of static and
// virtual methods by token. A native method receives the VM (the `Vm` interface below) and
// its arguments as stack words, and returns one word.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vm/runtime/value.h"

namespace uicc::vm {

class Vm;

// The arguments of a native method call, as stack words: for a virtual method, word 0 is
// `this`; an int takes two words with its value in the first one (see Slot).
class Args {
 public:
  Args(const Slot* words, std::size_t count) : words_(words), count_(count) {}

  std::size_t size() const { return count_; }
  Slot word(std::size_t i) const { return words_[i]; }
  std::int16_t short_at(std::size_t i) const { return short_of_slot(words_[i]); }
  std::int8_t byte_at(std::size_t i) const { return static_cast<std::int8_t>(words_[i]); }
  bool boolean_at(std::size_t i) const { return words_[i] != 0; }
  std::int32_t int_at(std::size_t i) const { return int_of_slot(words_[i]); }
  Ref ref_at(std::size_t i) const { return words_[i]; }

 private:
  const Slot* words_;
  std::size_t count_;
};

// A native method. It returns the result as one word (0 for void, a short sign-extended by
// slot_of_short, an int, or a reference); the VM pushes as many words as `result` takes. A
// native throws a Java exception with Vm::throw_java or Vm::throw_object and nothing else:
// any other C++ exception escaping it is an internal error that the runtime reports as
// status word 6F00.
using NativeFunction = Slot (*)(Vm& vm, Args args);

struct NativeMethod {
  // The token of the export file. Virtual methods that are package-visible have bit 7 set.
  std::uint8_t token = 0;
  // The method's name and descriptor as in the export file, e.g.
  // "process(Ljavacard/framework/APDU;)V". The runtime derives the argument words and the result
  // kind from the descriptor.
  std::string_view signature;
  // Null for an abstract method: calling it throws AbstractMethodError's Java Card equivalent,
  // a SecurityException (there is no AbstractMethodError in Java Card).
  NativeFunction function = nullptr;
};

// Maps the methods of one interface a class implements to the class's virtual method tokens:
// `virtual_tokens[i]` is the virtual method token that implements interface method token i.
struct InterfaceTable {
  ClassName interface_name;
  std::vector<std::uint8_t> virtual_tokens;
};

struct NativeField {
  std::uint8_t token = 0;
  ValueKind kind = ValueKind::short_value;
};

struct NativeClass {
  std::uint8_t token = 0;
  std::string name;  // fully qualified with slashes, e.g. "javacard/framework/OwnerPIN"
  bool is_interface = false;
  bool is_abstract = false;
  // Only java.lang.Object has no superclass. Interfaces name java.lang.Object.
  std::optional<ClassName> superclass;
  // For a class: the interfaces it implements itself (the runtime adds those of superclasses
  // and superinterfaces). For an interface: its direct superinterfaces.
  std::vector<ClassName> interfaces;
  // Words of instance state this class adds after those of its superclass. The first
  // `reference_words` of them hold references (traced by object deletion); the others hold
  // numbers. Natives read and write them with Vm::get_field and Vm::set_field at absolute word
  // indexes, which they know because API classes only extend API classes.
  std::uint16_t instance_words = 0;
  std::uint16_t reference_words = 0;
  // Static methods and constructors (<init>), by token.
  std::vector<NativeMethod> static_methods;
  // Virtual methods this class declares or overrides, by token. Inherited ones are taken from
  // the superclass; tokens continue the superclass's numbering as in the export file.
  std::vector<NativeMethod> virtual_methods;
  // For a class: one table per implemented interface (including inherited interfaces whose
  // mapping it changes). For an interface: empty, its methods are in `virtual_methods` with
  // their interface method tokens.
  std::vector<InterfaceTable> interface_tables;
  // Static fields that are not compile-time constants, by token.
  std::vector<NativeField> static_fields;
};

struct NativePackage {
  std::string name;  // e.g. "javacard.framework"
  Aid aid;
  std::uint8_t major = 1;
  std::uint8_t minor = 0;
  std::vector<NativeClass> classes;
  // Words of per-card state the package keeps for itself (e.g. JCRE-owned exception
  // instances); the first `static_reference_words` hold references. Natives reach them with
  // Vm::get_package_word and Vm::set_package_word.
  std::uint16_t static_words = 0;
  std::uint16_t static_reference_words = 0;
};

// The set of native packages a runtime links against. Built once (e.g. by the API library's
// register function) and shared read-only by any number of runtimes.
class NativeRegistry {
 public:
  // Adds a package. Throws std::invalid_argument if a package with the same AID is present.
  // Returns the package's index, which natives pass to Vm::get_package_word.
  std::uint16_t add(NativePackage package);
  const NativePackage* find(const Aid& aid) const;
  const std::vector<NativePackage>& packages() const { return packages_; }
  std::uint16_t index_of(const Aid& aid) const;  // throws std::out_of_range if absent

 private:
  std::vector<NativePackage> packages_;
};

// What Java Card calls the transient event of a transient array (JCSystem.CLEAR_ON_RESET = 1,
// CLEAR_ON_DESELECT = 2).
enum class TransientEvent : std::uint8_t { none = 0, clear_on_reset = 1, clear_on_deselect = 2 };

// JCSystem.MEMORY_TYPE_* (Java Card 3.0.5 API).
enum class MemoryType : std::uint8_t {
  persistent = 0,
  transient_reset = 1,
  transient_deselect = 2
};

// The APDU being processed. The runtime fills the command and collects the response; the
// API's APDU class keeps its state machine in the APDU object's instance words (reset to zero
// before each command, because the object is RAM-only) and moves bytes between the command,
// the APDU buffer and `response`.
struct ApduExchange {
  Bytes command;              // the C-APDU as received, header included
  Bytes response;             // response data sent so far (without the status word)
  std::uint8_t channel = 0;   // logical channel of the command
  std::uint8_t protocol = 1;  // APDU.getProtocol(): the media and T=0 or T=1 (APDU.PROTOCOL_*)
  Ref buffer = kNullRef;      // the APDU buffer: a global byte array
  Ref object = kNullRef;      // the APDU object: a temporary JCRE entry-point object
};

// Queries the GlobalPlatform layer answers for the API (GPSystem and friends). The card sets
// an implementation with Runtime::set_platform; the default answers as a card with no
// GlobalPlatform layer.
class PlatformHooks {
 public:
  virtual ~PlatformHooks() = default;
  // GlobalPlatform Card Specification 2.3.1 §5.1.1: card life cycle state (OP_READY 0x01,
  // INITIALIZED 0x07, SECURED 0x0F, CARD_LOCKED 0x7F, TERMINATED 0xFF).
  virtual std::uint8_t card_life_cycle() const { return 0x0F; }
  // The life cycle state of an application, or nullopt if no such application is registered.
  virtual std::optional<std::uint8_t> application_life_cycle(const Aid& aid) const;
  // Sets the life cycle of the calling application (GPSystem.setCardContentState); returns
  // false if the transition is not allowed.
  virtual bool set_application_life_cycle(const Aid& aid, std::uint8_t state);
  // Privileges of an application (GlobalPlatform Card Specification 2.3.1 §6.6), 3 bytes.
  virtual std::optional<Bytes> privileges(const Aid& aid) const;
  // The secure channel object of the security domain associated with `applet`, if any: a
  // reference to an object implementing org.globalplatform.SecureChannel.
  virtual Ref secure_channel(Vm& vm, const Aid& applet);
  // The object that implements the GlobalPlatform services beyond these queries (the API's
  // api::GlobalPlatformHooks). A platform that forwards its GlobalPlatform queries to another
  // object returns that object; by default this one.
  virtual PlatformHooks* global_platform() { return this; }
};

// The VM as native methods see it. Every access a native makes on behalf of the calling
// applet goes through the firewall checks of the current context; a violation throws
// java.lang.SecurityException into the applet.
class Vm {
 public:
  virtual ~Vm() = default;

  // --- exceptions --------------------------------------------------------------------------
  // Throws an instance of `exception_class` into the calling bytecode. For classes with a
  // reason (CardException, CardRuntimeException and subclasses) `reason` is set in instance
  // word 0. The instance is a JCRE-owned temporary entry-point object reused per class, as the
  // Java Card 3.0.5 API's throwIt methods specify.
  [[noreturn]] virtual void throw_java(const ClassName& exception_class,
                                       std::int16_t reason = 0) = 0;
  // Throws an existing Throwable object (athrow).
  [[noreturn]] virtual void throw_object(Ref exception) = 0;

  // --- objects -----------------------------------------------------------------------------
  // Allocates an instance of a native or loaded class, owned by the current context, fields
  // zero. Does not run a constructor. Throws SystemException NO_RESOURCE if memory is full.
  virtual Ref new_object(const ClassName& class_name) = 0;
  // Calls the constructor with static method token `init_token` on a new object.
  virtual Ref construct(const ClassName& class_name, std::uint8_t init_token,
                        std::span<const Slot> args) = 0;
  // A persistent array owned by the current context. `element_class` names the element type
  // of a reference array (nullopt for Object[]).
  virtual Ref new_array(ArrayType type, std::uint16_t length,
                        const std::optional<ClassName>& element_class = std::nullopt) = 0;
  // JCSystem.makeTransient*Array: SystemException ILLEGAL_VALUE for a bad event,
  // NO_TRANSIENT_SPACE when transient memory is full.
  virtual Ref new_transient_array(ArrayType type, std::uint16_t length, TransientEvent event) = 0;
  // JCSystem.makeGlobalArray (Java Card 3.0.5): a transient CLEAR_ON_RESET array accessible
  // from any context.
  virtual Ref new_global_array(ArrayType type, std::uint16_t length) = 0;
  // JCSystem.isTransient: the event of a transient array, none for any other object.
  virtual TransientEvent transient_event(Ref object) = 0;

  // Owner context of an object; throws NullPointerException for null.
  virtual ContextId owner(Ref object) = 0;
  virtual bool is_array(Ref object) = 0;
  virtual bool instance_of(Ref object, const ClassName& class_name) = 0;

  // Instance words of an object (see NativeClass::instance_words), with the firewall check of
  // getfield/putfield. A write to a persistent object is atomic and joins an open transaction.
  virtual Slot get_field(Ref object, std::uint16_t word) = 0;
  virtual void set_field(Ref object, std::uint16_t word, Slot value) = 0;
  // Reads the words from `first` on into `out`, as get_field does for each.
  virtual void get_fields(Ref object, std::uint16_t first, std::span<Slot> out) {
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = get_field(object, static_cast<std::uint16_t>(first + i));
    }
  }

  // Arrays, with the firewall and null checks of the array bytecodes. Indexes out of range
  // throw ArrayIndexOutOfBoundsException.
  virtual std::uint16_t array_length(Ref array) = 0;
  virtual ArrayType array_type(Ref array) = 0;
  // The raw contents of an array (elements big-endian for short, int and reference arrays).
  virtual ByteView array_bytes(Ref array) = 0;
  // Element access by index, the value as a stack word.
  virtual Slot load_element(Ref array, std::uint16_t index) = 0;
  virtual void store_element(Ref array, std::uint16_t index, Slot value) = 0;
  // Writes bytes into a byte or boolean array. `atomic` selects Util.arrayCopy semantics (all
  // or nothing, joins a transaction, TransactionException BUFFER_FULL) against the NonAtomic
  // variants (written in place, not undone by an abort).
  virtual void write_bytes(Ref array, std::uint16_t offset, ByteView bytes, bool atomic) = 0;
  virtual void fill_bytes(Ref array, std::uint16_t offset, std::uint16_t length,
                          std::uint8_t value) = 0;

  // --- transactions (JCSystem) -------------------------------------------------------------
  // Throws TransactionException IN_PROGRESS, NOT_IN_PROGRESS as JCSystem specifies.
  virtual void begin_transaction() = 0;
  virtual void commit_transaction() = 0;
  virtual void abort_transaction() = 0;
  virtual std::uint8_t transaction_depth() = 0;
  virtual std::int16_t max_commit_capacity() = 0;
  virtual std::int16_t unused_commit_capacity() = 0;

  // --- memory and object deletion ----------------------------------------------------------
  // JCSystem.getAvailableMemory: bytes free, saturated at 32767.
  virtual std::int16_t available_memory(MemoryType type) = 0;
  // JCSystem.requestObjectDeletion: unreachable objects are reclaimed at the end of the command.
  virtual void request_object_deletion() = 0;

  // --- contexts and applets ----------------------------------------------------------------
  virtual ContextId current_context() = 0;
  // JCSystem.getAID: the AID object of the applet instance of the current context (null when
  // the JCRE is active).
  virtual Ref current_applet_aid() = 0;
  // JCSystem.getPreviousContextAID.
  virtual Ref previous_context_aid() = 0;
  // JCSystem.lookupAID: the AID object of a registered applet instance, or null.
  virtual Ref lookup_aid(ByteView aid) = 0;
  // The AID bytes held by an AID object created by the runtime, or nullopt.
  virtual std::optional<Aid> aid_of(Ref aid_object) = 0;
  // JCSystem.isAppletActive.
  virtual bool is_applet_active(ByteView aid) = 0;
  // JCSystem.getAssignedChannel: the channel of the command being processed, 0 outside one.
  virtual std::uint8_t assigned_channel() = 0;
  // JCSystem.getAppletShareableInterfaceObject: calls the server applet's
  // getShareableInterfaceObject in its context and returns the result or null.
  virtual Ref shareable_interface_object(ByteView server_aid, std::uint8_t parameter) = 0;
  // Applet.register() (aid empty: the instance AID from the install parameters) and
  // Applet.register(byte[], short, byte). Throws SystemException ILLEGAL_AID as the API says.
  virtual void register_applet(Ref applet, std::optional<Aid> aid) = 0;
  // Applet.selectingApplet and Applet.reSelectingApplet for the current context.
  virtual bool selecting_applet() = 0;
  virtual bool reselecting_applet() = 0;

  // --- APDU --------------------------------------------------------------------------------
  // The command being processed; throws SecurityException outside a command.
  virtual ApduExchange& apdu() = 0;

  // --- per-package native state ------------------------------------------------------------
  // Words of NativePackage::static_words of the package with registry index `package`.
  virtual Slot get_package_word(std::uint16_t package, std::uint16_t word) = 0;
  virtual void set_package_word(std::uint16_t package, std::uint16_t word, Slot value) = 0;

  // --- calls into bytecode -----------------------------------------------------------------
  // Calls a virtual method by token on `object` (args without `this`), with the firewall rules
  // of invokevirtual, and returns its result word. Java exceptions it does not catch propagate
  // to the native's caller.
  virtual Slot invoke_virtual(Ref object, std::uint8_t token, std::span<const Slot> args) = 0;
  // Calls an interface method on `object`, switching context for shareable interfaces.
  virtual Slot invoke_interface(Ref object, const ClassName& interface_name, std::uint8_t token,
                                std::span<const Slot> args) = 0;

  // --- the card ----------------------------------------------------------------------------
  virtual store::Store& store() = 0;
  virtual PlatformHooks& platform() = 0;
};

}  // namespace uicc::vm
