// Objects of the VM in the store: allocation, field and array access, and the firewall checks
// of the Java Card 3.0.5 Runtime Environment Specification §6.2.8 that guard them.
#include <algorithm>
#include <cstring>

#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"

namespace uicc::vm::detail {

namespace {

Slot read_word(const std::uint8_t* p) {
  return (Slot{p[0]} << 24) | (Slot{p[1]} << 16) | (Slot{p[2]} << 8) | Slot{p[3]};
}

void put_word(std::uint8_t* p, Slot value) {
  p[0] = static_cast<std::uint8_t>(value >> 24);
  p[1] = static_cast<std::uint8_t>(value >> 16);
  p[2] = static_cast<std::uint8_t>(value >> 8);
  p[3] = static_cast<std::uint8_t>(value);
}

ArrayType array_type_of_kind(std::uint8_t kind) {
  return static_cast<ArrayType>(kind - object_kind::kBooleanArray + 10);
}

}  // namespace

// --- allocation ----------------------------------------------------------------------------

Ref Machine::allocate_instance(const Class* cls, std::uint8_t extra_flags) {
  store::ObjectHeader header{object_kind::kInstance, extra_flags, context_, cls->type_id};
  try {
    return store_.allocate(header, std::uint32_t{cls->instance_words} * 4);
  } catch (const store::OutOfMemory&) {
    trap((extra_flags & store::kVolatile) ? Trap::out_of_transient : Trap::out_of_memory);
  }
}

Ref Machine::allocate_array(ArrayType type, std::int32_t length, const Class* element_class,
                            std::uint8_t flags) {
  if (length < 0) trap(Trap::negative_array_size);
  std::uint32_t type_id = element_class != nullptr ? element_class->type_id : 0;
  store::ObjectHeader header{kind_of_array(type), flags, context_, type_id};
  try {
    return store_.allocate(header, static_cast<std::uint32_t>(length) * element_size(type));
  } catch (const store::OutOfMemory&) {
    trap((flags & store::kVolatile) ? Trap::out_of_transient : Trap::out_of_memory);
  }
}

Ref Machine::new_object(const ClassName& class_name) {
  const Class* cls = find_class(class_name);
  if (cls == nullptr || cls->is_interface || cls->is_abstract) {
    throw std::invalid_argument("new_object of a class that is absent, abstract or an interface");
  }
  return allocate_instance(cls);
}

Ref Machine::construct(const ClassName& class_name, std::uint8_t init_token,
                       std::span<const Slot> args) {
  const Class* cls = find_class(class_name);
  if (cls == nullptr || init_token >= cls->static_methods.size() ||
      cls->static_methods[init_token] == nullptr) {
    throw std::invalid_argument("construct: no such class or constructor");
  }
  Ref object = allocate_instance(cls);
  std::vector<Slot> words;
  words.reserve(args.size() + 1);
  words.push_back(object);
  words.insert(words.end(), args.begin(), args.end());
  call(cls->static_methods[init_token], words, context_, current_applet_);
  return object;
}

Ref Machine::new_array(ArrayType type, std::uint16_t length,
                       const std::optional<ClassName>& element_class) {
  const Class* element = element_class ? find_class(*element_class) : nullptr;
  return allocate_array(type, static_cast<std::int16_t>(length), element, 0);
}

Ref Machine::new_transient_array(ArrayType type, std::uint16_t length, TransientEvent event) {
  std::uint8_t flags = store::kVolatile;
  if (event == TransientEvent::clear_on_reset) {
    flags |= object_flag::kClearOnReset;
  } else if (event == TransientEvent::clear_on_deselect) {
    // JCSystem.makeTransient*Array: CLEAR_ON_DESELECT arrays may only be created by the
    // context of the currently selected applet.
    if (!context_selected(context_)) {
      throw_java(api::framework_class(api::framework::kSystemException),
                 api::system_exception::kIllegalTransient);
    }
    flags |= object_flag::kClearOnDeselect;
  } else {
    throw_java(api::framework_class(api::framework::kSystemException),
               api::system_exception::kIllegalValue);
  }
  if (static_cast<std::int16_t>(length) < 0) trap(Trap::negative_array_size);
  return allocate_array(type, static_cast<std::int16_t>(length), nullptr, flags);
}

Ref Machine::new_global_array(ArrayType type, std::uint16_t length) {
  std::uint8_t flags = store::kVolatile | object_flag::kClearOnReset | object_flag::kGlobalArray;
  return allocate_array(type, static_cast<std::int16_t>(length), nullptr, flags);
}

// --- headers and the firewall --------------------------------------------------------------

const CachedObject& Machine::load_object(Ref object) {
  if (object == kNullRef || !store_.valid(object)) trap(Trap::null_pointer);
  if (objects_.size() <= object) {
    objects_.resize(std::max<std::size_t>(std::size_t{object} + 1, objects_.size() * 2));
  }
  CachedObject& cached = objects_[object];
  cached.header = &store_.header(object);
  cached.data = const_cast<std::uint8_t*>(store_.data(object));
  cached.size = store_.size(object);
  return cached;
}

void Machine::release_object(Ref object) {
  if (object < objects_.size()) objects_[object] = CachedObject{};
  store_.release(object);
}

// A CLEAR_ON_DESELECT array is reachable only while its owner is the context of a selected
// applet (Java Card 3.0.5 Runtime Environment Specification §6.2.8 and JCSystem's transient
// rules), even for its owner.
void Machine::check_field_access_slow(const store::ObjectHeader& header) {
  if (header.owner == context_ || context_ == kJcreContext) return;
  trap(Trap::security);
}

void Machine::check_array_access_slow(const store::ObjectHeader& header) {
  if (header.flags & object_flag::kClearOnDeselect) {
    if (header.owner != context_ || !context_selected(context_)) trap(Trap::security);
    return;
  }
  if (header.owner == context_ || context_ == kJcreContext) return;
  if (header.flags & object_flag::kGlobalArray) return;
  trap(Trap::security);
}

void Machine::check_storable(Ref value) const {
  if (value == kNullRef) return;
  const store::ObjectHeader& header = store_.header(value);
  // JCRE 3.0.5 §6.2.1 and §6.2.2: temporary entry-point objects and global arrays cannot be
  // stored in fields or array components (the JCRE context itself may).
  if ((header.flags & (object_flag::kTemporaryEntryPoint | object_flag::kGlobalArray)) &&
      context_ != kJcreContext) {
    const_cast<Machine*>(this)->trap(Trap::security);
  }
}

bool Machine::context_selected(ContextId context) const {
  if (context == installing_context_ && installing_applet_ != kNoApplet) return true;
  // The applet selected on the channel of the current command is checked first, because it is
  // the common case and every access to a CLEAR_ON_DESELECT array calls this function.
  if (apdu_ && apdu_->channel < selected_.size()) {
    const std::optional<std::uint16_t>& current = selected_[apdu_->channel];
    if (current && applets_[*current].package->context == context) return true;
  }
  for (const auto& selected : selected_) {
    if (selected && applets_[*selected].package->context == context) return true;
  }
  return false;
}

// --- classes -------------------------------------------------------------------------------

const Class* Machine::class_of(Ref object) {
  const store::ObjectHeader& header = header_of(object);
  if (header.kind != object_kind::kInstance) return nullptr;
  const Package* package = package_at(static_cast<std::uint16_t>(header.type >> 16));
  std::uint16_t index = static_cast<std::uint16_t>(header.type);
  if (package == nullptr || index >= package->classes.size()) trap(Trap::null_pointer);
  return package->classes[index].get();
}

const Class* Machine::find_class(const ClassName& name) const {
  const Package* package = find_package(name.package);
  if (package == nullptr || name.token >= package->export_classes.size()) return nullptr;
  return package->export_classes[name.token];
}

Package* Machine::find_package(const Aid& aid) const {
  for (const auto& package : packages_) {
    if (package && package->aid == aid) return package.get();
  }
  return nullptr;
}

// checkcast and instanceof rules of the Java Card 3.0.5 Virtual Machine Specification §7.5.
bool Machine::assignable(Ref object, const Class* target) {
  const store::ObjectHeader& header = header_of(object);
  if (header.kind != object_kind::kInstance) {
    return target == object_class_;  // an array is an Object and nothing else but itself
  }
  const Class* cls = class_of(object);
  if (target->is_interface) return cls->implements(target);
  return cls->is_subclass_of(target);
}

bool Machine::array_assignable(const store::ObjectHeader& header, ArrayType type,
                               const Class* element) const {
  if (!is_array_kind(header.kind)) return false;
  if (array_type_of_kind(header.kind) != type) return false;
  if (type != ArrayType::reference_array) return true;
  if (element == nullptr || element == object_class_) return true;
  if (header.type == 0) return false;  // Object[] is not a T[] for a narrower T
  const Package* package = package_at(static_cast<std::uint16_t>(header.type >> 16));
  std::uint16_t index = static_cast<std::uint16_t>(header.type);
  if (package == nullptr || index >= package->classes.size()) return false;
  const Class* actual = package->classes[index].get();
  return element->is_interface ? actual->implements(element) : actual->is_subclass_of(element);
}

// --- queries of natives ----------------------------------------------------------------------

TransientEvent Machine::transient_event(Ref object) {
  const store::ObjectHeader& header = header_of(object);
  if (header.flags & object_flag::kClearOnDeselect) return TransientEvent::clear_on_deselect;
  if (header.flags & object_flag::kClearOnReset) return TransientEvent::clear_on_reset;
  return TransientEvent::none;
}

ContextId Machine::owner(Ref object) {
  return header_of(object).owner;
}

bool Machine::is_array(Ref object) {
  return is_array_kind(header_of(object).kind);
}

bool Machine::instance_of(Ref object, const ClassName& class_name) {
  const Class* target = find_class(class_name);
  return target != nullptr && object != kNullRef && assignable(object, target);
}

// --- fields --------------------------------------------------------------------------------

Slot Machine::get_field(Ref object, std::uint16_t word) {
  const store::ObjectHeader& header = header_of(object);
  check_field_access(header);
  if (header.kind != object_kind::kInstance ||
      (std::uint32_t{word} + 1) * 4 > store_.size(object)) {
    throw std::out_of_range("get_field: word outside the instance");
  }
  return read_word(store_.data(object) + std::uint32_t{word} * 4);
}

// One firewall and bounds check for all the words, for natives that read several fields of
// their own objects on every call.
void Machine::get_fields(Ref object, std::uint16_t first, std::span<Slot> out) {
  const store::ObjectHeader& header = header_of(object);
  check_field_access(header);
  const CachedObject& cached = object_of(object);
  if (header.kind != object_kind::kInstance || (first + out.size()) * 4 > cached.size) {
    throw std::out_of_range("get_fields: words outside the instance");
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = read_word(cached.data + (first + i) * 4);
}

void Machine::set_field(Ref object, std::uint16_t word, Slot value) {
  const store::ObjectHeader& header = header_of(object);
  check_field_access(header);
  if (header.kind != object_kind::kInstance ||
      (std::uint32_t{word} + 1) * 4 > store_.size(object)) {
    throw std::out_of_range("set_field: word outside the instance");
  }
  std::uint8_t bytes[4];
  put_word(bytes, value);
  write_persistent(object, std::uint32_t{word} * 4, bytes);
}

void Machine::write_persistent(Ref object, std::uint32_t offset, ByteView bytes) {
  try {
    store_.write(object, offset, bytes);
  } catch (const store::CommitCapacityExceeded&) {
    trap(Trap::transaction_full);
  }
}

// --- arrays --------------------------------------------------------------------------------

std::uint16_t Machine::array_length(Ref array) {
  const store::ObjectHeader& header = header_of(array);
  if (!is_array_kind(header.kind)) trap(Trap::class_cast);
  check_array_access(header);
  return static_cast<std::uint16_t>(store_.size(array) /
                                    element_size(array_type_of_kind(header.kind)));
}

ArrayType Machine::array_type(Ref array) {
  const store::ObjectHeader& header = header_of(array);
  if (!is_array_kind(header.kind)) trap(Trap::class_cast);
  return array_type_of_kind(header.kind);
}

ByteView Machine::array_bytes(Ref array) {
  const store::ObjectHeader& header = header_of(array);
  if (!is_array_kind(header.kind)) trap(Trap::class_cast);
  check_array_access(header);
  return store_.view(array);
}

Slot Machine::load_element(Ref array, std::uint16_t index) {
  const store::ObjectHeader& header = header_of(array);
  if (!is_array_kind(header.kind)) trap(Trap::class_cast);
  check_array_access(header);
  ArrayType type = array_type_of_kind(header.kind);
  std::uint32_t size = element_size(type);
  if ((std::uint32_t{index} + 1) * size > store_.size(array)) trap(Trap::array_index);
  const std::uint8_t* p = store_.data(array) + std::uint32_t{index} * size;
  switch (size) {
    case 1:
      return slot_of_short(static_cast<std::int8_t>(p[0]));
    case 2:
      return slot_of_short(static_cast<std::int16_t>((p[0] << 8) | p[1]));
    default:
      return read_word(p);
  }
}

void Machine::store_element(Ref array, std::uint16_t index, Slot value) {
  const store::ObjectHeader& header = header_of(array);
  if (!is_array_kind(header.kind)) trap(Trap::class_cast);
  check_array_access(header);
  ArrayType type = array_type_of_kind(header.kind);
  std::uint32_t size = element_size(type);
  if ((std::uint32_t{index} + 1) * size > store_.size(array)) trap(Trap::array_index);
  if (type == ArrayType::reference_array) {
    check_storable(value);
    if (value != kNullRef) {
      const Package* package = package_at(static_cast<std::uint16_t>(header.type >> 16));
      if (header.type != 0 && package != nullptr &&
          !assignable(value, package->classes[static_cast<std::uint16_t>(header.type)].get())) {
        trap(Trap::array_store);
      }
    }
  }
  std::uint8_t bytes[4];
  put_word(bytes, value);
  write_persistent(array, std::uint32_t{index} * size, ByteView(bytes + 4 - size, size));
}

void Machine::write_bytes(Ref array, std::uint16_t offset, ByteView bytes, bool atomic) {
  const store::ObjectHeader& header = header_of(array);
  if (header.kind != object_kind::kByteArray && header.kind != object_kind::kBooleanArray) {
    trap(Trap::class_cast);
  }
  check_array_access(header);
  if (std::size_t{offset} + bytes.size() > store_.size(array)) trap(Trap::array_index);
  if (atomic) {
    write_persistent(array, offset, bytes);
  } else {
    store_.write_non_atomic(array, offset, bytes);
  }
}

void Machine::fill_bytes(Ref array, std::uint16_t offset, std::uint16_t length,
                         std::uint8_t value) {
  const store::ObjectHeader& header = header_of(array);
  if (header.kind != object_kind::kByteArray && header.kind != object_kind::kBooleanArray) {
    trap(Trap::class_cast);
  }
  check_array_access(header);
  if (std::size_t{offset} + length > store_.size(array)) trap(Trap::array_index);
  store_.fill_non_atomic(array, offset, length, value);
}

// --- per-package state of natives ------------------------------------------------------------

Slot Machine::get_package_word(std::uint16_t package, std::uint16_t word) {
  if (package >= package_words_.size() || package_words_[package] == kNullRef ||
      (std::uint32_t{word} + 1) * 4 > store_.size(package_words_[package])) {
    throw std::out_of_range("get_package_word: no such word");
  }
  return read_word(store_.data(package_words_[package]) + std::uint32_t{word} * 4);
}

void Machine::set_package_word(std::uint16_t package, std::uint16_t word, Slot value) {
  if (package >= package_words_.size() || package_words_[package] == kNullRef ||
      (std::uint32_t{word} + 1) * 4 > store_.size(package_words_[package])) {
    throw std::out_of_range("set_package_word: no such word");
  }
  std::uint8_t bytes[4];
  put_word(bytes, value);
  write_persistent(package_words_[package], std::uint32_t{word} * 4, bytes);
}

}  // namespace uicc::vm::detail
