// The package being converted: its classes and interfaces in the order of the Class
// component, the class hierarchy across the imported packages, and the tokens of every
// class, field and method. Java Card 3.0.5 Virtual Machine Specification §4.3.7 (token
// assignment) and §6.8 (class ordering).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sdk/converter/class_file.h"
#include "tools/sdk/converter/diagnostics.h"
#include "tools/sdk/converter/export_model.h"
#include "tools/sdk/converter/java_types.h"

namespace uicc::sdk {

inline constexpr std::uint8_t kNoToken = 0xFF;
// High bit of a package-visible (private) virtual method token, JCVM 3.0.5 §4.3.7.6.
inline constexpr std::uint8_t kPackageTokenBit = 0x80;

enum class MethodKind : std::uint8_t {
  kStatic,             // static method
  kConstructor,        // <init>
  kStaticInitializer,  // <clinit>: evaluated by the converter, not part of the CAP file
  kVirtual,            // public, protected or package-visible instance method
  kPrivate,            // private instance method, bound statically
  kInterface,          // abstract method of an interface
};

struct PackageField {
  const FieldInfo* info = nullptr;
  FieldType type;
  bool is_static = false;
  // A static final field with a ConstantValue (a primitive or String compile-time
  // constant): javac inlines its uses, and the CAP file does not represent it (JCVM 3.0.5
  // §6.10, §6.13).
  bool is_constant = false;
  std::uint8_t token = kNoToken;

  bool is_exported() const;  // public or protected
};

struct PackageMethod {
  const MethodInfo* info = nullptr;
  MethodType type;
  MethodKind kind = MethodKind::kStatic;
  std::uint8_t token = kNoToken;

  bool is_exported() const;  // public or protected
  bool is_abstract() const { return info->is_abstract(); }
  // Java form for messages, "process(javacard.framework.APDU)".
  std::string signature() const;
};

class PackageClass;

// One entry of a class's virtual method table: the method a virtual method token dispatches
// to for instances of that class.
struct VirtualSlot {
  std::string name;
  std::string descriptor;
  const PackageClass* owner = nullptr;  // class of the implementation, null when it is imported
  const PackageMethod* method = nullptr;
  bool is_abstract = false;
  std::uint16_t access_flags = access::kPublic;  // public or protected, final, abstract
};

class PackageClass {
 public:
  const ClassFile* file = nullptr;
  std::string name;  // internal form
  bool is_interface = false;
  bool is_public = false;
  bool is_shareable = false;
  std::string super_name;                   // empty for interfaces
  std::vector<std::string> all_interfaces;  // implemented or extended, direct and inherited
  std::uint8_t token = kNoToken;
  std::vector<PackageField> fields;
  std::vector<PackageMethod> methods;
  // Virtual method tables by token: public and protected methods, and package-visible
  // methods with the high bit cleared. Inherited entries included.
  std::vector<VirtualSlot> public_vtable;
  std::vector<VirtualSlot> package_vtable;
  // Interfaces only: the methods an interface declares or inherits, by interface method token.
  std::vector<VirtualSlot> interface_methods;

  PackageMethod* find_method(std::string_view method_name, std::string_view descriptor);
  const PackageMethod* find_method(std::string_view method_name, std::string_view descriptor) const;
  const PackageField* find_field(std::string_view field_name) const;
  // Java form for messages, "com.example.Wallet".
  std::string java_name() const { return dotted_name(name); }
  std::string source_file() const;
};

// Location of a class: the package being converted, or an imported package.
struct ClassLocation {
  const PackageClass* local = nullptr;
  const cap::ExportFile* package = nullptr;  // set for imported classes
  const cap::ExportClass* exported = nullptr;

  bool found() const { return local != nullptr || exported != nullptr; }
  bool is_interface() const;
};

class PackageModel {
 public:
  // Builds the model and assigns tokens. Problems that make a class unusable (a superclass
  // or interface that is in no imported package, a class of another package, too many
  // methods for the 8-bit tokens) are added to `diagnostics`.
  PackageModel(const std::vector<ClassFile>& classes, const std::vector<cap::ExportFile>& imports,
               Diagnostics& diagnostics);

  const std::string& package_name() const { return package_name_; }
  // Classes in Class component order: interfaces first, then classes, each after its
  // superclass and superinterfaces.
  const std::vector<std::unique_ptr<PackageClass>>& classes() const { return classes_; }
  const std::vector<cap::ExportFile>& imports() const { return imports_; }

  ClassLocation find_class(std::string_view internal_name) const;
  PackageClass* find_local(std::string_view internal_name) const;

  // Superclass chain of a class (local or imported), nearest first, the class itself
  // excluded. Empty for java/lang/Object and for interfaces.
  std::vector<ClassLocation> superclasses(std::string_view internal_name) const;
  // True if `sub` is `super` or one of its subclasses or implementations.
  bool is_subtype(std::string_view sub, std::string_view super) const;

 private:
  void add_class(const ClassFile& file, Diagnostics& diagnostics);
  void order_classes(Diagnostics& diagnostics);
  void check_hierarchy(Diagnostics& diagnostics);
  void assign_class_tokens();
  void assign_field_tokens(PackageClass& cls);
  void assign_static_tokens(PackageClass& cls);
  void build_interface_methods(PackageClass& cls, Diagnostics& diagnostics);
  void build_vtables(PackageClass& cls, Diagnostics& diagnostics);
  void collect_interfaces(PackageClass& cls);

  std::string package_name_;
  std::vector<cap::ExportFile> imports_;
  std::vector<std::unique_ptr<PackageClass>> classes_;
};

// Makes a diagnostic about a class or one of its methods, with the source file and line.
Diagnostic make_diagnostic(const PackageClass& cls, const PackageMethod* method, std::uint32_t pc,
                           std::string message);

}  // namespace uicc::sdk
