// Reading and writing CAP files in both containers, for formats 2.1, 2.2 and 2.3, with the
// assembled test packages of test_caps.h.
#include "vm/cap/cap_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "test/vm/cap/test_caps.h"
#include "vm/cap/cap_writer.h"
#include "vm/cap/export_file.h"

namespace uicc::cap {
namespace {

using testing::make_hello_cap;
using testing::make_library_cap;

constexpr std::array<ComponentTag, 13> kAllTags = {
    ComponentTag::kHeader,         ComponentTag::kDirectory,    ComponentTag::kApplet,
    ComponentTag::kImport,         ComponentTag::kConstantPool, ComponentTag::kClass,
    ComponentTag::kMethod,         ComponentTag::kStaticField,  ComponentTag::kReferenceLocation,
    ComponentTag::kExport,         ComponentTag::kDescriptor,   ComponentTag::kDebug,
    ComponentTag::kStaticResources};

bool present(const CapFile& cap, ComponentTag tag) {
  switch (tag) {
    case ComponentTag::kApplet:
      return cap.applets.has_value();
    case ComponentTag::kExport:
      return cap.exports.has_value();
    case ComponentTag::kDescriptor:
      return cap.descriptor.has_value();
    case ComponentTag::kDebug:
      return cap.debug.has_value();
    case ComponentTag::kStaticResources:
      return cap.static_resources.has_value();
    default:
      return true;
  }
}

// Every component of `b` encodes to the same bytes as in `a`.
void expect_same_components(const CapFile& a, const CapFile& b) {
  for (ComponentTag tag : kAllTags) {
    ASSERT_EQ(present(a, tag), present(b, tag)) << component_name(static_cast<std::uint8_t>(tag));
    if (!present(a, tag)) continue;
    EXPECT_EQ(encode_component(a, tag), encode_component(b, tag))
        << component_name(static_cast<std::uint8_t>(tag));
  }
}

class CapRoundTrip : public ::testing::TestWithParam<FormatVersion> {};

TEST_P(CapRoundTrip, JarKeepsEveryComponent) {
  const CapFile built = make_hello_cap(GetParam());
  const CapFile read = read_cap(write_cap_jar(built));
  EXPECT_EQ(read, built);
  expect_same_components(built, read);

  const CapFile again = read_cap(write_cap_jar(read));
  EXPECT_EQ(again, read);
}

TEST_P(CapRoundTrip, ComponentStreamKeepsEveryComponent) {
  const CapFile built = make_library_cap(GetParam());
  const Bytes stream = write_cap_components(built);
  const CapFile read = read_cap(stream);
  EXPECT_EQ(read.package_path, "");
  CapFile expected = built;
  expected.package_path.clear();
  EXPECT_EQ(read, expected);
  EXPECT_EQ(write_cap_components(read), stream);
}

TEST_P(CapRoundTrip, JarAndStreamGiveSameComponents) {
  const CapFile built = make_hello_cap(GetParam(), false);
  expect_same_components(read_cap(write_cap_jar(built)), read_cap(write_cap_components(built)));
}

INSTANTIATE_TEST_SUITE_P(Formats, CapRoundTrip, ::testing::Values(kFormat21, kFormat22, kFormat23),
                         [](const ::testing::TestParamInfo<FormatVersion>& param_info) {
                           return "Format2" + std::to_string(param_info.param.minor);
                         });

TEST(CapReader, ParsesHeaderAndImports) {
  const CapFile cap = read_cap(write_cap_jar(make_hello_cap()));
  EXPECT_EQ(cap.header.version, kFormat22);
  EXPECT_EQ(cap.header.flags, header_flags::kApplet);
  EXPECT_EQ(cap.header.package.aid, testing::kHelloPackageAid);
  EXPECT_EQ(cap.header.package.major, 1);
  EXPECT_EQ(cap.header.package_name, "");
  EXPECT_EQ(cap.package_path, "com/example/hello");
  ASSERT_EQ(cap.imports.packages.size(), 2u);
  EXPECT_EQ(to_hex(cap.imports.packages[1].aid), "A0000000620101");
  EXPECT_EQ(cap.imports.packages[1].minor, 3);
  ASSERT_TRUE(cap.applets);
  EXPECT_EQ(cap.applets->applets[0].aid, testing::kHelloAppletAid);
  EXPECT_EQ(cap.directory.import_count, 2);
  EXPECT_EQ(cap.directory.applet_count, 1);
}

TEST(CapReader, ParsesClassAndMethods) {
  const CapFile cap = read_cap(write_cap_jar(make_hello_cap()));
  ASSERT_EQ(cap.classes.classes.size(), 1u);
  const ClassInfo& hello = cap.classes.classes[0];
  EXPECT_EQ(hello.offset, 2);
  EXPECT_EQ(hello.super_class, ClassRef::external(1, 3));
  EXPECT_EQ(hello.public_method_table_base, 7);
  ASSERT_EQ(cap.method_locations.size(), 3u);
  const MethodLocation& process = cap.method_locations[2];
  EXPECT_TRUE(process.header.is_extended());
  EXPECT_EQ(process.header.nargs, 2);
  EXPECT_EQ(process.bytecode_count, 47);
  EXPECT_EQ(hello.public_virtual_method_table[0], process.offset);
  ASSERT_EQ(cap.methods.handlers.size(), 1u);
  EXPECT_EQ(cap.methods.handlers[0].start_offset, process.bytecode_offset + 38);
  EXPECT_EQ(cap.methods.handlers[0].catch_type_index, 1);
  EXPECT_TRUE(cap.methods.handlers[0].stop_bit);
}

TEST(CapReader, ParsesStaticFieldsAndReferenceLocations) {
  const CapFile cap = read_cap(write_cap_jar(make_hello_cap()));
  EXPECT_EQ(cap.static_fields.image_size, 6);
  ASSERT_EQ(cap.static_fields.array_init.size(), 1u);
  EXPECT_EQ(cap.static_fields.array_init[0].values, (Bytes{1, 2, 3}));
  EXPECT_EQ(cap.directory.static_field_size.array_init_size, 3);
  // getfield_s_this and putfield_s_this take one-byte indices: one in <init>, two in process.
  EXPECT_EQ(cap.reference_locations.byte_index_offsets.size(), 3u);
  // The catch type, and the 2-byte indices of install (3), <init> (1) and process (4).
  EXPECT_EQ(cap.reference_locations.byte2_index_offsets.size(), 9u);
  EXPECT_EQ(cap.reference_locations.byte2_index_offsets[0], 7);  // catch_type_index of handler 0
}

TEST(CapReader, ParsesDescriptorAndDebug) {
  const CapFile cap = read_cap(write_cap_jar(make_hello_cap()));
  ASSERT_TRUE(cap.descriptor);
  ASSERT_EQ(cap.descriptor->classes.size(), 1u);
  EXPECT_EQ(cap.descriptor->classes[0].methods.size(), 3u);
  EXPECT_EQ(cap.descriptor->constant_pool_types.size(), cap.constant_pool.entries.size());
  EXPECT_EQ(cap.descriptor->constant_pool_types[1], 0xFFFF);
  ASSERT_TRUE(cap.debug);
  EXPECT_EQ(cap.debug->string_at(cap.debug->package_name_index), "com/example/hello");
  EXPECT_EQ(cap.debug->string_at(cap.debug->classes[0].methods[2].name_index), "process");
  EXPECT_EQ(cap.debug->string_at(60000), "<invalid string index 60000>");
}

TEST(CapReader, ParsesLibraryExportsAndInterfaces) {
  const CapFile cap = read_cap(write_cap_jar(make_library_cap()));
  EXPECT_TRUE(cap.header.has_flag(header_flags::kInt));
  EXPECT_TRUE(cap.header.has_flag(header_flags::kExport));
  EXPECT_FALSE(cap.applets);
  ASSERT_EQ(cap.classes.interfaces.size(), 1u);
  EXPECT_EQ(cap.classes.interfaces[0].flags, class_flags::kInterface | class_flags::kShareable);
  ASSERT_TRUE(cap.exports);
  ASSERT_EQ(cap.exports->classes.size(), 2u);
  EXPECT_EQ(cap.exports->classes[1].static_method_offsets.size(), 2u);
  EXPECT_EQ(cap.classes.classes[0].interfaces[0].index, (std::vector<std::uint8_t>{1}));
}

// Remote interfaces and classes (format 2.2): the interface name, the signature pool and the
// remote_interface_info of a class survive an encode-decode round trip of the component.
TEST(CapReader, ParsesRemoteClassComponent) {
  CapFile cap;
  cap.header.version = kFormat22;
  TypeDescriptor returns_int;  // ()I: no parameters, then the int return nibble
  returns_int.nibble_count = 1;
  returns_int.packed = {0x50};
  cap.classes.signature_pool = {{0, returns_int}};
  InterfaceInfo remote_interface;
  remote_interface.offset = 4;
  remote_interface.flags = class_flags::kInterface | class_flags::kRemote;
  remote_interface.superinterfaces = {ClassRef::external(2, 0)};  // java.rmi.Remote
  remote_interface.name = "Purse";
  ClassInfo remote_class;
  remote_class.offset = 13;
  remote_class.flags = class_flags::kRemote;
  remote_class.super_class = ClassRef::external(0, 0);
  remote_class.public_method_table_base = 1;
  remote_class.public_virtual_method_table = {0x20};
  remote_class.interfaces = {{ClassRef::internal(4), {1}}};
  remote_class.remote_interfaces =
      RemoteInterfaceInfo{{{0xBEEF, 0, 1}}, {0x01, 0x02}, "PurseImpl", {ClassRef::internal(4)}};
  cap.classes.interfaces = {remote_interface};
  cap.classes.classes = {remote_class};

  const Bytes component = encode_component(cap, ComponentTag::kClass);
  CapFile decoded;
  decoded.header.version = kFormat22;
  decode_component(decoded, component);
  EXPECT_EQ(decoded.classes, cap.classes);
  EXPECT_EQ(encode_component(decoded, ComponentTag::kClass), component);

  // In format 2.1 the same flags carry no name and no remote_interface_info.
  cap.header.version = kFormat21;
  cap.classes.signature_pool.clear();
  const Bytes old_format = encode_component(cap, ComponentTag::kClass);
  EXPECT_LT(old_format.size(), component.size());
}

TEST(CapReader, ParsesFormat23TokenMapping) {
  const CapFile cap = read_cap(write_cap_jar(make_hello_cap(kFormat23)));
  EXPECT_EQ(cap.header.version, kFormat23);
  const ClassInfo& hello = cap.classes.classes[0];
  EXPECT_EQ(hello.public_virtual_method_token_mapping.size(), 8u);
  EXPECT_EQ(hello.cap22_inheritable_public_method_token_count, 8);
}

TEST(CapReader, ParsesStaticResources) {
  CapFile cap = make_hello_cap(kFormat23);
  cap.static_resources = StaticResourcesComponent{{{1, {0xCA, 0xFE}}, {7, Bytes(300, 0x55)}}};
  update_directory(cap);
  EXPECT_EQ(cap.directory.static_resources_size, 2 + 2 * 6 + 302u);
  const Bytes stream = write_cap_components(cap);
  const CapFile read = read_cap(stream);
  ASSERT_TRUE(read.static_resources);
  EXPECT_EQ(read.static_resources->resources, cap.static_resources->resources);
  EXPECT_EQ(read_cap(write_cap_jar(cap)).static_resources, cap.static_resources);
}

TEST(CapReader, LocatesMethodsWithoutDescriptor) {
  const CapFile full = make_hello_cap();
  const CapFile stripped =
      read_cap(write_cap_components(full, StreamOptions{.include_descriptor = false}));
  EXPECT_FALSE(stripped.descriptor);
  EXPECT_FALSE(stripped.debug);
  EXPECT_EQ(stripped.method_locations, full.method_locations);
}

// A private method that nothing calls, appended after process(): without a Descriptor the
// reader must still find where process() ends and the unused method begins.
TEST(CapReader, LocatesUnreferencedMethodWithoutDescriptor) {
  CapFile cap = make_hello_cap();
  const auto dead_offset = static_cast<std::uint16_t>(cap.methods.info_size());
  append(cap.methods.method_area,
         from_hex("11 10  03 78"));  // max_stack 1, nargs 1: sconst_0; sreturn
  MethodDescriptor dead;
  dead.access_flags = descriptor_flags::kPrivate;
  dead.method_offset = dead_offset;
  dead.type_offset = cap.descriptor->classes[0].methods[1].type_offset;
  dead.bytecode_count = 2;
  cap.descriptor->classes[0].methods.push_back(dead);
  cap.debug.reset();
  cap.directory.component_sizes[11] = 0;
  update_directory(cap);
  const CapFile with_descriptor = read_cap(write_cap_components(cap));
  ASSERT_EQ(with_descriptor.method_locations.size(), 4u);
  EXPECT_EQ(with_descriptor.method_locations[3].offset, dead_offset);

  const CapFile without = read_cap(write_cap_components(cap, {.include_descriptor = false}));
  EXPECT_EQ(without.method_locations, with_descriptor.method_locations);
}

TEST(CapReader, SkipsCustomAndUnknownComponents) {
  const CapFile cap = make_hello_cap();
  Bytes stream = write_cap_components(cap);
  // A custom component (tag 0xC0) and an unknown standard-range tag (20) after the Header.
  const std::size_t after_header = 3 + cap.directory.component_sizes[0];
  const Bytes extra = from_hex("C0 0002 ABCD 14 0001 EE");
  stream.insert(stream.begin() + static_cast<std::ptrdiff_t>(after_header), extra.begin(),
                extra.end());
  const CapFile read = read_cap(stream);
  ASSERT_EQ(read.custom_components.size(), 2u);
  EXPECT_EQ(read.custom_components[0].tag, 0xC0);
  EXPECT_EQ(read.custom_components[0].info, from_hex("ABCD"));
  EXPECT_EQ(read.custom_components[1].tag, 20);
  EXPECT_EQ(read.constant_pool, cap.constant_pool);
}

TEST(CapReader, KeepsCustomComponentsInJar) {
  CapFile cap = make_hello_cap();
  cap.custom_components.push_back({0x90, from_hex("0102"), "Vendor.cap"});
  cap.directory.custom_components.push_back({0x90, 2, from_hex("F000000099")});
  update_directory(cap);
  const CapFile read = read_cap(write_cap_jar(cap));
  ASSERT_EQ(read.custom_components.size(), 1u);
  EXPECT_EQ(read.custom_components[0], cap.custom_components[0]);
  EXPECT_EQ(read.directory.custom_components, cap.directory.custom_components);
}

TEST(CapReader, ReadsFileFromDisk) {
  const auto path = std::filesystem::temp_directory_path() / "uicc_cap_reader_test.cap";
  const Bytes jar = write_cap_jar(make_hello_cap());
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jar.data()), static_cast<std::streamsize>(jar.size()));
  }
  EXPECT_EQ(read_cap_file(path).header.package.aid, testing::kHelloPackageAid);
  std::filesystem::remove(path);
  EXPECT_THROW(read_cap_file(path), FormatError);
}

// A CAP file written by the SDK's converter from test/vm/cap/data/wallet/Wallet.java.
TEST(CapReader, ReadsConverterOutput) {
  const std::filesystem::path data = UICC_CAP_TEST_DATA;
  const CapFile cap = read_cap_file(data / "wallet" / "wallet.cap");
  EXPECT_EQ(cap.header.version, kFormat22);
  EXPECT_EQ(to_hex(cap.header.package.aid), "F0000000030101");
  EXPECT_EQ(cap.package_path, "com/example/wallet");
  ASSERT_TRUE(cap.applets);
  EXPECT_EQ(to_hex(cap.applets->applets[0].aid), "F000000003010101");
  ASSERT_EQ(cap.imports.packages.size(), 2u);
  EXPECT_EQ(cap.imports.packages[1].minor, 6);
  EXPECT_EQ(cap.static_fields.array_init[0].values, (Bytes{1, 2, 3, 4}));
  ASSERT_TRUE(cap.descriptor);
  ASSERT_EQ(cap.method_locations.size(), 4u);

  // A load file without the Descriptor: the unused private method is still found.
  const CapFile stripped = read_cap(write_cap_components(cap, {.include_descriptor = false}));
  EXPECT_EQ(stripped.method_locations, cap.method_locations);
  EXPECT_EQ(read_cap(write_cap_jar(cap)), cap);

  const ExportFile ex = read_export_file(data / "wallet" / "wallet.exp");
  EXPECT_EQ(ex.package.name, "com/example/wallet");
  EXPECT_EQ(ex.package.aid, cap.header.package.aid);
}

TEST(CapWriter, JarIsReproducible) {
  const CapFile cap = make_hello_cap();
  EXPECT_EQ(write_cap_jar(cap), write_cap_jar(cap));
}

TEST(CapWriter, StreamFollowsInstallationOrder) {
  const CapFile cap = make_library_cap();
  const Bytes stream = write_cap_components(cap);
  std::vector<std::uint8_t> tags;
  for (std::size_t at = 0; at < stream.size();) {
    tags.push_back(stream[at]);
    at += 3 + get_u16(stream, at + 1);
  }
  // Header, Directory, Import, Class, Method, StaticField, Export, ConstantPool,
  // ReferenceLocation, Descriptor.
  EXPECT_EQ(tags, (std::vector<std::uint8_t>{1, 2, 4, 6, 7, 8, 10, 5, 9, 11}));
}

TEST(CapWriter, RejectsValuesBeyondTheirFields) {
  CapFile cap = make_hello_cap();
  cap.imports.packages[0].aid = Bytes(17, 0xA0);
  EXPECT_THROW(encode_component(cap, ComponentTag::kImport), FormatError);
  cap = make_hello_cap();
  cap.header.package_name = std::string(256, 'x');
  EXPECT_THROW(encode_component(cap, ComponentTag::kHeader), FormatError);
  cap = make_hello_cap(kFormat23);
  cap.classes.classes[0].public_virtual_method_token_mapping.pop_back();
  EXPECT_THROW(encode_component(cap, ComponentTag::kClass), FormatError);
}

TEST(CheckStructure, PackageNameOnlyFromFormat22) {
  CapFile cap = make_hello_cap(kFormat21);
  cap.header.package_name = "com/example/hello";
  try {
    check_structure(cap);
    FAIL() << "no error";
  } catch (const FormatError& error) {
    EXPECT_STREQ(error.what(),
                 "Header component: package name given for CAP format 2.1, which has none");
  }
  cap = make_hello_cap(kFormat22);
  cap.header.package_name.reset();
  EXPECT_NO_THROW(check_structure(cap));
}

TEST(CapWriter, RequiresPackagePathForJar) {
  CapFile cap = make_hello_cap();
  cap.package_path.clear();
  EXPECT_THROW(write_cap_jar(cap), FormatError);
}

TEST(ComponentNames, MatchSpecificationFileNames) {
  EXPECT_EQ(component_file_name(9), "RefLocation.cap");
  EXPECT_EQ(component_file_name(12), "Debug.cap");
  EXPECT_EQ(component_name(5), "ConstantPool");
  EXPECT_EQ(component_name(200), "custom");
  EXPECT_EQ(component_name(40), "unknown");
  EXPECT_EQ(component_file_name(40), "");
}

}  // namespace
}  // namespace uicc::cap
