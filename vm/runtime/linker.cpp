// The linker: turns a CAP file into linked classes, methods and a resolved constant pool.
// Imports are matched by AID and version and external references resolved by package, class
// and member tokens against native packages and the Export components of loaded libraries.
// Java Card 3.0.5 Virtual Machine Specification §4 (binary compatibility and tokens) and §6
// (the CAP components).
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "util/log.h"
#include "vm/cap/cap_reader.h"
#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"
#include "vm/runtime/verifier.h"

namespace uicc::vm::detail {

namespace {

std::string version_text(std::uint8_t major, std::uint8_t minor) {
  return fmt::format("{}.{}", major, minor);
}

[[noreturn]] void fail(LoadError::Code code, const std::string& message) {
  throw LoadError(code, message);
}

Aid aid_of_bytes(const Bytes& bytes, const char* what) {
  if (bytes.size() < Aid::kMinLength || bytes.size() > Aid::kMaxLength) {
    fail(LoadError::Code::format, fmt::format("{} AID {} has {} bytes, expected 5 to 16", what,
                                              to_hex(bytes), bytes.size()));
  }
  return Aid(bytes);
}

// Element type of an array_init entry (JCVM 3.0.5 §6.11).
ArrayType array_type_of_init(std::uint8_t type) {
  switch (type) {
    case cap::array_init_type::kBoolean:
      return ArrayType::boolean_array;
    case cap::array_init_type::kShort:
      return ArrayType::short_array;
    case cap::array_init_type::kInt:
      return ArrayType::int_array;
    default:
      return ArrayType::byte_array;
  }
}

}  // namespace

Package* Machine::link_cap(const cap::CapFile& cap, ByteView bytes, std::uint16_t index, Ref image,
                           Ref statics) {
  const bool fresh = image == kNullRef;
  const Aid aid = aid_of_bytes(cap.header.package.aid, "package");
  const std::string name =
      fmt::format("package {} version {}", aid.to_hex(),
                  version_text(cap.header.package.major, cap.header.package.minor));

  // Gate: int support, duplicates, imports.
  if (cap.header.has_flag(cap::header_flags::kInt) && !config_.int_support) {
    fail(LoadError::Code::int_not_supported,
         fmt::format("{} uses the int type (Header flag ACC_INT), which this card does not support",
                     name));
  }
  if (fresh && find_package(aid) != nullptr) {
    fail(LoadError::Code::already_loaded,
         fmt::format("{}: a package with this AID is already on the card", name));
  }
  auto package = std::make_unique<Package>();
  package->aid = aid;
  package->major = cap.header.package.major;
  package->minor = cap.header.package.minor;
  package->uses_int = cap.header.has_flag(cap::header_flags::kInt);
  package->name = cap.package_path.empty() ? aid.to_hex() : cap.package_path;
  for (const cap::PackageInfo& imported : cap.imports.packages) {
    const Aid imported_aid = aid_of_bytes(imported.aid, "imported package");
    Package* target = find_package(imported_aid);
    const std::string wanted = fmt::format("{} version {}", imported_aid.to_hex(),
                                           version_text(imported.major, imported.minor));
    if (target == nullptr) {
      fail(LoadError::Code::missing_import,
           fmt::format("{} imports package {}, which is not on the card", name, wanted));
    }
    // JCVM 3.0.5 §4.5.2: binary compatible when the major versions are equal and the card's
    // minor version is at least the imported one.
    if (target->major != imported.major || target->minor < imported.minor) {
      fail(LoadError::Code::import_version,
           fmt::format("{} imports package {}, but the card has version {}", name, wanted,
                       version_text(target->major, target->minor)));
    }
    package->imports.push_back(target);
  }
  package->index = fresh ? next_package_index_ : index;
  package->context = package->index;
  Package* p = package.get();

  // Methods: the bytecode is copied once and addressed directly by the interpreter.
  const std::size_t methods_offset = cap.methods.methods_offset();
  p->method_component = cap.methods.method_area;
  std::map<std::uint16_t, Method*> methods_by_offset;
  for (const cap::MethodLocation& location : cap.method_locations) {
    auto method = std::make_unique<Method>();
    method->package = p;
    method->name =
        fmt::format("{} method at Method component offset {:#x}", aid.to_hex(), location.offset);
    method->max_stack = location.header.max_stack;
    method->nargs = location.header.nargs;
    method->max_locals = location.header.max_locals;
    method->is_abstract = location.header.is_abstract();
    if (location.bytecode_offset < methods_offset ||
        location.bytecode_offset - methods_offset + std::size_t{location.bytecode_count} >
            p->method_component.size()) {
      fail(LoadError::Code::format,
           fmt::format("{}: Method component: method at offset {:#x} runs past the method area",
                       name, location.offset));
    }
    method->code = p->method_component.data() + (location.bytecode_offset - methods_offset);
    method->code_length = location.bytecode_count;
    methods_by_offset[location.offset] = method.get();
    p->methods.push_back(std::move(method));
  }
  auto method_at = [&](std::uint16_t offset, const char* what) -> Method* {
    auto it = methods_by_offset.find(offset);
    if (it == methods_by_offset.end()) {
      fail(LoadError::Code::link,
           fmt::format("{}: {} refers to Method component offset {:#x}, where no method starts",
                       name, what, offset));
    }
    return it->second;
  };

  // Classes and interfaces, keyed by their offset in the Class component.
  std::map<std::uint16_t, Class*> classes_by_offset;
  auto add_class = [&](std::uint16_t offset) {
    auto cls = std::make_unique<Class>();
    cls->package = p;
    cls->index = static_cast<std::uint16_t>(p->classes.size());
    cls->type_id = (std::uint32_t{p->index} << 16) | cls->index;
    cls->name = fmt::format("{} class at Class component offset {:#x}", aid.to_hex(), offset);
    classes_by_offset[offset] = cls.get();
    p->classes.push_back(std::move(cls));
    return p->classes.back().get();
  };
  for (const cap::InterfaceInfo& info : cap.classes.interfaces) {
    Class* cls = add_class(info.offset);
    cls->is_interface = true;
    cls->is_abstract = true;
    cls->is_shareable = (info.flags & cap::class_flags::kShareable) != 0;
  }
  for (const cap::ClassInfo& info : cap.classes.classes) add_class(info.offset);

  auto resolve_class = [&](cap::ClassRef ref, const char* what) -> const Class* {
    if (ref.is_external()) {
      if (ref.package_token() >= p->imports.size()) {
        fail(LoadError::Code::link,
             fmt::format("{}: {} names package token {}, but only {} packages are imported", name,
                         what, ref.package_token(), p->imports.size()));
      }
      const Package* target = p->imports[ref.package_token()];
      if (ref.class_token() >= target->export_classes.size() ||
          target->export_classes[ref.class_token()] == nullptr) {
        fail(LoadError::Code::link,
             fmt::format("{}: {} names class token {} of package {}, which does not export it",
                         name, what, ref.class_token(), target->aid.to_hex()));
      }
      return target->export_classes[ref.class_token()];
    }
    auto it = classes_by_offset.find(ref.offset());
    if (it == classes_by_offset.end()) {
      fail(LoadError::Code::link,
           fmt::format("{}: {} refers to Class component offset {:#x}, where no class starts", name,
                       what, ref.offset()));
    }
    return it->second;
  };

  const Class* shareable = find_class(api::framework_class(api::framework::kShareable));
  for (const cap::InterfaceInfo& info : cap.classes.interfaces) {
    Class* cls = classes_by_offset.at(info.offset);
    cls->superclass = object_class_;
    for (cap::ClassRef ref : info.superinterfaces) {
      const Class* super = resolve_class(ref, "a superinterface");
      if (!super->is_interface)
        fail(LoadError::Code::link, fmt::format("{}: {} extends a class", name, cls->name));
      if (!cls->implements(super)) cls->interfaces.push_back(super);
      if (super->is_shareable || super == shareable) cls->is_shareable = true;
    }
  }

  // Classes after their superclasses: layouts and virtual method tables are inherited.
  std::map<const Class*, int> state;  // 1 in progress, 2 done
  std::map<const Class*, const cap::ClassInfo*> infos_by_class;
  for (const cap::ClassInfo& info : cap.classes.classes)
    infos_by_class[classes_by_offset.at(info.offset)] = &info;
  // An override must take the same argument words as the method it overrides, or calls through
  // the superclass's token would misalign the callee's frame.
  auto check_override = [&](const Class* cls, const Class* super, std::uint8_t token,
                            const Method* method) {
    const Method* overridden = resolve_virtual(super, token);
    if (overridden != nullptr && overridden->nargs != method->nargs) {
      fail(LoadError::Code::link,
           fmt::format(
               "{}: {} overrides virtual method token {} with {} argument words instead of {}",
               name, cls->name, token & 0x7F, method->nargs, overridden->nargs));
    }
  };
  std::function<void(Class*, const cap::ClassInfo&)> complete = [&](Class* cls,
                                                                    const cap::ClassInfo& info) {
    if (state[cls] == 2) return;
    if (state[cls] == 1)
      fail(LoadError::Code::link, fmt::format("{}: {} is its own superclass", name, cls->name));
    state[cls] = 1;
    if (info.super_class.is_none()) {
      fail(LoadError::Code::link, fmt::format("{}: {} has no superclass", name, cls->name));
    }
    const Class* super = resolve_class(info.super_class, "a superclass");
    if (super->is_interface)
      fail(LoadError::Code::link, fmt::format("{}: {} extends an interface", name, cls->name));
    if (super->package == p) complete(const_cast<Class*>(super), *infos_by_class.at(super));
    cls->superclass = super;
    cls->instance_words =
        static_cast<std::uint16_t>(super->instance_words + info.declared_instance_size);
    cls->reference_words = super->reference_words;
    for (std::uint16_t i = 0; i < info.reference_count; ++i) {
      cls->reference_words.push_back(
          static_cast<std::uint16_t>(super->instance_words + info.first_reference_token + i));
    }
    if (info.reference_count > 0 && std::size_t{info.first_reference_token} + info.reference_count >
                                        info.declared_instance_size) {
      fail(LoadError::Code::format,
           fmt::format("{}: {} declares reference fields beyond its instance size", name,
                       cls->name));
    }

    // Virtual method tables (JCVM 3.0.5 §6.9): entries before the base are inherited; an entry
    // of 0xFFFF (or 0) inherits the superclass's method of that token.
    cls->public_methods = super->public_methods;
    for (std::size_t i = 0; i < info.public_virtual_method_table.size(); ++i) {
      const std::size_t token = info.public_method_table_base + i;
      const std::uint16_t offset = info.public_virtual_method_table[i];
      if (cls->public_methods.size() <= token) cls->public_methods.resize(token + 1, nullptr);
      if (offset == 0xFFFF || offset == 0) continue;
      Method* method = method_at(offset, "a public virtual method table");
      check_override(cls, super, static_cast<std::uint8_t>(token), method);
      method->owner = cls;
      cls->public_methods[token] = method;
    }
    if (super->package == p) cls->package_methods = super->package_methods;
    for (std::size_t i = 0; i < info.package_virtual_method_table.size(); ++i) {
      const std::size_t token = info.package_method_table_base + i;
      const std::uint16_t offset = info.package_virtual_method_table[i];
      if (cls->package_methods.size() <= token) cls->package_methods.resize(token + 1, nullptr);
      if (offset == 0xFFFF || offset == 0) continue;
      Method* method = method_at(offset, "a package virtual method table");
      if (super->package == p)
        check_override(cls, super, static_cast<std::uint8_t>(token | 0x80), method);
      method->owner = cls;
      cls->package_methods[token] = method;
    }

    cls->interfaces = super->interfaces;
    for (const cap::ImplementedInterface& implemented : info.interfaces) {
      const Class* interface_class =
          resolve_class(implemented.interface_ref, "an implemented interface");
      if (!interface_class->is_interface) {
        fail(LoadError::Code::link, fmt::format("{}: {} implements a class", name, cls->name));
      }
      if (!cls->implements(interface_class)) cls->interfaces.push_back(interface_class);
      for (const Class* inherited : interface_class->interfaces) {
        if (!cls->implements(inherited)) cls->interfaces.push_back(inherited);
      }
      for (std::uint8_t token : implemented.index) {
        if (token >= cls->public_methods.size() || cls->public_methods[token] == nullptr) {
          fail(LoadError::Code::link,
               fmt::format("{}: {} implements an interface method with virtual token {}, "
                           "which it does not have",
                           name, cls->name, token));
        }
      }
      cls->interface_impls.push_back(InterfaceImpl{interface_class, implemented.index});
    }
    cls->is_applet = applet_class_ != nullptr && cls->is_subclass_of(applet_class_);
    state[cls] = 2;
  };
  for (const cap::ClassInfo& info : cap.classes.classes)
    complete(classes_by_offset.at(info.offset), info);

  if (cap.descriptor) {
    for (const cap::ClassDescriptor& descriptor : cap.descriptor->classes) {
      if (descriptor.this_class.is_external()) continue;
      auto it = classes_by_offset.find(descriptor.this_class.offset());
      if (it != classes_by_offset.end() &&
          (descriptor.access_flags & cap::descriptor_flags::kClassAbstract)) {
        it->second->is_abstract = true;
      }
    }
  }

  // Static field image: reference fields take 4 bytes here instead of the CAP's 2, so the
  // offsets of the reference segment double and those after it shift (JCVM 3.0.5 §6.11).
  const std::uint32_t reference_count = cap.static_fields.reference_count;
  const std::uint32_t cap_image_size = cap.static_fields.image_size;
  if (reference_count * 2 > cap_image_size) {
    fail(LoadError::Code::format,
         fmt::format("{}: StaticField component: {} references exceed the image of {} bytes", name,
                     reference_count, cap_image_size));
  }
  auto static_offset = [&](std::uint32_t offset) {
    return offset < reference_count * 2 ? offset * 2 : offset + reference_count * 2;
  };
  p->static_reference_count = reference_count;
  p->static_image_size = cap_image_size + reference_count * 2;

  // Constant pool (JCVM 3.0.5 §6.8).
  p->constant_pool.resize(cap.constant_pool.entries.size());
  for (std::size_t i = 0; i < cap.constant_pool.entries.size(); ++i) {
    const cap::ConstantPoolEntry& entry = cap.constant_pool.entries[i];
    CpEntry& resolved = p->constant_pool[i];
    const std::string what = fmt::format("constant pool entry {}", i);
    switch (entry.tag) {
      case cap::ConstantTag::kClassref:
        resolved.kind = CpKind::class_ref;
        resolved.class_ref = resolve_class(entry.class_ref(), what.c_str());
        break;
      case cap::ConstantTag::kInstanceFieldref: {
        const Class* cls = resolve_class(entry.class_ref(), what.c_str());
        const std::uint16_t base = cls->superclass != nullptr ? cls->superclass->instance_words : 0;
        const std::uint32_t word = std::uint32_t{base} + entry.token();
        if (cls->is_interface || word >= cls->instance_words) {
          fail(LoadError::Code::link, fmt::format("{}: {}: instance field token {} outside {}",
                                                  name, what, entry.token(), cls->name));
        }
        resolved.kind = CpKind::instance_field;
        resolved.class_ref = cls;
        resolved.field_word = static_cast<std::uint16_t>(word);
        resolved.is_reference = std::find(cls->reference_words.begin(), cls->reference_words.end(),
                                          word) != cls->reference_words.end();
        break;
      }
      case cap::ConstantTag::kVirtualMethodref: {
        const Class* cls = resolve_class(entry.class_ref(), what.c_str());
        const Method* method = cls->is_interface ? nullptr : resolve_virtual(cls, entry.token());
        if (method == nullptr || ((entry.token() & 0x80) && cls->package != p)) {
          fail(LoadError::Code::link, fmt::format("{}: {}: {} has no virtual method with token {}",
                                                  name, what, cls->name, entry.token()));
        }
        resolved.kind = CpKind::virtual_method;
        resolved.class_ref = cls;
        resolved.token = entry.token();
        resolved.nargs = method->nargs;
        break;
      }
      case cap::ConstantTag::kSuperMethodref: {
        const Class* cls = resolve_class(entry.class_ref(), what.c_str());
        const Method* method =
            cls->superclass != nullptr ? resolve_virtual(cls->superclass, entry.token()) : nullptr;
        if (method == nullptr) {
          fail(LoadError::Code::link,
               fmt::format("{}: {}: the superclass of {} has no method with token {}", name, what,
                           cls->name, entry.token()));
        }
        resolved.kind = CpKind::super_method;
        resolved.class_ref = cls;
        resolved.method = method;
        break;
      }
      case cap::ConstantTag::kStaticFieldref: {
        const cap::StaticRef ref = entry.static_ref();
        resolved.kind = CpKind::static_field;
        if (ref.is_external()) {
          if (ref.package_token() >= p->imports.size()) {
            fail(LoadError::Code::link, fmt::format("{}: {}: package token {} not imported", name,
                                                    what, ref.package_token()));
          }
          Package* target = p->imports[ref.package_token()];
          if (ref.class_token() >= target->export_static_fields.size() ||
              ref.token() >= target->export_static_fields[ref.class_token()].size() ||
              target->export_static_fields[ref.class_token()][ref.token()] == 0xFFFFFFFF) {
            fail(LoadError::Code::link,
                 fmt::format("{}: {}: package {} class token {} exports no static field {}", name,
                             what, target->aid.to_hex(), ref.class_token(), ref.token()));
          }
          resolved.static_package = target;
          resolved.static_offset = target->export_static_fields[ref.class_token()][ref.token()];
          resolved.is_reference = resolved.static_offset < target->static_reference_count * 4;
        } else {
          if (ref.offset() >= cap_image_size) {
            fail(LoadError::Code::link,
                 fmt::format("{}: {}: static field offset {} outside the image of {} bytes", name,
                             what, ref.offset(), cap_image_size));
          }
          resolved.static_package = p;
          resolved.static_offset = static_offset(ref.offset());
          resolved.is_reference = ref.offset() < reference_count * 2;
          // References are 2 bytes each in the CAP's image (JCVM 3.0.5 §6.11); an odd offset
          // would name half of two references.
          if (resolved.is_reference && (ref.offset() & 1) != 0) {
            fail(LoadError::Code::link,
                 fmt::format("{}: {}: static field offset {} is not the start of a reference "
                             "field",
                             name, what, ref.offset()));
          }
        }
        break;
      }
      case cap::ConstantTag::kStaticMethodref: {
        const cap::StaticRef ref = entry.static_ref();
        resolved.kind = CpKind::static_method;
        if (ref.is_external()) {
          if (ref.package_token() >= p->imports.size()) {
            fail(LoadError::Code::link, fmt::format("{}: {}: package token {} not imported", name,
                                                    what, ref.package_token()));
          }
          const Package* target = p->imports[ref.package_token()];
          if (ref.class_token() >= target->export_static_methods.size() ||
              ref.token() >= target->export_static_methods[ref.class_token()].size() ||
              target->export_static_methods[ref.class_token()][ref.token()] == nullptr) {
            fail(LoadError::Code::link,
                 fmt::format("{}: {}: package {} class token {} exports no static method {}", name,
                             what, target->aid.to_hex(), ref.class_token(), ref.token()));
          }
          resolved.method = target->export_static_methods[ref.class_token()][ref.token()];
        } else {
          resolved.method = method_at(ref.offset(), what.c_str());
        }
        break;
      }
    }
  }

  // Exception handlers, made relative to the method that contains them.
  for (std::size_t i = 0; i < cap.methods.handlers.size(); ++i) {
    const cap::ExceptionHandler& handler = cap.methods.handlers[i];
    Method* owner = nullptr;
    std::size_t code_start = 0;
    for (const cap::MethodLocation& location : cap.method_locations) {
      if (handler.start_offset >= location.bytecode_offset &&
          handler.start_offset < location.bytecode_offset + location.bytecode_count) {
        owner = methods_by_offset.at(location.offset);
        code_start = location.bytecode_offset;
      }
    }
    const std::size_t end = std::size_t{handler.start_offset} + handler.active_length;
    if (owner == nullptr || end > code_start + owner->code_length ||
        handler.handler_offset < code_start ||
        handler.handler_offset >= code_start + owner->code_length) {
      fail(LoadError::Code::verification,
           fmt::format(
               "{}: Method component: exception handler {} (start {:#x}, length {}, handler {:#x}) "
               "is not inside one method",
               name, i, handler.start_offset, handler.active_length, handler.handler_offset));
    }
    Handler resolved;
    resolved.start = static_cast<std::uint16_t>(handler.start_offset - code_start);
    resolved.end = static_cast<std::uint16_t>(end - code_start);
    resolved.target = static_cast<std::uint16_t>(handler.handler_offset - code_start);
    if (handler.catch_type_index != 0) {
      if (handler.catch_type_index >= p->constant_pool.size() ||
          p->constant_pool[handler.catch_type_index].kind != CpKind::class_ref) {
        fail(LoadError::Code::verification,
             fmt::format("{}: exception handler {} catch type {} is not a Classref", name, i,
                         handler.catch_type_index));
      }
      resolved.catch_type = p->constant_pool[handler.catch_type_index].class_ref;
    }
    owner->handlers.push_back(resolved);
  }

  // Exports (for packages that import this one) and applets.
  if (cap.exports) {
    p->export_classes.resize(cap.exports->classes.size(), nullptr);
    p->export_static_fields.resize(cap.exports->classes.size());
    p->export_static_methods.resize(cap.exports->classes.size());
    for (std::size_t token = 0; token < cap.exports->classes.size(); ++token) {
      const cap::ClassExport& exported = cap.exports->classes[token];
      p->export_classes[token] =
          resolve_class(cap::ClassRef::internal(exported.class_offset), "an exported class");
      for (std::uint16_t offset : exported.static_field_offsets) {
        if (offset >= cap_image_size)
          fail(LoadError::Code::link,
               fmt::format("{}: exported static field outside the image", name));
        if (offset < reference_count * 2 && (offset & 1) != 0) {
          fail(LoadError::Code::link,
               fmt::format("{}: exported static field offset {} is not the start of a reference "
                           "field",
                           name, offset));
        }
        p->export_static_fields[token].push_back(static_offset(offset));
      }
      for (std::uint16_t offset : exported.static_method_offsets) {
        p->export_static_methods[token].push_back(method_at(offset, "an exported static method"));
      }
    }
  }
  if (cap.applets) {
    for (const cap::AppletInfo& info : cap.applets->applets) {
      AppletClass applet;
      applet.aid = aid_of_bytes(info.aid, "applet");
      applet.install_method_offset = info.install_method_offset;
      applet.install = method_at(info.install_method_offset, "an applet's install method");
      if (applet.install->nargs != 3) {
        fail(LoadError::Code::link,
             fmt::format("{}: install method of applet {} takes {} words, expected 3", name,
                         applet.aid.to_hex(), applet.install->nargs));
      }
      p->applets.push_back(applet);
    }
  }

  verify_package(cap, *p, VerifierOptions{config_.int_support}, name);

  // Store: the static image, the CAP itself, and the table slot last as the commit point.
  try {
    if (fresh) {
      const ContextId saved = context_;
      context_ = p->context;
      struct RestoreContext {
        Machine& machine;
        ContextId context;
        ~RestoreContext() { machine.context_ = context; }
      } restore{*this, saved};
      statics =
          store_.allocate(store::ObjectHeader{object_kind::kStaticImage, 0, p->context, p->index},
                          p->static_image_size);
      p->statics = statics;
      Bytes initial(cap.static_fields.non_default_values);
      const std::uint32_t values_at = cap_image_size - static_cast<std::uint32_t>(initial.size());
      if (!initial.empty()) store_.write(statics, static_offset(values_at), initial);
      for (std::size_t i = 0; i < cap.static_fields.array_init.size() && i < reference_count; ++i) {
        const cap::ArrayInit& init = cap.static_fields.array_init[i];
        const ArrayType type = array_type_of_init(init.type);
        const std::uint32_t count =
            static_cast<std::uint32_t>(init.values.size()) / element_size(type);
        Ref array = allocate_array(type, static_cast<std::int32_t>(count), nullptr, 0);
        store_.write(array, 0, ByteView(init.values).first(count * element_size(type)));
        std::uint8_t ref[4];
        put_u32(ref, 0, array);
        store_.write(statics, static_cast<std::uint32_t>(i * 4), ref);
      }
      image =
          store_.allocate(store::ObjectHeader{object_kind::kPackageImage, 0, p->context, p->index},
                          static_cast<std::uint32_t>(bytes.size()));
      store_.write(image, 0, bytes);
      PackageSlot slot;
      slot.slot = free_slot(false);
      slot.index = p->index;
      slot.image = image;
      slot.statics = statics;
      slot.aid = aid;
      write_package_slot(slot);
      p->table_slot = slot.slot;
      ++next_package_index_;
    } else {
      if (!store_.valid(statics) || store_.size(statics) != p->static_image_size) {
        fail(LoadError::Code::format,
             fmt::format("{}: the stored static field image does not match the CAP", name));
      }
    }
  } catch (const store::OutOfMemory& e) {
    collect_garbage();
    fail(LoadError::Code::out_of_memory,
         fmt::format("{}: not enough persistent memory: {}", name, e.what()));
  } catch (const JavaThrow&) {
    collect_garbage();
    fail(LoadError::Code::out_of_memory,
         fmt::format("{}: not enough persistent memory for its static arrays", name));
  }
  p->image = image;
  p->statics = statics;
  if (packages_.size() <= p->index) packages_.resize(std::size_t{p->index} + 1);
  packages_[p->index] = std::move(package);
  return p;
}

// Re-links a package at power-up from the CAP kept in the store.
void Machine::relink_package(const PackageSlot& slot) {
  try {
    if (!store_.valid(slot.image)) throw LoadError(LoadError::Code::format, "CAP image missing");
    ByteView bytes = store_.view(slot.image);
    cap::CapFile cap = cap::read_cap(bytes);
    Package* package = link_cap(cap, bytes, slot.index, slot.image, slot.statics);
    package->table_slot = slot.slot;
  } catch (const std::exception& e) {
    log::get("vm")->error("package {} in the store cannot be linked again and is unavailable: {}",
                          slot.aid.to_hex(), e.what());
  }
}

}  // namespace uicc::vm::detail
