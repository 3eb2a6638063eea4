// The linked form of packages that the interpreter runs: classes with their method tables,
// methods with their bytecode, and constant pools resolved to direct pointers and offsets.
// Built by the linker from a CAP file or from a native package; rebuilt at each power-up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vm/runtime/native.h"
#include "vm/runtime/value.h"

namespace uicc::vm::detail {

struct Package;
struct Class;

// One entry of a method's exception handler table (Java Card 3.0.5 Virtual Machine
// Specification §6.9.2), with offsets relative to the method's bytecode.
struct Handler {
  std::uint16_t start = 0;  // first covered bytecode offset
  std::uint16_t end = 0;    // one past the last covered offset
  std::uint16_t target = 0;
  const Class* catch_type = nullptr;  // null catches everything (a finally block)
};

struct Method {
  Package* package = nullptr;
  const Class* owner = nullptr;  // null for a static method of a CAP file (not recorded there)
  std::string name;              // for diagnostics: "Class.method" or the component offset
  const std::uint8_t* code = nullptr;
  std::uint32_t code_length = 0;
  std::uint8_t max_stack = 0;
  std::uint8_t nargs = 0;       // words, including `this`
  std::uint8_t max_locals = 0;  // words beyond the arguments
  bool is_abstract = false;
  NativeFunction native = nullptr;
  ValueKind result = ValueKind::void_value;  // known for natives; bytecode returns by opcode
  // Verification types of the argument words: 'S' short, byte or boolean, 'I' and 'i' the two
  // words of an int, 'R' reference, 'T' a word the method never reads (any value may be
  // passed). From a native's descriptor, the Descriptor component, or else inferred at load
  // from the method's code and its overrides (verifier.cpp).
  std::string argument_types;
  // The result: 'V' void, 'S', 'I', 'R', or '?' when nothing states it: an abstract method
  // of a CAP file without a Descriptor component that nothing in its package implements, or
  // a method without a return instruction.
  char result_type = '?';
  bool typed = false;  // the types come from the Descriptor component
  std::vector<Handler> handlers;
};

struct InterfaceImpl {
  const Class* interface_class = nullptr;
  std::vector<std::uint8_t> virtual_tokens;  // interface method token -> public virtual token
};

struct Class {
  Package* package = nullptr;
  std::uint16_t index = 0;    // position in the package's class list
  std::uint32_t type_id = 0;  // store header `type` of its instances: package index << 16 | index
  std::string name;
  const Class* superclass = nullptr;
  bool is_interface = false;
  bool is_abstract = false;
  bool is_shareable = false;  // an interface that is or extends javacard.framework.Shareable
  bool is_applet = false;     // a subclass of javacard.framework.Applet
  std::vector<const Class*> interfaces;        // every interface implemented, transitively
  std::uint16_t instance_words = 0;            // including those of superclasses
  std::vector<std::uint16_t> reference_words;  // word indexes that hold references
  std::vector<const Method*> public_methods;   // by public virtual method token
  std::vector<const Method*> package_methods;  // by package virtual method token & 0x7F
  std::vector<InterfaceImpl> interface_impls;
  std::vector<const Method*> static_methods;  // by token, for native classes and exports

  bool is_subclass_of(const Class* other) const {
    for (const Class* c = this; c != nullptr; c = c->superclass) {
      if (c == other) return true;
    }
    return false;
  }
  bool implements(const Class* interface_class) const {
    for (const Class* i : interfaces) {
      if (i == interface_class) return true;
    }
    return this == interface_class;
  }
  const InterfaceImpl* find_impl(const Class* interface_class) const {
    for (const Class* c = this; c != nullptr; c = c->superclass) {
      for (const auto& impl : c->interface_impls) {
        if (impl.interface_class == interface_class) return &impl;
      }
    }
    return nullptr;
  }
};

// A resolved constant-pool entry (Java Card 3.0.5 Virtual Machine Specification §6.8).
enum class CpKind : std::uint8_t {
  unused,
  class_ref,
  instance_field,
  virtual_method,
  super_method,
  static_field,
  static_method,
};

struct CpEntry {
  std::uint8_t nargs = 0;     // virtual_method: argument words of the method, `this` included
  bool is_reference = false;  // instance_field, static_field: the field holds a reference
  CpKind kind = CpKind::unused;
  std::uint8_t token = 0;             // virtual_method: the virtual method token
  std::uint16_t field_word = 0;       // instance_field: absolute word index in the instance
  const Class* class_ref = nullptr;   // class_ref, virtual_method (the static type)
  const Method* method = nullptr;     // static_method, super_method
  Package* static_package = nullptr;  // static_field: the package holding the image
  std::uint32_t static_offset = 0;    // static_field: byte offset in that image
};

// A static array initializer from the StaticField component.
struct ArrayInit {
  std::uint8_t type = 0;
  Bytes values;
};

struct AppletClass {
  Aid aid;
  std::uint16_t install_method_offset = 0;
  const Method* install = nullptr;
};

struct Package {
  std::uint16_t index = 0;  // type ids and store images refer to packages by index
  ContextId context = kJcreContext;
  std::string name;
  Aid aid;
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  bool uses_int = false;
  const NativePackage* native = nullptr;
  std::uint16_t native_index = 0;

  std::vector<std::unique_ptr<Class>> classes;
  std::vector<std::unique_ptr<Method>> methods;
  std::vector<CpEntry> constant_pool;
  std::vector<Package*> imports;
  std::vector<AppletClass> applets;

  Bytes method_component;  // bytecode that Method::code points into
  Ref image = kNullRef;    // store object holding the CAP components (absent for natives)
  Ref statics = kNullRef;  // store object holding the static field image
  std::uint32_t static_reference_count = 0;  // reference statics come first in the image
  std::uint32_t static_image_size = 0;       // bytes of static fields at the start of `statics`
  std::uint16_t package_words = 0;           // natives: words after the static fields
  std::uint16_t package_reference_words = 0;
  std::uint16_t table_slot = 0xFFFF;  // position in the store's package table

  // Exported items, by token, for packages that import this one.
  std::vector<const Class*> export_classes;  // by class token
  std::vector<std::vector<std::uint32_t>>
      export_static_fields;  // [class token][field token] -> offset
  std::vector<std::vector<const Method*>> export_static_methods;  // [class token][method token]
};

}  // namespace uicc::vm::detail
