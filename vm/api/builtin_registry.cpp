#include "vm/api/builtin_registry.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "util/log.h"
#include "vm/api/api_constants.h"
#include "vm/api/export_data.h"
#include "vm/api/natives/native_support.h"

namespace uicc::api {
namespace {

std::string slashed(std::string_view dotted) {
  std::string out(dotted);
  for (char& c : out) {
    if (c == '.') c = '/';
  }
  return out;
}

std::string qualified_name(const PackageInfo& package, std::string_view cls) {
  return fmt::format("{}.{}", package.name, cls);
}

bool is_crypto_package(std::string_view package) {
  return package == "javacard.security" || package == "javacardx.crypto";
}

// Methods without an implementation throw what the specification names for a missing
// algorithm or feature: CryptoException NO_SUCH_ALGORITHM in the crypto packages and
// SystemException ILLEGAL_USE elsewhere. NOTE: the second is this card's choice; the API
// names no exception for an absent optional feature outside cryptography.
Slot unsupported_crypto(Vm& vm, Args) {
  throw_crypto(vm, crypto::Reason::no_such_algorithm);
}
Slot unsupported_system(Vm& vm, Args) {
  throw_system(vm, jc::javacard::framework::SystemException::ILLEGAL_USE);
}
Slot no_operation(Vm&, Args) {
  return 0;
}

struct Tables {
  std::map<std::string, vm::NativeFunction, std::less<>> bindings;  // "class.signature"
  std::map<std::string, const Layout*, std::less<>> layouts;
  std::map<std::string, vm::ClassName, std::less<>> names;
};

const Tables& tables() {
  static const Tables built = [] {
    Tables t;
    for (auto part : {lang_bindings(), framework_bindings(), apdu_bindings(), security_bindings(),
                      uicc_access_bindings(), globalplatform_bindings()}) {
      for (const Binding& b : part) {
        const std::string key = fmt::format("{}.{}", b.class_name, b.signature);
        if (!t.bindings.emplace(key, b.function).second) {
          throw std::logic_error("native bound twice: " + key);
        }
      }
    }
    for (auto part : {framework_layouts(), security_layouts()}) {
      for (const Layout& l : part) t.layouts.emplace(std::string(l.class_name), &l);
    }
    for (const PackageInfo& package : builtin_packages()) {
      const vm::Aid aid(package.aid);
      for (const ClassInfo& cls : package.classes) {
        t.names.emplace(qualified_name(package, cls.name), vm::ClassName{aid, cls.token});
      }
    }
    for (const HiddenClass& hidden : all_hidden_classes()) {
      const PackageInfo* package = find_package(hidden.package);
      t.names.emplace(fmt::format("{}.{}", hidden.package, hidden.name),
                      vm::ClassName{vm::Aid(package->aid), hidden.token});
    }
    return t;
  }();
  return built;
}

vm::NativeFunction binding_of(std::string_view cls, std::string_view signature) {
  const auto& bindings = tables().bindings;
  auto it = bindings.find(fmt::format("{}.{}", cls, signature));
  return it == bindings.end() ? nullptr : it->second;
}

std::string signature_of(const MethodInfo& method) {
  return fmt::format("{}{}", method.name, method.descriptor);
}

// The interfaces a class names itself: those that neither another listed interface nor the
// superclass brings.
std::vector<vm::ClassName> direct_interfaces(const ClassInfo& cls) {
  std::set<std::string_view> implied;
  for (std::string_view name : cls.interfaces) {
    if (const ClassInfo* iface = find_class(name))
      implied.insert(iface->interfaces.begin(), iface->interfaces.end());
  }
  if (!cls.is_interface() && !cls.supers.empty()) {
    if (const ClassInfo* parent = find_class(cls.supers.back())) {
      implied.insert(parent->interfaces.begin(), parent->interfaces.end());
    }
  }
  std::vector<vm::ClassName> out;
  for (std::string_view name : cls.interfaces) {
    if (!implied.contains(name)) out.push_back(class_name(name));
  }
  return out;
}

// NativeMethod::signature is a view, so the concatenated signatures are kept here for the life
// of the process. std::set never moves its elements.
std::string_view intern(std::string text) {
  static std::set<std::string, std::less<>> strings;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  return *strings.insert(std::move(text)).first;
}

vm::NativeFunction fallback_of(std::string_view package) {
  return is_crypto_package(package) ? unsupported_crypto : unsupported_system;
}

// Maps each interface method token of `iface` to the virtual token of the class's method
// with the same name and descriptor, as the export file lists them under the class.
vm::InterfaceTable interface_table(const ClassInfo& cls, const ClassInfo& iface) {
  vm::InterfaceTable table;
  table.interface_name = class_name(fmt::format("{}.{}", package_of(iface)->name, iface.name));
  for (const MethodInfo& method : iface.methods) {
    const MethodInfo* implementation = find_method(cls, method.name, method.descriptor);
    if (implementation == nullptr || implementation->is_static()) {
      throw std::logic_error(
          fmt::format("{} lacks {}{} of {}", cls.name, method.name, method.descriptor, iface.name));
    }
    if (table.virtual_tokens.size() <= method.token) table.virtual_tokens.resize(method.token + 1u);
    table.virtual_tokens[method.token] = implementation->token;
  }
  return table;
}

vm::NativeClass build_class(const PackageInfo& package, const ClassInfo& cls) {
  const std::string qualified = qualified_name(package, cls.name);
  const vm::NativeFunction fallback = fallback_of(package.name);
  vm::NativeClass out;
  out.token = cls.token;
  out.name = slashed(qualified);
  out.is_interface = cls.is_interface();
  out.is_abstract = (cls.flags & class_flag::kAbstract) != 0;
  if (!cls.supers.empty()) out.superclass = class_name(cls.supers.back());
  out.interfaces = direct_interfaces(cls);
  if (auto it = tables().layouts.find(qualified); it != tables().layouts.end()) {
    out.instance_words = it->second->instance_words;
    out.reference_words = it->second->reference_words;
  }

  const ClassInfo* parent = cls.supers.empty() ? nullptr : find_class(cls.supers.back());
  for (const MethodInfo& method : cls.methods) {
    const std::string_view signature = intern(signature_of(method));
    vm::NativeFunction function = binding_of(qualified, signature);
    if (method.is_static()) {
      // Constructors without state to set (Object, Throwable, Applet, ...) do nothing.
      if (function == nullptr) function = method.name == "<init>" ? no_operation : fallback;
      out.static_methods.push_back({method.token, signature, function});
      continue;
    }
    const bool is_abstract = (method.flags & member_flag::kAbstract) != 0;
    if (!cls.is_interface() && function == nullptr && parent != nullptr) {
      // An inherited entry that the class does not change comes from the superclass.
      const MethodInfo* inherited = find_method(*parent, method.name, method.descriptor);
      if (inherited != nullptr && !inherited->is_static() && inherited->flags == method.flags) {
        continue;
      }
    }
    if (function == nullptr && !is_abstract) function = fallback;
    out.virtual_methods.push_back({method.token, signature, is_abstract ? nullptr : function});
  }
  if (!cls.is_interface()) {
    for (std::string_view name : cls.interfaces) {
      out.interface_tables.push_back(interface_table(cls, *find_class(name)));
    }
  }
  return out;
}

// A hidden implementation class: it overrides every abstract method of its superclass and
// interfaces with the natives bound under its own name, or with the package's fallback.
vm::NativeClass build_hidden_class(const HiddenClass& hidden) {
  const std::string qualified = fmt::format("{}.{}", hidden.package, hidden.name);
  const ClassInfo* parent = find_class(hidden.superclass);
  if (parent == nullptr) throw std::logic_error("hidden class without a built-in superclass");
  vm::NativeClass out;
  out.token = hidden.token;
  out.name = slashed(qualified);
  out.superclass = class_name(hidden.superclass);
  // Instance words continue after those of the superclass's layout.
  std::uint16_t parent_words = 0;
  if (auto it = tables().layouts.find(hidden.superclass); it != tables().layouts.end()) {
    parent_words = it->second->instance_words;
  }
  out.instance_words = static_cast<std::uint16_t>(hidden.instance_words - parent_words);
  out.reference_words = hidden.reference_words;

  // The method entries of the class: its superclass's and its interfaces', by signature.
  std::map<std::string, std::uint8_t> tokens;  // signature -> virtual token
  for (const MethodInfo& method : parent->methods) {
    if (!method.is_static()) tokens.emplace(signature_of(method), method.token);
  }
  std::uint8_t next = 0;
  for (const auto& [signature, token] : tokens) next = std::max<std::uint8_t>(next, token + 1u);
  std::vector<const ClassInfo*> interfaces;
  for (std::string_view name : hidden.interfaces) {
    const ClassInfo* iface = find_class(name);
    out.interfaces.push_back(class_name(name));
    interfaces.push_back(iface);
    for (std::string_view super_name : iface->interfaces)
      interfaces.push_back(find_class(super_name));
  }
  for (const ClassInfo* iface : interfaces) {
    for (const MethodInfo& method : iface->methods) {
      // Interface methods that the superclass lacks get new virtual tokens after its own.
      if (tokens.emplace(signature_of(method), next).second) ++next;
    }
  }
  const vm::NativeFunction fallback = fallback_of(hidden.package);
  for (const auto& [signature, token] : tokens) {
    vm::NativeFunction function = binding_of(qualified, signature);
    if (function == nullptr) {
      const MethodInfo* inherited = nullptr;
      for (const MethodInfo& method : parent->methods) {
        if (signature_of(method) == signature) inherited = &method;
      }
      // Concrete methods of the superclass stay inherited.
      if (inherited != nullptr && (inherited->flags & member_flag::kAbstract) == 0) continue;
      function = fallback;
    }
    out.virtual_methods.push_back({token, intern(signature), function});
  }
  for (const ClassInfo* iface : interfaces) {
    vm::InterfaceTable table;
    table.interface_name = class_name(fmt::format("{}.{}", package_of(*iface)->name, iface->name));
    for (const MethodInfo& method : iface->methods) {
      if (table.virtual_tokens.size() <= method.token)
        table.virtual_tokens.resize(method.token + 1u);
      table.virtual_tokens[method.token] = tokens.at(signature_of(method));
    }
    out.interface_tables.push_back(std::move(table));
  }
  return out;
}

}  // namespace

std::vector<HiddenClass> all_hidden_classes() {
  std::vector<HiddenClass> all;
  for (auto part :
       {security_hidden_classes(), uicc_access_hidden_classes(), globalplatform_hidden_classes()})
    all.insert(all.end(), part.begin(), part.end());
  return all;
}

const vm::ClassName& class_name(std::string_view qualified) {
  const auto& names = tables().names;
  auto it = names.find(qualified);
  if (it == names.end()) throw std::logic_error(fmt::format("no built-in class {}", qualified));
  return it->second;
}

void add_builtin_packages(vm::NativeRegistry& registry) {
  for (const PackageInfo& package : builtin_packages()) {
    vm::NativePackage out;
    out.name = std::string(package.name);
    out.aid = vm::Aid(package.aid);
    out.major = package.major;
    out.minor = package.minor;
    for (const ClassInfo& cls : package.classes) out.classes.push_back(build_class(package, cls));
    for (const HiddenClass& hidden : all_hidden_classes()) {
      if (hidden.package == package.name) out.classes.push_back(build_hidden_class(hidden));
    }
    registry.add(std::move(out));
  }
}

const vm::NativeRegistry& builtin_registry() {
  static const vm::NativeRegistry registry = [] {
    vm::NativeRegistry built;
    add_builtin_packages(built);
    return built;
  }();
  return registry;
}

namespace {

// Interfaces and abstract classes that applets implement or extend; their abstract methods are
// the applet's to supply.
constexpr std::string_view kAppletImplemented[] = {
    "javacard.framework.Applet",
    "javacard.framework.Shareable",
    "javacard.framework.MultiSelectable",
    "javacard.framework.AppletEvent",
    "javacard.framework.PIN",
    "javacardx.apdu.ExtendedLength",
    "org.globalplatform.Application",
    "uicc.toolkit.ToolkitInterface",
};

// The (class, signature) pairs that a hidden implementation class supplies: the abstract
// methods of its superclass and interfaces that it binds.
const std::set<std::string, std::less<>>& hidden_implementations() {
  static const std::set<std::string, std::less<>> covered = [] {
    std::set<std::string, std::less<>> out;
    for (const HiddenClass& hidden : all_hidden_classes()) {
      const std::string qualified = fmt::format("{}.{}", hidden.package, hidden.name);
      std::vector<std::string_view> bases{hidden.superclass};
      for (std::string_view name : hidden.interfaces) {
        bases.push_back(name);
        for (std::string_view super_name : find_class(name)->interfaces)
          bases.push_back(super_name);
      }
      for (std::string_view base : bases) {
        for (const MethodInfo& method : find_class(base)->methods) {
          const std::string signature = signature_of(method);
          if (binding_of(qualified, signature) != nullptr)
            out.insert(fmt::format("{}.{}", base, signature));
        }
      }
    }
    return out;
  }();
  return covered;
}

}  // namespace

MethodSupport method_support(std::string_view class_name_text, std::string_view signature) {
  if (binding_of(class_name_text, signature) != nullptr) return MethodSupport::implemented;
  if (hidden_implementations().contains(fmt::format("{}.{}", class_name_text, signature))) {
    return MethodSupport::implemented;
  }
  const ClassInfo* cls = find_class(class_name_text);
  if (cls == nullptr) return MethodSupport::unsupported;
  for (const MethodInfo& method : cls->methods) {
    if (signature_of(method) != signature) continue;
    if ((method.flags & member_flag::kAbstract) != 0) {
      const auto applet_side = std::ranges::find(kAppletImplemented, class_name_text);
      return applet_side != std::end(kAppletImplemented) ? MethodSupport::abstract
                                                         : MethodSupport::unsupported;
    }
    if (method.name == "<init>") return MethodSupport::implemented;
    // An inherited entry is supported when the declaring superclass implements it.
    for (auto it = cls->supers.rbegin(); it != cls->supers.rend(); ++it) {
      if (binding_of(*it, signature) != nullptr) return MethodSupport::implemented;
    }
  }
  return MethodSupport::unsupported;
}

std::string_view unsupported_exception(std::string_view package) {
  return is_crypto_package(package) ? "CryptoException.NO_SUCH_ALGORITHM"
                                    : "SystemException.ILLEGAL_USE";
}

}  // namespace uicc::api
