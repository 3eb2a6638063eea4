// Decoders of the CAP components, one per component, from a component's info item into the
// model. They check the syntax (lengths, counts, tags, AID lengths); check_structure() checks
// how components refer to each other.
// Java Card 3.0.5 Virtual Machine Specification §6.4-§6.15; JCVM 3.1 chapter 6 for format 2.3.
#include <fmt/format.h>

#include "vm/cap/byte_io.h"
#include "vm/cap/cap_file.h"
#include "vm/cap/cap_reader.h"

namespace uicc::cap {
namespace {

using detail::ByteCursor;

std::string context_of(ComponentTag tag) {
  return fmt::format("{} component", component_name(static_cast<std::uint8_t>(tag)));
}

PackageInfo read_package(ByteCursor& in, std::string_view what) {
  PackageInfo package;
  package.minor = in.u1("minor_version");
  package.major = in.u1("major_version");
  package.aid = in.aid(what);
  return package;
}

HeaderComponent decode_header(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kHeader));
  HeaderComponent header;
  const std::uint32_t magic = in.u4("magic");
  if (magic != kCapMagic) {
    in.fail_at(0, fmt::format("bad magic 0x{:08X}, expected 0x{:08X}", magic, kCapMagic));
  }
  header.version.minor = in.u1("minor_version");
  header.version.major = in.u1("major_version");
  // JCVM 3.0.5 §6.4: a VM supports the minor versions defined up to its own; 2.3 is the
  // compact format of Java Card 3.1.
  if (header.version.major != 2 || header.version.minor < 1 || header.version.minor > 3) {
    in.fail_at(4, fmt::format("unsupported CAP format version {}.{} (supported: 2.1, 2.2, 2.3)",
                              header.version.major, header.version.minor));
  }

  header.flags = in.u1("flags");
  if (header.has_flag(header_flags::kExtended)) {
    in.fail_at(6,
               fmt::format("extended CAP format (flags 0x{:02X}) is not supported", header.flags));
  }
  const std::uint8_t defined = header_flags::kInt | header_flags::kExport | header_flags::kApplet;
  if ((header.flags & ~defined) != 0) {
    in.fail_at(6, fmt::format("reserved flag bits 0x{:02X} set in flags 0x{:02X}",
                              header.flags & ~defined, header.flags));
  }

  header.package = read_package(in, "package AID");
  if (header.version.at_least(2, 2)) {
    const std::uint8_t name_length = in.u1("package name length");
    header.package_name = in.string(name_length, "package name");
  }
  in.expect_end();
  return header;
}

DirectoryComponent decode_directory(ByteView info, FormatVersion version) {
  ByteCursor in(info, context_of(ComponentTag::kDirectory));
  DirectoryComponent directory;
  // Format 2.1 lists the 11 components up to Descriptor, 2.2 adds Debug, and 2.3 adds the
  // u4 size of the Static Resources component.
  const std::size_t sizes = version.at_least(2, 2) ? 12 : 11;
  for (std::size_t i = 0; i < sizes; ++i) {
    directory.component_sizes[i] = in.u2("component_sizes");
  }
  if (version.at_least(2, 3)) directory.static_resources_size = in.u4("static resources size");
  directory.static_field_size.image_size = in.u2("image_size");
  directory.static_field_size.array_init_count = in.u2("array_init_count");
  directory.static_field_size.array_init_size = in.u2("array_init_size");
  directory.import_count = in.u1("import_count");
  directory.applet_count = in.u1("applet_count");
  const std::uint8_t custom_count = in.u1("custom_count");
  for (std::size_t i = 0; i < custom_count; ++i) {
    CustomComponentInfo custom;
    const std::size_t at = in.offset();
    custom.tag = in.u1("custom component tag");
    if (custom.tag < kFirstCustomTag) {
      in.fail_at(at, fmt::format("custom component {} has tag {}, custom tags are 128-255", i,
                                 custom.tag));
    }
    custom.size = in.u2("custom component size");
    custom.aid = in.aid("custom component AID");
    directory.custom_components.push_back(std::move(custom));
  }
  in.expect_end();
  return directory;
}

AppletComponent decode_applets(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kApplet));
  AppletComponent component;
  const std::uint8_t count = in.u1("count");
  if (count == 0) in.fail_at(0, "applet count 0, the component must then be absent");
  for (std::size_t i = 0; i < count; ++i) {
    AppletInfo applet;
    applet.aid = in.aid(fmt::format("applet {} AID", i));
    applet.install_method_offset = in.u2("install_method_offset");
    component.applets.push_back(std::move(applet));
  }
  in.expect_end();
  return component;
}

ImportComponent decode_imports(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kImport));
  ImportComponent component;
  const std::uint8_t count = in.u1("count");
  for (std::size_t i = 0; i < count; ++i) {
    component.packages.push_back(read_package(in, fmt::format("package {} AID", i)));
  }
  in.expect_end();
  return component;
}

ConstantPoolComponent decode_constant_pool(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kConstantPool));
  ConstantPoolComponent component;
  const std::uint16_t count = in.u2("count");
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = in.offset();
    const std::uint8_t tag = in.u1("cp_info tag");
    if (tag < 1 || tag > 6) {
      in.fail_at(at, fmt::format("entry {} has unknown tag {}", i, tag));
    }
    ConstantPoolEntry entry;
    entry.tag = static_cast<ConstantTag>(tag);
    const ByteView bytes = in.bytes(3, "cp_info");
    std::copy(bytes.begin(), bytes.end(), entry.info.begin());
    component.entries.push_back(entry);
  }
  in.expect_end();
  return component;
}

TypeDescriptor read_type(ByteCursor& in) {
  TypeDescriptor type;
  type.nibble_count = in.u1("nibble_count");
  type.packed = in.copy((type.nibble_count + 1u) / 2, "type nibbles");
  return type;
}

// Reads type descriptors until `end`, with offsets relative to `base`.
std::vector<PooledType> read_type_pool(ByteCursor& in, std::size_t end, std::size_t base) {
  std::vector<PooledType> pool;
  while (in.offset() < end) {
    PooledType entry;
    entry.offset = static_cast<std::uint16_t>(in.offset() - base);
    entry.type = read_type(in);
    pool.push_back(std::move(entry));
  }
  if (in.offset() != end) {
    in.fail_at(in.offset(),
               fmt::format("type descriptor runs past the end of its pool at 0x{:X}", end));
  }
  return pool;
}

RemoteInterfaceInfo read_remote_interfaces(ByteCursor& in) {
  RemoteInterfaceInfo remote;
  const std::uint8_t method_count = in.u1("remote_methods_count");
  for (std::size_t i = 0; i < method_count; ++i) {
    RemoteMethodInfo method;
    method.remote_method_hash = in.u2("remote_method_hash");
    method.signature_offset = in.u2("signature_offset");
    method.virtual_method_token = in.u1("virtual_method_token");
    remote.remote_methods.push_back(method);
  }
  remote.hash_modifier = in.copy(in.u1("hash_modifier_length"), "hash_modifier");
  remote.class_name = in.string(in.u1("class_name_length"), "class_name");
  const std::uint8_t interface_count = in.u1("remote_interfaces_count");
  for (std::size_t i = 0; i < interface_count; ++i) {
    remote.remote_interfaces.push_back({in.u2("remote interface class_ref")});
  }
  return remote;
}

InterfaceInfo read_interface(ByteCursor& in, FormatVersion version) {
  InterfaceInfo entry;
  entry.offset = static_cast<std::uint16_t>(in.offset());
  const std::uint8_t bitfield = in.u1("interface_info flags");
  entry.flags = bitfield >> 4;
  for (std::size_t i = 0; i < (bitfield & 0x0Fu); ++i) {
    entry.superinterfaces.push_back({in.u2("superinterface class_ref")});
  }
  if ((entry.flags & class_flags::kRemote) != 0 && version.at_least(2, 2)) {
    entry.name = in.string(in.u1("interface_name_length"), "interface_name");
  }
  return entry;
}

ClassInfo read_class(ByteCursor& in, FormatVersion version) {
  ClassInfo entry;
  entry.offset = static_cast<std::uint16_t>(in.offset());
  const std::uint8_t bitfield = in.u1("class_info flags");
  entry.flags = bitfield >> 4;
  const std::size_t interface_count = bitfield & 0x0Fu;
  entry.super_class = {in.u2("super_class_ref")};
  entry.declared_instance_size = in.u1("declared_instance_size");
  entry.first_reference_token = in.u1("first_reference_token");
  entry.reference_count = in.u1("reference_count");
  entry.public_method_table_base = in.u1("public_method_table_base");
  const std::uint8_t public_count = in.u1("public_method_table_count");
  entry.package_method_table_base = in.u1("package_method_table_base");
  const std::uint8_t package_count = in.u1("package_method_table_count");

  for (std::size_t i = 0; i < public_count; ++i) {
    entry.public_virtual_method_table.push_back(in.u2("public_virtual_method_table"));
  }
  for (std::size_t i = 0; i < package_count; ++i) {
    entry.package_virtual_method_table.push_back(in.u2("package_virtual_method_table"));
  }

  for (std::size_t i = 0; i < interface_count; ++i) {
    ImplementedInterface implemented;
    implemented.interface_ref = {in.u2("implemented interface class_ref")};
    const std::uint8_t count = in.u1("implemented interface count");
    const ByteView index = in.bytes(count, "implemented interface index");
    implemented.index.assign(index.begin(), index.end());
    entry.interfaces.push_back(std::move(implemented));
  }
  if ((entry.flags & class_flags::kRemote) != 0 && version.at_least(2, 2)) {
    entry.remote_interfaces = read_remote_interfaces(in);
  }
  if (version.at_least(2, 3)) {
    // JCVM 3.1 §6.9: one mapping byte per public virtual method token of the class, the
    // inherited ones included, so base + count entries.
    const std::size_t mapped = std::size_t{entry.public_method_table_base} + public_count;
    const ByteView mapping = in.bytes(mapped, "public_virtual_method_token_mapping");
    entry.public_virtual_method_token_mapping.assign(mapping.begin(), mapping.end());
    entry.cap22_inheritable_public_method_token_count =
        in.u1("CAP22_inheritable_public_method_token_count");
  }
  return entry;
}

ClassComponent decode_classes(ByteView info, FormatVersion version) {
  ByteCursor in(info, context_of(ComponentTag::kClass));
  ClassComponent component;
  if (version.at_least(2, 2)) {
    const std::uint16_t pool_length = in.u2("signature_pool_length");
    if (pool_length > in.remaining()) {
      in.fail_at(0, fmt::format("signature_pool_length 0x{:X} beyond the component's 0x{:X} bytes",
                                pool_length, info.size()));
    }
    component.signature_pool = read_type_pool(in, 2 + std::size_t{pool_length}, 2);
  }
  while (!in.at_end()) {
    const std::size_t at = in.offset();
    const std::uint8_t flags = static_cast<std::uint8_t>(info[at] >> 4);
    if ((flags & class_flags::kInterface) != 0) {
      // JCVM 3.0.5 §6.9: the interfaces[] table precedes the classes[] table.
      if (!component.classes.empty()) in.fail_at(at, "interface_info after a class_info");
      component.interfaces.push_back(read_interface(in, version));
    } else {
      component.classes.push_back(read_class(in, version));
    }
  }
  return component;
}

MethodComponent decode_methods(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kMethod));
  MethodComponent component;
  const std::uint8_t handler_count = in.u1("handler_count");
  for (std::size_t i = 0; i < handler_count; ++i) {
    ExceptionHandler handler;
    handler.start_offset = in.u2("start_offset");
    const std::uint16_t bitfield = in.u2("active_length");
    handler.stop_bit = (bitfield & 0x8000) != 0;
    handler.active_length = bitfield & 0x7FFF;
    handler.handler_offset = in.u2("handler_offset");
    handler.catch_type_index = in.u2("catch_type_index");
    component.handlers.push_back(handler);
  }
  component.method_area = in.copy(in.remaining(), "methods");
  return component;
}

StaticFieldComponent decode_static_fields(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kStaticField));
  StaticFieldComponent component;
  component.image_size = in.u2("image_size");
  component.reference_count = in.u2("reference_count");
  const std::uint16_t array_init_count = in.u2("array_init_count");
  for (std::size_t i = 0; i < array_init_count; ++i) {
    ArrayInit array;
    const std::size_t at = in.offset();
    array.type = in.u1("array_init type");
    if (array.type < array_init_type::kBoolean || array.type > array_init_type::kInt) {
      in.fail_at(at, fmt::format("array_init {} has type {}, expected 2-5", i, array.type));
    }
    array.values = in.copy(in.u2("array_init count"), "array_init values");
    component.array_init.push_back(std::move(array));
  }
  component.default_value_count = in.u2("default_value_count");
  component.non_default_values = in.copy(in.u2("non_default_value_count"), "non_default_values");
  in.expect_end();
  return component;
}

// Decodes the jump-offset list of JCVM 3.0.5 §6.12: each byte is the distance from the
// previous offset, a 255 adds 255 and continues with the next byte.
std::vector<std::uint16_t> read_offsets(ByteCursor& in, std::string_view item) {
  const std::uint16_t count = in.u2(item);
  const std::size_t list_start = in.offset();
  const ByteView deltas = in.bytes(count, item);
  std::vector<std::uint16_t> offsets;
  std::size_t position = 0;
  bool pending = false;
  for (std::size_t i = 0; i < deltas.size(); ++i) {
    position += deltas[i];
    pending = deltas[i] == 255;
    if (pending) continue;
    if (position > 0xFFFF) {
      in.fail_at(list_start + i,
                 fmt::format("{} reach offset 0x{:X} beyond 0xFFFF", item, position));
    }
    if (!offsets.empty() && position == offsets.back()) {
      in.fail_at(list_start + i, fmt::format("{} list offset 0x{:X} twice", item, position));
    }
    offsets.push_back(static_cast<std::uint16_t>(position));
  }
  if (pending)
    in.fail_at(list_start + count - 1, fmt::format("{} end with a 255 continuation", item));
  return offsets;
}

ReferenceLocationComponent decode_reference_locations(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kReferenceLocation));
  ReferenceLocationComponent component;
  component.byte_index_offsets = read_offsets(in, "offsets_to_byte_indices");
  component.byte2_index_offsets = read_offsets(in, "offsets_to_byte2_indices");
  in.expect_end();
  return component;
}

ExportComponent decode_exports(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kExport));
  ExportComponent component;
  const std::uint8_t class_count = in.u1("class_count");
  for (std::size_t i = 0; i < class_count; ++i) {
    ClassExport entry;
    entry.class_offset = in.u2("class_offset");
    const std::uint8_t field_count = in.u1("static_field_count");
    const std::uint8_t method_count = in.u1("static_method_count");
    for (std::size_t k = 0; k < field_count; ++k) {
      entry.static_field_offsets.push_back(in.u2("static_field_offsets"));
    }
    for (std::size_t k = 0; k < method_count; ++k) {
      entry.static_method_offsets.push_back(in.u2("static_method_offsets"));
    }
    component.classes.push_back(std::move(entry));
  }
  in.expect_end();
  return component;
}

ClassDescriptor read_class_descriptor(ByteCursor& in) {
  ClassDescriptor entry;
  entry.token = in.u1("class token");
  entry.access_flags = in.u1("class access_flags");
  entry.this_class = {in.u2("this_class_ref")};
  const std::uint8_t interface_count = in.u1("interface_count");
  const std::uint16_t field_count = in.u2("field_count");
  const std::uint16_t method_count = in.u2("method_count");
  for (std::size_t i = 0; i < interface_count; ++i) {
    entry.interfaces.push_back({in.u2("interface class_ref")});
  }
  for (std::size_t i = 0; i < field_count; ++i) {
    FieldDescriptor field;
    field.token = in.u1("field token");
    field.access_flags = in.u1("field access_flags");
    const ByteView ref = in.bytes(3, "field_ref");
    std::copy(ref.begin(), ref.end(), field.field_ref.begin());
    field.type = {in.u2("field type")};
    entry.fields.push_back(field);
  }
  for (std::size_t i = 0; i < method_count; ++i) {
    MethodDescriptor method;
    method.token = in.u1("method token");
    method.access_flags = in.u1("method access_flags");
    method.method_offset = in.u2("method_offset");
    method.type_offset = in.u2("type_offset");
    method.bytecode_count = in.u2("bytecode_count");
    method.exception_handler_count = in.u2("exception_handler_count");
    method.exception_handler_index = in.u2("exception_handler_index");
    entry.methods.push_back(method);
  }
  return entry;
}

DescriptorComponent decode_descriptor(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kDescriptor));
  DescriptorComponent component;
  const std::uint8_t class_count = in.u1("class_count");
  for (std::size_t i = 0; i < class_count; ++i) {
    component.classes.push_back(read_class_descriptor(in));
  }
  // Offsets of types are relative to the start of type_descriptor_info.
  const std::size_t types_base = in.offset();
  const std::uint16_t cp_count = in.u2("constant_pool_count");
  for (std::size_t i = 0; i < cp_count; ++i) {
    component.constant_pool_types.push_back(in.u2("constant_pool_types"));
  }
  component.types = read_type_pool(in, info.size(), types_base);
  return component;
}

MethodDebugInfo read_method_debug(ByteCursor& in) {
  MethodDebugInfo method;
  method.name_index = in.u2("method name_index");
  method.descriptor_index = in.u2("method descriptor_index");
  method.access_flags = in.u2("method access_flags");
  method.location = in.u2("method location");
  method.header_size = in.u1("header_size");
  method.body_size = in.u2("body_size");
  const std::uint16_t variable_count = in.u2("variable_count");
  const std::uint16_t line_count = in.u2("line_count");
  for (std::size_t i = 0; i < variable_count; ++i) {
    VariableInfo variable;
    variable.index = in.u1("variable index");
    variable.name_index = in.u2("variable name_index");
    variable.descriptor_index = in.u2("variable descriptor_index");
    variable.start_pc = in.u2("variable start_pc");
    variable.length = in.u2("variable length");
    method.variable_table.push_back(variable);
  }
  for (std::size_t i = 0; i < line_count; ++i) {
    LineInfo line;
    line.start_pc = in.u2("line start_pc");
    line.end_pc = in.u2("line end_pc");
    line.source_line = in.u2("source_line");
    method.line_table.push_back(line);
  }
  return method;
}

ClassDebugInfo read_class_debug(ByteCursor& in) {
  ClassDebugInfo entry;
  entry.name_index = in.u2("class name_index");
  entry.access_flags = in.u2("class access_flags");
  entry.location = in.u2("class location");
  entry.superclass_name_index = in.u2("superclass_name_index");
  entry.source_file_index = in.u2("source_file_index");
  const std::uint8_t interface_count = in.u1("interface_count");
  const std::uint16_t field_count = in.u2("field_count");
  const std::uint16_t method_count = in.u2("method_count");
  for (std::size_t i = 0; i < interface_count; ++i) {
    entry.interface_name_indexes.push_back(in.u2("interface_names_indexes"));
  }
  for (std::size_t i = 0; i < field_count; ++i) {
    FieldDebugInfo field;
    field.name_index = in.u2("field name_index");
    field.descriptor_index = in.u2("field descriptor_index");
    field.access_flags = in.u2("field access_flags");
    field.contents = in.u4("field contents");
    entry.fields.push_back(field);
  }
  for (std::size_t i = 0; i < method_count; ++i) {
    entry.methods.push_back(read_method_debug(in));
  }
  return entry;
}

DebugComponent decode_debug(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kDebug));
  DebugComponent component;
  const std::uint16_t string_count = in.u2("string_count");
  for (std::size_t i = 0; i < string_count; ++i) {
    component.strings.push_back(in.string(in.u2("string length"), "string bytes"));
  }
  component.package_name_index = in.u2("package_name_index");
  const std::uint16_t class_count = in.u2("class_count");
  for (std::size_t i = 0; i < class_count; ++i) {
    component.classes.push_back(read_class_debug(in));
  }
  in.expect_end();
  return component;
}

// JCVM 3.1 chapter 6: a directory of (id, size) pairs, then the resources in that order.
StaticResourcesComponent decode_static_resources(ByteView info) {
  ByteCursor in(info, context_of(ComponentTag::kStaticResources));
  StaticResourcesComponent component;
  const std::uint16_t count = in.u2("resource_count");
  std::vector<std::uint32_t> sizes;
  for (std::size_t i = 0; i < count; ++i) {
    StaticResource resource;
    resource.id = in.u2("resource_id");
    const std::size_t at = in.offset();
    const std::uint32_t size = in.u4("resource_size");
    if (size > 32767) {
      in.fail_at(at, fmt::format("resource {} size {} above 32767", resource.id, size));
    }
    sizes.push_back(size);
    component.resources.push_back(std::move(resource));
  }
  for (std::size_t i = 0; i < count; ++i) {
    component.resources[i].data = in.copy(sizes[i], "static resource");
  }
  in.expect_end();
  return component;
}

}  // namespace

void decode_component(CapFile& cap, ByteView component) {
  ByteCursor outer(component, "component stream");
  const std::uint8_t tag = outer.u1("component tag");
  const FormatVersion version = cap.header.version;
  const bool wide = has_u4_size(tag, version);
  const std::uint32_t size = wide ? outer.u4("component size") : outer.u2("component size");
  const ByteView info = outer.bytes(size, fmt::format("{} component", component_name(tag)));
  outer.expect_end();
  if (tag == static_cast<std::uint8_t>(ComponentTag::kStaticResources) && !wide) {
    // Before format 2.3, tag 13 was reserved and is an unknown component.
    cap.custom_components.push_back({tag, Bytes(info.begin(), info.end()), {}});
    return;
  }

  switch (static_cast<ComponentTag>(tag)) {
    case ComponentTag::kHeader:
      cap.header = decode_header(info);
      return;
    case ComponentTag::kDirectory:
      cap.directory = decode_directory(info, version);
      return;
    case ComponentTag::kApplet:
      cap.applets = decode_applets(info);
      return;
    case ComponentTag::kImport:
      cap.imports = decode_imports(info);
      return;
    case ComponentTag::kConstantPool:
      cap.constant_pool = decode_constant_pool(info);
      return;
    case ComponentTag::kClass:
      cap.classes = decode_classes(info, version);
      return;
    case ComponentTag::kMethod:
      cap.methods = decode_methods(info);
      return;
    case ComponentTag::kStaticField:
      cap.static_fields = decode_static_fields(info);
      return;
    case ComponentTag::kReferenceLocation:
      cap.reference_locations = decode_reference_locations(info);
      return;
    case ComponentTag::kExport:
      cap.exports = decode_exports(info);
      return;
    case ComponentTag::kDescriptor:
      cap.descriptor = decode_descriptor(info);
      return;
    case ComponentTag::kDebug:
      cap.debug = decode_debug(info);
      return;
    case ComponentTag::kStaticResources:
      cap.static_resources = decode_static_resources(info);
      return;
  }
  // JCVM 3.0.5 §6.2: a component the VM does not recognize is ignored; it is kept as bytes
  // so that a writer can carry it along.
  cap.custom_components.push_back({tag, Bytes(info.begin(), info.end()), {}});
}

}  // namespace uicc::cap
