// A stand-in for the runtime's VM in the natives' unit tests: objects and arrays in a real
// store::Store, the natives of builtin_registry(), and Java exceptions as C++ exceptions. It
// checks no firewall rules; the runtime's own tests cover those.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/bytes.h"
#include "vm/api/builtin_registry.h"
#include "vm/api/natives/native_support.h"
#include "vm/runtime/native.h"
#include "vm/store/store.h"

namespace uicc::api::test {

// A Java exception thrown by a native.
struct JavaThrow : std::runtime_error {
  JavaThrow(vm::ClassName c, std::int16_t r, std::string name)
      : std::runtime_error("Java exception " + name + " reason " + std::to_string(r)),
        cls(std::move(c)),
        reason(r) {}
  vm::ClassName cls;
  std::int16_t reason;
};

class FakeVm : public vm::Vm {
 public:
  // A card with no image file, or one whose store lives in the image at `path` (to simulate a
  // power cycle: destroy the FakeVm and open the image again).
  FakeVm();
  explicit FakeVm(const std::string& path);

  // Calls the native of `cls` (qualified name) with that signature: a static method or
  // constructor when `args` does not start with an object of the class, else the virtual
  // method of the object's class or its nearest superclass.
  Slot call_static(std::string_view cls, std::string_view signature, std::vector<Slot> args);
  Slot call_virtual(Ref object, std::string_view signature, std::vector<Slot> args);
  // new + constructor.
  Ref make(std::string_view cls, std::string_view init_signature, std::vector<Slot> args);
  // A persistent byte array with these contents.
  Ref bytes(ByteView contents);
  Bytes contents(Ref array) { return Bytes(array_bytes(array).begin(), array_bytes(array).end()); }
  // Starts a command: the C-APDU, a fresh APDU object and buffer.
  void begin_command(ByteView command, std::uint8_t protocol = 1);
  // Simulates a card reset: CLEAR_ON_RESET arrays go back to zero.
  void reset_card();

  store::Store& store() override { return *store_; }
  vm::PlatformHooks& platform() override { return platform_; }

  [[noreturn]] void throw_java(const vm::ClassName& exception_class, std::int16_t reason) override;
  [[noreturn]] void throw_object(Ref exception) override;
  Ref new_object(const vm::ClassName& class_name) override;
  Ref construct(const vm::ClassName& class_name, std::uint8_t init_token,
                std::span<const Slot> args) override;
  Ref new_array(vm::ArrayType type, std::uint16_t length,
                const std::optional<vm::ClassName>& element_class) override;
  Ref new_transient_array(vm::ArrayType type, std::uint16_t length,
                          vm::TransientEvent event) override;
  Ref new_global_array(vm::ArrayType type, std::uint16_t length) override;
  vm::TransientEvent transient_event(Ref object) override;
  vm::ContextId owner(Ref object) override;
  bool is_array(Ref object) override;
  bool instance_of(Ref object, const vm::ClassName& class_name) override;
  Slot get_field(Ref object, std::uint16_t word) override;
  void set_field(Ref object, std::uint16_t word, Slot value) override;
  std::uint16_t array_length(Ref array) override;
  vm::ArrayType array_type(Ref array) override;
  ByteView array_bytes(Ref array) override;
  Slot load_element(Ref array, std::uint16_t index) override;
  void store_element(Ref array, std::uint16_t index, Slot value) override;
  void write_bytes(Ref array, std::uint16_t offset, ByteView bytes, bool atomic) override;
  void fill_bytes(Ref array, std::uint16_t offset, std::uint16_t length,
                  std::uint8_t value) override;
  void begin_transaction() override;
  void commit_transaction() override;
  void abort_transaction() override;
  std::uint8_t transaction_depth() override { return store_->in_transaction() ? 1 : 0; }
  std::int16_t max_commit_capacity() override;
  std::int16_t unused_commit_capacity() override;
  std::int16_t available_memory(vm::MemoryType type) override;
  void request_object_deletion() override { deletion_requested = true; }
  vm::ContextId current_context() override { return 1; }
  Ref current_applet_aid() override { return vm::kNullRef; }
  Ref previous_context_aid() override { return vm::kNullRef; }
  Ref lookup_aid(ByteView) override { return vm::kNullRef; }
  std::optional<vm::Aid> aid_of(Ref aid) override;
  // An AID object as the runtime makes its own: known to aid_of(), its fields left empty.
  Ref jcre_aid(const vm::Aid& aid);
  bool is_applet_active(ByteView) override { return false; }
  std::uint8_t assigned_channel() override { return exchange_.channel; }
  Ref shareable_interface_object(ByteView, std::uint8_t) override { return vm::kNullRef; }
  void register_applet(Ref applet, std::optional<vm::Aid> aid) override;
  bool selecting_applet() override { return selecting; }
  bool reselecting_applet() override { return false; }
  vm::ApduExchange& apdu() override;
  Slot get_package_word(std::uint16_t, std::uint16_t) override { return 0; }
  void set_package_word(std::uint16_t, std::uint16_t, Slot) override {}
  Slot invoke_virtual(Ref, std::uint8_t, std::span<const Slot>) override;
  Slot invoke_interface(Ref, const vm::ClassName&, std::uint8_t, std::span<const Slot>) override;

  bool selecting = false;
  bool deletion_requested = false;
  std::vector<std::pair<Ref, std::optional<vm::Aid>>> registered;
  std::map<Ref, vm::Aid> jcre_aids;

 private:
  struct ClassEntry {
    const vm::NativePackage* package;
    const vm::NativeClass* cls;
  };
  const ClassEntry& class_of(const vm::ClassName& name) const;
  const ClassEntry& class_of_object(Ref object) const;
  std::uint16_t total_words(const vm::ClassName& name) const;
  const vm::NativeMethod* find_virtual(const vm::ClassName& name, std::string_view signature) const;

  std::unique_ptr<store::Store> store_;
  vm::PlatformHooks platform_;
  std::vector<ClassEntry> classes_;  // store object type = index here
  std::map<std::pair<std::string, std::uint8_t>, std::uint32_t> class_index_;
  vm::ApduExchange exchange_;
  bool in_command_ = false;
};

}  // namespace uicc::api::test
