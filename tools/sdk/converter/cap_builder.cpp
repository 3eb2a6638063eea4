// CAP file assembly. The layout follows Java Card 3.0.5 Virtual Machine Specification
// chapter 6: the Import component gives the package tokens (§6.6), class_info offsets are
// class references (§6.8), method_info offsets are method references (§6.9), the static
// field image has four segments (§6.10), the ReferenceLocation component lists every
// constant pool index in the Method component (§6.11), the Export component maps tokens to
// offsets (§6.12) and the Descriptor component describes every class, field and method
// (§6.13).
#include "tools/sdk/converter/cap_builder.h"

#include <algorithm>
#include <deque>
#include <set>

#include <fmt/format.h>

#include "tools/sdk/converter/export_model.h"
#include "vm/cap/cap_writer.h"

namespace uicc::sdk {
namespace {

constexpr std::string_view kLang = "java/lang";
constexpr std::string_view kApplet = "javacard/framework/Applet";
constexpr std::size_t kMaxComponent = 65535;

std::uint8_t type_nibble(const FieldType& type) {
  if (type.is_void()) return cap::type_nibble::kVoid;
  if (type.dimensions == 0) {
    switch (type.base) {
      case BaseType::kBoolean:
        return cap::type_nibble::kBoolean;
      case BaseType::kByte:
        return cap::type_nibble::kByte;
      case BaseType::kShort:
        return cap::type_nibble::kShort;
      case BaseType::kInt:
        return cap::type_nibble::kInt;
      default:
        return cap::type_nibble::kReference;
    }
  }
  switch (type.base) {
    case BaseType::kBoolean:
      return cap::type_nibble::kBooleanArray;
    case BaseType::kByte:
      return cap::type_nibble::kByteArray;
    case BaseType::kShort:
      return cap::type_nibble::kShortArray;
    case BaseType::kInt:
      return cap::type_nibble::kIntArray;
    default:
      return cap::type_nibble::kReferenceArray;
  }
}

// Bytes of a static field in the image (JCVM 3.0.5 §6.10 Table 6-15).
std::uint16_t static_size(const FieldType& type) {
  if (type.is_reference()) return 2;
  switch (type.base) {
    case BaseType::kBoolean:
    case BaseType::kByte:
      return 1;
    case BaseType::kInt:
      return 4;
    default:
      return 2;
  }
}

std::uint8_t array_init_type(BaseType element) {
  switch (element) {
    case BaseType::kBoolean:
      return cap::array_init_type::kBoolean;
    case BaseType::kByte:
      return cap::array_init_type::kByte;
    case BaseType::kShort:
      return cap::array_init_type::kShort;
    default:
      return cap::array_init_type::kInt;
  }
}

void append_value(Bytes& out, std::int64_t value, std::size_t size) {
  for (std::size_t i = size; i-- > 0;) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

// Java access flags reduced to the Descriptor component's (JCVM 3.0.5 §6.13 Tables 6-19
// and 6-21).
std::uint8_t member_descriptor_flags(std::uint16_t flags) {
  std::uint8_t out = 0;
  if ((flags & access::kPublic) != 0) out |= cap::descriptor_flags::kPublic;
  if ((flags & access::kPrivate) != 0) out |= cap::descriptor_flags::kPrivate;
  if ((flags & access::kProtected) != 0) out |= cap::descriptor_flags::kProtected;
  if ((flags & access::kStatic) != 0) out |= cap::descriptor_flags::kStatic;
  if ((flags & access::kFinal) != 0) out |= cap::descriptor_flags::kFinal;
  return out;
}

class CapBuilder {
 public:
  CapBuilder(const CapBuildInput& input, Diagnostics& diagnostics)
      : in_(input), model_(*input.model), diagnostics_(diagnostics) {}

  cap::CapFile build();

 private:
  void collect_imports();
  void note_class(const std::string& name);
  void note_descriptor(const std::string& descriptor);
  void layout_statics();
  void layout_methods();
  void layout_classes();
  void build_constant_pool();
  void build_classes();
  void build_methods();
  void build_static_fields();
  void build_reference_locations();
  void build_exports();
  void build_descriptor();
  void build_applets();
  void build_header();

  cap::ClassRef class_ref(std::string_view name) const;
  std::uint8_t package_token(std::string_view class_name) const;
  const cap::ExportClass& exported(std::string_view name) const;
  std::uint8_t virtual_token(const std::string& class_name, const std::string& method,
                             const std::string& descriptor) const;
  std::uint16_t method_offset(const PackageMethod* method) const {
    return method_offsets_.at(method);
  }
  std::uint16_t type_offset(const cap::TypeDescriptor& type);
  cap::TypeDescriptor encode_type(const std::vector<FieldType>& types) const;
  bool is_exported_class(const PackageClass& cls) const;
  void error(const PackageClass* cls, std::string message);

  const TranslatedMethod* code_of(const PackageMethod* method) const;
  void add_delegates(const PackageClass& cls);
  std::vector<const PackageMethod*> methods_of(const PackageClass& cls) const;

  const CapBuildInput& in_;
  const PackageModel& model_;
  Diagnostics& diagnostics_;
  cap::CapFile cap_;

  // Methods the builder adds for inherited methods (see InheritedDelegate).
  std::deque<MethodInfo> synthetic_infos_;
  std::deque<PackageMethod> synthetic_methods_;
  std::map<const PackageMethod*, TranslatedMethod> synthetic_code_;
  std::map<std::pair<const PackageClass*, std::uint8_t>, const PackageMethod*> delegate_of_;
  std::map<const PackageClass*, std::vector<const PackageMethod*>> synthetic_of_class_;

  std::set<std::string> referenced_packages_;
  std::vector<const cap::ExportFile*> imports_;  // by package token
  std::map<const PackageField*, std::uint16_t> static_offsets_;
  std::map<const PackageMethod*, std::uint16_t> method_offsets_;
  std::map<const PackageMethod*, LaidOutCode> laid_out_;
  std::vector<const PackageMethod*> method_order_;
  std::map<const PackageMethod*, std::size_t> first_handler_;
  std::map<std::string, std::uint16_t, std::less<>> class_offsets_;
  std::map<Bytes, std::uint16_t> type_pool_;
  std::uint16_t type_pool_end_ = 0;
};

void CapBuilder::error(const PackageClass* cls, std::string message) {
  Diagnostic d;
  if (cls != nullptr) {
    d.source_file = cls->source_file();
    d.class_name = cls->java_name();
  }
  d.message = std::move(message);
  diagnostics_.add(std::move(d));
}

cap::CapFile CapBuilder::build() {
  collect_imports();
  if (!diagnostics_.empty()) return cap_;
  layout_statics();
  layout_methods();
  layout_classes();
  if (!diagnostics_.empty()) return cap_;
  build_constant_pool();
  build_classes();
  build_methods();
  build_static_fields();
  build_reference_locations();
  build_exports();
  build_descriptor();
  build_applets();
  build_header();
  if (!diagnostics_.empty()) return cap_;
  cap::update_directory(cap_);
  for (std::size_t tag = 1; tag <= 12; ++tag) {
    if (cap_.directory.component_sizes[tag - 1] >= kMaxComponent) {
      error(nullptr, fmt::format("the {} component exceeds 65535 bytes",
                                 cap::component_name(static_cast<std::uint8_t>(tag))));
    }
  }
  return cap_;
}

// Imports ----------------------------------------------------------------------------------

void CapBuilder::note_class(const std::string& name) {
  std::string package = package_of(name);
  if (package != model_.package_name()) referenced_packages_.insert(package);
}

void CapBuilder::note_descriptor(const std::string& descriptor) {
  auto collect = [&](const FieldType& type) {
    if (type.base == BaseType::kClass) note_class(type.class_name);
  };
  if (!descriptor.empty() && descriptor[0] == '(') {
    if (auto method = parse_method_descriptor(descriptor)) {
      for (const auto& p : method->parameters) collect(p);
      collect(method->result);
    }
  } else if (auto field = parse_field_descriptor(descriptor)) {
    collect(*field);
  }
}

void CapBuilder::collect_imports() {
  // Every package whose classes a class reference of this CAP file names: in the constant
  // pool, the class hierarchy and the type descriptors (JCVM 3.0.5 §6.6).
  for (const CpKey& key : in_.pool->entries()) {
    note_class(key.class_name);
    note_descriptor(key.descriptor);
  }
  for (const auto& cls : model_.classes()) {
    if (!cls->super_name.empty()) note_class(cls->super_name);
    for (const auto& i : cls->all_interfaces) note_class(i);
    for (const auto& f : cls->fields) {
      if (!f.is_constant) note_descriptor(f.info->descriptor);
    }
    for (const auto& m : cls->methods) {
      if (m.kind != MethodKind::kStaticInitializer) note_descriptor(m.info->descriptor);
    }
  }
  // java.lang first, as the reference converter orders it; the others by name.
  std::vector<std::string> names(referenced_packages_.begin(), referenced_packages_.end());
  std::stable_partition(names.begin(), names.end(),
                        [](const std::string& n) { return n == kLang; });
  for (const auto& name : names) {
    const cap::ExportFile* found = nullptr;
    for (const auto& e : model_.imports()) {
      if (e.package.name == name) found = &e;
    }
    if (found == nullptr) {
      error(nullptr, fmt::format("package {} is used but no export file was given for it; add "
                                 "its directory to the export path",
                                 dotted_name(name)));
      continue;
    }
    imports_.push_back(found);
  }
  if (imports_.size() > 128) {
    error(nullptr, fmt::format("the package imports {} packages; package tokens allow 128",
                               imports_.size()));
  }
}

std::uint8_t CapBuilder::package_token(std::string_view class_name) const {
  std::string package = package_of(class_name);
  for (std::size_t i = 0; i < imports_.size(); ++i) {
    if (imports_[i]->package.name == package) return static_cast<std::uint8_t>(i);
  }
  throw ConversionError(fmt::format("no import for class {}", dotted_name(class_name)));
}

const cap::ExportClass& CapBuilder::exported(std::string_view name) const {
  const cap::ExportFile* file = imports_.at(package_token(name));
  const cap::ExportClass* cls = file->find_class(name);
  if (cls == nullptr) {
    throw ConversionError(fmt::format("class {} is not in the export file of package {}",
                                      dotted_name(name), dotted_name(file->package.name)));
  }
  return *cls;
}

cap::ClassRef CapBuilder::class_ref(std::string_view name) const {
  if (package_of(name) == model_.package_name()) {
    return cap::ClassRef::internal(class_offsets_.at(std::string(name)));
  }
  return cap::ClassRef::external(package_token(name), exported(name).token);
}

// Layouts --------------------------------------------------------------------------------

void CapBuilder::layout_statics() {
  // Four segments (JCVM 3.0.5 §6.10): arrays that <clinit> initializes, other references,
  // primitives left at their default value, primitives with an initial value.
  std::uint16_t offset = 0;
  auto value_of = [&](const PackageClass& cls, const PackageField& f) -> const StaticValue* {
    auto c = in_.statics->find(&cls);
    if (c == in_.statics->end()) return nullptr;
    auto v = c->second.find(f.info->name);
    return v == c->second.end() ? nullptr : &v->second;
  };
  auto place = [&](auto&& in_segment) {
    for (const auto& cls : model_.classes()) {
      for (const auto& f : cls->fields) {
        if (!f.is_static || f.is_constant || !in_segment(*cls, f)) continue;
        static_offsets_[&f] = offset;
        offset = static_cast<std::uint16_t>(offset + static_size(f.type));
      }
    }
  };
  place([&](const PackageClass& c, const PackageField& f) {
    const StaticValue* v = value_of(c, f);
    return f.type.is_reference() && v != nullptr && v->array.has_value();
  });
  place([&](const PackageClass& c, const PackageField& f) {
    const StaticValue* v = value_of(c, f);
    return f.type.is_reference() && (v == nullptr || !v->array.has_value());
  });
  place([&](const PackageClass& c, const PackageField& f) {
    const StaticValue* v = value_of(c, f);
    return !f.type.is_reference() && (v == nullptr || v->primitive.value_or(0) == 0);
  });
  place([&](const PackageClass& c, const PackageField& f) {
    const StaticValue* v = value_of(c, f);
    return !f.type.is_reference() && v != nullptr && v->primitive.value_or(0) != 0;
  });
}

void CapBuilder::layout_methods() {
  // Methods in class order (JCVM 3.0.5 §6.9): every method with code, and the abstract
  // methods of classes; interface methods and <clinit> have no method_info.
  std::size_t handlers = 0;
  for (const auto& cls : model_.classes()) {
    if (cls->is_interface) continue;
    add_delegates(*cls);
    for (const PackageMethod* m : methods_of(*cls)) {
      method_order_.push_back(m);
      const TranslatedMethod* translated = code_of(m);
      if (translated == nullptr) continue;  // abstract
      std::vector<int> handler_labels;
      for (const auto& h : translated->handlers) handler_labels.push_back(h.handler_label);
      try {
        laid_out_[m] = translated->code.lay_out(*in_.pool, handler_labels);
      } catch (const ConversionError& e) {
        diagnostics_.add(make_diagnostic(*cls, m, 0, e.what()));
        continue;
      }
      first_handler_[m] = handlers;
      handlers += translated->handlers.size();
    }
  }
  if (handlers > 255) {
    error(nullptr, fmt::format("the package has {} exception handlers; the Method component "
                               "holds 255",
                               handlers));
  }
  std::size_t offset = 1 + 8 * handlers;
  for (const PackageMethod* m : method_order_) {
    method_offsets_[m] = static_cast<std::uint16_t>(offset);
    auto laid = laid_out_.find(m);
    std::size_t header = 2;
    if (laid != laid_out_.end()) {
      const auto& t = *code_of(m);
      if (laid->second.max_stack > 15 || t.nargs > 15 || t.max_locals > 15) header = 4;
      offset += header + laid->second.bytecode.size();
    } else {
      if (m->type.parameter_words() + 1 > 15) header = 4;
      offset += header;
    }
    if (offset > kMaxComponent) {
      error(nullptr, "the Method component exceeds 65535 bytes");
      return;
    }
  }
}

void CapBuilder::layout_classes() {
  // Sizes of interface_info and class_info (JCVM 3.0.5 §6.8.1, §6.8.2) decide the offsets,
  // which other structures use as class references.
  std::size_t offset = in_.format.at_least(2, 2) ? 2 : 0;  // empty signature pool
  for (const auto& cls : model_.classes()) {
    class_offsets_[cls->name] = static_cast<std::uint16_t>(offset);
    if (cls->is_interface) {
      offset += 1 + 2 * cls->all_interfaces.size();
      continue;
    }
    std::size_t size = 10;
    auto count_table = [&](const std::vector<VirtualSlot>& table) {
      std::size_t first = table.size();
      for (std::size_t t = 0; t < table.size(); ++t) {
        if (table[t].owner == cls.get()) {
          first = t;
          break;
        }
      }
      return table.size() - first;
    };
    size += 2 * count_table(cls->public_vtable) + 2 * count_table(cls->package_vtable);
    for (const auto& name : cls->all_interfaces) {
      ClassLocation i = model_.find_class(name);
      std::size_t methods = 0;
      if (i.local != nullptr) {
        methods = i.local->interface_methods.size();
      } else if (i.exported != nullptr) {
        for (const auto& m : i.exported->methods)
          methods = std::max<std::size_t>(methods, m.token + 1u);
      }
      size += 3 + methods;
    }
    offset += size;
  }
  if (offset > kMaxComponent) error(nullptr, "the Class component exceeds 65535 bytes");
}

const TranslatedMethod* CapBuilder::code_of(const PackageMethod* method) const {
  auto own = in_.methods->find(method);
  if (own != in_.methods->end()) return &own->second;
  auto synthetic = synthetic_code_.find(method);
  return synthetic == synthetic_code_.end() ? nullptr : &synthetic->second;
}

std::vector<const PackageMethod*> CapBuilder::methods_of(const PackageClass& cls) const {
  std::vector<const PackageMethod*> out;
  for (const auto& m : cls.methods) {
    if (m.kind != MethodKind::kStaticInitializer) out.push_back(&m);
  }
  auto synthetic = synthetic_of_class_.find(&cls);
  if (synthetic != synthetic_of_class_.end()) {
    out.insert(out.end(), synthetic->second.begin(), synthetic->second.end());
  }
  return out;
}

void CapBuilder::add_delegates(const PackageClass& cls) {
  for (const InheritedDelegate& delegate : in_.delegates) {
    if (delegate.cls != &cls) continue;
    MethodInfo& info = synthetic_infos_.emplace_back();
    info.access_flags = static_cast<std::uint16_t>(delegate.access_flags & ~access::kFinal);
    if (delegate.is_abstract) info.access_flags |= access::kAbstract;
    info.name = delegate.name;
    info.descriptor = delegate.descriptor;
    PackageMethod& method = synthetic_methods_.emplace_back();
    method.info = &info;
    method.type = *parse_method_descriptor(delegate.descriptor);
    method.kind = MethodKind::kVirtual;
    method.token = delegate.token;
    delegate_of_[{&cls, delegate.token}] = &method;
    synthetic_of_class_[&cls].push_back(&method);
    if (delegate.is_abstract) continue;
    // aload_0, the parameters, invokespecial of the superclass's method, return.
    TranslatedMethod code;
    JcCode& jc = code.code;
    jc.emit(cap::Opcode::kAload0);
    int local = 1;
    for (const FieldType& p : method.type.parameters) {
      char kind = p.is_reference() ? 'a' : (p.is_int() ? 'i' : 's');
      cap::Opcode general = kind == 'a'   ? cap::Opcode::kAload
                            : kind == 's' ? cap::Opcode::kSload
                                          : cap::Opcode::kIload;
      cap::Opcode first = kind == 'a'   ? cap::Opcode::kAload0
                          : kind == 's' ? cap::Opcode::kSload0
                                        : cap::Opcode::kIload0;
      jc.emit(local <= 3 ? static_cast<cap::Opcode>(static_cast<int>(first) + local) : general,
              local);
      local += p.words();
    }
    JcInstruction call;
    call.opcode = cap::Opcode::kInvokespecial;
    call.cp = delegate.super_method_cp;
    call.invoke_pops = local;
    call.invoke_pushes = method.type.result.words();
    jc.emit(std::move(call));
    const FieldType& result = method.type.result;
    jc.emit(result.is_void()        ? cap::Opcode::kReturn
            : result.is_reference() ? cap::Opcode::kAreturn
            : result.is_int()       ? cap::Opcode::kIreturn
                                    : cap::Opcode::kSreturn);
    code.nargs = local;
    synthetic_code_.emplace(&method, std::move(code));
  }
}

// Components -------------------------------------------------------------------------------

std::uint8_t CapBuilder::virtual_token(const std::string& class_name, const std::string& method,
                                       const std::string& descriptor) const {
  ClassLocation location = model_.find_class(class_name);
  if (location.local != nullptr) {
    const auto& pub = location.local->public_vtable;
    for (std::size_t t = 0; t < pub.size(); ++t) {
      if (pub[t].name == method && pub[t].descriptor == descriptor)
        return static_cast<std::uint8_t>(t);
    }
    const auto& pkg = location.local->package_vtable;
    for (std::size_t t = 0; t < pkg.size(); ++t) {
      if (pkg[t].name == method && pkg[t].descriptor == descriptor) {
        return static_cast<std::uint8_t>(kPackageTokenBit | t);
      }
    }
    throw ConversionError(
        fmt::format("no virtual method {}.{}{}", dotted_name(class_name), method, descriptor));
  }
  const cap::ExportMethod* m = exported(class_name).find_method(method, descriptor);
  if (m == nullptr) {
    throw ConversionError(fmt::format("no method {}.{}{} in the export file",
                                      dotted_name(class_name), method, descriptor));
  }
  return m->token;
}

void CapBuilder::build_constant_pool() {
  for (int id : in_.pool->ids_in_order()) {
    const CpKey& key = in_.pool->entries()[static_cast<std::size_t>(id)];
    ClassLocation location = model_.find_class(key.class_name);
    switch (key.kind) {
      case cap::ConstantTag::kClassref:
        cap_.constant_pool.entries.push_back(
            cap::ConstantPoolEntry::classref(class_ref(key.class_name)));
        break;
      case cap::ConstantTag::kInstanceFieldref: {
        std::uint8_t token = location.local != nullptr
                                 ? location.local->find_field(key.member)->token
                                 : exported(key.class_name).find_field(key.member)->token;
        cap_.constant_pool.entries.push_back(
            cap::ConstantPoolEntry::member(key.kind, class_ref(key.class_name), token));
        break;
      }
      case cap::ConstantTag::kVirtualMethodref:
      case cap::ConstantTag::kSuperMethodref:
        cap_.constant_pool.entries.push_back(cap::ConstantPoolEntry::member(
            key.kind, class_ref(key.class_name),
            virtual_token(key.class_name, key.member, key.descriptor)));
        break;
      case cap::ConstantTag::kStaticFieldref:
      case cap::ConstantTag::kStaticMethodref: {
        cap::StaticRef ref;
        if (location.local != nullptr) {
          ref = key.kind == cap::ConstantTag::kStaticFieldref
                    ? cap::StaticRef::internal(
                          static_offsets_.at(location.local->find_field(key.member)))
                    : cap::StaticRef::internal(
                          method_offset(location.local->find_method(key.member, key.descriptor)));
        } else {
          const cap::ExportClass& c = exported(key.class_name);
          std::uint8_t token = key.kind == cap::ConstantTag::kStaticFieldref
                                   ? c.find_field(key.member)->token
                                   : c.find_method(key.member, key.descriptor)->token;
          ref = cap::StaticRef::external(package_token(key.class_name), c.token, token);
        }
        cap_.constant_pool.entries.push_back(cap::ConstantPoolEntry::static_member(key.kind, ref));
        break;
      }
    }
  }
}

void CapBuilder::build_classes() {
  auto& component = cap_.classes;
  for (const auto& cls : model_.classes()) {
    if (cls->is_interface) {
      cap::InterfaceInfo info;
      info.offset = class_offsets_.at(cls->name);
      info.flags = cap::class_flags::kInterface |
                   (cls->is_shareable ? cap::class_flags::kShareable : std::uint8_t{0});
      for (const auto& super : cls->all_interfaces)
        info.superinterfaces.push_back(class_ref(super));
      component.interfaces.push_back(std::move(info));
      continue;
    }
    cap::ClassInfo info;
    info.offset = class_offsets_.at(cls->name);
    info.flags = cls->is_shareable ? cap::class_flags::kShareable : std::uint8_t{0};
    info.super_class = class_ref(cls->super_name);
    int size = 0;
    int references = 0;
    std::uint8_t first_reference = 0xFF;
    for (const auto& f : cls->fields) {
      if (f.is_static) continue;
      size += f.type.words();
      if (f.type.is_reference()) {
        ++references;
        first_reference = std::min(first_reference, f.token);
      }
    }
    if (size > 255) {
      error(cls.get(),
            fmt::format("the class declares {} words of instance fields, more than 255", size));
    }
    info.declared_instance_size = static_cast<std::uint8_t>(size);
    info.first_reference_token = first_reference;
    info.reference_count = static_cast<std::uint8_t>(references);
    // The method tables start at the first token this class defines; entries below it are
    // found in the superclass. An inherited method of another package has no offset here
    // and its entry is 0xFFFF, so the VM looks it up in the superclass.
    auto fill = [&](const std::vector<VirtualSlot>& table, std::vector<std::uint16_t>& out) {
      std::size_t first = table.size();
      for (std::size_t t = 0; t < table.size(); ++t) {
        if (table[t].owner == cls.get()) {
          first = t;
          break;
        }
      }
      for (std::size_t t = first; t < table.size(); ++t) {
        const PackageMethod* method = table[t].method;
        if (method == nullptr) {
          auto delegate = delegate_of_.find({cls.get(), static_cast<std::uint8_t>(t)});
          if (delegate != delegate_of_.end()) method = delegate->second;
        }
        out.push_back(method != nullptr ? method_offset(method) : 0xFFFF);
      }
      return static_cast<std::uint8_t>(first);
    };
    info.public_method_table_base = fill(cls->public_vtable, info.public_virtual_method_table);
    info.package_method_table_base = fill(cls->package_vtable, info.package_virtual_method_table);
    for (const auto& name : cls->all_interfaces) {
      cap::ImplementedInterface implemented;
      implemented.interface_ref = class_ref(name);
      ClassLocation interface = model_.find_class(name);
      std::vector<std::pair<std::string, std::string>> methods;
      if (interface.local != nullptr) {
        for (const auto& slot : interface.local->interface_methods)
          methods.emplace_back(slot.name, slot.descriptor);
      } else {
        std::size_t count = 0;
        for (const auto& m : interface.exported->methods)
          count = std::max<std::size_t>(count, m.token + 1u);
        methods.resize(count);
        for (const auto& m : interface.exported->methods) methods[m.token] = {m.name, m.descriptor};
      }
      for (const auto& [method, descriptor] : methods) {
        std::uint8_t token = 0;
        bool found = false;
        for (std::size_t t = 0; t < cls->public_vtable.size(); ++t) {
          if (cls->public_vtable[t].name == method &&
              cls->public_vtable[t].descriptor == descriptor) {
            token = static_cast<std::uint8_t>(t);
            found = true;
          }
        }
        if (!found) {
          error(cls.get(), fmt::format("the class implements {} but has no public method {}{}; "
                                       "declare it (abstract if the class is abstract)",
                                       dotted_name(name), method, descriptor));
        }
        implemented.index.push_back(token);
      }
      info.interfaces.push_back(std::move(implemented));
    }
    component.classes.push_back(std::move(info));
  }
}

void CapBuilder::build_methods() {
  auto& component = cap_.methods;
  for (const PackageMethod* m : method_order_) {
    auto laid = laid_out_.find(m);
    std::uint16_t base = method_offset(m);
    cap::MethodHeader header;
    Bytes bytecode;
    if (laid == laid_out_.end()) {
      header.flags = cap::method_flags::kAbstract;
      header.nargs = static_cast<std::uint8_t>(m->type.parameter_words() + 1);
    } else {
      const TranslatedMethod& t = *code_of(m);
      header.max_stack = static_cast<std::uint8_t>(laid->second.max_stack);
      header.nargs = static_cast<std::uint8_t>(t.nargs);
      header.max_locals = static_cast<std::uint8_t>(t.max_locals);
      bytecode = laid->second.bytecode;
      std::uint16_t code_start = static_cast<std::uint16_t>(base + 2);
      if (header.max_stack > 15 || header.nargs > 15 || header.max_locals > 15)
        code_start = base + 4;
      for (const auto& h : t.handlers) {
        cap::ExceptionHandler handler;
        const auto& labels = laid->second.label_offsets;
        handler.start_offset = static_cast<std::uint16_t>(
            code_start + labels[static_cast<std::size_t>(h.start_label)]);
        std::uint16_t end =
            static_cast<std::uint16_t>(code_start + labels[static_cast<std::size_t>(h.end_label)]);
        handler.active_length = static_cast<std::uint16_t>(end - handler.start_offset);
        handler.handler_offset = static_cast<std::uint16_t>(
            code_start + labels[static_cast<std::size_t>(h.handler_label)]);
        handler.catch_type_index = h.catch_type < 0 ? 0 : in_.pool->index_of(h.catch_type);
        component.handlers.push_back(handler);
      }
    }
    if (header.max_stack > 15 || header.nargs > 15 || header.max_locals > 15) {
      header.flags |= cap::method_flags::kExtended;
    }
    Bytes& area = component.method_area;
    if (header.is_extended()) {
      area.push_back(static_cast<std::uint8_t>(header.flags << 4));
      area.push_back(header.max_stack);
      area.push_back(header.nargs);
      area.push_back(header.max_locals);
    } else {
      area.push_back(static_cast<std::uint8_t>((header.flags << 4) | header.max_stack));
      area.push_back(static_cast<std::uint8_t>((header.nargs << 4) | header.max_locals));
    }
    append(area, bytecode);
  }
  // stop_bit: the handler's range lies in no later handler's range of the same method, so
  // the search may stop at it (JCVM 3.0.5 §6.9.1).
  auto& handlers = component.handlers;
  for (std::size_t i = 0; i < handlers.size(); ++i) {
    std::uint32_t start = handlers[i].start_offset;
    std::uint32_t end = start + handlers[i].active_length;
    bool nested = false;
    for (std::size_t j = i + 1; j < handlers.size(); ++j) {
      std::uint32_t other_start = handlers[j].start_offset;
      std::uint32_t other_end = other_start + handlers[j].active_length;
      if (other_start < end && start < other_end) nested = true;
    }
    handlers[i].stop_bit = !nested;
  }
}

void CapBuilder::build_static_fields() {
  auto& component = cap_.static_fields;
  std::uint16_t image = 0;
  std::uint16_t references = 0;
  std::vector<std::pair<std::uint16_t, const PackageField*>> by_offset;
  for (const auto& [field, offset] : static_offsets_) by_offset.emplace_back(offset, field);
  std::sort(by_offset.begin(), by_offset.end());
  auto value_of = [&](const PackageField* f) -> const StaticValue* {
    for (const auto& cls : model_.classes()) {
      for (const auto& own : cls->fields) {
        if (&own != f) continue;
        auto c = in_.statics->find(cls.get());
        if (c == in_.statics->end()) return nullptr;
        auto v = c->second.find(f->info->name);
        return v == c->second.end() ? nullptr : &v->second;
      }
    }
    return nullptr;
  };
  for (const auto& [offset, field] : by_offset) {
    image = static_cast<std::uint16_t>(offset + static_size(field->type));
    const StaticValue* value = value_of(field);
    if (field->type.is_reference()) {
      ++references;
      if (value != nullptr && value->array) {
        cap::ArrayInit init;
        init.type = array_init_type(value->array->element);
        std::size_t size = value->array->element == BaseType::kShort ? 2
                           : value->array->element == BaseType::kInt ? 4
                                                                     : 1;
        for (std::int32_t v : value->array->values) append_value(init.values, v, size);
        component.array_init.push_back(std::move(init));
      }
      continue;
    }
    std::int64_t v = value != nullptr ? value->primitive.value_or(0) : 0;
    if (v == 0) {
      component.default_value_count =
          static_cast<std::uint16_t>(component.default_value_count + static_size(field->type));
    } else {
      append_value(component.non_default_values, v, static_size(field->type));
    }
  }
  component.image_size = image;
  component.reference_count = references;
}

void CapBuilder::build_reference_locations() {
  auto& component = cap_.reference_locations;
  // Catch types of the handler table (catch_type_index sits 6 bytes into each 8-byte
  // handler entry), then every index in the bytecode, in offset order. Index 0 is a valid
  // Classref, so a handler for any exception is told apart by its translation, not by 0.
  for (const PackageMethod* m : method_order_) {
    const TranslatedMethod* translated = code_of(m);
    if (translated == nullptr) continue;
    std::size_t first = first_handler_.at(m);
    for (std::size_t h = 0; h < translated->handlers.size(); ++h) {
      if (translated->handlers[h].catch_type >= 0) {
        component.byte2_index_offsets.push_back(
            static_cast<std::uint16_t>(1 + 8 * (first + h) + 6));
      }
    }
  }
  for (const PackageMethod* m : method_order_) {
    auto laid = laid_out_.find(m);
    if (laid == laid_out_.end()) continue;
    std::uint16_t base = method_offset(m);
    std::size_t header = 2;
    const TranslatedMethod& t = *code_of(m);
    if (laid->second.max_stack > 15 || t.nargs > 15 || t.max_locals > 15) header = 4;
    for (const CpIndexLocation& location : laid->second.cp_locations) {
      auto offset = static_cast<std::uint16_t>(base + header + location.offset);
      (location.two_bytes ? component.byte2_index_offsets : component.byte_index_offsets)
          .push_back(offset);
    }
  }
}

bool CapBuilder::is_exported_class(const PackageClass& cls) const {
  if (!cls.is_public) return false;
  return in_.applets.empty() || (cls.is_interface && cls.is_shareable);
}

void CapBuilder::build_exports() {
  std::vector<const PackageClass*> exported_classes;
  for (const auto& cls : model_.classes()) {
    if (is_exported_class(*cls)) exported_classes.push_back(cls.get());
  }
  if (exported_classes.empty()) return;
  std::sort(exported_classes.begin(), exported_classes.end(),
            [](const auto* a, const auto* b) { return a->token < b->token; });
  cap::ExportComponent component;
  for (std::size_t i = 0; i < exported_classes.size(); ++i) {
    const PackageClass& cls = *exported_classes[i];
    if (cls.token != i) {
      error(&cls, fmt::format("class token {} breaks the consecutive numbering of exported "
                              "classes",
                              cls.token));
      return;
    }
    cap::ClassExport entry;
    entry.class_offset = class_offsets_.at(cls.name);
    if (in_.applets.empty()) {
      std::vector<std::pair<std::uint8_t, std::uint16_t>> fields;
      for (const auto& f : cls.fields) {
        if (f.is_static && !f.is_constant && f.is_exported())
          fields.emplace_back(f.token, static_offsets_.at(&f));
      }
      std::vector<std::pair<std::uint8_t, std::uint16_t>> methods;
      for (const auto& m : cls.methods) {
        bool bound = m.kind == MethodKind::kStatic || m.kind == MethodKind::kConstructor;
        if (bound && m.is_exported()) methods.emplace_back(m.token, method_offset(&m));
      }
      std::sort(fields.begin(), fields.end());
      std::sort(methods.begin(), methods.end());
      for (const auto& f : fields) entry.static_field_offsets.push_back(f.second);
      for (const auto& m : methods) entry.static_method_offsets.push_back(m.second);
    }
    component.classes.push_back(std::move(entry));
  }
  cap_.exports = std::move(component);
}

cap::TypeDescriptor CapBuilder::encode_type(const std::vector<FieldType>& types) const {
  std::vector<std::uint8_t> nibbles;
  for (const FieldType& type : types) {
    nibbles.push_back(type_nibble(type));
    if (type.base == BaseType::kClass) {
      std::uint16_t ref = class_ref(type.class_name).value;
      for (int shift = 12; shift >= 0; shift -= 4)
        nibbles.push_back(static_cast<std::uint8_t>((ref >> shift) & 0xF));
    }
  }
  cap::TypeDescriptor out;
  out.nibble_count = static_cast<std::uint8_t>(nibbles.size());
  for (std::size_t i = 0; i < nibbles.size(); i += 2) {
    std::uint8_t high = nibbles[i];
    std::uint8_t low = i + 1 < nibbles.size() ? nibbles[i + 1] : 0;
    out.packed.push_back(static_cast<std::uint8_t>((high << 4) | low));
  }
  return out;
}

std::uint16_t CapBuilder::type_offset(const cap::TypeDescriptor& type) {
  Bytes key{type.nibble_count};
  append(key, type.packed);
  auto it = type_pool_.find(key);
  if (it != type_pool_.end()) return it->second;
  std::uint16_t offset = type_pool_end_;
  type_pool_.emplace(key, offset);
  cap_.descriptor->types.push_back(cap::PooledType{offset, type});
  type_pool_end_ = static_cast<std::uint16_t>(type_pool_end_ + type.encoded_size());
  return offset;
}

void CapBuilder::build_descriptor() {
  cap_.descriptor.emplace();
  auto& component = *cap_.descriptor;
  // type_descriptor_info starts with the constant pool count and types (JCVM 3.0.5 §6.13).
  type_pool_end_ = static_cast<std::uint16_t>(2 + 2 * cap_.constant_pool.entries.size());
  auto field_type = [&](const std::string& descriptor) {
    return encode_type({*parse_field_descriptor(descriptor)});
  };
  auto method_type = [&](const std::string& descriptor) {
    MethodType m = *parse_method_descriptor(descriptor);
    std::vector<FieldType> all = m.parameters;
    all.push_back(m.result);
    return encode_type(all);
  };
  for (int id : in_.pool->ids_in_order()) {
    const CpKey& key = in_.pool->entries()[static_cast<std::size_t>(id)];
    switch (key.kind) {
      case cap::ConstantTag::kClassref:
        component.constant_pool_types.push_back(0xFFFF);
        break;
      case cap::ConstantTag::kInstanceFieldref:
      case cap::ConstantTag::kStaticFieldref:
        component.constant_pool_types.push_back(type_offset(field_type(key.descriptor)));
        break;
      default:
        component.constant_pool_types.push_back(type_offset(method_type(key.descriptor)));
        break;
    }
  }
  for (const auto& cls : model_.classes()) {
    cap::ClassDescriptor d;
    d.token = cls->token;
    if (cls->is_public) d.access_flags |= cap::descriptor_flags::kPublic;
    if ((cls->file->access_flags & access::kFinal) != 0)
      d.access_flags |= cap::descriptor_flags::kFinal;
    if (cls->is_interface) d.access_flags |= cap::descriptor_flags::kClassInterface;
    if ((cls->file->access_flags & access::kAbstract) != 0) {
      d.access_flags |= cap::descriptor_flags::kClassAbstract;
    }
    d.this_class = class_ref(cls->name);
    if (!cls->is_interface) {
      for (const auto& i : cls->all_interfaces) d.interfaces.push_back(class_ref(i));
      for (const auto& f : cls->fields) {
        if (f.is_constant) continue;
        cap::FieldDescriptor fd;
        fd.token = f.is_static && !f.is_exported() ? kNoToken : f.token;
        fd.access_flags = member_descriptor_flags(f.info->access_flags);
        if (f.is_static) {
          fd.field_ref = cap::StaticRef::internal(static_offsets_.at(&f)).bytes;
        } else {
          std::uint16_t ref = class_ref(cls->name).value;
          fd.field_ref = {static_cast<std::uint8_t>(ref >> 8), static_cast<std::uint8_t>(ref),
                          f.token};
        }
        if (f.type.is_reference()) {
          fd.type.value = type_offset(field_type(f.info->descriptor));
        } else {
          fd.type.value = static_cast<std::uint16_t>(0x8000 | type_nibble(f.type));
        }
        d.fields.push_back(fd);
      }
    }
    std::vector<const PackageMethod*> described;
    if (cls->is_interface) {
      for (const auto& m : cls->methods) described.push_back(&m);
    } else {
      described = methods_of(*cls);
    }
    for (const PackageMethod* method : described) {
      const PackageMethod& m = *method;
      if (m.kind == MethodKind::kStaticInitializer) continue;
      cap::MethodDescriptor md;
      md.token = m.token;
      if ((m.kind == MethodKind::kStatic || m.kind == MethodKind::kConstructor) &&
          !m.is_exported()) {
        md.token = kNoToken;
      }
      md.access_flags = member_descriptor_flags(m.info->access_flags);
      if (m.is_abstract()) md.access_flags |= cap::descriptor_flags::kMethodAbstract;
      if (m.kind == MethodKind::kConstructor) md.access_flags |= cap::descriptor_flags::kMethodInit;
      md.type_offset = type_offset(method_type(m.info->descriptor));
      if (!cls->is_interface) {
        md.method_offset = method_offset(&m);
        auto laid = laid_out_.find(&m);
        if (laid != laid_out_.end()) {
          md.bytecode_count = static_cast<std::uint16_t>(laid->second.bytecode.size());
          const auto& handlers = code_of(&m)->handlers;
          md.exception_handler_count = static_cast<std::uint16_t>(handlers.size());
          md.exception_handler_index =
              handlers.empty() ? 0 : static_cast<std::uint16_t>(first_handler_.at(&m));
        }
      }
      d.methods.push_back(md);
    }
    component.classes.push_back(std::move(d));
  }
}

void CapBuilder::build_applets() {
  if (in_.applets.empty()) return;
  cap::AppletComponent component;
  const Bytes& package_aid = in_.package_aid;
  for (const AppletDeclaration& applet : in_.applets) {
    const PackageClass* cls = model_.find_local(applet.class_name);
    if (cls == nullptr) {
      error(nullptr,
            fmt::format("applet class {} is not in the package", dotted_name(applet.class_name)));
      continue;
    }
    if (applet.aid.size() < cap::kMinAidLength || applet.aid.size() > cap::kMaxAidLength) {
      error(cls, fmt::format("applet AID {} has {} bytes; an AID has 5 to 16", to_hex(applet.aid),
                             applet.aid.size()));
      continue;
    }
    // JCVM 3.0.5 §4.2: the applets of a package share the package's RID.
    if (package_aid.size() >= 5 &&
        !std::equal(package_aid.begin(), package_aid.begin() + 5, applet.aid.begin())) {
      error(cls, fmt::format("applet AID {} does not start with the package RID {}",
                             to_hex(applet.aid), to_hex(ByteView(package_aid).first(5))));
      continue;
    }
    if (!model_.is_subtype(cls->name, kApplet) ||
        (cls->file->access_flags & access::kAbstract) != 0) {
      error(cls, "an applet class must be a concrete subclass of javacard.framework.Applet");
      continue;
    }
    const PackageMethod* install = cls->find_method("install", "([BSB)V");
    if (install == nullptr || install->kind != MethodKind::kStatic || !install->info->code) {
      error(cls,
            "an applet class must declare public static void install(byte[] bArray, short "
            "bOffset, byte bLength)");
      continue;
    }
    component.applets.push_back(cap::AppletInfo{applet.aid, method_offset(install)});
  }
  cap_.applets = std::move(component);
}

void CapBuilder::build_header() {
  cap_.header.version = in_.format;
  cap_.header.flags = in_.uses_int ? cap::header_flags::kInt : 0;
  cap_.header.package = cap::PackageInfo{in_.minor, in_.major, in_.package_aid};
  cap_.package_path = model_.package_name();
  // package_name_info, from format 2.2 on (JCVM 3.0.5 §6.4), in internal form.
  if (in_.format.at_least(2, 2)) cap_.header.package_name = model_.package_name();
  for (const cap::ExportFile* import : imports_) {
    cap_.imports.packages.push_back(
        cap::PackageInfo{import->package.minor, import->package.major, import->package.aid});
  }
}

}  // namespace

std::vector<InheritedDelegate> plan_inherited_delegates(const PackageModel& model,
                                                        ConstantPoolBuilder& pool) {
  std::vector<InheritedDelegate> delegates;
  for (const auto& cls : model.classes()) {
    if (cls->is_interface) continue;
    const auto& table = cls->public_vtable;
    std::size_t first = table.size();
    for (std::size_t t = 0; t < table.size(); ++t) {
      if (table[t].owner == cls.get()) {
        first = t;
        break;
      }
    }
    for (std::size_t t = first; t < table.size(); ++t) {
      const VirtualSlot& slot = table[t];
      if (slot.method != nullptr || slot.name.empty()) continue;
      InheritedDelegate delegate;
      delegate.cls = cls.get();
      delegate.token = static_cast<std::uint8_t>(t);
      delegate.name = slot.name;
      delegate.descriptor = slot.descriptor;
      delegate.access_flags = slot.access_flags;
      delegate.is_abstract = slot.is_abstract;
      if (!slot.is_abstract) {
        delegate.super_method_cp = pool.intern(
            CpKey{cap::ConstantTag::kSuperMethodref, cls->name, slot.name, slot.descriptor});
      }
      delegates.push_back(std::move(delegate));
    }
  }
  return delegates;
}

cap::CapFile build_cap(const CapBuildInput& input, Diagnostics& diagnostics) {
  CapBuilder builder(input, diagnostics);
  return builder.build();
}

cap::ExportFile build_export_file(const PackageModel& model, const Bytes& package_aid,
                                  std::uint8_t major, std::uint8_t minor, bool has_applets) {
  cap::ExportFile out;
  out.version = cap::FormatVersion{2, 1};
  out.package.flags = has_applets ? 0 : cap::export_package_flags::kLibrary;
  out.package.name = model.package_name();
  out.package.major = major;
  out.package.minor = minor;
  out.package.aid = package_aid;
  for (const auto& owned : model.classes()) {
    const PackageClass& cls = *owned;
    if (!cls.is_public || (has_applets && !(cls.is_interface && cls.is_shareable))) continue;
    cap::ExportClass c;
    c.token = cls.token;
    c.name = cls.name;
    c.access_flags = cap::export_class_flags::kPublic;
    std::uint16_t flags = cls.file->access_flags;
    if ((flags & access::kFinal) != 0) c.access_flags |= cap::export_class_flags::kFinal;
    if (cls.is_interface) c.access_flags |= cap::export_class_flags::kInterface;
    if ((flags & access::kAbstract) != 0 || cls.is_interface) {
      c.access_flags |= cap::export_class_flags::kAbstract;
    }
    if (cls.is_shareable) c.access_flags |= cap::export_class_flags::kShareable;
    auto supers = model.superclasses(cls.name);
    for (auto it = supers.rbegin(); it != supers.rend(); ++it) {
      c.supers.push_back(it->local != nullptr ? it->local->name : it->exported->name);
    }
    c.interfaces = cls.all_interfaces;
    auto member_flags = [](std::uint16_t java) {
      return static_cast<std::uint16_t>(java &
                                        (access::kPublic | access::kProtected | access::kStatic |
                                         access::kFinal | access::kAbstract));
    };
    for (const auto& f : cls.fields) {
      if (!f.is_exported()) continue;
      cap::ExportField e;
      e.name = f.info->name;
      e.descriptor = f.info->descriptor;
      e.access_flags = member_flags(f.info->access_flags);
      if (f.is_constant) {
        if (f.type.is_reference()) continue;  // String constants are not exported
        e.token = cap::kConstantFieldToken;
        e.constant_value =
            static_cast<std::int32_t>(cls.file->constant_pool.at(f.info->constant_value).value);
      } else {
        e.token = f.token;
      }
      c.fields.push_back(std::move(e));
    }
    for (const auto& m : cls.methods) {
      bool bound = m.kind == MethodKind::kStatic || m.kind == MethodKind::kConstructor;
      if (!bound || !m.is_exported()) continue;
      c.methods.push_back(
          {m.token, member_flags(m.info->access_flags), m.info->name, m.info->descriptor});
    }
    const auto& table = cls.is_interface ? cls.interface_methods : cls.public_vtable;
    for (std::size_t t = 0; t < table.size(); ++t) {
      const VirtualSlot& slot = table[t];
      if (slot.name.empty()) continue;
      std::uint16_t flags_of_slot = member_flags(slot.access_flags);
      if (slot.is_abstract || cls.is_interface)
        flags_of_slot |= cap::export_member_flags::kAbstract;
      c.methods.push_back(
          {static_cast<std::uint8_t>(t), flags_of_slot, slot.name, slot.descriptor});
    }
    out.classes.push_back(std::move(c));
  }
  std::sort(out.classes.begin(), out.classes.end(),
            [](const auto& a, const auto& b) { return a.token < b.token; });
  return out;
}

}  // namespace uicc::sdk
