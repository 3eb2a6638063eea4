// The CAP file listing and the name resolution behind it.
#include "vm/cap/disassembler.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "vm/cap/cap_reader.h"

namespace uicc::cap {
namespace {

std::string version_text(std::uint8_t major, std::uint8_t minor) {
  return fmt::format("{}.{}", major, minor);
}

bool is_constant_field(const FieldDebugInfo& field, const std::string& descriptor) {
  const bool static_final = (field.access_flags & debug_flags::kStatic) != 0 &&
                            (field.access_flags & debug_flags::kFinal) != 0;
  return static_final && descriptor.size() == 1 && descriptor != "L";
}

std::string flag_names(std::uint8_t flags) {
  std::vector<std::string> names;
  if ((flags & header_flags::kInt) != 0) names.emplace_back("ACC_INT");
  if ((flags & header_flags::kExport) != 0) names.emplace_back("ACC_EXPORT");
  if ((flags & header_flags::kApplet) != 0) names.emplace_back("ACC_APPLET");
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, " "));
}

std::string array_type_name(std::int32_t atype) {
  switch (static_cast<ArrayType>(atype)) {
    case ArrayType::kClass:
      return "class";
    case ArrayType::kBoolean:
      return "boolean[]";
    case ArrayType::kByte:
      return "byte[]";
    case ArrayType::kShort:
      return "short[]";
    case ArrayType::kInt:
      return "int[]";
    case ArrayType::kReference:
      return "reference[]";
  }
  return fmt::format("atype {}", atype);
}

}  // namespace

NameResolver::NameResolver(const CapFile& cap, const std::vector<ExportFile>& exports) : cap_(cap) {
  for (std::size_t token = 0; token < cap.imports.packages.size(); ++token) {
    const PackageInfo& import = cap.imports.packages[token];
    for (const ExportFile& ex : exports) {
      if (ex.package.aid == import.aid && ex.package.major == import.major) {
        exports_[static_cast<std::uint8_t>(token)] = &ex;
        break;
      }
    }
  }

  if (cap.debug) {
    const DebugComponent& debug = *cap.debug;
    for (const ClassDebugInfo& entry : debug.classes) {
      const std::string name = debug.string_at(entry.name_index);
      classes_[entry.location] = name;
      for (const FieldDebugInfo& field : entry.fields) {
        const std::string descriptor = debug.string_at(field.descriptor_index);
        const std::string field_name = name + "." + debug.string_at(field.name_index);
        if (is_constant_field(field, descriptor)) continue;
        if ((field.access_flags & debug_flags::kStatic) != 0) {
          static_fields_[static_cast<std::uint16_t>(field.contents & 0xFFFF)] = field_name;
        } else {
          instance_fields_[{entry.location, static_cast<std::uint8_t>(field.contents & 0xFF)}] =
              field_name;
        }
      }
      for (const MethodDebugInfo& method : entry.methods) {
        if ((method.access_flags & debug_flags::kAbstract) != 0) continue;
        methods_[method.location] = name + "." + debug.string_at(method.name_index) +
                                    debug.string_at(method.descriptor_index);
      }
    }
  }
  if (cap.descriptor) name_from_own_export(exports);
  if (cap.descriptor) {
    for (const ClassDescriptor& entry : cap.descriptor->classes) {
      for (const MethodDescriptor& method : entry.methods) {
        if ((method.access_flags & descriptor_flags::kStatic) != 0 ||
            (method.access_flags & descriptor_flags::kMethodInit) != 0 || entry.is_interface()) {
          continue;
        }
        virtual_methods_[{entry.this_class.offset(), method.token}] =
            method_at(method.method_offset);
      }
    }
  }
}

// Without a Debug component, the package's own export file still names its public classes
// and their public and protected members, which the Descriptor lists by token.
void NameResolver::name_from_own_export(const std::vector<ExportFile>& exports) {
  const ExportFile* own = nullptr;
  for (const ExportFile& ex : exports) {
    if (ex.package.aid == cap_.header.package.aid) own = &ex;
  }
  if (own == nullptr) return;
  for (const ClassDescriptor& entry : cap_.descriptor->classes) {
    const ExportClass* exported = entry.token == 0xFF ? nullptr : own->find_class(entry.token);
    if (exported == nullptr) continue;
    const std::uint16_t offset = entry.this_class.offset();
    classes_.try_emplace(offset, exported->name);
    for (const MethodDescriptor& method : entry.methods) {
      const bool is_static =
          (method.access_flags & (descriptor_flags::kStatic | descriptor_flags::kMethodInit)) != 0;
      for (const ExportMethod& candidate : exported->methods) {
        const bool candidate_static =
            (candidate.access_flags & export_member_flags::kStatic) != 0 ||
            candidate.name == "<init>";
        if (candidate.token == method.token && candidate_static == is_static &&
            method.token != 0xFF && !entry.is_interface()) {
          methods_.try_emplace(method.method_offset,
                               exported->name + "." + candidate.name + candidate.descriptor);
        }
      }
    }
    for (const FieldDescriptor& field : entry.fields) {
      for (const ExportField& candidate : exported->fields) {
        if (candidate.token != field.token || field.token == 0xFF) continue;
        if (field.is_static() && (candidate.access_flags & export_member_flags::kStatic) != 0) {
          static_fields_.try_emplace(field.static_field().offset(),
                                     exported->name + "." + candidate.name);
        }
      }
    }
  }
}

const ExportFile* NameResolver::export_of(std::uint8_t package_token) const {
  auto it = exports_.find(package_token);
  return it == exports_.end() ? nullptr : it->second;
}

std::string NameResolver::package(std::uint8_t package_token) const {
  if (const ExportFile* ex = export_of(package_token)) return ex->package.name;
  if (package_token < cap_.imports.packages.size()) {
    return to_hex(cap_.imports.packages[package_token].aid);
  }
  return fmt::format("<package token {}>", package_token);
}

std::string NameResolver::class_name(ClassRef ref) const {
  if (ref.is_none()) return "<none>";
  if (ref.is_external()) {
    if (const ExportFile* ex = export_of(ref.package_token())) {
      if (const ExportClass* entry = ex->find_class(ref.class_token())) return entry->name;
    }
    return fmt::format("{}.<class {}>", package(ref.package_token()), ref.class_token());
  }
  auto it = classes_.find(ref.offset());
  return it != classes_.end() ? it->second : fmt::format("<class at 0x{:04X}>", ref.offset());
}

std::string NameResolver::method_at(std::uint16_t offset) const {
  auto it = methods_.find(offset);
  return it != methods_.end() ? it->second : fmt::format("<method at 0x{:04X}>", offset);
}

std::string NameResolver::static_field_at(std::uint16_t offset) const {
  auto it = static_fields_.find(offset);
  return it != static_fields_.end() ? it->second
                                    : fmt::format("<static field at 0x{:04X}>", offset);
}

std::string NameResolver::member(ClassRef owner, std::uint8_t token, bool is_static,
                                 bool is_method) const {
  const std::string owner_name = class_name(owner);
  const std::string_view kind = is_method ? (is_static ? "static method" : "virtual method")
                                          : (is_static ? "static field" : "field");
  if (owner.is_external()) {
    const ExportFile* ex = export_of(owner.package_token());
    const ExportClass* entry = ex != nullptr ? ex->find_class(owner.class_token()) : nullptr;
    if (entry != nullptr && is_method) {
      for (const ExportMethod& method : entry->methods) {
        const bool method_static =
            (method.access_flags & export_member_flags::kStatic) != 0 || method.name == "<init>";
        if (method.token == token && method_static == is_static) {
          return owner_name + "." + method.name + method.descriptor;
        }
      }
    } else if (entry != nullptr) {
      for (const ExportField& field : entry->fields) {
        const bool field_static = (field.access_flags & export_member_flags::kStatic) != 0;
        if (field.token == token && field_static == is_static) {
          return owner_name + "." + field.name;
        }
      }
    }
  } else if (is_method && !is_static) {
    auto it = virtual_methods_.find({owner.offset(), token});
    if (it != virtual_methods_.end()) return it->second;
  } else if (!is_method && !is_static) {
    auto it = instance_fields_.find({owner.offset(), token});
    if (it != instance_fields_.end()) return it->second;
  }
  return fmt::format("{}.<{} {}>", owner_name, kind, token);
}

std::string NameResolver::constant(std::uint16_t index) const {
  if (index >= cap_.constant_pool.entries.size()) {
    return fmt::format("<constant pool index {} beyond {} entries>", index,
                       cap_.constant_pool.entries.size());
  }
  const ConstantPoolEntry& entry = cap_.constant_pool.entries[index];
  switch (entry.tag) {
    case ConstantTag::kClassref:
      return class_name(entry.class_ref());
    case ConstantTag::kInstanceFieldref:
      return member(entry.class_ref(), entry.token(), false, false);
    case ConstantTag::kVirtualMethodref:
      return member(entry.class_ref(), entry.token(), false, true);
    case ConstantTag::kSuperMethodref:
      return "super " + member(entry.class_ref(), entry.token(), false, true);
    case ConstantTag::kStaticFieldref:
    case ConstantTag::kStaticMethodref: {
      const StaticRef ref = entry.static_ref();
      const bool is_method = entry.tag == ConstantTag::kStaticMethodref;
      if (!ref.is_external())
        return is_method ? method_at(ref.offset()) : static_field_at(ref.offset());
      return member(ClassRef::external(ref.package_token(), ref.class_token()), ref.token(), true,
                    is_method);
    }
  }
  return "<unknown constant>";
}

std::string format_instruction(const Instruction& instruction, const NameResolver* names) {
  const OpcodeInfo& info = *instruction.info;
  std::string text(info.mnemonic);
  std::string comment;
  const auto kinds = info.operands.view();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::int32_t value = instruction.operands[i];
    switch (kinds[i]) {
      case OperandKind::kCpIndex1:
      case OperandKind::kCpIndex2: {
        const bool is_class_check =
            info.opcode == Opcode::kCheckcast || info.opcode == Opcode::kInstanceof;
        const auto atype = static_cast<ArrayType>(instruction.operands[0]);
        if (is_class_check && atype != ArrayType::kClass && atype != ArrayType::kReference) {
          text += fmt::format(" {}", value);
          break;
        }
        text += fmt::format(" #{}", value);
        if (names != nullptr) comment = names->constant(static_cast<std::uint16_t>(value));
        break;
      }
      case OperandKind::kBranch1:
      case OperandKind::kBranch2:
        text += fmt::format(" -> 0x{:04X}", static_cast<std::int64_t>(instruction.pc) + value);
        break;
      case OperandKind::kArrayType:
        text += fmt::format(" {}", array_type_name(value));
        break;
      case OperandKind::kWordCounts:
        text += fmt::format(" m={} n={}", value >> 4, value & 0x0F);
        break;
      case OperandKind::kArgCount:
        text += fmt::format(" nargs={}", value);
        break;
      case OperandKind::kMethodToken:
        text += fmt::format(" token={}", value);
        break;
      case OperandKind::kTableSwitchShort:
      case OperandKind::kTableSwitchInt:
      case OperandKind::kLookupSwitchShort:
      case OperandKind::kLookupSwitchInt: {
        const SwitchOperand& table = *instruction.switch_operand;
        const auto base = static_cast<std::int64_t>(instruction.pc);
        for (std::size_t k = 0; k < table.count; ++k) {
          text += fmt::format("\n    {:>11}: -> 0x{:04X}", table.match(k), base + table.offset(k));
        }
        text += fmt::format("\n    {:>11}: -> 0x{:04X}", "default", base + table.default_offset);
        break;
      }
      case OperandKind::kShort:
      case OperandKind::kInt:
        // Status words and masks read better in hex.
        text += fmt::format(" {}", value);
        if (value > 255 || value < -256) {
          text += fmt::format(" (0x{:X})",
                              static_cast<std::uint32_t>(value) &
                                  (kinds[i] == OperandKind::kShort ? 0xFFFFu : 0xFFFFFFFFu));
        }
        break;
      default:
        text += fmt::format(" {}", value);
    }
  }
  if (!comment.empty()) text += "  // " + comment;
  return text;
}

namespace {

void dump_components(std::ostream& out, const CapFile& cap) {
  out << "Components (info sizes from the Directory)\n";
  for (std::uint8_t tag = 1; tag <= 12; ++tag) {
    if (tag == 12 && !cap.header.version.at_least(2, 2)) break;
    out << fmt::format("  {:<18} {:>6}\n", component_name(tag),
                       cap.directory.component_sizes[tag - 1]);
  }
  if (cap.header.version.at_least(2, 3)) {
    out << fmt::format("  {:<18} {:>6}\n", "StaticResources", cap.directory.static_resources_size);
  }
  for (const CustomComponentInfo& custom : cap.directory.custom_components) {
    out << fmt::format("  custom tag {:<7} {:>6}  AID {}\n", custom.tag, custom.size,
                       to_hex(custom.aid));
  }
}

void dump_imports_and_applets(std::ostream& out, const CapFile& cap, const NameResolver& names) {
  out << "Imports\n";
  for (std::size_t i = 0; i < cap.imports.packages.size(); ++i) {
    const PackageInfo& package = cap.imports.packages[i];
    const std::string name = names.package(static_cast<std::uint8_t>(i));
    out << fmt::format("  {:>3}  {:<32} {:<5} {}\n", i, to_hex(package.aid),
                       version_text(package.major, package.minor),
                       name == to_hex(package.aid) ? "(no export file)" : name);
  }
  out << "Applets\n";
  if (!cap.applets) out << "  none\n";
  if (cap.applets) {
    for (const AppletInfo& applet : cap.applets->applets) {
      out << fmt::format("  {:<32} install 0x{:04X}  {}\n", to_hex(applet.aid),
                         applet.install_method_offset,
                         names.method_at(applet.install_method_offset));
    }
  }
  out << "Exports\n";
  if (!cap.exports) out << "  none\n";
  if (cap.exports) {
    for (std::size_t token = 0; token < cap.exports->classes.size(); ++token) {
      const ClassExport& entry = cap.exports->classes[token];
      out << fmt::format("  class {:>3}  {}\n", token,
                         names.class_name(ClassRef::internal(entry.class_offset)));
      for (std::size_t k = 0; k < entry.static_field_offsets.size(); ++k) {
        out << fmt::format("    static field {:>3}  {}\n", k,
                           names.static_field_at(entry.static_field_offsets[k]));
      }
      for (std::size_t k = 0; k < entry.static_method_offsets.size(); ++k) {
        out << fmt::format("    static method {:>2}  {}\n", k,
                           names.method_at(entry.static_method_offsets[k]));
      }
    }
  }
}

void dump_constant_pool(std::ostream& out, const CapFile& cap, const NameResolver& names) {
  out << "Constant pool\n";
  for (std::size_t i = 0; i < cap.constant_pool.entries.size(); ++i) {
    out << fmt::format("  {:>4}  {:<16}  {}\n", i,
                       constant_tag_name(cap.constant_pool.entries[i].tag),
                       names.constant(static_cast<std::uint16_t>(i)));
  }
}

void dump_classes(std::ostream& out, const CapFile& cap, const NameResolver& names) {
  out << "Classes\n";
  for (const InterfaceInfo& entry : cap.classes.interfaces) {
    out << fmt::format("  interface {} at 0x{:04X}{}\n",
                       names.class_name(ClassRef::internal(entry.offset)), entry.offset,
                       (entry.flags & class_flags::kShareable) != 0 ? " shareable" : "");
    for (ClassRef super : entry.superinterfaces) {
      out << "    extends " << names.class_name(super) << "\n";
    }
  }
  for (const ClassInfo& entry : cap.classes.classes) {
    out << fmt::format("  class {} at 0x{:04X} extends {}{}\n",
                       names.class_name(ClassRef::internal(entry.offset)), entry.offset,
                       names.class_name(entry.super_class),
                       (entry.flags & class_flags::kShareable) != 0 ? " shareable" : "");
    out << fmt::format("    instance words {}, {} reference fields from token {}\n",
                       entry.declared_instance_size, entry.reference_count,
                       entry.first_reference_token);
    for (std::size_t i = 0; i < entry.public_virtual_method_table.size(); ++i) {
      const std::uint16_t offset = entry.public_virtual_method_table[i];
      out << fmt::format("    virtual {:>3}  0x{:04X}  {}\n", entry.public_method_table_base + i,
                         offset, names.method_at(offset));
    }
    for (std::size_t i = 0; i < entry.package_virtual_method_table.size(); ++i) {
      const std::uint16_t offset = entry.package_virtual_method_table[i];
      out << fmt::format("    package {:>3}  0x{:04X}  {}\n",
                         0x80 + entry.package_method_table_base + i, offset,
                         names.method_at(offset));
    }
    for (const ImplementedInterface& implemented : entry.interfaces) {
      out << fmt::format("    implements {}: {}\n", names.class_name(implemented.interface_ref),
                         fmt::join(implemented.index, " "));
    }
  }
}

void dump_static_fields(std::ostream& out, const CapFile& cap) {
  const StaticFieldComponent& fields = cap.static_fields;
  out << fmt::format(
      "Static fields\n  image {} bytes: {} references ({} arrays initialized), {} "
      "default bytes, {} initialized bytes\n",
      fields.image_size, fields.reference_count, fields.array_init.size(),
      fields.default_value_count, fields.non_default_values.size());
  for (std::size_t i = 0; i < fields.array_init.size(); ++i) {
    out << fmt::format("  array {} type {}: {}\n", i, fields.array_init[i].type,
                       to_hex(fields.array_init[i].values, " "));
  }
  if (!fields.non_default_values.empty()) {
    out << fmt::format("  values: {}\n", to_hex(fields.non_default_values, " "));
  }
}

void dump_method(std::ostream& out, const CapFile& cap, const MethodLocation& method,
                 const NameResolver& names, const DumpOptions& options) {
  out << fmt::format("  {} at 0x{:04X}{}: max_stack {}, nargs {}, max_locals {}\n",
                     names.method_at(method.offset), method.offset,
                     method.header.is_abstract() ? " abstract" : "", method.header.max_stack,
                     method.header.nargs, method.header.max_locals);
  const ByteView code = cap.methods.bytes_at(method.bytecode_offset, method.bytecode_count);
  for (std::size_t pc = 0; pc < code.size();) {
    DecodeError error{};
    const auto instruction = decode_instruction(code, pc, &error);
    if (!instruction) {
      out << fmt::format("    {:04X}  <{}: 0x{:02X}>\n", pc, to_string(error), code[pc]);
      break;
    }
    const std::string bytes =
        options.show_bytes
            ? fmt::format(
                  "{:<12}",
                  to_hex(code.subspan(pc, std::min<std::size_t>(instruction->length, 5)), ""))
            : "";
    out << fmt::format("    {:04X}  {}{}\n", pc, bytes, format_instruction(*instruction, &names));
    pc += instruction->length;
  }
  for (const ExceptionHandler& handler : cap.methods.handlers) {
    if (handler.start_offset < method.bytecode_offset ||
        handler.start_offset >= method.bytecode_offset + method.bytecode_count) {
      continue;
    }
    const std::size_t start = handler.start_offset - method.bytecode_offset;
    out << fmt::format("    try {:04X}-{:04X} handler {:04X} catch {}\n", start,
                       start + handler.active_length,
                       handler.handler_offset - method.bytecode_offset,
                       handler.catch_type_index == 0 ? std::string("any (finally)")
                                                     : names.constant(handler.catch_type_index));
  }
}

}  // namespace

void dump_cap(std::ostream& out, const CapFile& cap, const std::vector<ExportFile>& exports,
              const DumpOptions& options) {
  const NameResolver names(cap, exports);
  const HeaderComponent& header = cap.header;
  out << fmt::format("CAP file format {}\n",
                     version_text(header.version.major, header.version.minor));
  out << fmt::format("Package {} version {}{}\n", to_hex(header.package.aid),
                     version_text(header.package.major, header.package.minor),
                     cap.package_path.empty() ? "" : "  " + cap.package_path);
  out << fmt::format("Flags 0x{:02X} ({})\n", header.flags, flag_names(header.flags));
  dump_components(out, cap);
  dump_imports_and_applets(out, cap, names);
  dump_constant_pool(out, cap, names);
  dump_classes(out, cap, names);
  dump_static_fields(out, cap);
  if (cap.static_resources) {
    out << "Static resources\n";
    for (const StaticResource& resource : cap.static_resources->resources) {
      out << fmt::format("  id {} {} bytes\n", resource.id, resource.data.size());
    }
  }
  if (!options.disassemble) return;
  out << fmt::format("Methods ({} located{})\n", cap.method_locations.size(),
                     cap.descriptor ? " by the Descriptor" : " from references, no Descriptor");
  for (const MethodLocation& method : cap.method_locations) {
    dump_method(out, cap, method, names, options);
  }
}

std::vector<ExportFile> load_export_files(const std::vector<std::filesystem::path>& directories) {
  std::vector<ExportFile> files;
  for (const std::filesystem::path& directory : directories) {
    std::error_code error;
    std::filesystem::recursive_directory_iterator it(directory, error);
    if (error) {
      throw FormatError(fmt::format("{}: cannot read the export directory: {}", directory.string(),
                                    error.message()));
    }
    for (const auto& entry : it) {
      if (entry.is_regular_file() && entry.path().extension() == ".exp") {
        files.push_back(read_export_file(entry.path()));
      }
    }
  }
  return files;
}

}  // namespace uicc::cap
