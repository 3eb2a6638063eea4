#include "test/vm/runtime/cap_builder.h"

namespace uicc::vm::test {

cap::CapFile CapBuilder::build() {
  cap::CapFile cap = cap_;

  // Method component: handler table, then each method_info (JCVM 3.0.5 §6.10). A method whose
  // counts exceed 15 gets the extended header.
  const std::size_t methods_start = 1 + 8 * handlers_.size();
  method_offsets_.clear();
  Bytes area;
  std::vector<std::uint16_t> bytecode_offsets;
  for (const MethodSpec& method : methods_) {
    const auto offset = static_cast<std::uint16_t>(methods_start + area.size());
    method_offsets_.push_back(offset);
    cap::MethodLocation location;
    location.offset = offset;
    const bool extended = method.max_stack > 15 || method.nargs > 15 || method.max_locals > 15;
    location.header.flags =
        static_cast<std::uint8_t>((extended ? cap::method_flags::kExtended : 0) |
                                  (method.is_abstract ? cap::method_flags::kAbstract : 0));
    location.header.max_stack = method.max_stack;
    location.header.nargs = method.nargs;
    location.header.max_locals = method.max_locals;
    if (extended) {
      area.push_back(static_cast<std::uint8_t>(location.header.flags << 4));
      area.push_back(method.max_stack);
      area.push_back(method.nargs);
      area.push_back(method.max_locals);
    } else {
      area.push_back(static_cast<std::uint8_t>((location.header.flags << 4) | method.max_stack));
      area.push_back(static_cast<std::uint8_t>((method.nargs << 4) | method.max_locals));
    }
    location.bytecode_offset = static_cast<std::uint16_t>(methods_start + area.size());
    location.bytecode_count = static_cast<std::uint16_t>(method.code.size());
    bytecode_offsets.push_back(location.bytecode_offset);
    area.insert(area.end(), method.code.begin(), method.code.end());
    cap.method_locations.push_back(location);
  }
  cap.methods.method_area = area;
  for (const HandlerSpec& handler : handlers_) {
    const std::uint16_t base = bytecode_offsets.at(static_cast<std::size_t>(handler.method));
    cap::ExceptionHandler h;
    h.start_offset = static_cast<std::uint16_t>(base + handler.start);
    h.active_length = static_cast<std::uint16_t>(handler.end - handler.start);
    h.handler_offset = static_cast<std::uint16_t>(base + handler.target);
    h.catch_type_index = handler.catch_type;
    cap.methods.handlers.push_back(h);
  }

  // Class component: u2 signature pool length (empty), interfaces, then classes (§6.9).
  class_offsets_.assign(classes_.size(), 0);
  std::size_t at = 2;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < classes_.size(); ++i) {
      const ClassSpec& spec = classes_[i];
      if (spec.is_interface != (pass == 0)) continue;
      class_offsets_[i] = static_cast<std::uint16_t>(at);
      if (spec.is_interface) {
        at += 1 + 2 * spec.superinterfaces.size();
      } else {
        at += 10 + 2 * (spec.public_methods.size() + spec.package_methods.size());
        for (const auto& implemented : spec.interfaces) at += 3 + implemented.index.size();
      }
    }
  }
  auto class_ref_of = [&](int internal, cap::ClassRef external) {
    return internal >= 0
               ? cap::ClassRef::internal(class_offsets_[static_cast<std::size_t>(internal)])
               : external;
  };
  for (std::size_t i = 0; i < classes_.size(); ++i) {
    const ClassSpec& spec = classes_[i];
    if (spec.is_interface) {
      cap::InterfaceInfo info;
      info.offset = class_offsets_[i];
      info.flags = static_cast<std::uint8_t>(cap::class_flags::kInterface |
                                             (spec.shareable ? cap::class_flags::kShareable : 0));
      info.superinterfaces = spec.superinterfaces;
      cap.classes.interfaces.push_back(info);
      continue;
    }
    cap::ClassInfo info;
    info.offset = class_offsets_[i];
    info.super_class = class_ref_of(spec.internal_super, spec.super_class);
    info.declared_instance_size = spec.declared_instance_size;
    info.first_reference_token = spec.first_reference_token;
    info.reference_count = spec.reference_count;
    info.public_method_table_base = spec.public_base;
    info.package_method_table_base = spec.package_base;
    for (int method : spec.public_methods) {
      info.public_virtual_method_table.push_back(
          method < 0 ? 0xFFFF : method_offsets_[static_cast<std::size_t>(method)]);
    }
    for (int method : spec.package_methods) {
      info.package_virtual_method_table.push_back(
          method < 0 ? 0xFFFF : method_offsets_[static_cast<std::size_t>(method)]);
    }
    for (const auto& implemented : spec.interfaces) {
      info.interfaces.push_back(
          {class_ref_of(implemented.internal_interface, implemented.interface_ref),
           implemented.index});
    }
    cap.classes.classes.push_back(info);
  }

  // Constant pool entries that name internal classes and methods.
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const Pending& p = pending_[i];
    auto& entry = cap.constant_pool.entries[i];
    switch (p.kind) {
      case Pending::kNone:
        break;
      case Pending::kClass:
        entry = cap::ConstantPoolEntry::classref(
            cap::ClassRef::internal(class_offsets_[static_cast<std::size_t>(p.target)]));
        break;
      case Pending::kStaticMethod:
        entry = cap::ConstantPoolEntry::static_member(
            cap::ConstantTag::kStaticMethodref,
            cap::StaticRef::internal(method_offsets_[static_cast<std::size_t>(p.target)]));
        break;
      case Pending::kField:
        entry = cap::ConstantPoolEntry::member(
            cap::ConstantTag::kInstanceFieldref,
            cap::ClassRef::internal(class_offsets_[static_cast<std::size_t>(p.target)]), p.token);
        break;
      case Pending::kVirtual:
        entry = cap::ConstantPoolEntry::member(
            cap::ConstantTag::kVirtualMethodref,
            cap::ClassRef::internal(class_offsets_[static_cast<std::size_t>(p.target)]), p.token);
        break;
      case Pending::kSuper:
        entry = cap::ConstantPoolEntry::member(
            cap::ConstantTag::kSuperMethodref,
            cap::ClassRef::internal(class_offsets_[static_cast<std::size_t>(p.target)]), p.token);
        break;
    }
  }

  if (!applets_.empty()) {
    cap.applets = cap::AppletComponent{};
    for (const auto& [aid, method] : applets_) {
      cap.applets->applets.push_back({aid, method_offsets_[static_cast<std::size_t>(method)]});
    }
  }
  if (!exports_.empty()) {
    cap.exports = cap::ExportComponent{};
    for (const auto& [cls, statics] : exports_) {
      cap::ClassExport exported;
      exported.class_offset = class_offsets_[static_cast<std::size_t>(cls)];
      for (int method : statics)
        exported.static_method_offsets.push_back(method_offsets_[static_cast<std::size_t>(method)]);
      cap.exports->classes.push_back(exported);
    }
  }
  cap.directory.import_count = static_cast<std::uint8_t>(cap.imports.packages.size());
  cap.directory.applet_count = static_cast<std::uint8_t>(applets_.size());
  return cap;
}

}  // namespace uicc::vm::test
