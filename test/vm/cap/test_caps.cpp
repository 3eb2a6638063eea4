#include "test/vm/cap/test_caps.h"

#include <map>
#include <set>
#include <stdexcept>

#include "vm/cap/bytecode.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::cap::testing {
namespace {

// Class names of a signature to class_refs, for the nibble encoding of descriptors.
using ClassMap = std::map<std::string, ClassRef>;

// Encodes a Java descriptor ("([BSB)V", "Ljavacard/framework/APDU;") in the nibbles of
// JCVM 3.0.5 §6.9: parameters first, return type last.
TypeDescriptor encode_type(const std::string& java, const ClassMap& classes) {
  std::vector<std::uint8_t> nibbles;
  const auto push_ref = [&](std::uint8_t kind, const std::string& name) {
    const ClassRef ref = classes.at(name);
    nibbles.push_back(kind);
    for (int shift = 12; shift >= 0; shift -= 4) {
      nibbles.push_back(static_cast<std::uint8_t>((ref.value >> shift) & 0x0F));
    }
  };
  for (std::size_t i = 0; i < java.size(); ++i) {
    const char c = java[i];
    if (c == '(' || c == ')') continue;
    if (c == 'L') {
      const std::size_t end = java.find(';', i);
      push_ref(type_nibble::kReference, java.substr(i + 1, end - i - 1));
      i = end;
      continue;
    }
    if (c == '[') {
      const char element = java[++i];
      if (element == 'L') {
        const std::size_t end = java.find(';', i);
        push_ref(type_nibble::kReferenceArray, java.substr(i + 1, end - i - 1));
        i = end;
        continue;
      }
      const std::map<char, std::uint8_t> arrays = {{'Z', type_nibble::kBooleanArray},
                                                   {'B', type_nibble::kByteArray},
                                                   {'S', type_nibble::kShortArray},
                                                   {'I', type_nibble::kIntArray}};
      nibbles.push_back(arrays.at(element));
      continue;
    }
    const std::map<char, std::uint8_t> primitives = {{'V', type_nibble::kVoid},
                                                     {'Z', type_nibble::kBoolean},
                                                     {'B', type_nibble::kByte},
                                                     {'S', type_nibble::kShort},
                                                     {'I', type_nibble::kInt}};
    nibbles.push_back(primitives.at(c));
  }
  TypeDescriptor type;
  type.nibble_count = static_cast<std::uint8_t>(nibbles.size());
  type.packed.assign((nibbles.size() + 1) / 2, 0);
  for (std::size_t i = 0; i < nibbles.size(); ++i) {
    type.packed[i / 2] |= static_cast<std::uint8_t>(i % 2 == 0 ? nibbles[i] << 4 : nibbles[i]);
  }
  return type;
}

// Collects type descriptors for the Descriptor component, each once, with their offsets
// relative to the start of type_descriptor_info.
class TypePool {
 public:
  TypePool(const ClassMap& classes, std::size_t cp_count)
      : classes_(classes), next_offset_(2 + 2 * cp_count) {}

  std::uint16_t offset(const std::string& java) {
    auto it = offsets_.find(java);
    if (it != offsets_.end()) return it->second;
    const TypeDescriptor type = encode_type(java, classes_);
    const auto at = static_cast<std::uint16_t>(next_offset_);
    types_.push_back({at, type});
    next_offset_ += type.encoded_size();
    offsets_[java] = at;
    return at;
  }
  std::vector<PooledType> types() const { return types_; }

 private:
  const ClassMap& classes_;
  std::size_t next_offset_;
  std::map<std::string, std::uint16_t> offsets_;
  std::vector<PooledType> types_;
};

// Lays the methods out in the Method component and returns each method's offset.
std::vector<std::uint16_t> layout_methods(const std::vector<MethodSource>& methods,
                                          MethodComponent& component) {
  std::size_t handler_count = 0;
  for (const MethodSource& method : methods) handler_count += method.handlers.size();
  const std::size_t base = 1 + 8 * handler_count;
  std::vector<std::uint16_t> offsets;
  for (const MethodSource& method : methods) {
    const auto offset = static_cast<std::uint16_t>(base + component.method_area.size());
    offsets.push_back(offset);
    const std::uint8_t flags =
        static_cast<std::uint8_t>((method.abstract ? method_flags::kAbstract : 0) |
                                  (method.extended_header ? method_flags::kExtended : 0));
    if (method.extended_header) {
      component.method_area.push_back(static_cast<std::uint8_t>(flags << 4));
      component.method_area.push_back(method.max_stack);
      component.method_area.push_back(method.nargs);
      component.method_area.push_back(method.max_locals);
    } else {
      component.method_area.push_back(static_cast<std::uint8_t>(flags << 4 | method.max_stack));
      component.method_area.push_back(
          static_cast<std::uint8_t>(method.nargs << 4 | method.max_locals));
    }
    const auto code_offset = static_cast<std::uint16_t>(base + component.method_area.size());
    append(component.method_area, method.code);
    for (const MethodSource::Handler& handler : method.handlers) {
      component.handlers.push_back(
          {static_cast<std::uint16_t>(code_offset + handler.start), handler.length, true,
           static_cast<std::uint16_t>(code_offset + handler.handler), handler.catch_type_index});
    }
  }
  return offsets;
}

MethodDescriptor describe(const MethodSource& method, std::uint16_t offset, TypePool& types,
                          std::uint16_t& handler_index) {
  MethodDescriptor descriptor;
  descriptor.token = method.token;
  descriptor.access_flags = static_cast<std::uint8_t>(
      method.access_flags | (method.abstract ? descriptor_flags::kMethodAbstract : 0));
  descriptor.method_offset = offset;
  descriptor.type_offset = types.offset(method.descriptor);
  descriptor.bytecode_count = static_cast<std::uint16_t>(method.code.size());
  descriptor.exception_handler_count = static_cast<std::uint16_t>(method.handlers.size());
  descriptor.exception_handler_index = method.handlers.empty() ? 0 : handler_index;
  handler_index = static_cast<std::uint16_t>(handler_index + method.handlers.size());
  return descriptor;
}

// Derives the Reference Location component from the bytecode of the located methods.
void compute_reference_locations(CapFile& cap) {
  std::set<std::uint16_t> one_byte;
  std::set<std::uint16_t> two_byte;
  for (std::size_t i = 0; i < cap.methods.handlers.size(); ++i) {
    if (cap.methods.handlers[i].catch_type_index != 0) {
      two_byte.insert(static_cast<std::uint16_t>(1 + 8 * i + 6));
    }
  }
  for (const MethodLocation& method : locate_methods(cap)) {
    const ByteView code = cap.methods.bytes_at(method.bytecode_offset, method.bytecode_count);
    for (std::size_t pc = 0; pc < code.size();) {
      const auto instruction = decode_instruction(code, pc);
      if (!instruction) throw std::logic_error("test CAP has undecodable bytecode");
      if (auto location = instruction->cp_index_location()) {
        const auto at = static_cast<std::uint16_t>(method.bytecode_offset + location->first);
        (location->second == 1 ? one_byte : two_byte).insert(at);
      }
      pc += instruction->length;
    }
  }
  cap.reference_locations.byte_index_offsets.assign(one_byte.begin(), one_byte.end());
  cap.reference_locations.byte2_index_offsets.assign(two_byte.begin(), two_byte.end());
}

PackageInfo java_lang() {
  return {0, 1, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x00, 0x01}};
}
PackageInfo javacard_framework() {
  return {3, 1, {0xA0, 0x00, 0x00, 0x00, 0x62, 0x01, 0x01}};
}

// Fills the Debug component with names for the classes and methods given.
struct DebugBuilder {
  DebugComponent debug;
  std::map<std::string, std::uint16_t> index;

  std::uint16_t string(const std::string& text) {
    auto it = index.find(text);
    if (it != index.end()) return it->second;
    const auto at = static_cast<std::uint16_t>(debug.strings.size());
    debug.strings.push_back(text);
    index[text] = at;
    return at;
  }
};

void finish(CapFile& cap) {
  compute_reference_locations(cap);
  update_directory(cap);
  check_structure(cap);
  cap.method_locations = locate_methods(cap);
}

}  // namespace

CapFile make_hello_cap(FormatVersion version, bool with_debug) {
  CapFile cap;
  cap.header.version = version;
  cap.header.package = {0, 1, kHelloPackageAid};
  if (version.at_least(2, 2)) cap.header.package_name = "";
  cap.package_path = "com/example/hello";
  cap.imports.packages = {java_lang(), javacard_framework()};

  // The class is the first entry of the Class component, after the signature pool length.
  const std::uint16_t hello = version.at_least(2, 2) ? 2 : 0;
  const ClassRef applet = ClassRef::external(1, 3);
  const ClassRef iso_exception = ClassRef::external(1, 7);
  const ClassRef apdu = ClassRef::external(1, 10);
  const ClassMap classes = {{"com/example/hello/Hello", ClassRef::internal(hello)},
                            {"javacard/framework/Applet", applet},
                            {"javacard/framework/APDU", apdu},
                            {"javacard/framework/ISOException", iso_exception}};

  std::vector<ConstantPoolEntry>& cp = cap.constant_pool.entries;
  cp = {
      ConstantPoolEntry::member(ConstantTag::kInstanceFieldref, ClassRef::internal(hello), 0),
      ConstantPoolEntry::classref(iso_exception),
      ConstantPoolEntry::static_member(ConstantTag::kStaticMethodref, StaticRef::external(1, 3, 0)),
      ConstantPoolEntry::member(ConstantTag::kVirtualMethodref, applet, 1),
      ConstantPoolEntry::classref(ClassRef::internal(hello)),
      ConstantPoolEntry{},  // 5: Hello.<init>, once laid out
      ConstantPoolEntry::static_member(ConstantTag::kStaticMethodref, StaticRef::external(1, 7, 1)),
      ConstantPoolEntry::member(ConstantTag::kVirtualMethodref, apdu, 1),
      ConstantPoolEntry::static_member(ConstantTag::kStaticFieldref, StaticRef::internal(0)),
      ConstantPoolEntry::static_member(ConstantTag::kStaticFieldref, StaticRef::internal(4)),
  };

  std::vector<MethodSource> methods(3);
  MethodSource& install = methods[0];
  install.name = "install";
  install.descriptor = "([BSB)V";
  install.access_flags = descriptor_flags::kPublic | descriptor_flags::kStatic;
  install.token = 1;
  install.max_stack = 2;
  install.nargs = 3;
  // new Hello; dup; invokespecial Hello.<init>; invokevirtual register(); return
  install.code = from_hex("8F0004 3D 8C0005 8B0003 7A");

  MethodSource& init = methods[1];
  init.name = "<init>";
  init.descriptor = "()V";
  init.access_flags = descriptor_flags::kPublic | descriptor_flags::kMethodInit;
  init.token = 0;
  init.max_stack = 1;
  init.nargs = 1;
  // aload_0; invokespecial Applet.<init>; aload_0; sconst_1; putfield_s_this counter; return
  init.code = from_hex("18 8C0002 18 04 B700 7A");

  MethodSource& process = methods[2];
  process.name = "process";
  process.descriptor = "(Ljavacard/framework/APDU;)V";
  process.token = 7;
  process.max_stack = 2;
  process.nargs = 2;
  process.max_locals = 1;
  process.extended_header = true;
  process.code = from_hex(
      "19 8B0007 2802"                // 0: buffer = apdu.getBuffer()
      "1A 04 25"                      // 6: buffer[1]
      "73 001D 0000 0001 000B 0012"   // 9: stableswitch 0..1, default -> 38
      "AF00 04 41 B700 7A"            // 20: counter++ ; return
      "7B0008 03 25 3B 7D0009 3B 7A"  // 27: read the static array and short; return
      "116A86 8D0006 7A"              // 38: ISOException.throwIt(0x6A86) in a try block
      "3B 7A");                       // 45: catch (ISOException) { return }
  process.handlers = {{38, 6, 45, 1}};

  const std::vector<std::uint16_t> offsets = layout_methods(methods, cap.methods);
  cp[5] = ConstantPoolEntry::static_member(ConstantTag::kStaticMethodref,
                                           StaticRef::internal(offsets[1]));

  cap.applets = AppletComponent{{{kHelloAppletAid, offsets[0]}}};

  if (version.at_least(2, 2)) cap.classes.signature_pool = {};
  ClassInfo hello_class;
  hello_class.offset = hello;
  hello_class.super_class = applet;
  hello_class.declared_instance_size = 1;
  hello_class.public_method_table_base = 7;
  hello_class.public_virtual_method_table = {offsets[2]};
  if (version.at_least(2, 3)) {
    hello_class.public_virtual_method_token_mapping = {0, 1, 2, 3, 4, 5, 6, 7};
    hello_class.cap22_inheritable_public_method_token_count = 8;
  }
  cap.classes.classes = {hello_class};

  // Static field image: byte[] table (0, initialized), short zero (2), short 0x1234 (4).
  cap.static_fields.image_size = 6;
  cap.static_fields.reference_count = 1;
  cap.static_fields.array_init = {{array_init_type::kByte, {1, 2, 3}}};
  cap.static_fields.default_value_count = 2;
  cap.static_fields.non_default_values = {0x12, 0x34};

  TypePool types(classes, cp.size());
  DescriptorComponent descriptor;
  ClassDescriptor described;
  described.token = 0;
  described.access_flags = descriptor_flags::kPublic;
  described.this_class = ClassRef::internal(hello);
  const std::array<std::uint8_t, 3> counter_ref = {static_cast<std::uint8_t>(hello >> 8),
                                                   static_cast<std::uint8_t>(hello), 0};
  described.fields = {
      {0, 0, counter_ref, {0x8004}},
      {0xFF,
       descriptor_flags::kStatic | descriptor_flags::kFinal,
       StaticRef::internal(0).bytes,
       {types.offset("[B")}},
      {0xFF, descriptor_flags::kStatic, StaticRef::internal(2).bytes, {0x8004}},
      {0xFF, descriptor_flags::kStatic, StaticRef::internal(4).bytes, {0x8004}},
  };
  std::uint16_t handler_index = 0;
  for (std::size_t i = 0; i < methods.size(); ++i) {
    described.methods.push_back(describe(methods[i], offsets[i], types, handler_index));
  }
  descriptor.classes = {described};
  const std::vector<std::string> cp_types = {"S",   "",     "()V",  "()V", "",
                                             "()V", "(S)V", "()[B", "[B",  "S"};
  for (const std::string& java : cp_types) {
    descriptor.constant_pool_types.push_back(java.empty() ? 0xFFFF : types.offset(java));
  }
  descriptor.types = types.types();
  cap.descriptor = descriptor;

  if (with_debug && version.at_least(2, 2)) {
    DebugBuilder names;
    names.debug.package_name_index = names.string("com/example/hello");
    ClassDebugInfo entry;
    entry.name_index = names.string("com/example/hello/Hello");
    entry.access_flags = debug_flags::kPublic;
    entry.location = hello;
    entry.superclass_name_index = names.string("javacard/framework/Applet");
    entry.source_file_index = names.string("Hello.java");
    entry.fields = {
        {names.string("counter"), names.string("S"), debug_flags::kPrivate, 0},
        {names.string("TABLE"), names.string("[B"),
         static_cast<std::uint16_t>(debug_flags::kStatic | debug_flags::kFinal), 0},
        {names.string("zero"), names.string("S"), debug_flags::kStatic, 2},
        {names.string("value"), names.string("S"), debug_flags::kStatic, 4},
    };
    for (std::size_t i = 0; i < methods.size(); ++i) {
      MethodDebugInfo method;
      method.name_index = names.string(methods[i].name);
      method.descriptor_index = names.string(methods[i].descriptor);
      const bool is_static = (methods[i].access_flags & descriptor_flags::kStatic) != 0;
      method.access_flags =
          static_cast<std::uint16_t>(debug_flags::kPublic | (is_static ? debug_flags::kStatic : 0));
      method.location = offsets[i];
      method.header_size = methods[i].extended_header ? 4 : 2;
      method.body_size = static_cast<std::uint16_t>(methods[i].code.size());
      method.line_table = {{0, static_cast<std::uint16_t>(methods[i].code.size() - 1),
                            static_cast<std::uint16_t>(10 + 5 * i)}};
      if (i == 2) {
        method.variable_table = {
            {0, names.string("this"), names.string("Lcom/example/hello/Hello;"), 0, 47},
            {1, names.string("apdu"), names.string("Ljavacard/framework/APDU;"), 0, 47},
            {2, names.string("buffer"), names.string("[B"), 6, 41}};
      }
      entry.methods.push_back(method);
    }
    names.debug.classes = {entry};
    cap.debug = names.debug;
  }

  finish(cap);
  return cap;
}

CapFile make_library_cap(FormatVersion version) {
  CapFile cap;
  cap.header.version = version;
  cap.header.flags = header_flags::kInt;
  cap.header.package = {0, 1, kLibraryPackageAid};
  if (version.at_least(2, 2)) cap.header.package_name = "";
  cap.package_path = "com/example/lib";
  cap.imports.packages = {java_lang(), javacard_framework()};

  const std::uint16_t service = version.at_least(2, 2) ? 2 : 0;
  const std::uint16_t counter = static_cast<std::uint16_t>(service + 3);  // flags + one class_ref
  const ClassMap classes = {{"com/example/lib/Service", ClassRef::internal(service)},
                            {"com/example/lib/Counter", ClassRef::internal(counter)}};

  std::vector<ConstantPoolEntry>& cp = cap.constant_pool.entries;
  cp = {
      ConstantPoolEntry::static_member(ConstantTag::kStaticMethodref, StaticRef::external(0, 0, 0)),
      ConstantPoolEntry::member(ConstantTag::kInstanceFieldref, ClassRef::internal(counter), 0),
      ConstantPoolEntry::static_member(ConstantTag::kStaticFieldref, StaticRef::internal(0)),
  };

  std::vector<MethodSource> methods(3);
  methods[0] = {"<init>",
                "()V",
                descriptor_flags::kPublic | descriptor_flags::kMethodInit,
                0,
                1,
                1,
                0,
                false,
                false,
                from_hex("18 8C0000 7A"),
                {},
                {}};
  // value += 1; return value
  methods[1] = {"next", "()I", descriptor_flags::kPublic,         1,  4, 1, 0,
                false,  false, from_hex("B001 0B 42 3E B801 79"), {}, {}};
  // return a + b + total
  methods[2] = {"add",
                "(II)I",
                descriptor_flags::kPublic | descriptor_flags::kStatic,
                1,
                4,
                4,
                0,
                false,
                false,
                from_hex("20 22 42 7E0002 42 79"),
                {},
                {}};
  const std::vector<std::uint16_t> offsets = layout_methods(methods, cap.methods);

  InterfaceInfo interface_entry;
  interface_entry.offset = service;
  interface_entry.flags = class_flags::kInterface | class_flags::kShareable;
  interface_entry.superinterfaces = {ClassRef::external(1, 2)};  // javacard.framework.Shareable
  cap.classes.interfaces = {interface_entry};

  ClassInfo counter_class;
  counter_class.offset = counter;
  counter_class.flags = class_flags::kShareable;
  counter_class.super_class = ClassRef::external(0, 0);  // java.lang.Object
  counter_class.declared_instance_size = 2;
  counter_class.public_method_table_base = 1;
  counter_class.public_virtual_method_table = {offsets[1]};
  counter_class.interfaces = {{ClassRef::internal(service), {1}}};
  if (version.at_least(2, 3)) {
    counter_class.public_virtual_method_token_mapping = {0, 0xFF};
    counter_class.cap22_inheritable_public_method_token_count = 2;
  }
  cap.classes.classes = {counter_class};

  cap.static_fields.image_size = 4;
  cap.static_fields.non_default_values = {0, 0, 0, 7};

  cap.exports = ExportComponent{{{service, {}, {}}, {counter, {0}, {offsets[0], offsets[2]}}}};

  TypePool types(classes, cp.size());
  std::uint16_t handler_index = 0;
  ClassDescriptor service_descriptor;
  service_descriptor.token = 0;
  service_descriptor.access_flags = descriptor_flags::kPublic | descriptor_flags::kClassInterface |
                                    descriptor_flags::kClassAbstract;
  service_descriptor.this_class = ClassRef::internal(service);
  MethodSource abstract_next = methods[1];
  abstract_next.abstract = true;
  abstract_next.token = 0;
  abstract_next.code.clear();
  service_descriptor.methods = {describe(abstract_next, 0, types, handler_index)};

  ClassDescriptor counter_descriptor;
  counter_descriptor.token = 1;
  counter_descriptor.access_flags = descriptor_flags::kPublic;
  counter_descriptor.this_class = ClassRef::internal(counter);
  counter_descriptor.interfaces = {ClassRef::internal(service)};
  counter_descriptor.fields = {
      {0,
       descriptor_flags::kPrivate,
       {static_cast<std::uint8_t>(counter >> 8), static_cast<std::uint8_t>(counter), 0},
       {0x8005}},
      {0,
       descriptor_flags::kPublic | descriptor_flags::kStatic,
       StaticRef::internal(0).bytes,
       {0x8005}},
  };
  for (std::size_t i = 0; i < methods.size(); ++i) {
    counter_descriptor.methods.push_back(describe(methods[i], offsets[i], types, handler_index));
  }
  DescriptorComponent descriptor;
  descriptor.classes = {service_descriptor, counter_descriptor};
  for (const char* java : {"()V", "I", "I"}) {
    descriptor.constant_pool_types.push_back(types.offset(java));
  }
  descriptor.types = types.types();
  cap.descriptor = descriptor;

  finish(cap);
  return cap;
}

std::uint16_t hello_install_offset(const CapFile& cap) {
  return cap.applets->applets.at(0).install_method_offset;
}

}  // namespace uicc::cap::testing
