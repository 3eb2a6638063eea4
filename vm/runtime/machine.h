// The VM of one card: heap over the store, firewall, interpreter and Java Card runtime
// environment state. Internal to vm/runtime: the card uses it through Runtime, natives
// through the Vm interface.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "vm/cap/cap_file.h"
#include "vm/runtime/model.h"
#include "vm/runtime/native.h"
#include "vm/runtime/runtime.h"

namespace uicc::vm::detail {

// A Java exception in flight: the C++ carrier of a Throwable object from the point where it is
// thrown to the frame whose handler catches it. Deliberately not a std::exception, so that
// generic handlers do not swallow it.
struct JavaThrow {
  Ref exception;
};

// Conditions the interpreter detects at run time, each mapped to the Java exception thrown
// into the applet (Java Card 3.0.5 Virtual Machine Specification §7.5, per instruction).
enum class Trap : std::uint8_t {
  null_pointer,
  array_index,
  negative_array_size,
  arithmetic,
  class_cast,
  security,
  array_store,
  out_of_memory,     // SystemException NO_RESOURCE
  out_of_transient,  // SystemException NO_TRANSIENT_SPACE
  transaction_full,  // TransactionException BUFFER_FULL
  stack_overflow,    // SystemException NO_RESOURCE
  abstract_method,   // SecurityException: no AbstractMethodError in Java Card
};

struct Frame {
  const Method* method = nullptr;
  const std::uint8_t* pc = nullptr;  // saved while a callee runs
  Slot* locals = nullptr;
  Slot* sp = nullptr;                // one past the top of the operand stack, saved
  ContextId context = kJcreContext;  // the context this frame runs in
  std::uint16_t applet = 0xFFFF;     // active applet instance (index into applets_) or none
};

// An applet instance in the registry.
struct AppletRecord {
  Aid instance_aid;
  Package* package = nullptr;
  const AppletClass* applet_class = nullptr;
  Ref object = kNullRef;
  Ref aid_object = kNullRef;              // JCRE-owned permanent entry point, made on first request
  std::uint32_t table_slot = 0xFFFFFFFF;  // position in the store's applet table, once registered
  bool multi_selectable = false;
  bool deleted = false;
};

inline constexpr std::uint16_t kNoApplet = 0xFFFF;

// Where a store object lives, looked up once and cached per handle, so that an instruction
// touching an object does one vector access instead of several checked store lookups. The
// store keeps an object's header and bytes at fixed addresses until it is released. The
// Machine clears the cache whenever objects may have been released (release, abort).
struct CachedObject {
  const store::ObjectHeader* header = nullptr;
  std::uint8_t* data = nullptr;
  std::uint32_t size = 0;
};

// Entries of the runtime's tables in the store (tables.cpp).
struct PackageSlot {
  std::uint16_t slot = 0;
  bool native = false;
  std::uint16_t index = 0;
  Ref image = kNullRef;
  Ref statics = kNullRef;
  Aid aid;
};

struct AppletSlot {
  std::uint16_t slot = 0;
  std::uint16_t package_index = 0;
  std::uint16_t applet_class = 0;
  Ref object = kNullRef;
  Aid aid;
  Ref aid_object = kNullRef;
};

class Machine : public Vm {
 public:
  Machine(store::Store& store, const NativeRegistry& natives, const RuntimeConfig& config);
  ~Machine() override;

  // --- Vm ----------------------------------------------------------------------------------
  [[noreturn]] void throw_java(const ClassName& exception_class, std::int16_t reason = 0) override;
  [[noreturn]] void throw_object(Ref exception) override;
  Ref new_object(const ClassName& class_name) override;
  Ref construct(const ClassName& class_name, std::uint8_t init_token,
                std::span<const Slot> args) override;
  Ref new_array(ArrayType type, std::uint16_t length,
                const std::optional<ClassName>& element_class) override;
  Ref new_transient_array(ArrayType type, std::uint16_t length, TransientEvent event) override;
  Ref new_global_array(ArrayType type, std::uint16_t length) override;
  TransientEvent transient_event(Ref object) override;
  ContextId owner(Ref object) override;
  bool is_array(Ref object) override;
  bool instance_of(Ref object, const ClassName& class_name) override;
  Slot get_field(Ref object, std::uint16_t word) override;
  void get_fields(Ref object, std::uint16_t first, std::span<Slot> out) override;
  void set_field(Ref object, std::uint16_t word, Slot value) override;
  std::uint16_t array_length(Ref array) override;
  ArrayType array_type(Ref array) override;
  ByteView array_bytes(Ref array) override;
  Slot load_element(Ref array, std::uint16_t index) override;
  void store_element(Ref array, std::uint16_t index, Slot value) override;
  void write_bytes(Ref array, std::uint16_t offset, ByteView bytes, bool atomic) override;
  void fill_bytes(Ref array, std::uint16_t offset, std::uint16_t length,
                  std::uint8_t value) override;
  void begin_transaction() override;
  void commit_transaction() override;
  void abort_transaction() override;
  std::uint8_t transaction_depth() override;
  std::int16_t max_commit_capacity() override;
  std::int16_t unused_commit_capacity() override;
  std::int16_t available_memory(MemoryType type) override;
  void request_object_deletion() override;
  ContextId current_context() override { return context_; }
  Ref current_applet_aid() override;
  Ref previous_context_aid() override;
  Ref lookup_aid(ByteView aid) override;
  std::optional<Aid> aid_of(Ref aid_object) override;
  bool is_applet_active(ByteView aid) override;
  std::uint8_t assigned_channel() override;
  Ref shareable_interface_object(ByteView server_aid, std::uint8_t parameter) override;
  void register_applet(Ref applet, std::optional<Aid> aid) override;
  bool selecting_applet() override;
  bool reselecting_applet() override;
  ApduExchange& apdu() override;
  Slot get_package_word(std::uint16_t package, std::uint16_t word) override;
  void set_package_word(std::uint16_t package, std::uint16_t word, Slot value) override;
  Slot invoke_virtual(Ref object, std::uint8_t token, std::span<const Slot> args) override;
  Slot invoke_interface(Ref object, const ClassName& interface_name, std::uint8_t token,
                        std::span<const Slot> args) override;
  store::Store& store() override { return store_; }
  PlatformHooks& platform() override { return *platform_; }

  // --- heap (heap.cpp) ---------------------------------------------------------------------
  std::vector<CachedObject> objects_;
  // The cached view of any store object; traps null_pointer for null or a released handle.
  const CachedObject& object_of(Ref object) {
    if (object < objects_.size() && objects_[object].header != nullptr) [[likely]] {
      return objects_[object];
    }
    return load_object(object);
  }
  const CachedObject& load_object(Ref object);
  void forget_objects() { objects_.clear(); }
  void release_object(Ref object);
  // Writes to an object: in place for RAM-only objects, through the store's journal (atomic,
  // in an open transaction) for persistent ones.
  void write_object(Ref object, const CachedObject& cached, std::uint32_t offset,
                    const std::uint8_t* bytes, std::uint32_t length) {
    if (cached.header->flags & store::kVolatile) {
      std::copy_n(bytes, length, cached.data + offset);
      return;
    }
    write_persistent(object, offset, ByteView(bytes, length));
  }
  const Class* class_of(Ref object);  // null for arrays
  const Class* find_class(const ClassName& name) const;
  Ref allocate_instance(const Class* cls, std::uint8_t extra_flags = 0);
  Ref allocate_array(ArrayType type, std::int32_t length, const Class* element_class,
                     std::uint8_t flags);
  // The header of a VM object; traps null_pointer for null and for handles that are not VM
  // objects of the expected shape.
  const store::ObjectHeader& header_of(Ref object) {
    const store::ObjectHeader& header = *object_of(object).header;
    if (header.kind < object_kind::kInstance || header.kind > object_kind::kReferenceArray)
        [[unlikely]] {
      trap(Trap::null_pointer);
    }
    return header;
  }
  bool is_array_kind(std::uint8_t kind) const {
    return kind >= object_kind::kBooleanArray && kind <= object_kind::kReferenceArray;
  }
  // Firewall rules of the Java Card 3.0.5 Runtime Environment Specification §6.2.8.
  // The fast paths are inline: the object is the current context's (and for an array, not
  // CLEAR_ON_DESELECT). Everything else goes through the out-of-line rules.
  void check_field_access(const store::ObjectHeader& header) {
    if (header.owner == context_) [[likely]]
      return;
    check_field_access_slow(header);
  }
  void check_array_access(const store::ObjectHeader& header) {
    if (header.owner == context_ && !(header.flags & object_flag::kClearOnDeselect)) [[likely]]
      return;
    check_array_access_slow(header);
  }
  void check_field_access_slow(const store::ObjectHeader& header);
  void check_array_access_slow(const store::ObjectHeader& header);
  // putfield_a, aastore and putstatic_a may not store temporary entry-point objects (§6.2.1).
  void check_storable(Ref value) const;
  bool assignable(Ref object, const Class* target);
  bool array_assignable(const store::ObjectHeader& header, ArrayType type,
                        const Class* element) const;
  void write_persistent(Ref object, std::uint32_t offset, ByteView bytes);
  Ref make_aid_object(const Aid& aid);

  // --- interpreter (interpreter.cpp) -------------------------------------------------------
  // Runs a method with its arguments (`args.size()` words, `this` first for virtual methods)
  // until it returns, and returns its result word. Java exceptions it does not catch leave as
  // JavaThrow.
  Slot call(const Method* method, std::span<const Slot> args, ContextId context,
            std::uint16_t applet = kNoApplet);
  const Method* resolve_virtual(const Class* cls, std::uint8_t token) const;
  const Method* resolve_interface(const Class* cls, const Class* interface_class,
                                  std::uint8_t token) const;
  [[noreturn]] void trap(Trap trap);
  [[noreturn]] void raise_java(const ClassName& exception_class, std::int16_t reason = 0);
  Ref exception_instance(const Class* cls, std::int16_t reason);
  Slot run(std::size_t entry_depth);
  Slot* invoke_native(const Method* callee, Slot* args, ContextId target);
  const Handler* find_handler(const Frame& frame, std::uint32_t offset, Ref exception);
  const std::uint8_t* element(Ref array, Slot index, std::uint8_t kind, std::uint32_t size);
  const std::uint8_t* byte_element(Ref array, Slot index);
  void store_element_bytes(Ref array, Slot index, std::uint8_t kind, const std::uint8_t* bytes,
                           std::uint32_t size);
  void store_byte_element(Ref array, Slot index, std::uint8_t value);
  void store_reference_element(Ref array, Slot index, Ref value);
  const std::uint8_t* static_address(const CpEntry& entry);
  void put_static(const CpEntry& entry, const std::uint8_t* bytes, std::uint32_t size);
  const std::uint8_t* field_address(Ref object, const CpEntry& entry);
  void put_field(Ref object, const CpEntry& entry, Slot value);
  const Method* virtual_target(Ref object, const store::ObjectHeader& header, std::uint8_t token,
                               const Class* declared);
  [[noreturn]] void trap_security() { trap(Trap::security); }
  ContextId call_context(Ref object, const store::ObjectHeader& header, bool shareable_interface);
  void check_throwable(Ref exception);
  bool catchable(Ref exception, ContextId context);
  bool cast_check(Ref object, const std::uint8_t* pc);

  // --- packages (linker.cpp, loader.cpp) ---------------------------------------------------
  std::vector<std::unique_ptr<Package>> packages_;  // index = Package::index, slot 0 unused
  Package* find_package(const Aid& aid) const;
  Package* package_at(std::uint16_t index) const {
    return index < packages_.size() ? packages_[index].get() : nullptr;
  }
  // Links a CAP file (linker.cpp). `image` is the stored CAP when re-linking at power-up, else
  // null and the CAP bytes are stored. Throws LoadError.
  Package* link_cap(const cap::CapFile& cap, ByteView bytes, std::uint16_t index, Ref image,
                    Ref statics);
  void relink_package(const PackageSlot& slot);
  void link_natives(const std::function<std::uint16_t(const Aid&)>& index_for);
  static const NativePackage& builtin_lang();
  std::unique_ptr<Method> make_native_method(Package* package, const Class* owner,
                                             const NativeMethod& native, bool has_this);

  // --- tables in the store (tables.cpp) ------------------------------------------------------
  Ref table_ = kNullRef;
  void open_tables();
  std::uint16_t package_slot_count() const;
  std::uint16_t applet_slot_count() const;
  std::uint32_t package_slot_offset(std::uint16_t slot) const;
  std::uint32_t applet_slot_offset(std::uint16_t slot) const;
  std::vector<PackageSlot> read_package_slots() const;
  std::vector<AppletSlot> read_applet_slots() const;
  std::uint16_t free_slot(bool applet);
  void write_package_slot(const PackageSlot& slot);
  void clear_package_slot(std::uint16_t slot);
  void write_applet_slot(const AppletSlot& slot);
  void clear_applet_slot(std::uint16_t slot);

  // --- power-up, object deletion, applet life cycle (jcre.cpp) -------------------------------
  void power_up();
  // Releases every VM object that nothing reachable refers to (object deletion, and the
  // sweep at power-up that reclaims what a power loss left half made).
  std::size_t collect_garbage();
  // Objects reachable from the roots, leaving out one package's static fields and one applet.
  std::set<Ref> reachable(const Package* skip_package, std::uint16_t skip_applet);
  bool deletable(std::uint16_t applet);
  void clear_transient(std::uint8_t flag, std::optional<ContextId> owner);
  void end_of_command();
  std::uint16_t applet_of_context(ContextId context) const;
  std::optional<std::uint16_t> find_applet_index(const Aid& aid) const;
  bool applet_active_elsewhere(std::uint16_t applet, std::uint8_t channel) const;
  bool package_active_elsewhere(const Package* package, std::uint8_t channel) const;
  Ref apdu_object();
  Ref apdu_buffer();
  std::vector<Ref> tombstones_;
  Ref apdu_object_ = kNullRef;
  Ref apdu_buffer_ = kNullRef;
  std::vector<bool> selecting_;  // per channel: select() accepted, the SELECT is to be processed
  std::uint16_t next_package_index_ = 1;

  // --- JCRE state (jcre.cpp) ---------------------------------------------------------------
  std::vector<AppletRecord> applets_;
  std::vector<std::optional<std::uint16_t>> selected_;  // per channel: index into applets_
  std::uint16_t installing_applet_ = kNoApplet;
  ContextId installing_context_ = kJcreContext;
  std::optional<Aid> install_aid_;  // the instance AID given to install
  bool in_select_ = false;
  bool reselecting_ = false;
  std::optional<ApduExchange> apdu_;
  bool deletion_requested_ = false;
  ContextId transaction_context_ = kJcreContext;
  std::uint16_t current_applet_ = kNoApplet;
  bool context_selected(ContextId context) const;

  store::Store& store_;
  const NativeRegistry& natives_;
  RuntimeConfig config_;
  PlatformHooks default_platform_;
  PlatformHooks* platform_ = &default_platform_;

  // Interpreter state.
  std::unique_ptr<Slot[]> stack_;
  Slot* stack_end_ = nullptr;
  Slot* stack_top_ = nullptr;  // first free word above the running frames
  std::vector<Frame> frames_;
  ContextId context_ = kJcreContext;

  // Resolved classes the runtime uses by itself.
  const Class* object_class_ = nullptr;
  const Class* applet_class_ = nullptr;
  const Class* shareable_class_ = nullptr;
  const Class* multi_selectable_class_ = nullptr;
  const Class* applet_event_class_ = nullptr;
  const Class* throwable_class_ = nullptr;
  std::map<const Class*, Ref> exception_instances_;  // JCRE-owned, per class
  std::vector<Ref> package_words_;                   // per native package: its static words object
  std::map<Ref, Aid> aid_objects_;                   // AID objects the JCRE made
};

}  // namespace uicc::vm::detail
