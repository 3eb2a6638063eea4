// A small assembler for the runtime's tests: builds CAP files (as cap::CapFile) with classes,
// methods, constant pools, static fields and applets, until the SDK can convert Java code.
// Offsets follow the component layouts of the Java Card 3.0.5 Virtual Machine Specification
// chapter 6, so a CapFile built here encodes to a valid CAP file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vm/cap/cap_file.h"
#include "vm/cap/opcodes.h"
#include "vm/runtime/value.h"

namespace uicc::vm::test {

using cap::Opcode;

// Bytecode with labels: branches name a label and are patched when the code is taken.
class Code {
 public:
  Code& op(Opcode opcode) {
    bytes_.push_back(static_cast<std::uint8_t>(opcode));
    return *this;
  }
  Code& u1(std::uint8_t value) {
    bytes_.push_back(value);
    return *this;
  }
  Code& s1(std::int8_t value) { return u1(static_cast<std::uint8_t>(value)); }
  Code& u2(std::uint16_t value) {
    bytes_.push_back(static_cast<std::uint8_t>(value >> 8));
    bytes_.push_back(static_cast<std::uint8_t>(value));
    return *this;
  }
  Code& s2(std::int16_t value) { return u2(static_cast<std::uint16_t>(value)); }
  Code& s4(std::int32_t value) {
    u2(static_cast<std::uint16_t>(static_cast<std::uint32_t>(value) >> 16));
    return u2(static_cast<std::uint16_t>(value));
  }
  // An instruction with one operand byte or a u2 operand.
  Code& op(Opcode opcode, std::uint8_t operand) { return op(opcode).u1(operand); }
  Code& op2(Opcode opcode, std::uint16_t operand) { return op(opcode).u2(operand); }

  Code& label(const std::string& name) {
    labels_[name] = bytes_.size();
    return *this;
  }
  // A branch instruction whose offset (1 or 2 bytes, from the opcode's address) goes to `label`.
  Code& branch(Opcode opcode, const std::string& target) {
    const std::size_t at = bytes_.size();
    op(opcode);
    const bool wide = cap::info(opcode).operands.kinds[0] == cap::OperandKind::kBranch2;
    fixups_.push_back({at, bytes_.size(), wide, target});
    if (wide) {
      u2(0);
    } else {
      u1(0);
    }
    return *this;
  }
  // A switch's offset (2 bytes) from the switch instruction at `from` to `label`.
  Code& offset_to(std::size_t from, const std::string& target) {
    fixups_.push_back({from, bytes_.size(), true, target});
    return u2(0);
  }
  std::size_t size() const { return bytes_.size(); }

  Bytes take() const {
    Bytes out = bytes_;
    for (const Fixup& fixup : fixups_) {
      const auto offset = static_cast<std::int32_t>(labels_.at(fixup.label)) -
                          static_cast<std::int32_t>(fixup.from);
      if (fixup.wide) {
        out[fixup.at] = static_cast<std::uint8_t>(offset >> 8);
        out[fixup.at + 1] = static_cast<std::uint8_t>(offset);
      } else {
        out[fixup.at] = static_cast<std::uint8_t>(offset);
      }
    }
    return out;
  }

 private:
  struct Fixup {
    std::size_t from;
    std::size_t at;
    bool wide;
    std::string label;
  };
  Bytes bytes_;
  std::map<std::string, std::size_t> labels_;
  std::vector<Fixup> fixups_;
};

struct MethodSpec {
  std::uint8_t max_stack = 0;
  std::uint8_t nargs = 0;
  std::uint8_t max_locals = 0;
  Bytes code;
  bool is_abstract = false;
};

struct HandlerSpec {
  int method = 0;
  std::uint16_t start = 0;  // relative to the method's bytecode
  std::uint16_t end = 0;
  std::uint16_t target = 0;
  std::uint16_t catch_type = 0;  // constant-pool index of a Classref, 0 for any
};

struct ClassSpec {
  bool is_interface = false;
  bool shareable = false;
  cap::ClassRef super_class = cap::ClassRef::none();
  int internal_super = -1;  // index of a class of this package, overrides super_class
  std::uint8_t declared_instance_size = 0;
  std::uint8_t first_reference_token = 0xFF;
  std::uint8_t reference_count = 0;
  std::uint8_t public_base = 0;
  std::vector<int> public_methods;  // method indexes for tokens public_base + i; -1 inherits
  std::uint8_t package_base = 0;
  std::vector<int> package_methods;
  struct Implemented {
    cap::ClassRef interface_ref;
    int internal_interface = -1;
    std::vector<std::uint8_t> index;
  };
  std::vector<Implemented> interfaces;
  std::vector<cap::ClassRef> superinterfaces;  // interfaces only
};

class CapBuilder {
 public:
  CapBuilder(const char* aid_hex, std::uint8_t major = 1, std::uint8_t minor = 0) {
    cap_.header.version = cap::kFormat22;
    cap_.header.package.aid = from_hex(aid_hex);
    cap_.header.package.major = major;
    cap_.header.package.minor = minor;
  }

  void set_int(bool uses_int) {
    if (uses_int) {
      cap_.header.flags |= cap::header_flags::kInt;
    } else {
      cap_.header.flags &= static_cast<std::uint8_t>(~cap::header_flags::kInt);
    }
  }

  std::uint8_t import_package(const char* aid_hex, std::uint8_t major, std::uint8_t minor) {
    cap_.imports.packages.push_back(cap::PackageInfo{minor, major, from_hex(aid_hex)});
    return static_cast<std::uint8_t>(cap_.imports.packages.size() - 1);
  }

  int add_method(MethodSpec spec) {
    methods_.push_back(std::move(spec));
    return static_cast<int>(methods_.size() - 1);
  }
  void add_handler(HandlerSpec handler) { handlers_.push_back(handler); }
  int add_class(ClassSpec spec) {
    classes_.push_back(std::move(spec));
    return static_cast<int>(classes_.size() - 1);
  }

  // Constant pool entries; the returned value is the index.
  std::uint16_t cp_external_class(std::uint8_t package, std::uint8_t token) {
    return add_cp(cap::ConstantPoolEntry::classref(cap::ClassRef::external(package, token)));
  }
  std::uint16_t cp_class(int internal) { return add_pending(Pending::kClass, internal, 0); }
  std::uint16_t cp_static_method(int method) {
    return add_pending(Pending::kStaticMethod, method, 0);
  }
  std::uint16_t cp_external_static_method(std::uint8_t package, std::uint8_t cls,
                                          std::uint8_t token) {
    return add_cp(cap::ConstantPoolEntry::static_member(
        cap::ConstantTag::kStaticMethodref, cap::StaticRef::external(package, cls, token)));
  }
  std::uint16_t cp_static_field(std::uint16_t offset) {
    return add_cp(cap::ConstantPoolEntry::static_member(cap::ConstantTag::kStaticFieldref,
                                                        cap::StaticRef::internal(offset)));
  }
  std::uint16_t cp_instance_field(int internal_class, std::uint8_t token) {
    return add_pending(Pending::kField, internal_class, token);
  }
  std::uint16_t cp_virtual_method(int internal_class, std::uint8_t token) {
    return add_pending(Pending::kVirtual, internal_class, token);
  }
  std::uint16_t cp_external_virtual_method(std::uint8_t package, std::uint8_t cls,
                                           std::uint8_t token) {
    return add_cp(cap::ConstantPoolEntry::member(cap::ConstantTag::kVirtualMethodref,
                                                 cap::ClassRef::external(package, cls), token));
  }
  std::uint16_t cp_super_method(int internal_class, std::uint8_t token) {
    return add_pending(Pending::kSuper, internal_class, token);
  }
  // A raw entry, for malformed pools.
  std::uint16_t add_cp(cap::ConstantPoolEntry entry) {
    cap_.constant_pool.entries.push_back(entry);
    pending_.push_back({Pending::kNone, 0, 0});
    return static_cast<std::uint16_t>(cap_.constant_pool.entries.size() - 1);
  }

  // The static field image: references, then `default_bytes` of zero primitives, then the
  // primitives with initial values (JCVM 3.0.5 §6.11).
  void set_static_fields(std::uint16_t image_size, std::uint16_t reference_count,
                         std::uint16_t default_bytes, Bytes non_default = {}) {
    cap_.static_fields.image_size = image_size;
    cap_.static_fields.reference_count = reference_count;
    cap_.static_fields.default_value_count = default_bytes;
    cap_.static_fields.non_default_values = std::move(non_default);
  }
  void add_array_init(std::uint8_t type, Bytes values) {
    cap_.static_fields.array_init.push_back(cap::ArrayInit{type, std::move(values)});
  }

  void add_applet(const char* aid_hex, int install_method) {
    applets_.push_back({from_hex(aid_hex), install_method});
  }
  void export_class(int internal_class, std::vector<int> static_methods = {}) {
    exports_.push_back({internal_class, std::move(static_methods)});
  }

  // Lays the components out and returns the CAP file.
  cap::CapFile build();

  // Info offsets after build().
  std::uint16_t method_offset(int method) const {
    return method_offsets_.at(static_cast<std::size_t>(method));
  }
  std::uint16_t class_offset(int cls) const {
    return class_offsets_.at(static_cast<std::size_t>(cls));
  }

 private:
  struct Pending {
    enum Kind { kNone, kClass, kStaticMethod, kField, kVirtual, kSuper } kind;
    int target;
    std::uint8_t token;
  };
  std::uint16_t add_pending(Pending::Kind kind, int target, std::uint8_t token) {
    cap_.constant_pool.entries.push_back({});
    pending_.push_back({kind, target, token});
    return static_cast<std::uint16_t>(cap_.constant_pool.entries.size() - 1);
  }

  cap::CapFile cap_;
  std::vector<MethodSpec> methods_;
  std::vector<HandlerSpec> handlers_;
  std::vector<ClassSpec> classes_;
  std::vector<Pending> pending_;
  std::vector<std::pair<Bytes, int>> applets_;
  std::vector<std::pair<int, std::vector<int>>> exports_;
  std::vector<std::uint16_t> method_offsets_;
  std::vector<std::uint16_t> class_offsets_;
};

}  // namespace uicc::vm::test
