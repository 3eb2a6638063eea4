// Class hierarchy and token assignment, Java Card 3.0.5 Virtual Machine Specification
// §4.3.7.2 (class tokens), §4.3.7.3 (static field tokens), §4.3.7.4 (static method and
// constructor tokens), §4.3.7.5 (instance field tokens), §4.3.7.6 (virtual method tokens)
// and §4.3.7.7 (interface method tokens).
#include "tools/sdk/converter/package_model.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>

namespace uicc::sdk {
namespace {

constexpr std::string_view kObject = "java/lang/Object";
constexpr std::string_view kShareable = "javacard/framework/Shareable";
constexpr int kMaxVirtualTokens = 128;    // tokens 0..127, JCVM 3.0.5 §4.3.7.6
constexpr int kMaxInterfaceTokens = 128;  // §4.3.7.7
constexpr int kMaxClassTokens = 255;      // 0..254, §4.3.7.2
constexpr int kMaxInterfaces = 15;        // 4-bit interface_count, §6.8.2.1

bool is_exported_flags(std::uint16_t flags) {
  return (flags & (access::kPublic | access::kProtected)) != 0;
}

Diagnostic class_diagnostic(const ClassFile& file, std::string message) {
  Diagnostic d;
  d.source_file = file.source_file.empty() ? file.origin : file.source_file;
  d.class_name = dotted_name(file.this_class);
  d.message = std::move(message);
  return d;
}

MethodKind kind_of(const ClassFile& file, const MethodInfo& method) {
  if (method.name == "<clinit>") return MethodKind::kStaticInitializer;
  if (method.name == "<init>") return MethodKind::kConstructor;
  if (method.is_static()) return MethodKind::kStatic;
  if (file.is_interface()) return MethodKind::kInterface;
  if ((method.access_flags & access::kPrivate) != 0) return MethodKind::kPrivate;
  return MethodKind::kVirtual;
}

}  // namespace

bool PackageField::is_exported() const {
  return is_exported_flags(info->access_flags);
}

bool PackageMethod::is_exported() const {
  return is_exported_flags(info->access_flags);
}

std::string PackageMethod::signature() const {
  std::string text = info->name + "(";
  for (std::size_t i = 0; i < type.parameters.size(); ++i) {
    if (i != 0) text += ", ";
    text += type.parameters[i].java_name();
  }
  return text + ")";
}

PackageMethod* PackageClass::find_method(std::string_view method_name,
                                         std::string_view descriptor) {
  for (auto& m : methods) {
    if (m.info->name == method_name && m.info->descriptor == descriptor) return &m;
  }
  return nullptr;
}

const PackageMethod* PackageClass::find_method(std::string_view method_name,
                                               std::string_view descriptor) const {
  for (const auto& m : methods) {
    if (m.info->name == method_name && m.info->descriptor == descriptor) return &m;
  }
  return nullptr;
}

const PackageField* PackageClass::find_field(std::string_view field_name) const {
  for (const auto& f : fields) {
    if (f.info->name == field_name) return &f;
  }
  return nullptr;
}

std::string PackageClass::source_file() const {
  return file->source_file.empty() ? file->origin : file->source_file;
}

bool ClassLocation::is_interface() const {
  if (local != nullptr) return local->is_interface;
  return exported != nullptr && exported->is_interface();
}

Diagnostic make_diagnostic(const PackageClass& cls, const PackageMethod* method, std::uint32_t pc,
                           std::string message) {
  Diagnostic d;
  d.source_file = cls.source_file();
  d.class_name = cls.java_name();
  if (method != nullptr) {
    d.method = method->signature();
    if (method->info->code) d.line = ClassFile::line_of(*method->info->code, pc);
  }
  d.message = std::move(message);
  return d;
}

PackageModel::PackageModel(const std::vector<ClassFile>& classes,
                           const std::vector<cap::ExportFile>& imports, Diagnostics& diagnostics)
    : imports_(imports) {
  if (classes.empty()) throw ConversionError("no class files to convert");
  package_name_ = package_of(classes.front().this_class);
  for (const auto& file : classes) add_class(file, diagnostics);
  if (!diagnostics.empty()) return;
  order_classes(diagnostics);
  if (!diagnostics.empty()) return;
  check_hierarchy(diagnostics);
  if (!diagnostics.empty()) return;
  for (auto& cls : classes_) {
    collect_interfaces(*cls);
    assign_field_tokens(*cls);
    assign_static_tokens(*cls);
  }
  assign_class_tokens();
  // Classes are ordered supers first, so each table builds on its parents' tables.
  for (auto& cls : classes_) {
    if (cls->is_interface) {
      build_interface_methods(*cls, diagnostics);
    } else {
      build_vtables(*cls, diagnostics);
    }
  }
}

void PackageModel::add_class(const ClassFile& file, Diagnostics& diagnostics) {
  if (package_of(file.this_class) != package_name_) {
    diagnostics.add(class_diagnostic(
        file, fmt::format("class belongs to package {}, but the package converted is {}; "
                          "convert one package at a time",
                          dotted_name(package_of(file.this_class)), dotted_name(package_name_))));
    return;
  }
  if (find_local(file.this_class) != nullptr) {
    diagnostics.add(class_diagnostic(file, "the class is given twice"));
    return;
  }
  auto cls = std::make_unique<PackageClass>();
  cls->file = &file;
  cls->name = file.this_class;
  cls->is_interface = file.is_interface();
  cls->is_public = (file.access_flags & access::kPublic) != 0;
  if (!cls->is_interface) cls->super_name = file.super_class;
  for (const auto& field : file.fields) {
    PackageField f;
    f.info = &field;
    auto type = parse_field_descriptor(field.descriptor);
    if (!type) {
      diagnostics.add(class_diagnostic(
          file, fmt::format("field {} has invalid descriptor {}", field.name, field.descriptor)));
      continue;
    }
    f.type = *type;
    f.is_static = (field.access_flags & access::kStatic) != 0;
    f.is_constant =
        f.is_static && (field.access_flags & access::kFinal) != 0 && field.constant_value != 0;
    cls->fields.push_back(std::move(f));
  }
  for (const auto& method : file.methods) {
    PackageMethod m;
    m.info = &method;
    auto type = parse_method_descriptor(method.descriptor);
    if (!type) {
      diagnostics.add(class_diagnostic(file, fmt::format("method {} has invalid descriptor {}",
                                                         method.name, method.descriptor)));
      continue;
    }
    m.type = *type;
    m.kind = kind_of(file, method);
    cls->methods.push_back(std::move(m));
  }
  classes_.push_back(std::move(cls));
}

PackageClass* PackageModel::find_local(std::string_view internal_name) const {
  for (const auto& cls : classes_) {
    if (cls->name == internal_name) return cls.get();
  }
  return nullptr;
}

ClassLocation PackageModel::find_class(std::string_view internal_name) const {
  ClassLocation location;
  if (package_of(internal_name) == package_name_) {
    location.local = find_local(internal_name);
    return location;
  }
  for (const auto& package : imports_) {
    if (package.package.name != package_of(internal_name)) continue;
    location.package = &package;
    location.exported = package.find_class(internal_name);
    return location;
  }
  return location;
}

std::vector<ClassLocation> PackageModel::superclasses(std::string_view internal_name) const {
  std::vector<ClassLocation> chain;
  ClassLocation current = find_class(internal_name);
  while (current.found() && !current.is_interface()) {
    if (current.local != nullptr) {
      if (current.local->super_name.empty()) break;
      current = find_class(current.local->super_name);
      if (!current.found()) break;
      chain.push_back(current);
      continue;
    }
    // An export file lists every superclass, java/lang/Object first.
    const auto& supers = current.exported->supers;
    for (auto it = supers.rbegin(); it != supers.rend(); ++it) {
      ClassLocation super = find_class(*it);
      if (super.found()) chain.push_back(super);
    }
    break;
  }
  return chain;
}

bool PackageModel::is_subtype(std::string_view sub, std::string_view super) const {
  if (sub == super || super == kObject) return true;
  ClassLocation location = find_class(sub);
  if (location.local != nullptr) {
    const auto& interfaces = location.local->all_interfaces;
    if (std::find(interfaces.begin(), interfaces.end(), super) != interfaces.end()) return true;
  } else if (location.exported != nullptr) {
    const auto& e = *location.exported;
    if (std::find(e.interfaces.begin(), e.interfaces.end(), super) != e.interfaces.end())
      return true;
    if (std::find(e.supers.begin(), e.supers.end(), super) != e.supers.end()) return true;
  }
  for (const auto& s : superclasses(sub)) {
    std::string_view name =
        s.local != nullptr ? std::string_view(s.local->name) : std::string_view(s.exported->name);
    if (name == super) return true;
  }
  return false;
}

void PackageModel::order_classes(Diagnostics& diagnostics) {
  // Depth-first order over the local parents (superclass and superinterfaces), interfaces
  // ahead of classes, names sorted for a reproducible result.
  std::vector<PackageClass*> sorted;
  for (auto& cls : classes_) sorted.push_back(cls.get());
  std::stable_sort(sorted.begin(), sorted.end(), [](const PackageClass* a, const PackageClass* b) {
    if (a->is_interface != b->is_interface) return a->is_interface;
    return a->name < b->name;
  });
  std::vector<PackageClass*> ordered;
  std::set<const PackageClass*> done;
  std::set<const PackageClass*> active;
  std::function<void(PackageClass*)> visit = [&](PackageClass* cls) {
    if (done.count(cls) != 0) return;
    if (active.count(cls) != 0) {
      diagnostics.add(class_diagnostic(*cls->file, "the class inherits from itself"));
      return;
    }
    active.insert(cls);
    std::vector<std::string> parents = cls->file->interfaces;
    if (!cls->super_name.empty()) parents.insert(parents.begin(), cls->super_name);
    for (const auto& parent : parents) {
      if (PackageClass* local = find_local(parent)) visit(local);
    }
    active.erase(cls);
    done.insert(cls);
    ordered.push_back(cls);
  };
  for (PackageClass* cls : sorted) {
    if (cls->is_interface) visit(cls);
  }
  for (PackageClass* cls : sorted) visit(cls);
  std::vector<std::unique_ptr<PackageClass>> result;
  for (PackageClass* cls : ordered) {
    for (auto& owned : classes_) {
      if (owned.get() == cls) result.push_back(std::move(owned));
    }
  }
  classes_ = std::move(result);
}

void PackageModel::check_hierarchy(Diagnostics& diagnostics) {
  auto check = [&](const PackageClass& cls, const std::string& parent, bool want_interface) {
    ClassLocation location = find_class(parent);
    if (!location.found()) {
      diagnostics.add(class_diagnostic(
          *cls.file,
          fmt::format("{} {} is not in this package nor in an imported export file",
                      want_interface ? "interface" : "superclass", dotted_name(parent))));
      return;
    }
    if (location.is_interface() != want_interface) {
      diagnostics.add(
          class_diagnostic(*cls.file, fmt::format("{} is {}an interface", dotted_name(parent),
                                                  location.is_interface() ? "" : "not ")));
    }
  };
  for (const auto& cls : classes_) {
    if (!cls->super_name.empty()) check(*cls, cls->super_name, false);
    for (const auto& interface : cls->file->interfaces) check(*cls, interface, true);
  }
}

void PackageModel::assign_class_tokens() {
  // Shareable interfaces first: the Export component of an applet package lists only them,
  // indexed by class token (JCVM 3.0.5 §6.12), so their tokens must be 0..n-1.
  int next = 0;
  auto assign = [&](auto&& wanted) {
    for (auto& cls : classes_) {
      if (cls->is_public && cls->token == kNoToken && wanted(*cls) && next < kMaxClassTokens) {
        cls->token = static_cast<std::uint8_t>(next++);
      }
    }
  };
  assign([](const PackageClass& c) { return c.is_interface && c.is_shareable; });
  assign([](const PackageClass& c) { return c.is_interface; });
  assign([](const PackageClass&) { return true; });
}

void PackageModel::collect_interfaces(PackageClass& cls) {
  std::vector<std::string> result;
  auto add = [&](const std::string& name) {
    if (std::find(result.begin(), result.end(), name) == result.end()) result.push_back(name);
  };
  std::function<void(const std::string&)> add_with_supers = [&](const std::string& name) {
    add(name);
    ClassLocation location = find_class(name);
    if (location.local != nullptr) {
      for (const auto& super : location.local->all_interfaces) add(super);
    } else if (location.exported != nullptr) {
      for (const auto& super : location.exported->interfaces) add(super);
    }
  };
  for (const auto& interface : cls.file->interfaces) add_with_supers(interface);
  if (!cls.is_interface && !cls.super_name.empty()) {
    ClassLocation super = find_class(cls.super_name);
    if (super.local != nullptr) {
      for (const auto& interface : super.local->all_interfaces) add(interface);
    } else if (super.exported != nullptr) {
      for (const auto& interface : super.exported->interfaces) add(interface);
    }
  }
  cls.all_interfaces = std::move(result);
  cls.is_shareable = cls.name == kShareable ||
                     std::find(cls.all_interfaces.begin(), cls.all_interfaces.end(), kShareable) !=
                         cls.all_interfaces.end();
}

void PackageModel::assign_field_tokens(PackageClass& cls) {
  // Instance field tokens, JCVM 3.0.5 §4.3.7.5 and Table 4-3: exported primitives, exported
  // references, then package-visible references and package-visible primitives. An int takes
  // two tokens.
  int next = 0;
  auto assign = [&](bool exported, bool reference) {
    for (auto& f : cls.fields) {
      if (f.is_static || f.is_exported() != exported || f.type.is_reference() != reference)
        continue;
      f.token = static_cast<std::uint8_t>(next);
      next += f.type.is_int() ? 2 : 1;
    }
  };
  assign(true, false);
  assign(true, true);
  assign(false, true);
  assign(false, false);
  // Static field tokens, §4.3.7.3: exported fields that are not compile-time constants.
  int next_static = 0;
  for (auto& f : cls.fields) {
    if (f.is_static && !f.is_constant && f.is_exported()) {
      f.token = static_cast<std::uint8_t>(next_static++);
    }
  }
}

void PackageModel::assign_static_tokens(PackageClass& cls) {
  // Static method and constructor tokens, §4.3.7.4: exported ones only.
  int next = 0;
  for (auto& m : cls.methods) {
    bool statically_bound = m.kind == MethodKind::kStatic || m.kind == MethodKind::kConstructor;
    if (statically_bound && m.is_exported()) m.token = static_cast<std::uint8_t>(next++);
  }
}

void PackageModel::build_interface_methods(PackageClass& cls, Diagnostics& diagnostics) {
  // Interface method tokens, §4.3.7.7: every method the interface declares or inherits,
  // numbered from zero. Inherited methods come first, in the order of the superinterfaces.
  auto add = [&](const std::string& name, const std::string& descriptor,
                 const PackageMethod* method) {
    for (const auto& slot : cls.interface_methods) {
      if (slot.name == name && slot.descriptor == descriptor) return;
    }
    VirtualSlot slot;
    slot.name = name;
    slot.descriptor = descriptor;
    slot.owner = method != nullptr ? &cls : nullptr;
    slot.method = method;
    slot.is_abstract = true;
    slot.access_flags = access::kPublic | access::kAbstract;
    cls.interface_methods.push_back(std::move(slot));
  };
  for (const auto& super : cls.all_interfaces) {
    ClassLocation location = find_class(super);
    if (location.local != nullptr) {
      for (const auto& slot : location.local->interface_methods)
        add(slot.name, slot.descriptor, nullptr);
    } else if (location.exported != nullptr) {
      std::vector<const cap::ExportMethod*> methods;
      for (const auto& m : location.exported->methods) methods.push_back(&m);
      std::sort(methods.begin(), methods.end(),
                [](const auto* a, const auto* b) { return a->token < b->token; });
      for (const auto* m : methods) add(m->name, m->descriptor, nullptr);
    }
  }
  for (auto& m : cls.methods) {
    if (m.kind != MethodKind::kInterface) continue;
    add(m.info->name, m.info->descriptor, &m);
  }
  for (std::size_t i = 0; i < cls.interface_methods.size(); ++i) {
    auto& slot = cls.interface_methods[i];
    if (PackageMethod* own = cls.find_method(slot.name, slot.descriptor)) {
      own->token = static_cast<std::uint8_t>(i);
    }
  }
  if (cls.interface_methods.size() > kMaxInterfaceTokens) {
    diagnostics.add(class_diagnostic(
        *cls.file, fmt::format("the interface has {} methods, more than the {} that interface "
                               "method tokens can number",
                               cls.interface_methods.size(), kMaxInterfaceTokens)));
  }
  if (cls.all_interfaces.size() > kMaxInterfaces - 1) {
    diagnostics.add(class_diagnostic(
        *cls.file, fmt::format("the interface has {} superinterfaces, more than the {} that the "
                               "Class component can list",
                               cls.all_interfaces.size(), kMaxInterfaces - 1)));
  }
}

void PackageModel::build_vtables(PackageClass& cls, Diagnostics& diagnostics) {
  // Inherited tables: a local superclass gives both of its tables; an imported one gives its
  // public and protected methods only, since package-visible methods of another package are
  // not visible (§4.3.7.6).
  ClassLocation super = cls.super_name.empty() ? ClassLocation{} : find_class(cls.super_name);
  if (super.local != nullptr) {
    cls.public_vtable = super.local->public_vtable;
    cls.package_vtable = super.local->package_vtable;
  } else if (super.exported != nullptr) {
    cls.public_vtable.resize(
        static_cast<std::size_t>(public_virtual_method_count(*super.exported)));
    for (const auto& m : super.exported->methods) {
      if (!is_virtual(m)) continue;
      VirtualSlot& slot = cls.public_vtable[m.token];
      slot.name = m.name;
      slot.descriptor = m.descriptor;
      slot.is_abstract = (m.access_flags & cap::export_member_flags::kAbstract) != 0;
      slot.access_flags = m.access_flags;
    }
  }
  auto find_slot = [](const std::vector<VirtualSlot>& table, const std::string& name,
                      const std::string& descriptor) -> int {
    for (std::size_t i = 0; i < table.size(); ++i) {
      if (table[i].name == name && table[i].descriptor == descriptor) return static_cast<int>(i);
    }
    return -1;
  };
  for (auto& m : cls.methods) {
    if (m.kind != MethodKind::kVirtual) continue;
    VirtualSlot own;
    own.name = m.info->name;
    own.descriptor = m.info->descriptor;
    own.owner = &cls;
    own.method = &m;
    own.is_abstract = m.is_abstract();
    own.access_flags = m.info->access_flags;
    int package_index = find_slot(cls.package_vtable, own.name, own.descriptor);
    if (m.is_exported()) {
      int index = find_slot(cls.public_vtable, own.name, own.descriptor);
      if (index < 0) {
        index = static_cast<int>(cls.public_vtable.size());
        cls.public_vtable.push_back(own);
      } else {
        cls.public_vtable[static_cast<std::size_t>(index)] = own;
      }
      m.token = static_cast<std::uint8_t>(index);
      // A public method may override a package-visible one of a superclass in this package.
      // Calls through the package token then reach it as well.
      if (package_index >= 0) cls.package_vtable[static_cast<std::size_t>(package_index)] = own;
    } else {
      if (package_index < 0) {
        package_index = static_cast<int>(cls.package_vtable.size());
        cls.package_vtable.push_back(own);
      } else {
        cls.package_vtable[static_cast<std::size_t>(package_index)] = own;
      }
      m.token = static_cast<std::uint8_t>(kPackageTokenBit | package_index);
    }
  }
  if (cls.public_vtable.size() > kMaxVirtualTokens ||
      cls.package_vtable.size() > kMaxVirtualTokens) {
    diagnostics.add(class_diagnostic(
        *cls.file,
        fmt::format("the class has {} public and {} package-visible virtual methods "
                    "with its superclasses; virtual method tokens number at most {} "
                    "of each",
                    cls.public_vtable.size(), cls.package_vtable.size(), kMaxVirtualTokens)));
  }
  if (cls.all_interfaces.size() > kMaxInterfaces) {
    diagnostics.add(class_diagnostic(
        *cls.file, fmt::format("the class implements {} interfaces, more than the {} that the "
                               "Class component can list",
                               cls.all_interfaces.size(), kMaxInterfaces)));
  }
}

}  // namespace uicc::sdk
