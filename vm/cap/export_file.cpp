// Export file reader and writer: the constant pool of Utf8, Integer, Classref and Package
// entries, resolved into names on reading and rebuilt on writing.
// Java Card 3.0.5 Virtual Machine Specification chapter 5; JCVM 3.1 chapter 5 for format 2.3.
#include "vm/cap/export_file.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <variant>

#include <fmt/format.h>

#include "vm/cap/byte_io.h"

namespace uicc::cap {
namespace {

using detail::ByteCursor;
using detail::ByteWriter;

// Constant pool tags of an export file.
constexpr std::uint8_t kUtf8 = 1;
constexpr std::uint8_t kInteger = 3;
constexpr std::uint8_t kClassref = 7;
constexpr std::uint8_t kPackage = 13;

constexpr std::string_view kContext = "export file";
constexpr std::string_view kConstantValue = "ConstantValue";

struct PackageEntry {
  std::uint8_t flags;
  std::uint16_t name_index;
  std::uint8_t minor;
  std::uint8_t major;
  Bytes aid;
};
struct ClassrefEntry {
  std::uint16_t name_index;
};
using Entry = std::variant<std::string, std::int32_t, ClassrefEntry, PackageEntry>;

// The constant pool being read, with typed lookups that fail on a wrong index or tag.
class Pool {
 public:
  Pool(std::vector<Entry> entries, const ByteCursor& in) : entries_(std::move(entries)), in_(in) {}

  const std::string& utf8(std::uint16_t index, std::string_view what) const {
    return get<std::string>(index, what, "CONSTANT_Utf8");
  }
  std::int32_t integer(std::uint16_t index, std::string_view what) const {
    return get<std::int32_t>(index, what, "CONSTANT_Integer");
  }
  const std::string& class_name(std::uint16_t index, std::string_view what) const {
    return utf8(get<ClassrefEntry>(index, what, "CONSTANT_Classref").name_index, what);
  }
  ExportPackage package(std::uint16_t index, std::string_view what) const {
    const PackageEntry& entry = get<PackageEntry>(index, what, "CONSTANT_Package");
    return {entry.flags, utf8(entry.name_index, what), entry.minor, entry.major, entry.aid};
  }

 private:
  template <typename T>
  const T& get(std::uint16_t index, std::string_view what, std::string_view type) const {
    if (index >= entries_.size() || !std::holds_alternative<T>(entries_[index])) {
      in_.fail_at(in_.offset(), fmt::format("{} index {} is not a {} in the constant pool of {} "
                                            "entries",
                                            what, index, type, entries_.size()));
    }
    return std::get<T>(entries_[index]);
  }

  std::vector<Entry> entries_;
  const ByteCursor& in_;
};

std::vector<Entry> read_constant_pool(ByteCursor& in) {
  const std::uint16_t count = in.u2("constant_pool_count");
  std::vector<Entry> entries;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = in.offset();
    const std::uint8_t tag = in.u1("constant pool tag");
    switch (tag) {
      case kUtf8:
        entries.emplace_back(in.string(in.u2("Utf8 length"), "Utf8 bytes"));
        break;
      case kInteger:
        entries.emplace_back(static_cast<std::int32_t>(in.u4("Integer")));
        break;
      case kClassref:
        entries.emplace_back(ClassrefEntry{in.u2("Classref name_index")});
        break;
      case kPackage: {
        PackageEntry package;
        package.flags = in.u1("Package flags");
        package.name_index = in.u2("Package name_index");
        package.minor = in.u1("Package minor_version");
        package.major = in.u1("Package major_version");
        package.aid = in.aid("Package AID");
        entries.emplace_back(std::move(package));
        break;
      }
      default:
        in.fail_at(at, fmt::format("constant pool entry {} has unknown tag {}", i, tag));
    }
  }
  return entries;
}

ExportField read_field(ByteCursor& in, const Pool& pool) {
  ExportField field;
  field.token = in.u1("field token");
  field.access_flags = in.u2("field access_flags");
  field.name = pool.utf8(in.u2("field name_index"), "field name_index");
  field.descriptor = pool.utf8(in.u2("field descriptor_index"), "field descriptor_index");
  const std::uint16_t attributes = in.u2("attributes_count");
  for (std::size_t i = 0; i < attributes; ++i) {
    const std::string& name = pool.utf8(in.u2("attribute_name_index"), "attribute_name_index");
    const std::uint32_t length = in.u4("attribute_length");
    if (name != kConstantValue) {
      in.bytes(length, "attribute");
      continue;
    }
    if (length != 2) {
      in.fail_at(in.offset() - 4, fmt::format("ConstantValue attribute of {} has length {}, "
                                              "expected 2",
                                              field.name, length));
    }
    field.constant_value = pool.integer(in.u2("constantvalue_index"), "constantvalue_index");
  }
  return field;
}

ExportClass read_class(ByteCursor& in, const Pool& pool, FormatVersion version) {
  ExportClass entry;
  entry.token = in.u1("class token");
  entry.access_flags = in.u2("class access_flags");
  entry.name = pool.class_name(in.u2("class name_index"), "class name_index");

  const std::uint16_t supers = in.u2("export_supers_count");
  for (std::size_t i = 0; i < supers; ++i) {
    entry.supers.push_back(pool.class_name(in.u2("supers"), "supers"));
  }
  const std::uint8_t interfaces = in.u1("export_interfaces_count");
  for (std::size_t i = 0; i < interfaces; ++i) {
    entry.interfaces.push_back(pool.class_name(in.u2("interfaces"), "interfaces"));
  }

  const std::uint16_t fields = in.u2("export_fields_count");
  for (std::size_t i = 0; i < fields; ++i) entry.fields.push_back(read_field(in, pool));
  const std::uint16_t methods = in.u2("export_methods_count");
  for (std::size_t i = 0; i < methods; ++i) {
    ExportMethod method;
    method.token = in.u1("method token");
    method.access_flags = in.u2("method access_flags");
    method.name = pool.utf8(in.u2("method name_index"), "method name_index");
    method.descriptor = pool.utf8(in.u2("method descriptor_index"), "method descriptor_index");
    entry.methods.push_back(std::move(method));
  }
  if (version.at_least(2, 3)) {
    entry.cap22_inheritable_public_method_token_count =
        in.u1("CAP22_inheritable_public_method_token_count");
  }
  return entry;
}

// Builds the constant pool while writing, one entry per distinct value.
class PoolBuilder {
 public:
  std::uint16_t utf8(const std::string& text) {
    return add(fmt::format("u{}", text), [&](ByteWriter& out) {
      out.u1(kUtf8, "tag");
      out.u2(text.size(), "Utf8 length");
      out.bytes(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
    });
  }
  std::uint16_t integer(std::int32_t value) {
    return add(fmt::format("i{}", value), [&](ByteWriter& out) {
      out.u1(kInteger, "tag");
      out.u4(static_cast<std::uint32_t>(value));
    });
  }
  std::uint16_t classref(const std::string& name) {
    const std::uint16_t name_index = utf8(name);
    return add(fmt::format("c{}", name), [&](ByteWriter& out) {
      out.u1(kClassref, "tag");
      out.u2(name_index, "Classref name_index");
    });
  }
  std::uint16_t package(const ExportPackage& package) {
    const std::uint16_t name_index = utf8(package.name);
    return add(fmt::format("p{}", to_hex(package.aid)), [&](ByteWriter& out) {
      out.u1(kPackage, "tag");
      out.u1(package.flags, "Package flags");
      out.u2(name_index, "Package name_index");
      out.u1(package.minor, "Package minor_version");
      out.u1(package.major, "Package major_version");
      out.aid(package.aid, "Package AID");
    });
  }

  std::size_t count() const { return count_; }
  const Bytes& bytes() { return out_.data(); }

 private:
  template <typename Encode>
  std::uint16_t add(const std::string& key, Encode encode) {
    auto it = index_.find(key);
    if (it != index_.end()) return it->second;
    if (count_ >= 0xFFFF) throw FormatError("export file: constant pool above 65535 entries");
    encode(out_);
    const auto index = static_cast<std::uint16_t>(count_++);
    index_[key] = index;
    return index;
  }

  ByteWriter out_{std::string(kContext)};
  std::map<std::string, std::uint16_t> index_;
  std::size_t count_ = 0;
};

void write_class(ByteWriter& out, PoolBuilder& pool, const ExportClass& entry,
                 FormatVersion version) {
  out.u1(entry.token, "class token");
  out.u2(entry.access_flags, "class access_flags");
  out.u2(pool.classref(entry.name), "class name_index");
  out.u2(entry.supers.size(), "export_supers_count");
  for (const std::string& super : entry.supers) out.u2(pool.classref(super), "supers");
  out.u1(entry.interfaces.size(), "export_interfaces_count");
  for (const std::string& name : entry.interfaces) out.u2(pool.classref(name), "interfaces");

  out.u2(entry.fields.size(), "export_fields_count");
  for (const ExportField& field : entry.fields) {
    out.u1(field.token, "field token");
    out.u2(field.access_flags, "field access_flags");
    out.u2(pool.utf8(field.name), "field name_index");
    out.u2(pool.utf8(field.descriptor), "field descriptor_index");
    out.u2(field.constant_value ? 1 : 0, "attributes_count");
    if (field.constant_value) {
      out.u2(pool.utf8(std::string(kConstantValue)), "attribute_name_index");
      out.u4(2);
      out.u2(pool.integer(*field.constant_value), "constantvalue_index");
    }
  }
  out.u2(entry.methods.size(), "export_methods_count");
  for (const ExportMethod& method : entry.methods) {
    out.u1(method.token, "method token");
    out.u2(method.access_flags, "method access_flags");
    out.u2(pool.utf8(method.name), "method name_index");
    out.u2(pool.utf8(method.descriptor), "method descriptor_index");
  }
  if (version.at_least(2, 3)) {
    out.u1(entry.cap22_inheritable_public_method_token_count,
           "CAP22_inheritable_public_method_token_count");
  }
}

}  // namespace

const ExportField* ExportClass::find_field(std::string_view field_name) const {
  auto it = std::find_if(fields.begin(), fields.end(),
                         [&](const ExportField& field) { return field.name == field_name; });
  return it == fields.end() ? nullptr : &*it;
}

const ExportMethod* ExportClass::find_method(std::string_view method_name,
                                             std::string_view method_descriptor) const {
  auto it = std::find_if(methods.begin(), methods.end(), [&](const ExportMethod& method) {
    return method.name == method_name && method.descriptor == method_descriptor;
  });
  return it == methods.end() ? nullptr : &*it;
}

const ExportClass* ExportFile::find_class(std::string_view class_name) const {
  auto it = std::find_if(classes.begin(), classes.end(),
                         [&](const ExportClass& entry) { return entry.name == class_name; });
  return it == classes.end() ? nullptr : &*it;
}

const ExportClass* ExportFile::find_class(std::uint8_t token) const {
  auto it = std::find_if(classes.begin(), classes.end(),
                         [&](const ExportClass& entry) { return entry.token == token; });
  return it == classes.end() ? nullptr : &*it;
}

ExportFile read_export_file(ByteView data) {
  ByteCursor in(data, std::string(kContext));
  ExportFile ex;
  const std::uint32_t magic = in.u4("magic");
  if (magic != kExportMagic) {
    in.fail_at(0, fmt::format("bad magic 0x{:08X}, expected 0x{:08X}", magic, kExportMagic));
  }
  ex.version.minor = in.u1("minor_version");
  ex.version.major = in.u1("major_version");
  if (ex.version.major != 2 || ex.version.minor < 1 || ex.version.minor > 3) {
    in.fail_at(4, fmt::format("unsupported export file version {}.{} (supported: 2.1, 2.2, 2.3)",
                              ex.version.major, ex.version.minor));
  }
  const Pool pool(read_constant_pool(in), in);
  ex.package = pool.package(in.u2("this_package"), "this_package");
  if (ex.version.at_least(2, 3)) {
    const std::uint8_t count = in.u1("referenced_package_count");
    for (std::size_t i = 0; i < count; ++i) {
      ex.referenced_packages.push_back(
          pool.package(in.u2("referenced_packages"), "referenced_packages"));
    }
  }
  const std::uint8_t class_count = in.u1("export_class_count");
  for (std::size_t i = 0; i < class_count; ++i) {
    ex.classes.push_back(read_class(in, pool, ex.version));
  }
  in.expect_end();
  return ex;
}

ExportFile read_export_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw FormatError(fmt::format("{}: cannot open the export file", path.string()));
  const Bytes data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  try {
    return read_export_file(data);
  } catch (const FormatError& error) {
    throw FormatError(fmt::format("{}: {}", path.string(), error.what()));
  }
}

Bytes write_export_file(const ExportFile& ex) {
  if (ex.version.major != 2 || ex.version.minor < 1 || ex.version.minor > 3) {
    throw FormatError(
        fmt::format("export file: cannot write version {}.{}", ex.version.major, ex.version.minor));
  }
  PoolBuilder pool;
  ByteWriter body{std::string(kContext)};
  body.u2(pool.package(ex.package), "this_package");
  if (ex.version.at_least(2, 3)) {
    body.u1(ex.referenced_packages.size(), "referenced_package_count");
    for (const ExportPackage& package : ex.referenced_packages) {
      body.u2(pool.package(package), "referenced_packages");
    }
  }
  body.u1(ex.classes.size(), "export_class_count");
  for (const ExportClass& entry : ex.classes) write_class(body, pool, entry, ex.version);

  ByteWriter out{std::string(kContext)};
  out.u4(kExportMagic);
  out.u1(ex.version.minor, "minor_version");
  out.u1(ex.version.major, "major_version");
  out.u2(pool.count(), "constant_pool_count");
  out.bytes(pool.bytes());
  out.bytes(body.data());
  return out.take();
}

std::filesystem::path export_file_path(const std::filesystem::path& directory,
                                       std::string_view package_name) {
  std::string path(package_name);
  std::replace(path.begin(), path.end(), '.', '/');
  const std::size_t slash = path.rfind('/');
  const std::string last = slash == std::string::npos ? path : path.substr(slash + 1);
  return directory / path / "javacard" / (last + ".exp");
}

}  // namespace uicc::cap
