// Links the native packages of the registry into classes the interpreter runs: superclasses
// across packages, inherited instance layouts and method tables, interface tables. java.lang
// is built in when the registry has none, because the VM throws its exceptions itself.
#include <fmt/format.h>

#include <functional>
#include <map>
#include <stdexcept>

#include "vm/runtime/api_tokens.h"
#include "vm/runtime/machine.h"
#include "vm/runtime/verifier.h"

namespace uicc::vm::detail {

namespace {

// Argument words and result kind of a method descriptor such as "check([BSB)Z"
// (JCVM 3.0.5 §4.3.4 uses Java's descriptor syntax in export files).
struct Signature {
  std::uint8_t argument_words = 0;
  ValueKind result = ValueKind::void_value;
};

Signature parse_signature(std::string_view signature) {
  auto open = signature.find('(');
  auto close = signature.find(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    throw std::invalid_argument(
        fmt::format("native method signature '{}' has no descriptor", signature));
  }
  Signature result;
  for (std::size_t i = open + 1; i < close; ++i) {
    char c = signature[i];
    if (c == '[') {
      while (i < close && signature[i] == '[') ++i;
      if (signature[i] == 'L') i = signature.find(';', i);
      result.argument_words += 1;
    } else if (c == 'L') {
      i = signature.find(';', i);
      result.argument_words += 1;
    } else if (c == 'I') {
      result.argument_words += 2;
    } else {
      result.argument_words += 1;
    }
    if (i == std::string_view::npos || i > close) {
      throw std::invalid_argument(
          fmt::format("native method signature '{}' is malformed", signature));
    }
  }
  switch (close + 1 < signature.size() ? signature[close + 1] : 'V') {
    case 'V':
      result.result = ValueKind::void_value;
      break;
    case 'Z':
      result.result = ValueKind::boolean;
      break;
    case 'B':
      result.result = ValueKind::byte;
      break;
    case 'S':
      result.result = ValueKind::short_value;
      break;
    case 'I':
      result.result = ValueKind::int_value;
      break;
    default:
      result.result = ValueKind::reference;
      break;
  }
  return result;
}

Slot object_equals(Vm&, Args args) {
  return args.ref_at(0) == args.ref_at(1) ? 1 : 0;
}
Slot no_operation(Vm&, Args) {
  return 0;
}

// java.lang as the VM needs it when no API library provides it: Object and the exceptions
// (class tokens of the java.lang 1.0 export file of Java Card 3.0.5).
NativePackage builtin_java_lang() {
  NativePackage package;
  package.name = "java.lang";
  package.aid = api::java_lang();
  package.major = 1;
  package.minor = 0;
  auto add = [&](std::uint8_t token, const char* name, std::optional<std::uint8_t> super) {
    NativeClass cls;
    cls.token = token;
    cls.name = name;
    if (super) cls.superclass = api::lang_class(*super);
    cls.static_methods.push_back({0, "<init>()V", no_operation});
    if (!super) cls.virtual_methods.push_back({0, "equals(Ljava/lang/Object;)Z", object_equals});
    package.classes.push_back(std::move(cls));
  };
  add(0, "java/lang/Object", std::nullopt);
  add(1, "java/lang/Throwable", 0);
  add(2, "java/lang/Exception", 1);
  add(3, "java/lang/RuntimeException", 2);
  add(4, "java/lang/IndexOutOfBoundsException", 3);
  add(5, "java/lang/ArrayIndexOutOfBoundsException", 4);
  add(6, "java/lang/NegativeArraySizeException", 3);
  add(7, "java/lang/NullPointerException", 3);
  add(8, "java/lang/ClassCastException", 3);
  add(9, "java/lang/ArithmeticException", 3);
  add(10, "java/lang/SecurityException", 3);
  add(11, "java/lang/ArrayStoreException", 3);
  return package;
}

}  // namespace

const NativePackage& Machine::builtin_lang() {
  static const NativePackage package = builtin_java_lang();
  return package;
}

std::unique_ptr<Method> Machine::make_native_method(Package* package, const Class* owner,
                                                    const NativeMethod& native, bool has_this) {
  auto method = std::make_unique<Method>();
  Signature signature = parse_signature(native.signature);
  method->package = package;
  method->owner = owner;
  method->name = owner != nullptr ? owner->name + "." + std::string(native.signature)
                                  : std::string(native.signature);
  method->nargs = static_cast<std::uint8_t>(signature.argument_words + (has_this ? 1 : 0));
  method->result = signature.result;
  method->native = native.function;
  method->is_abstract = native.function == nullptr;
  auto [arguments, result] = descriptor_types(native.signature);
  method->argument_types = has_this ? "R" + arguments : arguments;
  method->result_type = result;
  return method;
}

void Machine::link_natives(const std::function<std::uint16_t(const Aid&)>& index_for) {
  std::vector<const NativePackage*> sources;
  if (natives_.find(api::java_lang()) == nullptr) sources.push_back(&builtin_lang());
  for (const auto& package : natives_.packages()) sources.push_back(&package);

  // Packages and empty classes first, so that superclasses resolve across packages.
  std::map<const Class*, const NativeClass*> descriptions;
  for (const NativePackage* source : sources) {
    auto package = std::make_unique<Package>();
    package->index = index_for(source->aid);
    package->context = kJcreContext;
    package->name = source->name;
    package->aid = source->aid;
    package->major = source->major;
    package->minor = source->minor;
    package->native = source;
    std::uint8_t max_token = 0;
    for (const auto& cls : source->classes) max_token = std::max(max_token, cls.token);
    package->export_classes.assign(std::size_t{max_token} + 1, nullptr);
    package->export_static_methods.resize(std::size_t{max_token} + 1);
    package->export_static_fields.resize(std::size_t{max_token} + 1);
    for (const auto& description : source->classes) {
      auto cls = std::make_unique<Class>();
      cls->package = package.get();
      cls->index = static_cast<std::uint16_t>(package->classes.size());
      cls->type_id = (std::uint32_t{package->index} << 16) | cls->index;
      cls->name = description.name;
      cls->is_interface = description.is_interface;
      cls->is_abstract = description.is_abstract || description.is_interface;
      package->export_classes[description.token] = cls.get();
      descriptions[cls.get()] = &description;
      package->classes.push_back(std::move(cls));
    }
    if (packages_.size() <= package->index) packages_.resize(std::size_t{package->index} + 1);
    packages_[package->index] = std::move(package);
  }

  // Then layouts and tables, superclass before subclass.
  std::map<const Class*, bool> done;
  std::function<void(Class*)> complete = [&](Class* cls) {
    if (done[cls]) return;
    done[cls] = true;
    const NativeClass& description = *descriptions.at(cls);
    Package* package = cls->package;
    if (description.superclass) {
      const Class* super = find_class(*description.superclass);
      if (super == nullptr) {
        throw std::invalid_argument(fmt::format("native class {}: superclass {} token {} not found",
                                                cls->name, description.superclass->package.to_hex(),
                                                description.superclass->token));
      }
      complete(const_cast<Class*>(super));
      cls->superclass = super;
      cls->instance_words = super->instance_words;
      cls->reference_words = super->reference_words;
      cls->public_methods = super->public_methods;
      cls->package_methods = super->package_methods;
      cls->interfaces = super->interfaces;
    }
    for (std::uint16_t i = 0; i < description.reference_words; ++i) {
      cls->reference_words.push_back(static_cast<std::uint16_t>(cls->instance_words + i));
    }
    cls->instance_words =
        static_cast<std::uint16_t>(cls->instance_words + description.instance_words);

    for (const ClassName& name : description.interfaces) {
      const Class* interface_class = find_class(name);
      if (interface_class == nullptr) {
        throw std::invalid_argument(fmt::format("native class {}: interface {} token {} not found",
                                                cls->name, name.package.to_hex(), name.token));
      }
      complete(const_cast<Class*>(interface_class));
      if (!cls->implements(interface_class)) cls->interfaces.push_back(interface_class);
      for (const Class* inherited : interface_class->interfaces) {
        if (!cls->implements(inherited)) cls->interfaces.push_back(inherited);
      }
    }
    if (cls->is_interface) {
      const Class* shareable = find_class(api::framework_class(api::framework::kShareable));
      cls->is_shareable = shareable != nullptr && cls->implements(shareable);
    }

    for (const NativeMethod& native : description.virtual_methods) {
      auto method = make_native_method(package, cls, native, true);
      auto& table = (native.token & 0x80) ? cls->package_methods : cls->public_methods;
      std::size_t index = native.token & 0x7F;
      if (cls->is_interface) index = native.token;
      if (table.size() <= index) table.resize(index + 1, nullptr);
      table[index] = method.get();
      package->methods.push_back(std::move(method));
    }
    for (const NativeMethod& native : description.static_methods) {
      bool constructor = native.signature.starts_with("<init>");
      auto method = make_native_method(package, cls, native, constructor);
      if (cls->static_methods.size() <= native.token)
        cls->static_methods.resize(native.token + 1u, nullptr);
      cls->static_methods[native.token] = method.get();
      package->methods.push_back(std::move(method));
    }
    package->export_static_methods[descriptions.at(cls)->token] = cls->static_methods;
    for (const InterfaceTable& table : description.interface_tables) {
      const Class* interface_class = find_class(table.interface_name);
      if (interface_class == nullptr) {
        throw std::invalid_argument(
            fmt::format("native class {}: interface table for unknown interface", cls->name));
      }
      cls->interface_impls.push_back(InterfaceImpl{interface_class, table.virtual_tokens});
    }
  };
  for (auto& [cls, description] : descriptions) complete(const_cast<Class*>(cls));

  // Static fields: 4 bytes each, in token order per class, in one image per package.
  for (const NativePackage* source : sources) {
    Package* package = find_package(source->aid);
    std::uint32_t offset = 0;
    for (const NativeClass& description : source->classes) {
      auto& fields = package->export_static_fields[description.token];
      for (const NativeField& field : description.static_fields) {
        if (fields.size() <= field.token) fields.resize(field.token + 1u, 0xFFFFFFFF);
        fields[field.token] = offset;
        offset += 4;
      }
    }
    package->static_image_size = offset;
  }

  object_class_ = find_class(api::lang_class(api::lang::kObject));
  throwable_class_ = find_class(api::lang_class(api::lang::kThrowable));
  applet_class_ = find_class(api::framework_class(api::framework::kApplet));
  shareable_class_ = find_class(api::framework_class(api::framework::kShareable));
  multi_selectable_class_ = find_class(api::framework_class(api::framework::kMultiSelectable));
  applet_event_class_ = find_class(api::framework_class(api::framework::kAppletEvent));
}

}  // namespace uicc::vm::detail
