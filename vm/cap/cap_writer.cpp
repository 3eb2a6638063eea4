// Encoders of the CAP components and the two containers. Each encoder mirrors its decoder in
// cap_decode.cpp item for item.
#include "vm/cap/cap_writer.h"

#include <zip.h>

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

#include "vm/cap/byte_io.h"
#include "vm/cap/cap_reader.h"

namespace uicc::cap {
namespace {

using detail::ByteWriter;

std::string context_of(ComponentTag tag) {
  return fmt::format("{} component", component_name(static_cast<std::uint8_t>(tag)));
}

void write_package(ByteWriter& out, const PackageInfo& package, std::string_view what) {
  out.u1(package.minor, "minor_version");
  out.u1(package.major, "major_version");
  out.aid(package.aid, what);
}

Bytes encode_header(const HeaderComponent& header) {
  ByteWriter out(context_of(ComponentTag::kHeader));
  out.u4(kCapMagic);
  out.u1(header.version.minor, "minor_version");
  out.u1(header.version.major, "major_version");
  out.u1(header.flags, "flags");
  write_package(out, header.package, "package AID");
  if (header.version.at_least(2, 2)) {
    const std::string name = header.package_name.value_or("");
    out.u1(name.size(), "package name length");
    out.bytes(ByteView(reinterpret_cast<const std::uint8_t*>(name.data()), name.size()));
  }
  return out.take();
}

Bytes encode_directory(const DirectoryComponent& directory, FormatVersion version) {
  ByteWriter out(context_of(ComponentTag::kDirectory));
  const std::size_t sizes = version.at_least(2, 2) ? 12 : 11;
  for (std::size_t i = 0; i < sizes; ++i) out.u2(directory.component_sizes[i], "component_sizes");
  if (version.at_least(2, 3)) out.u4(directory.static_resources_size);
  out.u2(directory.static_field_size.image_size, "image_size");
  out.u2(directory.static_field_size.array_init_count, "array_init_count");
  out.u2(directory.static_field_size.array_init_size, "array_init_size");
  out.u1(directory.import_count, "import_count");
  out.u1(directory.applet_count, "applet_count");
  out.u1(directory.custom_components.size(), "custom_count");
  for (const CustomComponentInfo& custom : directory.custom_components) {
    out.u1(custom.tag, "custom component tag");
    out.u2(custom.size, "custom component size");
    out.aid(custom.aid, "custom component AID");
  }
  return out.take();
}

Bytes encode_applets(const AppletComponent& component) {
  ByteWriter out(context_of(ComponentTag::kApplet));
  out.u1(component.applets.size(), "count");
  for (const AppletInfo& applet : component.applets) {
    out.aid(applet.aid, "applet AID");
    out.u2(applet.install_method_offset, "install_method_offset");
  }
  return out.take();
}

Bytes encode_imports(const ImportComponent& component) {
  ByteWriter out(context_of(ComponentTag::kImport));
  out.u1(component.packages.size(), "count");
  for (const PackageInfo& package : component.packages) write_package(out, package, "package AID");
  return out.take();
}

Bytes encode_constant_pool(const ConstantPoolComponent& component) {
  ByteWriter out(context_of(ComponentTag::kConstantPool));
  out.u2(component.entries.size(), "count");
  for (const ConstantPoolEntry& entry : component.entries) {
    out.u1(static_cast<std::uint8_t>(entry.tag), "cp_info tag");
    out.bytes(entry.info);
  }
  return out.take();
}

void write_type(ByteWriter& out, const TypeDescriptor& type) {
  if (type.packed.size() != (type.nibble_count + 1u) / 2) {
    throw FormatError(fmt::format("type descriptor of {} nibbles has {} bytes, expected {}",
                                  type.nibble_count, type.packed.size(),
                                  (type.nibble_count + 1u) / 2));
  }
  out.u1(type.nibble_count, "nibble_count");
  out.bytes(type.packed);
}

void write_string(ByteWriter& out, const std::string& text, std::string_view item) {
  out.u1(text.size(), item);
  out.bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void write_class(ByteWriter& out, const ClassInfo& entry, FormatVersion version) {
  out.u1(static_cast<std::size_t>(entry.flags << 4) | entry.interfaces.size(), "class_info flags");
  if (entry.interfaces.size() > 15) {
    throw FormatError(
        fmt::format("Class component: class at 0x{:04X} implements {} interfaces, "
                    "at most 15",
                    entry.offset, entry.interfaces.size()));
  }

  out.u2(entry.super_class.value, "super_class_ref");
  out.u1(entry.declared_instance_size, "declared_instance_size");
  out.u1(entry.first_reference_token, "first_reference_token");
  out.u1(entry.reference_count, "reference_count");
  out.u1(entry.public_method_table_base, "public_method_table_base");
  out.u1(entry.public_virtual_method_table.size(), "public_method_table_count");
  out.u1(entry.package_method_table_base, "package_method_table_base");
  out.u1(entry.package_virtual_method_table.size(), "package_method_table_count");

  for (std::uint16_t offset : entry.public_virtual_method_table) out.u2(offset, "public table");
  for (std::uint16_t offset : entry.package_virtual_method_table) out.u2(offset, "package table");
  for (const ImplementedInterface& implemented : entry.interfaces) {
    out.u2(implemented.interface_ref.value, "implemented interface class_ref");
    out.u1(implemented.index.size(), "implemented interface count");
    out.bytes(implemented.index);
  }

  if ((entry.flags & class_flags::kRemote) != 0 && version.at_least(2, 2)) {
    const RemoteInterfaceInfo remote = entry.remote_interfaces.value_or(RemoteInterfaceInfo{});
    out.u1(remote.remote_methods.size(), "remote_methods_count");
    for (const RemoteMethodInfo& method : remote.remote_methods) {
      out.u2(method.remote_method_hash, "remote_method_hash");
      out.u2(method.signature_offset, "signature_offset");
      out.u1(method.virtual_method_token, "virtual_method_token");
    }
    out.u1(remote.hash_modifier.size(), "hash_modifier_length");
    out.bytes(remote.hash_modifier);
    write_string(out, remote.class_name, "class_name_length");
    out.u1(remote.remote_interfaces.size(), "remote_interfaces_count");
    for (ClassRef ref : remote.remote_interfaces) out.u2(ref.value, "remote interface class_ref");
  }
  if (version.at_least(2, 3)) {
    const std::size_t mapped =
        std::size_t{entry.public_method_table_base} + entry.public_virtual_method_table.size();
    if (entry.public_virtual_method_token_mapping.size() != mapped) {
      throw FormatError(
          fmt::format("Class component: class at 0x{:04X} has {} token mapping bytes, expected {} "
                      "(public_method_table_base + count)",
                      entry.offset, entry.public_virtual_method_token_mapping.size(), mapped));
    }
    out.bytes(entry.public_virtual_method_token_mapping);
    out.u1(entry.cap22_inheritable_public_method_token_count,
           "CAP22_inheritable_public_method_token_count");
  }
}

Bytes encode_classes(const ClassComponent& component, FormatVersion version) {
  ByteWriter out(context_of(ComponentTag::kClass));
  if (version.at_least(2, 2)) {
    ByteWriter pool(context_of(ComponentTag::kClass));
    for (const PooledType& entry : component.signature_pool) write_type(pool, entry.type);
    out.u2(pool.size(), "signature_pool_length");
    out.bytes(pool.data());
  }
  for (const InterfaceInfo& entry : component.interfaces) {
    if (entry.superinterfaces.size() > 15) {
      throw FormatError(
          fmt::format("Class component: interface at 0x{:04X} has {} "
                      "superinterfaces, at most 15",
                      entry.offset, entry.superinterfaces.size()));
    }
    out.u1(static_cast<std::size_t>((entry.flags | class_flags::kInterface) << 4) |
               entry.superinterfaces.size(),
           "interface_info flags");
    for (ClassRef ref : entry.superinterfaces) out.u2(ref.value, "superinterface class_ref");
    if ((entry.flags & class_flags::kRemote) != 0 && version.at_least(2, 2)) {
      write_string(out, entry.name.value_or(""), "interface_name_length");
    }
  }
  for (const ClassInfo& entry : component.classes) write_class(out, entry, version);
  return out.take();
}

Bytes encode_methods(const MethodComponent& component) {
  ByteWriter out(context_of(ComponentTag::kMethod));
  out.u1(component.handlers.size(), "handler_count");
  for (const ExceptionHandler& handler : component.handlers) {
    out.u2(handler.start_offset, "start_offset");
    out.u2((handler.stop_bit ? 0x8000u : 0u) | handler.active_length, "active_length");
    if (handler.active_length > 0x7FFF) {
      throw FormatError(fmt::format("Method component: handler active_length {} above 0x7FFF",
                                    handler.active_length));
    }
    out.u2(handler.handler_offset, "handler_offset");
    out.u2(handler.catch_type_index, "catch_type_index");
  }
  out.bytes(component.method_area);
  return out.take();
}

Bytes encode_static_fields(const StaticFieldComponent& component) {
  ByteWriter out(context_of(ComponentTag::kStaticField));
  out.u2(component.image_size, "image_size");
  out.u2(component.reference_count, "reference_count");
  out.u2(component.array_init.size(), "array_init_count");
  for (const ArrayInit& array : component.array_init) {
    out.u1(array.type, "array_init type");
    out.u2(array.values.size(), "array_init count");
    out.bytes(array.values);
  }
  out.u2(component.default_value_count, "default_value_count");
  out.u2(component.non_default_values.size(), "non_default_value_count");
  out.bytes(component.non_default_values);
  return out.take();
}

// Encodes offsets as the jump list of JCVM 3.0.5 §6.12: the distance from the previous
// offset, with a 255 for each full 255 of it.
void write_offsets(ByteWriter& out, const std::vector<std::uint16_t>& offsets,
                   std::string_view item) {
  Bytes deltas;
  std::size_t previous = 0;
  for (std::uint16_t offset : offsets) {
    if (offset < previous || (offset == previous && !deltas.empty())) {
      throw FormatError(
          fmt::format("ReferenceLocation component: {} not increasing at 0x{:X}", item, offset));
    }
    std::size_t distance = offset - previous;
    while (distance >= 255) {
      deltas.push_back(255);
      distance -= 255;
    }
    deltas.push_back(static_cast<std::uint8_t>(distance));
    previous = offset;
  }
  out.u2(deltas.size(), item);
  out.bytes(deltas);
}

Bytes encode_reference_locations(const ReferenceLocationComponent& component) {
  ByteWriter out(context_of(ComponentTag::kReferenceLocation));
  write_offsets(out, component.byte_index_offsets, "offsets_to_byte_indices");
  write_offsets(out, component.byte2_index_offsets, "offsets_to_byte2_indices");
  return out.take();
}

Bytes encode_exports(const ExportComponent& component) {
  ByteWriter out(context_of(ComponentTag::kExport));
  out.u1(component.classes.size(), "class_count");
  for (const ClassExport& entry : component.classes) {
    out.u2(entry.class_offset, "class_offset");
    out.u1(entry.static_field_offsets.size(), "static_field_count");
    out.u1(entry.static_method_offsets.size(), "static_method_count");
    for (std::uint16_t offset : entry.static_field_offsets) out.u2(offset, "static_field_offsets");
    for (std::uint16_t offset : entry.static_method_offsets)
      out.u2(offset, "static_method_offsets");
  }
  return out.take();
}

Bytes encode_descriptor(const DescriptorComponent& component) {
  ByteWriter out(context_of(ComponentTag::kDescriptor));
  out.u1(component.classes.size(), "class_count");
  for (const ClassDescriptor& entry : component.classes) {
    out.u1(entry.token, "class token");
    out.u1(entry.access_flags, "class access_flags");
    out.u2(entry.this_class.value, "this_class_ref");
    out.u1(entry.interfaces.size(), "interface_count");
    out.u2(entry.fields.size(), "field_count");
    out.u2(entry.methods.size(), "method_count");
    for (ClassRef ref : entry.interfaces) out.u2(ref.value, "interface class_ref");
    for (const FieldDescriptor& field : entry.fields) {
      out.u1(field.token, "field token");
      out.u1(field.access_flags, "field access_flags");
      out.bytes(field.field_ref);
      out.u2(field.type.value, "field type");
    }
    for (const MethodDescriptor& method : entry.methods) {
      out.u1(method.token, "method token");
      out.u1(method.access_flags, "method access_flags");
      out.u2(method.method_offset, "method_offset");
      out.u2(method.type_offset, "type_offset");
      out.u2(method.bytecode_count, "bytecode_count");
      out.u2(method.exception_handler_count, "exception_handler_count");
      out.u2(method.exception_handler_index, "exception_handler_index");
    }
  }
  out.u2(component.constant_pool_types.size(), "constant_pool_count");
  for (std::uint16_t type : component.constant_pool_types) out.u2(type, "constant_pool_types");
  for (const PooledType& entry : component.types) write_type(out, entry.type);
  return out.take();
}

Bytes encode_debug(const DebugComponent& component) {
  ByteWriter out(context_of(ComponentTag::kDebug));
  out.u2(component.strings.size(), "string_count");
  for (const std::string& text : component.strings) {
    out.u2(text.size(), "string length");
    out.bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
  }
  out.u2(component.package_name_index, "package_name_index");
  out.u2(component.classes.size(), "class_count");
  for (const ClassDebugInfo& entry : component.classes) {
    out.u2(entry.name_index, "class name_index");
    out.u2(entry.access_flags, "class access_flags");
    out.u2(entry.location, "class location");
    out.u2(entry.superclass_name_index, "superclass_name_index");
    out.u2(entry.source_file_index, "source_file_index");
    out.u1(entry.interface_name_indexes.size(), "interface_count");
    out.u2(entry.fields.size(), "field_count");
    out.u2(entry.methods.size(), "method_count");
    for (std::uint16_t index : entry.interface_name_indexes) out.u2(index, "interface name");
    for (const FieldDebugInfo& field : entry.fields) {
      out.u2(field.name_index, "field name_index");
      out.u2(field.descriptor_index, "field descriptor_index");
      out.u2(field.access_flags, "field access_flags");
      out.u4(field.contents);
    }
    for (const MethodDebugInfo& method : entry.methods) {
      out.u2(method.name_index, "method name_index");
      out.u2(method.descriptor_index, "method descriptor_index");
      out.u2(method.access_flags, "method access_flags");
      out.u2(method.location, "method location");
      out.u1(method.header_size, "header_size");
      out.u2(method.body_size, "body_size");
      out.u2(method.variable_table.size(), "variable_count");
      out.u2(method.line_table.size(), "line_count");
      for (const VariableInfo& variable : method.variable_table) {
        out.u1(variable.index, "variable index");
        out.u2(variable.name_index, "variable name_index");
        out.u2(variable.descriptor_index, "variable descriptor_index");
        out.u2(variable.start_pc, "variable start_pc");
        out.u2(variable.length, "variable length");
      }
      for (const LineInfo& line : method.line_table) {
        out.u2(line.start_pc, "line start_pc");
        out.u2(line.end_pc, "line end_pc");
        out.u2(line.source_line, "source_line");
      }
    }
  }
  return out.take();
}

Bytes encode_static_resources(const StaticResourcesComponent& component) {
  ByteWriter out(context_of(ComponentTag::kStaticResources));
  out.u2(component.resources.size(), "resource_count");
  for (const StaticResource& resource : component.resources) {
    if (resource.data.size() > 32767) {
      throw FormatError(
          fmt::format("StaticResources component: resource {} has {} bytes, at "
                      "most 32767",
                      resource.id, resource.data.size()));
    }
    out.u2(resource.id, "resource_id");
    out.u4(static_cast<std::uint32_t>(resource.data.size()));
  }
  for (const StaticResource& resource : component.resources) out.bytes(resource.data);
  return out.take();
}

Bytes encode_info(const CapFile& cap, ComponentTag tag) {
  const FormatVersion version = cap.header.version;
  const auto require = [&](bool present) {
    if (!present) {
      throw FormatError(fmt::format("{} is absent, it cannot be encoded", context_of(tag)));
    }
  };
  switch (tag) {
    case ComponentTag::kHeader:
      return encode_header(cap.header);
    case ComponentTag::kDirectory:
      return encode_directory(cap.directory, version);
    case ComponentTag::kApplet:
      require(cap.applets.has_value());
      return encode_applets(*cap.applets);
    case ComponentTag::kImport:
      return encode_imports(cap.imports);
    case ComponentTag::kConstantPool:
      return encode_constant_pool(cap.constant_pool);
    case ComponentTag::kClass:
      return encode_classes(cap.classes, version);
    case ComponentTag::kMethod:
      return encode_methods(cap.methods);
    case ComponentTag::kStaticField:
      return encode_static_fields(cap.static_fields);
    case ComponentTag::kReferenceLocation:
      return encode_reference_locations(cap.reference_locations);
    case ComponentTag::kExport:
      require(cap.exports.has_value());
      return encode_exports(*cap.exports);
    case ComponentTag::kDescriptor:
      require(cap.descriptor.has_value());
      return encode_descriptor(*cap.descriptor);
    case ComponentTag::kDebug:
      require(cap.debug.has_value());
      return encode_debug(*cap.debug);
    case ComponentTag::kStaticResources:
      require(cap.static_resources.has_value());
      return encode_static_resources(*cap.static_resources);
  }
  throw FormatError(fmt::format("component tag {} cannot be encoded", static_cast<int>(tag)));
}

Bytes wrap(std::uint8_t tag, ByteView info, FormatVersion version) {
  ByteWriter out(fmt::format("{} component", component_name(tag)));
  out.u1(tag, "tag");
  if (has_u4_size(tag, version)) {
    out.u4(static_cast<std::uint32_t>(info.size()));
  } else {
    out.u2(info.size(), "size");
  }
  out.bytes(info);
  return out.take();
}

bool is_present(const CapFile& cap, ComponentTag tag) {
  switch (tag) {
    case ComponentTag::kApplet:
      return cap.applets.has_value();
    case ComponentTag::kExport:
      return cap.exports.has_value();
    case ComponentTag::kDescriptor:
      return cap.descriptor.has_value();
    case ComponentTag::kDebug:
      return cap.debug.has_value();
    case ComponentTag::kStaticResources:
      return cap.static_resources.has_value();
    default:
      return true;
  }
}

constexpr std::array<ComponentTag, 13> kStreamOrder = {
    ComponentTag::kHeader,          ComponentTag::kDirectory,
    ComponentTag::kImport,          ComponentTag::kApplet,
    ComponentTag::kClass,           ComponentTag::kMethod,
    ComponentTag::kStaticField,     ComponentTag::kExport,
    ComponentTag::kConstantPool,    ComponentTag::kReferenceLocation,
    ComponentTag::kStaticResources, ComponentTag::kDescriptor,
    ComponentTag::kDebug,
};

std::string colon_hex(ByteView bytes) {
  std::string text;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    text += fmt::format("{}0x{:02x}", i == 0 ? "" : ":", bytes[i]);
  }
  return text;
}

// The manifest of a CAP JAR (Java Card 3.0.5 Development Kit User Guide, "CAP file manifest").
std::string manifest(const CapFile& cap, const std::string& path, const JarOptions& options) {
  std::string dotted = path;
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  std::string text = "Manifest-Version: 1.0\r\nCreated-By: " + options.converter_provider +
                     "\r\n\r\nName: " + path + "/javacard/\r\n";
  const auto line = [&](std::string_view name, const std::string& value) {
    text += fmt::format("{}: {}\r\n", name, value);
  };
  line("Java-Card-Converter-Version", options.converter_version);
  line("Java-Card-Converter-Provider", options.converter_provider);
  line("Java-Card-CAP-File-Version",
       fmt::format("{}.{}", cap.header.version.major, cap.header.version.minor));
  line("Java-Card-Package-Version",
       fmt::format("{}.{}", cap.header.package.major, cap.header.package.minor));
  line("Java-Card-Package-Name", dotted);
  line("Java-Card-Package-AID", colon_hex(cap.header.package.aid));
  if (cap.applets) {
    for (std::size_t i = 0; i < cap.applets->applets.size(); ++i) {
      line(fmt::format("Java-Card-Applet-{}-AID", i + 1), colon_hex(cap.applets->applets[i].aid));
    }
  }
  for (std::size_t i = 0; i < cap.imports.packages.size(); ++i) {
    const PackageInfo& package = cap.imports.packages[i];
    line(fmt::format("Java-Card-Imported-Package-{}-AID", i + 1), colon_hex(package.aid));
    line(fmt::format("Java-Card-Imported-Package-{}-Version", i + 1),
         fmt::format("{}.{}", package.major, package.minor));
  }
  line("Java-Card-Integer-Support-Required",
       cap.header.has_flag(header_flags::kInt) ? "TRUE" : "FALSE");
  return text;
}

struct ArchiveDeleter {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};

// Adds one entry whose data `archive` reads at zip_close(); `data` must live until then.
void add_entry(zip_t* archive, const std::string& name, const Bytes& data) {
  zip_source_t* source = zip_source_buffer(archive, data.data(), data.size(), 0);
  if (source == nullptr) {
    throw FormatError(fmt::format("CAP JAR: cannot add {}: {}", name, zip_strerror(archive)));
  }
  const zip_int64_t index = zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8);
  if (index < 0) {
    zip_source_free(source);
    throw FormatError(fmt::format("CAP JAR: cannot add {}: {}", name, zip_strerror(archive)));
  }
  // A fixed time stamp (1980-01-01, the ZIP epoch) keeps the JAR reproducible.
  zip_file_set_dostime(archive, static_cast<zip_uint64_t>(index), 0, 0x21, 0);
}

Bytes write_zip(const std::vector<std::pair<std::string, Bytes>>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (buffer == nullptr) {
    zip_error_fini(&error);
    throw FormatError("CAP JAR: cannot create the archive buffer");
  }
  zip_source_keep(buffer);
  std::unique_ptr<zip_source_t, decltype(&zip_source_free)> keep(buffer, &zip_source_free);
  std::unique_ptr<zip_t, ArchiveDeleter> archive(
      zip_open_from_source(buffer, ZIP_TRUNCATE, &error));
  zip_error_fini(&error);
  if (!archive) throw FormatError("CAP JAR: cannot create the archive");
  for (const auto& [name, data] : entries) add_entry(archive.get(), name, data);
  if (zip_close(archive.get()) != 0) {
    throw FormatError(fmt::format("CAP JAR: cannot write: {}", zip_strerror(archive.get())));
  }
  archive.release();  // zip_close freed it

  zip_stat_t stat;
  if (zip_source_stat(buffer, &stat) != 0 || zip_source_open(buffer) != 0) {
    throw FormatError("CAP JAR: cannot read back the written archive");
  }
  Bytes jar(static_cast<std::size_t>(stat.size));
  const zip_int64_t read = zip_source_read(buffer, jar.data(), jar.size());
  zip_source_close(buffer);
  if (read < 0 || static_cast<std::size_t>(read) != jar.size()) {
    throw FormatError("CAP JAR: cannot read back the written archive");
  }
  return jar;
}

}  // namespace

Bytes encode_component(const CapFile& cap, ComponentTag tag) {
  const Bytes info = encode_info(cap, tag);
  return wrap(static_cast<std::uint8_t>(tag), info, cap.header.version);
}

void update_directory(CapFile& cap) {
  DirectoryComponent& directory = cap.directory;
  directory.import_count = static_cast<std::uint8_t>(cap.imports.packages.size());
  directory.applet_count = static_cast<std::uint8_t>(cap.applets ? cap.applets->applets.size() : 0);
  directory.static_field_size.image_size = cap.static_fields.image_size;
  directory.static_field_size.array_init_count =
      static_cast<std::uint16_t>(cap.static_fields.array_init.size());
  std::size_t array_bytes = 0;
  for (const ArrayInit& array : cap.static_fields.array_init) array_bytes += array.values.size();
  directory.static_field_size.array_init_size = static_cast<std::uint16_t>(array_bytes);

  cap.header.flags = static_cast<std::uint8_t>(cap.header.flags & header_flags::kInt);
  if (cap.applets) cap.header.flags |= header_flags::kApplet;
  if (cap.exports) cap.header.flags |= header_flags::kExport;

  for (const RawComponent& custom : cap.custom_components) {
    for (CustomComponentInfo& info : directory.custom_components) {
      if (info.tag == custom.tag) info.size = static_cast<std::uint16_t>(custom.info.size());
    }
  }
  // The Directory's own size does not depend on the sizes it lists, so one pass suffices.
  for (ComponentTag tag : kStreamOrder) {
    if (tag == ComponentTag::kStaticResources) {
      directory.static_resources_size =
          cap.static_resources ? static_cast<std::uint32_t>(encode_info(cap, tag).size()) : 0;
      continue;
    }
    const std::size_t index = static_cast<std::size_t>(tag) - 1;
    const bool present = is_present(cap, tag);
    if (!present && (tag == ComponentTag::kDescriptor || tag == ComponentTag::kDebug)) continue;
    const std::size_t size = present ? encode_info(cap, tag).size() : 0;
    if (size > 0xFFFF) {
      throw FormatError(fmt::format("{} has {} bytes, above the 65535 of a compact CAP file",
                                    context_of(tag), size));
    }
    directory.component_sizes[index] = static_cast<std::uint16_t>(size);
  }
  if (!cap.header.version.at_least(2, 2)) directory.component_sizes[11] = 0;
}

Bytes write_cap_components(const CapFile& cap, const StreamOptions& options) {
  Bytes stream;
  for (ComponentTag tag : kStreamOrder) {
    if (!is_present(cap, tag)) continue;
    if (tag == ComponentTag::kDescriptor && !options.include_descriptor) continue;
    if (tag == ComponentTag::kDebug && !options.include_debug) continue;
    append(stream, encode_component(cap, tag));
  }
  return stream;
}

Bytes write_cap_jar(const CapFile& cap, const JarOptions& options) {
  std::string path = cap.package_path;
  if (path.empty() && cap.header.package_name) path = *cap.header.package_name;
  if (path.empty()) {
    throw FormatError("CAP JAR: no package path (set CapFile::package_path, e.g. com/example/app)");
  }
  const std::string directory = path + "/javacard/";
  std::vector<std::pair<std::string, Bytes>> entries;
  const std::string text = manifest(cap, path, options);
  entries.emplace_back("META-INF/MANIFEST.MF", Bytes(text.begin(), text.end()));
  for (ComponentTag tag : kStreamOrder) {
    if (!is_present(cap, tag)) continue;
    entries.emplace_back(
        directory + std::string(component_file_name(static_cast<std::uint8_t>(tag))),
        encode_component(cap, tag));
  }
  for (const RawComponent& custom : cap.custom_components) {
    const std::string name =
        custom.file_name.empty() ? fmt::format("Custom{}.cap", custom.tag) : custom.file_name;
    entries.emplace_back(directory + name, wrap(custom.tag, custom.info, cap.header.version));
  }
  return write_zip(entries);
}

}  // namespace uicc::cap
