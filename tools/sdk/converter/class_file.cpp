// Class file reader, JVMS Java SE 17 §4.1 (ClassFile), §4.4 (constant pool), §4.7 (the
// attributes the converter uses: ConstantValue, Code, Exceptions, SourceFile,
// LineNumberTable, LocalVariableTable). Other attributes are skipped by their length.
#include "tools/sdk/converter/class_file.h"

#include <fmt/format.h>

namespace uicc::sdk {
namespace {

constexpr std::uint32_t kMagic = 0xCAFEBABE;
constexpr std::uint16_t kMinMajor = 45;
constexpr std::uint16_t kMaxMajor = 52;  // Java 8

// Bounds-checked big-endian reader over one class file.
class Reader {
 public:
  Reader(ByteView data, std::string_view origin) : data_(data), origin_(origin) {}

  std::uint8_t u1(std::string_view what) {
    need(1, what);
    return data_[pos_++];
  }
  std::uint16_t u2(std::string_view what) {
    need(2, what);
    auto value = get_u16(data_, pos_);
    pos_ += 2;
    return value;
  }
  std::uint32_t u4(std::string_view what) {
    need(4, what);
    auto value = get_u32(data_, pos_);
    pos_ += 4;
    return value;
  }
  ByteView bytes(std::size_t length, std::string_view what) {
    need(length, what);
    auto view = data_.subspan(pos_, length);
    pos_ += length;
    return view;
  }
  std::size_t position() const { return pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  [[noreturn]] void fail(std::string_view message) const {
    throw ClassFormatError(fmt::format("{}: {} (at byte offset {})", origin_, message, pos_));
  }

 private:
  void need(std::size_t length, std::string_view what) const {
    if (data_.size() - pos_ < length) {
      fail(
          fmt::format("truncated {}: {} bytes needed, {} left", what, length, data_.size() - pos_));
    }
  }

  ByteView data_;
  std::string_view origin_;
  std::size_t pos_ = 0;
};

bool valid_tag(std::uint8_t tag) {
  switch (static_cast<CpTag>(tag)) {
    case CpTag::utf8:
    case CpTag::integer:
    case CpTag::float_:
    case CpTag::long_:
    case CpTag::double_:
    case CpTag::class_:
    case CpTag::string:
    case CpTag::fieldref:
    case CpTag::methodref:
    case CpTag::interface_methodref:
    case CpTag::name_and_type:
    case CpTag::method_handle:
    case CpTag::method_type:
    case CpTag::dynamic:
    case CpTag::invoke_dynamic:
    case CpTag::module:
    case CpTag::package:
      return true;
    default:
      return false;
  }
}

std::vector<CpEntry> read_constant_pool(Reader& in) {
  std::uint16_t count = in.u2("constant_pool_count");
  if (count == 0) in.fail("constant_pool_count is 0");
  std::vector<CpEntry> pool(count);
  for (std::uint16_t i = 1; i < count; ++i) {
    std::uint8_t tag = in.u1("constant pool tag");
    if (!valid_tag(tag)) in.fail(fmt::format("constant pool entry {} has unknown tag {}", i, tag));
    CpEntry& e = pool[i];
    e.tag = static_cast<CpTag>(tag);
    switch (e.tag) {
      case CpTag::utf8: {
        std::uint16_t length = in.u2("CONSTANT_Utf8 length");
        auto bytes = in.bytes(length, "CONSTANT_Utf8 bytes");
        e.text.assign(bytes.begin(), bytes.end());
        break;
      }
      case CpTag::integer:
      case CpTag::float_:
        e.value = in.u4("CONSTANT_Integer/Float value");
        break;
      case CpTag::long_:
      case CpTag::double_: {
        std::uint64_t high = in.u4("CONSTANT_Long/Double high bytes");
        e.value = (high << 32) | in.u4("CONSTANT_Long/Double low bytes");
        if (i + 1 >= count) in.fail(fmt::format("8-byte constant {} is the last entry", i));
        ++i;  // JVMS §4.4.5: an 8-byte constant takes two entries
        break;
      }
      case CpTag::class_:
      case CpTag::string:
      case CpTag::method_type:
      case CpTag::module:
      case CpTag::package:
        e.ref1 = in.u2("constant pool index");
        break;
      case CpTag::method_handle:
        e.value = in.u1("reference_kind");
        e.ref1 = in.u2("reference_index");
        break;
      default:  // member refs, name_and_type, dynamic, invoke_dynamic: two u2 items
        e.ref1 = in.u2("constant pool index");
        e.ref2 = in.u2("constant pool index");
        break;
    }
  }
  return pool;
}

struct AttributeHeader {
  std::string name;
  std::uint32_t length = 0;
};

AttributeHeader read_attribute_header(Reader& in, const ClassFile& cls) {
  AttributeHeader header;
  header.name = cls.utf8(in.u2("attribute_name_index"));
  header.length = in.u4("attribute_length");
  return header;
}

CodeAttribute read_code(Reader& in, const ClassFile& cls, std::uint32_t length,
                        std::string_view method) {
  std::size_t end = in.position() + length;
  CodeAttribute code;
  code.max_stack = in.u2("max_stack");
  code.max_locals = in.u2("max_locals");
  std::uint32_t code_length = in.u4("code_length");
  if (code_length == 0 || code_length > 65535) {
    in.fail(fmt::format("method {}: code_length {} outside 1..65535", method, code_length));
  }
  auto bytes = in.bytes(code_length, "code");
  code.code.assign(bytes.begin(), bytes.end());
  std::uint16_t handlers = in.u2("exception_table_length");
  for (std::uint16_t i = 0; i < handlers; ++i) {
    ExceptionTableEntry h;
    h.start_pc = in.u2("start_pc");
    h.end_pc = in.u2("end_pc");
    h.handler_pc = in.u2("handler_pc");
    h.catch_type = in.u2("catch_type");
    if (h.start_pc >= h.end_pc || h.end_pc > code_length || h.handler_pc >= code_length) {
      in.fail(
          fmt::format("method {}: exception handler {} has range {}..{} and handler {} "
                      "outside the code of {} bytes",
                      method, i, h.start_pc, h.end_pc, h.handler_pc, code_length));
    }
    if (h.catch_type != 0) cls.class_name(h.catch_type);
    code.exception_table.push_back(h);
  }
  std::uint16_t attributes = in.u2("attributes_count");
  for (std::uint16_t i = 0; i < attributes; ++i) {
    auto header = read_attribute_header(in, cls);
    std::size_t attr_end = in.position() + header.length;
    if (header.name == "LineNumberTable") {
      std::uint16_t n = in.u2("line_number_table_length");
      for (std::uint16_t k = 0; k < n; ++k) {
        LineNumber line;
        line.start_pc = in.u2("start_pc");
        line.line = in.u2("line_number");
        code.line_numbers.push_back(line);
      }
    } else if (header.name == "LocalVariableTable") {
      std::uint16_t n = in.u2("local_variable_table_length");
      for (std::uint16_t k = 0; k < n; ++k) {
        LocalVariable var;
        var.start_pc = in.u2("start_pc");
        var.length = in.u2("length");
        var.name = cls.utf8(in.u2("name_index"));
        var.descriptor = cls.utf8(in.u2("descriptor_index"));
        var.index = in.u2("index");
        code.local_variables.push_back(var);
      }
    } else {
      in.bytes(header.length, "attribute");
    }
    if (in.position() != attr_end) {
      in.fail(fmt::format("attribute {} of method {} has length {} but its content ends at {}",
                          header.name, method, header.length, in.position()));
    }
  }
  if (in.position() != end) {
    in.fail(fmt::format("Code attribute of method {} has length {} but its content ends at {}",
                        method, length, in.position()));
  }
  return code;
}

FieldInfo read_field(Reader& in, const ClassFile& cls) {
  FieldInfo field;
  field.access_flags = in.u2("field access_flags");
  field.name = cls.utf8(in.u2("field name_index"));
  field.descriptor = cls.utf8(in.u2("field descriptor_index"));
  std::uint16_t attributes = in.u2("field attributes_count");
  for (std::uint16_t i = 0; i < attributes; ++i) {
    auto header = read_attribute_header(in, cls);
    if (header.name == "ConstantValue") {
      if (header.length != 2) {
        in.fail(fmt::format("ConstantValue of field {} has length {}, expected 2", field.name,
                            header.length));
      }
      field.constant_value = in.u2("constantvalue_index");
      if (field.constant_value == 0 || field.constant_value >= cls.constant_pool.size()) {
        in.fail(fmt::format("ConstantValue of field {} has index {} outside the constant pool",
                            field.name, field.constant_value));
      }
    } else {
      in.bytes(header.length, "attribute");
    }
  }
  return field;
}

MethodInfo read_method(Reader& in, const ClassFile& cls) {
  MethodInfo method;
  method.access_flags = in.u2("method access_flags");
  method.name = cls.utf8(in.u2("method name_index"));
  method.descriptor = cls.utf8(in.u2("method descriptor_index"));
  std::uint16_t attributes = in.u2("method attributes_count");
  for (std::uint16_t i = 0; i < attributes; ++i) {
    auto header = read_attribute_header(in, cls);
    if (header.name == "Code") {
      if (method.code) in.fail(fmt::format("method {} has two Code attributes", method.name));
      method.code = read_code(in, cls, header.length, method.name);
    } else if (header.name == "Exceptions") {
      std::size_t end = in.position() + header.length;
      std::uint16_t n = in.u2("number_of_exceptions");
      for (std::uint16_t k = 0; k < n; ++k) {
        method.exceptions.push_back(cls.class_name(in.u2("exception_index")));
      }
      if (in.position() != end) in.fail("Exceptions attribute length does not match its content");
    } else {
      in.bytes(header.length, "attribute");
    }
  }
  return method;
}

}  // namespace

const CpEntry& ClassFile::entry(std::uint16_t index, CpTag expected) const {
  if (index == 0 || index >= constant_pool.size()) {
    throw ClassFormatError(fmt::format("{}: constant pool index {} outside 1..{}", origin, index,
                                       constant_pool.size() - 1));
  }
  const CpEntry& e = constant_pool[index];
  if (e.tag != expected) {
    throw ClassFormatError(fmt::format("{}: constant pool entry {} has tag {}, expected {}", origin,
                                       index, static_cast<int>(e.tag), static_cast<int>(expected)));
  }
  return e;
}

const std::string& ClassFile::utf8(std::uint16_t index) const {
  return entry(index, CpTag::utf8).text;
}

const std::string& ClassFile::class_name(std::uint16_t index) const {
  return utf8(entry(index, CpTag::class_).ref1);
}

MemberRef ClassFile::member_ref(std::uint16_t index) const {
  if (index == 0 || index >= constant_pool.size()) {
    throw ClassFormatError(
        fmt::format("{}: member reference index {} outside the constant pool", origin, index));
  }
  const CpEntry& e = constant_pool[index];
  if (e.tag != CpTag::fieldref && e.tag != CpTag::methodref &&
      e.tag != CpTag::interface_methodref) {
    throw ClassFormatError(
        fmt::format("{}: constant pool entry {} has tag {}, expected a field "
                    "or method reference",
                    origin, index, static_cast<int>(e.tag)));
  }
  const CpEntry& nat = entry(e.ref2, CpTag::name_and_type);
  return MemberRef{class_name(e.ref1), utf8(nat.ref1), utf8(nat.ref2)};
}

std::uint16_t ClassFile::line_of(const CodeAttribute& code, std::uint32_t pc) {
  std::uint16_t line = 0;
  std::uint32_t best = 0;
  bool found = false;
  for (const auto& entry : code.line_numbers) {
    if (entry.start_pc <= pc && (!found || entry.start_pc >= best)) {
      best = entry.start_pc;
      line = entry.line;
      found = true;
    }
  }
  return line;
}

ClassFile parse_class_file(ByteView data, std::string_view origin) {
  Reader in(data, origin);
  ClassFile cls;
  cls.origin = std::string(origin);
  std::uint32_t magic = in.u4("magic");
  if (magic != kMagic) in.fail(fmt::format("bad magic 0x{:08X}, expected 0xCAFEBABE", magic));
  cls.minor_version = in.u2("minor_version");
  cls.major_version = in.u2("major_version");
  if (cls.major_version < kMinMajor || cls.major_version > kMaxMajor) {
    in.fail(
        fmt::format("class file version {}.{} is not supported; compile with javac "
                    "--release 8 (version 52.0) or older",
                    cls.major_version, cls.minor_version));
  }
  cls.constant_pool = read_constant_pool(in);
  cls.access_flags = in.u2("access_flags");
  cls.this_class = cls.class_name(in.u2("this_class"));
  std::uint16_t super_index = in.u2("super_class");
  if (super_index != 0) cls.super_class = cls.class_name(super_index);
  std::uint16_t interfaces = in.u2("interfaces_count");
  for (std::uint16_t i = 0; i < interfaces; ++i) {
    cls.interfaces.push_back(cls.class_name(in.u2("interface index")));
  }
  std::uint16_t fields = in.u2("fields_count");
  for (std::uint16_t i = 0; i < fields; ++i) cls.fields.push_back(read_field(in, cls));
  std::uint16_t methods = in.u2("methods_count");
  for (std::uint16_t i = 0; i < methods; ++i) cls.methods.push_back(read_method(in, cls));
  std::uint16_t attributes = in.u2("attributes_count");
  for (std::uint16_t i = 0; i < attributes; ++i) {
    auto header = read_attribute_header(in, cls);
    if (header.name == "SourceFile" && header.length == 2) {
      cls.source_file = cls.utf8(in.u2("sourcefile_index"));
    } else {
      in.bytes(header.length, "attribute");
    }
  }
  if (!in.at_end()) in.fail("extra bytes after the last attribute");
  return cls;
}

}  // namespace uicc::sdk
