// Structural checks of a CAP file that need no linking: sizes and counts against the
// Directory, every offset against the component it points into, constant pool entries, and,
// when method boundaries are known, the bytecode against the Reference Location component.
// Java Card 3.0.5 Virtual Machine Specification §6.4-§6.15.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "vm/cap/bytecode.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::cap {
namespace {

[[noreturn]] void fail(ComponentTag tag, std::string_view message) {
  throw FormatError(
      fmt::format("{} component: {}", component_name(static_cast<std::uint8_t>(tag)), message));
}

std::uint32_t encoded_info_size(const CapFile& cap, ComponentTag tag) {
  const std::size_t header =
      has_u4_size(static_cast<std::uint8_t>(tag), cap.header.version) ? 5 : 3;
  return static_cast<std::uint32_t>(encode_component(cap, tag).size() - header);
}

class Checker {
 public:
  explicit Checker(const CapFile& cap) : cap_(cap) {
    for (const InterfaceInfo& entry : cap.classes.interfaces) interfaces_.insert(entry.offset);
    for (const ClassInfo& entry : cap.classes.classes) classes_.insert(entry.offset);
  }

  void run() {
    check_header();
    check_directory();
    check_applets();
    check_imports();
    check_constant_pool();
    check_classes();
    check_methods();
    check_static_fields();
    check_reference_locations();
    check_exports();
    check_descriptor();
    check_debug();
  }

 private:
  // A class_ref from another component: external with a known package token, or the offset
  // of an interface_info or class_info.
  void check_class_ref(ClassRef ref, ComponentTag where, std::string_view what) const {
    if (ref.is_external()) {
      if (ref.package_token() >= cap_.imports.packages.size()) {
        fail(where, fmt::format("{} refers to package token {}, but {} packages are imported", what,
                                ref.package_token(), cap_.imports.packages.size()));
      }
      return;
    }
    if (interfaces_.count(ref.offset()) == 0 && classes_.count(ref.offset()) == 0) {
      fail(where, fmt::format("{} class_ref 0x{:04X} is not the offset of a class or interface in "
                              "the Class component",
                              what, ref.value));
    }
  }

  void check_interface_ref(ClassRef ref, ComponentTag where, std::string_view what) const {
    check_class_ref(ref, where, what);
    if (!ref.is_external() && interfaces_.count(ref.offset()) == 0) {
      fail(where,
           fmt::format("{} class_ref 0x{:04X} is a class, not an interface", what, ref.value));
    }
  }

  void check_method_offset(std::size_t offset, ComponentTag where, std::string_view what) const {
    const MethodComponent& methods = cap_.methods;
    if (offset < methods.methods_offset() || offset + 2 > methods.info_size()) {
      fail(where, fmt::format("{} method offset 0x{:X} outside the method area 0x{:X}-0x{:X} of "
                              "the Method component",
                              what, offset, methods.methods_offset(), methods.info_size()));
    }
  }

  void check_static_field_offset(std::size_t offset, ComponentTag where,
                                 std::string_view what) const {
    if (offset >= cap_.static_fields.image_size) {
      fail(where, fmt::format("{} static field offset 0x{:X} beyond the static field image of "
                              "0x{:X} bytes",
                              what, offset, cap_.static_fields.image_size));
    }
  }

  void check_header() const {
    const HeaderComponent& header = cap_.header;
    if (header.has_flag(header_flags::kApplet) != cap_.applets.has_value()) {
      fail(ComponentTag::kHeader,
           fmt::format("ACC_APPLET flag is {} but the Applet component is {}",
                       header.has_flag(header_flags::kApplet) ? 1 : 0,
                       cap_.applets ? "present" : "absent"));
    }
    if (header.has_flag(header_flags::kExport) != cap_.exports.has_value()) {
      fail(ComponentTag::kHeader,
           fmt::format("ACC_EXPORT flag is {} but the Export component is {}",
                       header.has_flag(header_flags::kExport) ? 1 : 0,
                       cap_.exports ? "present" : "absent"));
    }
    // A missing package name in format 2.2 or later is written as an empty one, but format 2.1
    // has no place for it.
    if (!header.version.at_least(2, 2) && header.package_name.value_or("") != "") {
      fail(ComponentTag::kHeader, "package name given for CAP format 2.1, which has none");
    }
    if (cap_.debug && !header.version.at_least(2, 2)) {
      fail(ComponentTag::kDebug, "present in a CAP file of format 2.1, which has none");
    }
    if (cap_.static_resources && !header.version.at_least(2, 3)) {
      fail(ComponentTag::kStaticResources, "present in a CAP file of format before 2.3");
    }
  }

  void check_component_size(ComponentTag tag, bool present, bool may_be_stripped) const {
    const std::uint32_t listed = cap_.directory.size_of(tag);
    const std::string_view name = component_name(static_cast<std::uint8_t>(tag));
    if (present) {
      const std::uint32_t actual = encoded_info_size(cap_, tag);
      if (listed != actual) {
        fail(ComponentTag::kDirectory,
             fmt::format("size of the {} component is 0x{:X}, but the component has 0x{:X} bytes",
                         name, listed, actual));
      }
    } else if (listed != 0 && !may_be_stripped) {
      fail(ComponentTag::kDirectory,
           fmt::format("size of the {} component is 0x{:X}, but the component is absent", name,
                       listed));
    }
  }

  void check_directory() const {
    const DirectoryComponent& directory = cap_.directory;
    for (ComponentTag tag :
         {ComponentTag::kHeader, ComponentTag::kDirectory, ComponentTag::kImport,
          ComponentTag::kConstantPool, ComponentTag::kClass, ComponentTag::kMethod,
          ComponentTag::kStaticField, ComponentTag::kReferenceLocation}) {
      check_component_size(tag, true, false);
    }
    check_component_size(ComponentTag::kApplet, cap_.applets.has_value(), false);
    check_component_size(ComponentTag::kExport, cap_.exports.has_value(), false);
    // A load file leaves the Descriptor and Debug components out, while the Directory still
    // gives the sizes they had in the CAP file.
    check_component_size(ComponentTag::kDescriptor, cap_.descriptor.has_value(), true);
    if (cap_.header.version.at_least(2, 2)) {
      check_component_size(ComponentTag::kDebug, cap_.debug.has_value(), true);
    }
    if (cap_.header.version.at_least(2, 3)) {
      check_component_size(ComponentTag::kStaticResources, cap_.static_resources.has_value(),
                           false);
    }

    if (directory.import_count != cap_.imports.packages.size()) {
      fail(ComponentTag::kDirectory,
           fmt::format("import_count {} but the Import component lists {} packages",
                       directory.import_count, cap_.imports.packages.size()));
    }
    const std::size_t applets = cap_.applets ? cap_.applets->applets.size() : 0;
    if (directory.applet_count != applets) {
      fail(ComponentTag::kDirectory,
           fmt::format("applet_count {} but the Applet component lists {} applets",
                       directory.applet_count, applets));
    }
    const StaticFieldSizeInfo& sizes = directory.static_field_size;
    std::size_t array_bytes = 0;
    for (const ArrayInit& array : cap_.static_fields.array_init) array_bytes += array.values.size();
    if (sizes.image_size != cap_.static_fields.image_size ||
        sizes.array_init_count != cap_.static_fields.array_init.size() ||
        sizes.array_init_size != array_bytes) {
      fail(ComponentTag::kDirectory,
           fmt::format("static_field_size (image {}, {} arrays, {} array bytes) does not match "
                       "the Static Field component (image {}, {} arrays, {} array bytes)",
                       sizes.image_size, sizes.array_init_count, sizes.array_init_size,
                       cap_.static_fields.image_size, cap_.static_fields.array_init.size(),
                       array_bytes));
    }
    for (const RawComponent& custom : cap_.custom_components) {
      if (custom.tag < kFirstCustomTag) continue;
      auto listed =
          std::find_if(directory.custom_components.begin(), directory.custom_components.end(),
                       [&](const CustomComponentInfo& info) { return info.tag == custom.tag; });
      if (listed != directory.custom_components.end() && listed->size != custom.info.size()) {
        fail(ComponentTag::kDirectory,
             fmt::format("custom component {} has size 0x{:X}, but the component has 0x{:X} bytes",
                         custom.tag, listed->size, custom.info.size()));
      }
    }
  }

  void check_applets() const {
    if (!cap_.applets) return;
    const std::vector<AppletInfo>& applets = cap_.applets->applets;
    for (std::size_t i = 0; i < applets.size(); ++i) {
      const AppletInfo& applet = applets[i];
      check_method_offset(applet.install_method_offset, ComponentTag::kApplet,
                          fmt::format("applet {} install", i));
      // JCVM 3.0.5 §6.6: all applet AIDs of a package share one RID, their first 5 bytes.
      if (!std::equal(applet.aid.begin(), applet.aid.begin() + kMinAidLength,
                      applets[0].aid.begin())) {
        fail(ComponentTag::kApplet,
             fmt::format("applet {} AID {} has another RID than applet 0 AID {}", i,
                         to_hex(applet.aid), to_hex(applets[0].aid)));
      }
      for (std::size_t k = 0; k < i; ++k) {
        if (applets[k].aid == applet.aid) {
          fail(ComponentTag::kApplet,
               fmt::format("applets {} and {} have the same AID {}", k, i, to_hex(applet.aid)));
        }
      }
    }
  }

  void check_imports() const {
    const std::vector<PackageInfo>& packages = cap_.imports.packages;
    // JCVM 3.0.5 §4.3.7.1: package tokens are 0-127.
    if (packages.size() > 128) {
      fail(ComponentTag::kImport, fmt::format("{} packages, at most 128", packages.size()));
    }
    for (std::size_t i = 0; i < packages.size(); ++i) {
      if (packages[i].aid == cap_.header.package.aid) {
        fail(ComponentTag::kImport,
             fmt::format("package {} is the package itself ({})", i, to_hex(packages[i].aid)));
      }
      for (std::size_t k = 0; k < i; ++k) {
        if (packages[k].aid == packages[i].aid) {
          fail(ComponentTag::kImport, fmt::format("packages {} and {} have the same AID {}", k, i,
                                                  to_hex(packages[i].aid)));
        }
      }
    }
  }

  void check_constant_pool() const {
    const std::vector<ConstantPoolEntry>& entries = cap_.constant_pool.entries;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const ConstantPoolEntry& entry = entries[i];
      const std::string what = fmt::format("entry {} ({})", i, constant_tag_name(entry.tag));
      switch (entry.tag) {
        case ConstantTag::kClassref:
          check_class_ref(entry.class_ref(), ComponentTag::kConstantPool, what);
          if (entry.info[2] != 0) {
            fail(ComponentTag::kConstantPool,
                 fmt::format("{} padding 0x{:02X}, expected 0", what, entry.info[2]));
          }
          break;
        case ConstantTag::kInstanceFieldref:
        case ConstantTag::kVirtualMethodref:
        case ConstantTag::kSuperMethodref:
          check_class_ref(entry.class_ref(), ComponentTag::kConstantPool, what);
          // A package-visible method (token with the high bit set) belongs to this package.
          if (entry.tag != ConstantTag::kInstanceFieldref && (entry.token() & 0x80) != 0 &&
              entry.class_ref().is_external()) {
            fail(ComponentTag::kConstantPool,
                 fmt::format("{} package-visible token 0x{:02X} on an external class", what,
                             entry.token()));
          }
          break;
        case ConstantTag::kStaticFieldref:
        case ConstantTag::kStaticMethodref:
          check_static_ref(entry, what);
          break;
      }
    }
  }

  void check_static_ref(const ConstantPoolEntry& entry, const std::string& what) const {
    const StaticRef ref = entry.static_ref();
    if (ref.is_external()) {
      if (ref.package_token() >= cap_.imports.packages.size()) {
        fail(ComponentTag::kConstantPool,
             fmt::format("{} refers to package token {}, but {} packages are imported", what,
                         ref.package_token(), cap_.imports.packages.size()));
      }
      return;
    }
    // The compact format keeps the padding byte (method_info_block_index in 2.3) at zero.
    if (ref.padding() != 0) {
      fail(ComponentTag::kConstantPool,
           fmt::format("{} padding 0x{:02X}, expected 0", what, ref.padding()));
    }
    if (entry.tag == ConstantTag::kStaticFieldref) {
      check_static_field_offset(ref.offset(), ComponentTag::kConstantPool, what);
    } else {
      check_method_offset(ref.offset(), ComponentTag::kConstantPool, what);
    }
  }

  void check_classes() const {
    const ClassComponent& component = cap_.classes;
    for (const InterfaceInfo& entry : component.interfaces) {
      const std::string what = fmt::format("interface at 0x{:04X}", entry.offset);
      for (ClassRef super : entry.superinterfaces) {
        check_interface_ref(super, ComponentTag::kClass, what + " superinterface");
      }
    }
    for (const ClassInfo& entry : component.classes) {
      const std::string what = fmt::format("class at 0x{:04X}", entry.offset);
      if (!entry.super_class.is_none()) {
        check_class_ref(entry.super_class, ComponentTag::kClass, what + " superclass");
        if (!entry.super_class.is_external() && classes_.count(entry.super_class.offset()) == 0) {
          fail(ComponentTag::kClass, fmt::format("{} superclass 0x{:04X} is an interface", what,
                                                 entry.super_class.value));
        }
      }
      for (std::uint16_t offset : entry.public_virtual_method_table) {
        check_method_offset(offset, ComponentTag::kClass, what + " public virtual method");
      }
      for (std::uint16_t offset : entry.package_virtual_method_table) {
        check_method_offset(offset, ComponentTag::kClass, what + " package virtual method");
      }
      for (const ImplementedInterface& implemented : entry.interfaces) {
        check_interface_ref(implemented.interface_ref, ComponentTag::kClass,
                            what + " implemented interface");
      }
      if (entry.remote_interfaces) {
        for (const RemoteMethodInfo& method : entry.remote_interfaces->remote_methods) {
          const bool found = std::any_of(
              component.signature_pool.begin(), component.signature_pool.end(),
              [&](const PooledType& type) { return type.offset == method.signature_offset; });
          if (!found) {
            fail(ComponentTag::kClass,
                 fmt::format("{} remote method signature offset 0x{:X} is not in the signature "
                             "pool",
                             what, method.signature_offset));
          }
        }
      }
    }
  }

  void check_methods() const {
    const MethodComponent& methods = cap_.methods;
    const std::size_t end = methods.info_size();
    for (std::size_t i = 0; i < methods.handlers.size(); ++i) {
      const ExceptionHandler& handler = methods.handlers[i];
      const std::size_t handler_end = std::size_t{handler.start_offset} + handler.active_length;
      if (handler.start_offset < methods.methods_offset()) {
        fail(ComponentTag::kMethod,
             fmt::format("handler {} start offset 0x{:X} inside the handler table", i,
                         handler.start_offset));
      }
      if (handler_end > end) {
        fail(ComponentTag::kMethod,
             fmt::format("handler {} end offset 0x{:X} beyond method area of 0x{:X} bytes", i,
                         handler_end, end));
      }
      if (handler.handler_offset < methods.methods_offset() || handler.handler_offset >= end) {
        fail(ComponentTag::kMethod,
             fmt::format("handler {} handler offset 0x{:X} outside the method area 0x{:X}-0x{:X}",
                         i, handler.handler_offset, methods.methods_offset(), end));
      }
      if (handler.catch_type_index != 0) {
        if (handler.catch_type_index >= cap_.constant_pool.entries.size() ||
            cap_.constant_pool.entries[handler.catch_type_index].tag != ConstantTag::kClassref) {
          fail(ComponentTag::kMethod,
               fmt::format("handler {} catch type index {} is not a Classref in the constant pool "
                           "of {} entries",
                           i, handler.catch_type_index, cap_.constant_pool.entries.size()));
        }
      }
      // JCVM 3.0.5 §6.10: handlers are sorted by handler offset, so the first match wins.
      if (i > 0 && handler.handler_offset < methods.handlers[i - 1].handler_offset) {
        fail(ComponentTag::kMethod,
             fmt::format("handler {} handler offset 0x{:X} below handler {}'s 0x{:X}; the table "
                         "must be sorted by handler offset",
                         i, handler.handler_offset, i - 1, methods.handlers[i - 1].handler_offset));
      }
    }
  }

  void check_static_fields() const {
    const StaticFieldComponent& fields = cap_.static_fields;
    // JCVM 3.0.5 §6.11: two bytes per reference, then the primitive segments.
    const std::size_t expected = std::size_t{fields.reference_count} * 2 +
                                 fields.default_value_count + fields.non_default_values.size();
    if (fields.image_size != expected) {
      fail(ComponentTag::kStaticField,
           fmt::format("image_size {} differs from 2 x {} references + {} default + {} "
                       "non-default bytes = {}",
                       fields.image_size, fields.reference_count, fields.default_value_count,
                       fields.non_default_values.size(), expected));
    }
    if (fields.array_init.size() > fields.reference_count) {
      fail(ComponentTag::kStaticField,
           fmt::format("{} initialized arrays but only {} reference fields",
                       fields.array_init.size(), fields.reference_count));
    }
    for (std::size_t i = 0; i < fields.array_init.size(); ++i) {
      const ArrayInit& array = fields.array_init[i];
      const std::size_t element = array.type == array_init_type::kShort ? 2
                                  : array.type == array_init_type::kInt ? 4
                                                                        : 1;
      if (array.values.size() % element != 0) {
        fail(ComponentTag::kStaticField,
             fmt::format("array_init {} of type {} has {} bytes, not a multiple of {}", i,
                         array.type, array.values.size(), element));
      }
    }
  }

  void check_reference_locations() const {
    const std::size_t end = cap_.methods.info_size();
    const auto check = [&](const std::vector<std::uint16_t>& offsets, std::size_t width,
                           std::string_view list) {
      for (std::size_t i = 0; i < offsets.size(); ++i) {
        if (offsets[i] == 0 || offsets[i] + width > end) {
          fail(ComponentTag::kReferenceLocation,
               fmt::format("{} entry {} offset 0x{:X} outside the Method component of 0x{:X} bytes",
                           list, i, offsets[i], end));
        }
        if (i > 0 && offsets[i] <= offsets[i - 1]) {
          fail(ComponentTag::kReferenceLocation,
               fmt::format("{} entry {} offset 0x{:X} not above the previous 0x{:X}", list, i,
                           offsets[i], offsets[i - 1]));
        }
      }
    };
    check(cap_.reference_locations.byte_index_offsets, 1, "offsets_to_byte_indices");
    check(cap_.reference_locations.byte2_index_offsets, 2, "offsets_to_byte2_indices");
  }

  void check_exports() const {
    if (!cap_.exports) return;
    const bool applet_package = cap_.header.has_flag(header_flags::kApplet);
    for (std::size_t i = 0; i < cap_.exports->classes.size(); ++i) {
      const ClassExport& entry = cap_.exports->classes[i];
      const std::string what = fmt::format("class token {}", i);
      check_class_ref(ClassRef::internal(entry.class_offset), ComponentTag::kExport, what);
      const InterfaceInfo* interface = cap_.classes.find_interface(entry.class_offset);
      if (interface != nullptr && !entry.static_method_offsets.empty()) {
        fail(ComponentTag::kExport, fmt::format("{} is an interface with static methods", what));
      }
      // JCVM 3.0.5 §6.13: an applet package exports only its shareable interfaces.
      if (applet_package &&
          (interface == nullptr || (interface->flags & class_flags::kShareable) == 0)) {
        fail(ComponentTag::kExport,
             fmt::format("{} at 0x{:04X} is not a shareable interface, the only kind an applet "
                         "package exports",
                         what, entry.class_offset));
      }
      for (std::uint16_t offset : entry.static_field_offsets) {
        check_static_field_offset(offset, ComponentTag::kExport, what);
      }
      for (std::uint16_t offset : entry.static_method_offsets) {
        check_method_offset(offset, ComponentTag::kExport, what);
      }
    }
  }

  void check_field_type(FieldType type, const DescriptorComponent& descriptor,
                        const std::string& what) const {
    if (type.is_primitive()) {
      if (type.primitive() < 2 || type.primitive() > 5) {
        fail(ComponentTag::kDescriptor,
             fmt::format("{} primitive type 0x{:04X}, expected 0x8002-0x8005", what, type.value));
      }
    } else if (descriptor.find_type(type.reference_offset()) == nullptr) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} type offset 0x{:X} is not a type descriptor", what, type.value));
    }
  }

  void check_descriptor() const {
    if (!cap_.descriptor) return;
    const DescriptorComponent& descriptor = *cap_.descriptor;
    const std::size_t entries = interfaces_.size() + classes_.size();
    if (descriptor.classes.size() != entries) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} classes described, but the Class component has {}",
                       descriptor.classes.size(), entries));
    }
    for (const ClassDescriptor& entry : descriptor.classes) {
      const std::string what = fmt::format("class at 0x{:04X}", entry.this_class.value);
      if (entry.this_class.is_external()) {
        fail(ComponentTag::kDescriptor, what + " is an external class_ref");
      }
      check_class_ref(entry.this_class, ComponentTag::kDescriptor, what);
      for (ClassRef ref : entry.interfaces) {
        check_interface_ref(ref, ComponentTag::kDescriptor, what + " interface");
      }
      for (std::size_t i = 0; i < entry.fields.size(); ++i) {
        const FieldDescriptor& field = entry.fields[i];
        const std::string field_what = fmt::format("{} field {}", what, i);
        if (field.is_static()) {
          const StaticRef ref = field.static_field();
          if (ref.is_external()) fail(ComponentTag::kDescriptor, field_what + " is external");
          check_static_field_offset(ref.offset(), ComponentTag::kDescriptor, field_what);
        }
        check_field_type(field.type, descriptor, field_what);
      }
      for (std::size_t i = 0; i < entry.methods.size(); ++i) {
        check_method_descriptor(entry, entry.methods[i], fmt::format("{} method {}", what, i));
      }
    }
    if (descriptor.constant_pool_types.size() != cap_.constant_pool.entries.size()) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} constant pool types for {} constant pool entries",
                       descriptor.constant_pool_types.size(), cap_.constant_pool.entries.size()));
    }
    for (std::size_t i = 0; i < descriptor.constant_pool_types.size(); ++i) {
      const std::uint16_t type = descriptor.constant_pool_types[i];
      const bool is_class = cap_.constant_pool.entries[i].tag == ConstantTag::kClassref;
      if (is_class ? type != 0xFFFF : descriptor.find_type(type) == nullptr) {
        fail(ComponentTag::kDescriptor,
             fmt::format("constant pool type {} is 0x{:04X}, expected {}", i, type,
                         is_class ? "0xFFFF for a Classref" : "a type descriptor offset"));
      }
    }
  }

  void check_method_descriptor(const ClassDescriptor& owner, const MethodDescriptor& method,
                               const std::string& what) const {
    const DescriptorComponent& descriptor = *cap_.descriptor;
    if (descriptor.find_type(method.type_offset) == nullptr) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} type offset 0x{:X} is not a type descriptor", what, method.type_offset));
    }
    if (std::size_t{method.exception_handler_index} + method.exception_handler_count >
        cap_.methods.handlers.size()) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} handlers {}+{} beyond the {} handlers of the Method component", what,
                       method.exception_handler_index, method.exception_handler_count,
                       cap_.methods.handlers.size()));
    }
    // Interface methods have no method_info (JCVM 3.0.5 §6.10).
    if (owner.is_interface()) return;
    check_method_offset(method.method_offset, ComponentTag::kDescriptor, what);
    const MethodHeader header = cap_.methods.header_at(method.method_offset);
    const std::size_t end = method.method_offset + header.size() + method.bytecode_count;
    if (end > cap_.methods.info_size()) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} at 0x{:X} with {} bytecode bytes ends at 0x{:X}, beyond the Method "
                       "component of 0x{:X} bytes",
                       what, method.method_offset, method.bytecode_count, end,
                       cap_.methods.info_size()));
    }
    const bool abstract = (method.access_flags & descriptor_flags::kMethodAbstract) != 0;
    if (abstract != header.is_abstract() || (abstract && method.bytecode_count != 0)) {
      fail(ComponentTag::kDescriptor,
           fmt::format("{} at 0x{:X}: abstract flag and {} bytecode bytes disagree with the method "
                       "header",
                       what, method.method_offset, method.bytecode_count));
    }
  }

  void check_debug() const {
    if (!cap_.debug) return;
    const DebugComponent& debug = *cap_.debug;
    const auto check_index = [&](std::uint16_t index, std::string_view what) {
      if (index >= debug.strings.size()) {
        fail(ComponentTag::kDebug, fmt::format("{} string index {} beyond the {} strings", what,
                                               index, debug.strings.size()));
      }
    };
    check_index(debug.package_name_index, "package name");
    for (const ClassDebugInfo& entry : debug.classes) {
      check_index(entry.name_index, "class name");
      check_index(entry.superclass_name_index, "superclass name");
      check_index(entry.source_file_index, "source file");
      for (std::uint16_t index : entry.interface_name_indexes) check_index(index, "interface name");
      for (const FieldDebugInfo& field : entry.fields) {
        check_index(field.name_index, "field name");
        check_index(field.descriptor_index, "field descriptor");
      }
      for (const MethodDebugInfo& method : entry.methods) {
        check_index(method.name_index, "method name");
        check_index(method.descriptor_index, "method descriptor");
        for (const VariableInfo& variable : method.variable_table) {
          check_index(variable.name_index, "variable name");
          check_index(variable.descriptor_index, "variable descriptor");
        }
      }
    }
  }

  const CapFile& cap_;
  std::set<std::uint16_t> interfaces_;
  std::set<std::uint16_t> classes_;
};

// The constant pool tags an instruction's index may name (JCVM 3.0.5 §7.5).
bool tag_fits(Opcode opcode, ConstantTag tag) {
  switch (opcode) {
    case Opcode::kGetstaticA:
    case Opcode::kGetstaticB:
    case Opcode::kGetstaticS:
    case Opcode::kGetstaticI:
    case Opcode::kPutstaticA:
    case Opcode::kPutstaticB:
    case Opcode::kPutstaticS:
    case Opcode::kPutstaticI:
      return tag == ConstantTag::kStaticFieldref;
    case Opcode::kInvokevirtual:
      return tag == ConstantTag::kVirtualMethodref;
    case Opcode::kInvokespecial:
      return tag == ConstantTag::kSuperMethodref || tag == ConstantTag::kStaticMethodref;
    case Opcode::kInvokestatic:
      return tag == ConstantTag::kStaticMethodref;
    case Opcode::kInvokeinterface:
    case Opcode::kNew:
    case Opcode::kAnewarray:
    case Opcode::kCheckcast:
    case Opcode::kInstanceof:
      return tag == ConstantTag::kClassref;
    default:
      return tag == ConstantTag::kInstanceFieldref;  // the getfield and putfield forms
  }
}

// The index operand of checkcast and instanceof names a constant pool entry only for a class
// or a reference array (atype 0 or 14). For arrays of primitives it must be 0 (JCVM 3.0.5 §7.5
// checkcast).
bool has_cp_operand(const Instruction& instruction) {
  const Opcode op = instruction.opcode();
  if (op == Opcode::kCheckcast || op == Opcode::kInstanceof) {
    const auto atype = static_cast<ArrayType>(instruction.operands[0]);
    return atype == ArrayType::kClass || atype == ArrayType::kReference;
  }
  return instruction.cp_index_location().has_value();
}

// The value of an instruction's constant-pool index operand.
std::int32_t cp_operand(const Instruction& instruction) {
  const auto kinds = instruction.info->operands.view();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    if (is_cp_index(kinds[i])) return instruction.operands[i];
  }
  return -1;
}

// Decodes every method the Descriptor delimits and compares the constant-pool operands with
// the Reference Location component; also rejects int instructions without ACC_INT.
void check_bytecode(const CapFile& cap, const std::vector<MethodLocation>& locations) {
  const MethodComponent& methods = cap.methods;
  std::set<std::uint16_t> one_byte;
  std::set<std::uint16_t> two_byte;
  for (std::size_t i = 0; i < methods.handlers.size(); ++i) {
    if (methods.handlers[i].catch_type_index != 0) {
      two_byte.insert(static_cast<std::uint16_t>(1 + 8 * i + 6));
    }
  }
  const bool int_allowed = cap.header.has_flag(header_flags::kInt);
  for (const MethodLocation& method : locations) {
    const ByteView code = methods.bytes_at(method.bytecode_offset, method.bytecode_count);
    std::size_t pc = 0;
    while (pc < code.size()) {
      DecodeError error{};
      const std::size_t at = method.bytecode_offset + pc;
      const auto instruction = decode_instruction(code, pc, &error);
      if (!instruction) {
        fail(ComponentTag::kMethod,
             fmt::format("method at 0x{:X}: {} (byte 0x{:02X} at offset 0x{:X})", method.offset,
                         to_string(error), code[pc], at));
      }
      const OpcodeInfo& info = *instruction->info;
      if (info.reserved || (info.int_only && !int_allowed)) {
        fail(ComponentTag::kMethod,
             fmt::format("method at 0x{:X}: {} at offset 0x{:X} {}", method.offset, info.mnemonic,
                         at, info.reserved ? "is reserved" : "needs the Header's ACC_INT flag"));
      }
      if (has_cp_operand(*instruction)) {
        const auto [operand, width] = *instruction->cp_index_location();
        const auto location = static_cast<std::uint16_t>(method.bytecode_offset + operand);
        const auto index = static_cast<std::size_t>(cp_operand(*instruction));
        if (index >= cap.constant_pool.entries.size() ||
            !tag_fits(info.opcode, cap.constant_pool.entries[index].tag)) {
          fail(ComponentTag::kMethod,
               fmt::format("method at 0x{:X}: {} at offset 0x{:X} names constant pool entry {}, "
                           "which is {}",
                           method.offset, info.mnemonic, at, index,
                           index < cap.constant_pool.entries.size()
                               ? constant_tag_name(cap.constant_pool.entries[index].tag)
                               : std::string_view("beyond the pool")));
        }
        (width == 1 ? one_byte : two_byte).insert(location);
      }
      pc += instruction->length;
    }
  }

  const auto compare = [](const std::set<std::uint16_t>& found,
                          const std::vector<std::uint16_t>& listed, std::string_view list) {
    const std::set<std::uint16_t> listed_set(listed.begin(), listed.end());
    for (std::uint16_t offset : found) {
      if (listed_set.count(offset) == 0) {
        fail(ComponentTag::kReferenceLocation,
             fmt::format("constant pool index at Method offset 0x{:X} missing from {}", offset,
                         list));
      }
    }
    for (std::uint16_t offset : listed_set) {
      if (found.count(offset) == 0) {
        fail(ComponentTag::kReferenceLocation,
             fmt::format("{} lists Method offset 0x{:X}, which holds no constant pool index", list,
                         offset));
      }
    }
  };
  compare(one_byte, cap.reference_locations.byte_index_offsets, "offsets_to_byte_indices");
  compare(two_byte, cap.reference_locations.byte2_index_offsets, "offsets_to_byte2_indices");
}

// Finds where the method at `start` ends when there is no Descriptor: after an
// instruction that does not fall through (return, athrow, goto, ret, a switch), once no branch
// target or exception handler seen so far lies further on. What follows up to `end` is
// another method that nothing references, read the same way. A span that does not decode
// stays one method.
void split_methods(const MethodComponent& methods, std::size_t start, std::size_t end,
                   std::vector<MethodLocation>& result) {
  std::size_t position = start;
  while (position < end) {
    MethodLocation location;
    location.offset = static_cast<std::uint16_t>(position);
    location.header = methods.header_at(position);
    const std::size_t code_start = position + location.header.size();
    if (code_start > end) {
      fail(ComponentTag::kMethod, fmt::format("method header at 0x{:X} overlaps the method at "
                                              "0x{:X}",
                                              position, end));
    }
    location.bytecode_offset = static_cast<std::uint16_t>(code_start);
    if (location.header.is_abstract()) {
      result.push_back(location);
      position = code_start;
      continue;
    }

    const ByteView code = methods.bytes_at(code_start, end - code_start);
    std::size_t furthest = 0;  // method-relative offset the method must reach
    std::size_t pc = 0;
    bool split = false;
    while (pc < code.size()) {
      const auto instruction = decode_instruction(code, pc);
      if (!instruction) break;
      for (std::int64_t target : instruction->jump_targets()) {
        if (target > 0) furthest = std::max(furthest, static_cast<std::size_t>(target));
      }
      for (const ExceptionHandler& handler : methods.handlers) {
        if (handler.start_offset >= code_start && handler.start_offset <= code_start + pc) {
          furthest = std::max(
              {furthest, handler.start_offset + std::size_t{handler.active_length} - code_start,
               std::size_t{handler.handler_offset} - code_start});
        }
      }
      pc += instruction->length;
      const Flow flow = instruction->info->flow;
      const bool falls_through = flow == Flow::kNext || flow == Flow::kBranch || flow == Flow::kJsr;
      if (!falls_through && pc > furthest && pc < code.size()) {
        split = true;
        break;
      }
    }
    const std::size_t count = split ? pc : code.size();
    location.bytecode_count = static_cast<std::uint16_t>(count);
    result.push_back(location);
    position = code_start + count;
  }
}

}  // namespace

void check_structure(const CapFile& cap) {
  Checker(cap).run();
  if (cap.descriptor) check_bytecode(cap, locate_methods(cap));
}

std::vector<MethodLocation> locate_methods(const CapFile& cap) {
  const MethodComponent& methods = cap.methods;
  std::vector<MethodLocation> result;
  if (cap.descriptor) {
    for (const ClassDescriptor& owner : cap.descriptor->classes) {
      if (owner.is_interface()) continue;
      for (const MethodDescriptor& method : owner.methods) {
        MethodLocation location;
        location.offset = method.method_offset;
        location.header = methods.header_at(method.method_offset);
        location.bytecode_offset =
            static_cast<std::uint16_t>(method.method_offset + location.header.size());
        location.bytecode_count = method.bytecode_count;
        methods.bytes_at(location.bytecode_offset, location.bytecode_count);
        result.push_back(location);
      }
    }
    std::sort(result.begin(), result.end(),
              [](const MethodLocation& a, const MethodLocation& b) { return a.offset < b.offset; });
    for (std::size_t i = 1; i < result.size(); ++i) {
      const MethodLocation& previous = result[i - 1];
      if (std::size_t{previous.bytecode_offset} + previous.bytecode_count > result[i].offset) {
        fail(ComponentTag::kDescriptor,
             fmt::format("method at 0x{:X} overlaps the method at 0x{:X}", previous.offset,
                         result[i].offset));
      }
    }
    return result;
  }

  // Without a Descriptor: every offset some component gives for a method starts one.
  std::set<std::uint16_t> starts;
  if (methods.method_area.empty()) return result;
  starts.insert(static_cast<std::uint16_t>(methods.methods_offset()));
  if (cap.applets) {
    for (const AppletInfo& applet : cap.applets->applets)
      starts.insert(applet.install_method_offset);
  }
  for (const ClassInfo& entry : cap.classes.classes) {
    starts.insert(entry.public_virtual_method_table.begin(),
                  entry.public_virtual_method_table.end());
    starts.insert(entry.package_virtual_method_table.begin(),
                  entry.package_virtual_method_table.end());
  }
  for (const ConstantPoolEntry& entry : cap.constant_pool.entries) {
    if (entry.tag == ConstantTag::kStaticMethodref && !entry.static_ref().is_external()) {
      starts.insert(entry.static_ref().offset());
    }
  }
  if (cap.exports) {
    for (const ClassExport& entry : cap.exports->classes) {
      starts.insert(entry.static_method_offsets.begin(), entry.static_method_offsets.end());
    }
  }
  for (auto it = starts.begin(); it != starts.end(); ++it) {
    const auto next = std::next(it);
    const std::size_t end = next == starts.end() ? methods.info_size() : *next;
    split_methods(methods, *it, end, result);
  }
  return result;
}

}  // namespace uicc::cap
