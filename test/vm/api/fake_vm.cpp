#include "test/vm/api/fake_vm.h"

#include <algorithm>

#include "vm/runtime/value.h"

namespace uicc::api::test {

FakeVm::FakeVm() : FakeVm(std::string()) {}

FakeVm::FakeVm(const std::string& path)
    : store_(path.empty() ? std::make_unique<store::Store>() : store::Store::open(path)) {
  // Power-up, as the runtime does it.
  reset_native_state(*store_);
  for (const vm::NativePackage& package : builtin_registry().packages()) {
    for (const vm::NativeClass& cls : package.classes) {
      class_index_[{package.aid.to_hex(), cls.token}] = static_cast<std::uint32_t>(classes_.size());
      classes_.push_back({&package, &cls});
    }
  }
}

const FakeVm::ClassEntry& FakeVm::class_of(const vm::ClassName& name) const {
  auto it = class_index_.find({name.package.to_hex(), name.token});
  if (it == class_index_.end()) throw std::logic_error("unknown class " + name.package.to_hex());
  return classes_[it->second];
}

const FakeVm::ClassEntry& FakeVm::class_of_object(Ref object) const {
  return classes_.at(store_->header(object).type);
}

std::uint16_t FakeVm::total_words(const vm::ClassName& name) const {
  const ClassEntry& entry = class_of(name);
  std::uint16_t words = entry.cls->instance_words;
  if (entry.cls->superclass)
    words = static_cast<std::uint16_t>(words + total_words(*entry.cls->superclass));
  return words;
}

const vm::NativeMethod* FakeVm::find_virtual(const vm::ClassName& name,
                                             std::string_view signature) const {
  const ClassEntry& entry = class_of(name);
  for (const vm::NativeMethod& method : entry.cls->virtual_methods) {
    if (method.signature == signature) return &method;
  }
  return entry.cls->superclass ? find_virtual(*entry.cls->superclass, signature) : nullptr;
}

Slot FakeVm::call_static(std::string_view cls, std::string_view signature, std::vector<Slot> args) {
  const ClassEntry& entry = class_of(class_name(cls));
  for (const vm::NativeMethod& method : entry.cls->static_methods) {
    if (method.signature == signature)
      return method.function(*this, vm::Args(args.data(), args.size()));
  }
  throw std::logic_error("no static method " + std::string(signature));
}

Slot FakeVm::call_virtual(Ref object, std::string_view signature, std::vector<Slot> args) {
  if (object == vm::kNullRef) throw_null_pointer(*this);
  const ClassEntry& entry = class_of_object(object);
  const vm::ClassName name{entry.package->aid, entry.cls->token};
  const vm::NativeMethod* method = find_virtual(name, signature);
  if (method == nullptr) throw std::logic_error("no virtual method " + std::string(signature));
  if (method->function == nullptr)
    throw std::logic_error("abstract method " + std::string(signature));
  args.insert(args.begin(), object);
  return method->function(*this, vm::Args(args.data(), args.size()));
}

Ref FakeVm::make(std::string_view cls, std::string_view init_signature, std::vector<Slot> args) {
  const Ref object = new_object(class_name(cls));
  args.insert(args.begin(), object);
  call_static(cls, init_signature, args);
  return object;
}

Ref FakeVm::bytes(ByteView contents) {
  const Ref array =
      new_array(vm::ArrayType::byte_array, static_cast<std::uint16_t>(contents.size()), {});
  write_bytes(array, 0, contents, true);
  return array;
}

void FakeVm::begin_command(ByteView command, std::uint8_t protocol) {
  exchange_ = {};
  exchange_.command.assign(command.begin(), command.end());
  exchange_.protocol = protocol;
  exchange_.buffer = new_global_array(vm::ArrayType::byte_array, 261);
  exchange_.object = new_object(class_name("javacard.framework.APDU"));
  in_command_ = true;
  // As the runtime does: the header (7 bytes for extended length) is in the buffer before
  // process() runs.
  const bool extended = command.size() >= 7 && command[4] == 0;
  const std::size_t header = std::min<std::size_t>(extended ? 7 : 5, command.size());
  write_bytes(exchange_.buffer, 0, command.first(header), false);
}

void FakeVm::reset_card() {
  reset_native_state(*store_);
  store_->for_each([&](store::Handle handle) {
    if ((store_->header(handle).flags & vm::object_flag::kClearOnReset) != 0) {
      store_->fill_non_atomic(handle, 0, store_->size(handle), 0);
    }
  });
}

void FakeVm::throw_java(const vm::ClassName& exception_class, std::int16_t reason) {
  throw JavaThrow(exception_class, reason, class_of(exception_class).cls->name);
}

void FakeVm::throw_object(Ref) {
  throw std::logic_error("throw_object not supported by FakeVm");
}

Ref FakeVm::new_object(const vm::ClassName& class_name_value) {
  auto it = class_index_.find({class_name_value.package.to_hex(), class_name_value.token});
  store::ObjectHeader header{vm::object_kind::kInstance, 0, 1, it->second};
  return store_->allocate(header, 4u * total_words(class_name_value));
}

Ref FakeVm::construct(const vm::ClassName& name, std::uint8_t init_token,
                      std::span<const Slot> args) {
  const Ref object = new_object(name);
  for (const vm::NativeMethod& method : class_of(name).cls->static_methods) {
    if (method.token != init_token) continue;
    std::vector<Slot> all{object};
    all.insert(all.end(), args.begin(), args.end());
    method.function(*this, vm::Args(all.data(), all.size()));
  }
  return object;
}

Ref FakeVm::new_array(vm::ArrayType type, std::uint16_t length,
                      const std::optional<vm::ClassName>&) {
  store::ObjectHeader header{vm::kind_of_array(type), 0, 1, 0};
  return store_->allocate(header, length * vm::element_size(type));
}

Ref FakeVm::new_transient_array(vm::ArrayType type, std::uint16_t length,
                                vm::TransientEvent event) {
  const std::uint8_t flag = event == vm::TransientEvent::clear_on_reset
                                ? vm::object_flag::kClearOnReset
                                : vm::object_flag::kClearOnDeselect;
  store::ObjectHeader header{vm::kind_of_array(type),
                             static_cast<std::uint8_t>(store::kVolatile | flag), 1, 0};
  return store_->allocate(header, length * vm::element_size(type));
}

Ref FakeVm::new_global_array(vm::ArrayType type, std::uint16_t length) {
  store::ObjectHeader header{
      vm::kind_of_array(type),
      static_cast<std::uint8_t>(store::kVolatile | vm::object_flag::kClearOnReset |
                                vm::object_flag::kGlobalArray),
      0, 0};
  return store_->allocate(header, length * vm::element_size(type));
}

vm::TransientEvent FakeVm::transient_event(Ref object) {
  const std::uint8_t flags = store_->header(object).flags;
  if ((flags & vm::object_flag::kClearOnReset) != 0) return vm::TransientEvent::clear_on_reset;
  if ((flags & vm::object_flag::kClearOnDeselect) != 0)
    return vm::TransientEvent::clear_on_deselect;
  return vm::TransientEvent::none;
}

vm::ContextId FakeVm::owner(Ref object) {
  if (object == vm::kNullRef) throw_null_pointer(*this);
  return store_->header(object).owner;
}

bool FakeVm::is_array(Ref object) {
  return store_->header(object).kind != vm::object_kind::kInstance;
}

bool FakeVm::instance_of(Ref object, const vm::ClassName& target) {
  if (is_array(object)) return false;
  const ClassEntry* entry = &class_of_object(object);
  // Walks the superclasses, and the interfaces of each with their superinterfaces.
  std::vector<vm::ClassName> pending{{entry->package->aid, entry->cls->token}};
  while (!pending.empty()) {
    const vm::ClassName name = pending.back();
    pending.pop_back();
    if (name == target) return true;
    const vm::NativeClass* cls = class_of(name).cls;
    if (cls->superclass) pending.push_back(*cls->superclass);
    for (const vm::ClassName& iface : cls->interfaces) pending.push_back(iface);
  }
  return false;
}

Slot FakeVm::get_field(Ref object, std::uint16_t word) {
  if (object == vm::kNullRef) throw_null_pointer(*this);
  return get_u32(store_->view(object), 4u * word);
}

void FakeVm::set_field(Ref object, std::uint16_t word, Slot value) {
  if (object == vm::kNullRef) throw_null_pointer(*this);
  std::uint8_t bytes[4];
  put_u32(bytes, 0, value);
  if ((store_->header(object).flags & store::kVolatile) != 0) {
    store_->write_non_atomic(object, 4u * word, bytes);
  } else {
    store_->write(object, 4u * word, bytes);
  }
}

std::uint16_t FakeVm::array_length(Ref array) {
  if (array == vm::kNullRef) throw_null_pointer(*this);
  return static_cast<std::uint16_t>(store_->size(array) / vm::element_size(array_type(array)));
}

vm::ArrayType FakeVm::array_type(Ref array) {
  return static_cast<vm::ArrayType>(store_->header(array).kind - vm::object_kind::kBooleanArray +
                                    10);
}

ByteView FakeVm::array_bytes(Ref array) {
  if (array == vm::kNullRef) throw_null_pointer(*this);
  return store_->view(array);
}

Slot FakeVm::load_element(Ref array, std::uint16_t index) {
  if (index >= array_length(array)) throw_index_out_of_bounds(*this);
  const std::uint32_t size = vm::element_size(array_type(array));
  const ByteView bytes = store_->view(array).subspan(index * size, size);
  if (size == 1) return vm::slot_of_short(static_cast<std::int8_t>(bytes[0]));
  if (size == 2) return vm::slot_of_short(static_cast<std::int16_t>(get_u16(bytes, 0)));
  return get_u32(bytes, 0);
}

void FakeVm::store_element(Ref array, std::uint16_t index, Slot value) {
  if (index >= array_length(array)) throw_index_out_of_bounds(*this);
  const std::uint32_t size = vm::element_size(array_type(array));
  std::uint8_t bytes[4];
  if (size == 1) bytes[0] = static_cast<std::uint8_t>(value);
  if (size == 2) put_u16(bytes, 0, static_cast<std::uint16_t>(value));
  if (size == 4) put_u32(bytes, 0, value);
  write_bytes(array, static_cast<std::uint16_t>(index * size), ByteView(bytes, size), true);
}

void FakeVm::write_bytes(Ref array, std::uint16_t offset, ByteView bytes, bool atomic) {
  if (array == vm::kNullRef) throw_null_pointer(*this);
  if (atomic && (store_->header(array).flags & store::kVolatile) == 0) {
    store_->write(array, offset, bytes);
  } else {
    store_->write_non_atomic(array, offset, bytes);
  }
}

void FakeVm::fill_bytes(Ref array, std::uint16_t offset, std::uint16_t length, std::uint8_t value) {
  store_->fill_non_atomic(array, offset, length, value);
}

void FakeVm::begin_transaction() {
  if (store_->in_transaction())
    throw_exception(*this, "javacard.framework.TransactionException", 1);
  store_->begin_transaction();
}

void FakeVm::commit_transaction() {
  if (!store_->in_transaction())
    throw_exception(*this, "javacard.framework.TransactionException", 2);
  store_->commit_transaction();
}

void FakeVm::abort_transaction() {
  if (!store_->in_transaction())
    throw_exception(*this, "javacard.framework.TransactionException", 2);
  store_->abort_transaction();
}

std::int16_t FakeVm::max_commit_capacity() {
  return static_cast<std::int16_t>(std::min<std::size_t>(store_->limits().commit_capacity, 32767));
}

std::int16_t FakeVm::unused_commit_capacity() {
  return static_cast<std::int16_t>(
      std::min<std::size_t>(store_->limits().commit_capacity - store_->transaction_bytes(), 32767));
}

std::int16_t FakeVm::available_memory(vm::MemoryType type) {
  const store::Usage usage = store_->usage();
  const std::size_t free = type == vm::MemoryType::persistent
                               ? store_->limits().persistent_bytes - usage.persistent_bytes
                               : store_->limits().volatile_bytes - usage.volatile_bytes;
  return static_cast<std::int16_t>(std::min<std::size_t>(free, 32767));
}

void FakeVm::register_applet(Ref applet, std::optional<vm::Aid> aid) {
  registered.emplace_back(applet, aid);
}

std::optional<vm::Aid> FakeVm::aid_of(Ref aid) {
  auto it = jcre_aids.find(aid);
  if (it == jcre_aids.end()) return std::nullopt;
  return it->second;
}

Ref FakeVm::jcre_aid(const vm::Aid& aid) {
  const Ref object = new_object(class_name("javacard.framework.AID"));
  jcre_aids.emplace(object, aid);
  return object;
}

vm::ApduExchange& FakeVm::apdu() {
  if (!in_command_) throw_exception(*this, "java.lang.SecurityException");
  return exchange_;
}

Slot FakeVm::invoke_virtual(Ref, std::uint8_t, std::span<const Slot>) {
  throw std::logic_error("invoke_virtual not supported by FakeVm");
}

Slot FakeVm::invoke_interface(Ref, const vm::ClassName&, std::uint8_t, std::span<const Slot>) {
  throw std::logic_error("invoke_interface not supported by FakeVm");
}

}  // namespace uicc::api::test
