// Export files: a file assembled byte by byte from the layout of JCVM 3.0.5 chapter 5, both
// formats, round trips and malformed files with their exact messages.
#include "vm/cap/export_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include <fmt/format.h>

namespace uicc::cap {
namespace {

// A Utf8 constant pool entry: tag 1, u2 length, bytes.
Bytes utf8(const std::string& text) {
  Bytes out(3 + text.size());
  out[0] = 1;
  put_u16(out, 1, static_cast<std::uint16_t>(text.size()));
  std::copy(text.begin(), text.end(), out.begin() + 3);
  return out;
}

// com/example/lib with one class, laid out in the constant pool order the writer uses.
Bytes assembled_export_file() {
  Bytes out = from_hex("00FACADE 01 02 0010");
  append(out, utf8("com/example/lib"));                       // 0
  append(out, from_hex("0D 01 0000 00 01 06 F00000000201"));  // 1: Package
  append(out, utf8("com/example/lib/Counter"));               // 2
  append(out, from_hex("07 0002"));                           // 3
  append(out, utf8("java/lang/Object"));                      // 4
  append(out, from_hex("07 0004"));                           // 5
  append(out, utf8("com/example/lib/Service"));               // 6
  append(out, from_hex("07 0006"));                           // 7
  append(out, utf8("MAX"));                                   // 8
  append(out, utf8("S"));                                     // 9
  append(out, utf8("ConstantValue"));                         // 10
  append(out, from_hex("03 00007FFF"));                       // 11
  append(out, utf8("<init>"));                                // 12
  append(out, utf8("()V"));                                   // 13
  append(out, utf8("next"));                                  // 14
  append(out, utf8("()I"));                                   // 15
  append(out, from_hex("0001 01"));                           // this_package, one class
  append(out,
         from_hex("01 0001 0003 0001 0005 01 0007"));  // token, flags, name, supers, interfaces
  append(out, from_hex("0001 FF 0019 0008 0009 0001 000A 00000002 000B"));  // MAX = 32767
  append(out, from_hex("0002 00 0001 000C 000D 01 0001 000E 000F"));        // <init>, next
  return out;
}

ExportFile expected_export_file() {
  ExportFile ex;
  ex.version = {2, 1};
  ex.package = {export_package_flags::kLibrary, "com/example/lib", 0, 1, from_hex("F00000000201")};
  ExportClass counter;
  counter.token = 1;
  counter.access_flags = export_class_flags::kPublic;
  counter.name = "com/example/lib/Counter";
  counter.supers = {"java/lang/Object"};
  counter.interfaces = {"com/example/lib/Service"};
  counter.fields = {{kConstantFieldToken, 0x0019, "MAX", "S", 32767}};
  counter.methods = {{0, export_member_flags::kPublic, "<init>", "()V"},
                     {1, export_member_flags::kPublic, "next", "()I"}};
  ex.classes = {counter};
  return ex;
}

std::string read_error(const Bytes& data) {
  try {
    read_export_file(data);
  } catch (const FormatError& error) {
    return error.what();
  }
  return "no error";
}

TEST(ExportFile, ReadsAssembledFile) {
  const ExportFile ex = read_export_file(assembled_export_file());
  EXPECT_EQ(ex, expected_export_file());
  const ExportClass* counter = ex.find_class("com/example/lib/Counter");
  ASSERT_NE(counter, nullptr);
  EXPECT_EQ(ex.find_class(1), counter);
  EXPECT_EQ(ex.find_class(2), nullptr);
  EXPECT_EQ(counter->find_field("MAX")->constant_value, 32767);
  EXPECT_EQ(counter->find_method("next", "()I")->token, 1);
  EXPECT_EQ(counter->find_method("next", "()V"), nullptr);
}

TEST(ExportFile, WritesAssembledFile) {
  EXPECT_EQ(write_export_file(expected_export_file()), assembled_export_file());
}

TEST(ExportFile, Format23RoundTrip) {
  ExportFile ex = expected_export_file();
  ex.version = {2, 3};
  ex.referenced_packages = {{0, "java/lang", 0, 1, from_hex("A0000000620001")}};
  ex.classes[0].cap22_inheritable_public_method_token_count = 2;
  ExportClass service;
  service.token = 0;
  service.access_flags = export_class_flags::kPublic | export_class_flags::kInterface |
                         export_class_flags::kAbstract | export_class_flags::kShareable;
  service.name = "com/example/lib/Service";
  service.supers = {"java/lang/Object"};
  service.interfaces = {"javacard/framework/Shareable"};
  service.methods = {
      {0, export_member_flags::kPublic | export_member_flags::kAbstract, "next", "()I"}};
  ex.classes.insert(ex.classes.begin(), service);
  ex.classes[1].fields.push_back({kConstantFieldToken, 0x0019, "NEG", "B", -2});
  ex.classes[1].fields.push_back({0, export_member_flags::kPublic | export_member_flags::kStatic,
                                  "table", "[B", std::nullopt});

  const Bytes bytes = write_export_file(ex);
  EXPECT_EQ(read_export_file(bytes), ex);
  EXPECT_EQ(write_export_file(read_export_file(bytes)), bytes);
}

TEST(ExportFile, SkipsUnknownAttributes) {
  Bytes data = assembled_export_file();
  // Give MAX a second, unknown attribute named "S" (index 9) of 3 bytes.
  const Bytes field = from_hex("FF 0019 0008 0009 0001 000A 00000002 000B");
  auto at = std::search(data.begin(), data.end(), field.begin(), field.end());
  ASSERT_NE(at, data.end());
  at[8] = 0x02;  // low byte of attributes_count
  const Bytes extra = from_hex("0009 00000003 AABBCC");
  data.insert(at + static_cast<std::ptrdiff_t>(field.size()), extra.begin(), extra.end());
  EXPECT_EQ(read_export_file(data), expected_export_file());
}

TEST(ExportFile, RejectsBadMagic) {
  Bytes data = assembled_export_file();
  data[3] = 0xDF;
  EXPECT_EQ(read_error(data),
            "export file: bad magic 0x00FACADF, expected 0x00FACADE (offset 0x0)");
}

TEST(ExportFile, RejectsUnsupportedVersion) {
  Bytes data = assembled_export_file();
  data[5] = 3;
  EXPECT_EQ(read_error(data),
            "export file: unsupported export file version 3.1 (supported: 2.1, 2.2, 2.3) (offset "
            "0x4)");
}

TEST(ExportFile, RejectsIndexOfWrongType) {
  Bytes data = assembled_export_file();
  const Bytes class_header = from_hex("01 0001 0003 0001 0005");
  auto at = std::search(data.begin(), data.end(), class_header.begin(), class_header.end());
  ASSERT_NE(at, data.end());
  at[4] = 0x02;  // class name_index -> a Utf8 entry
  const auto offset = static_cast<std::size_t>(at - data.begin()) + 5;
  EXPECT_EQ(read_error(data),
            "export file: class name_index index 2 is not a CONSTANT_Classref in the constant "
            "pool of 16 entries (offset 0x" +
                fmt::format("{:X}", offset) + ")");
}

TEST(ExportFile, RejectsTruncatedAndTrailingBytes) {
  Bytes data = assembled_export_file();
  const std::size_t size = data.size();
  data.push_back(0);
  EXPECT_EQ(read_error(data),
            fmt::format("export file: 1 unexpected bytes at the end (offset 0x{:X})", size));
  data.resize(size - 1);
  EXPECT_EQ(read_error(data),
            fmt::format("export file: truncated at offset 0x{:X} reading method descriptor_index: "
                        "2 bytes needed, 1 left",
                        size - 2));
}

TEST(ExportFile, RejectsUnknownConstantTag) {
  Bytes data = assembled_export_file();
  data[8] = 4;  // first constant pool entry
  EXPECT_EQ(read_error(data), "export file: constant pool entry 0 has unknown tag 4 (offset 0x8)");
}

TEST(ExportFile, WriterChecksFieldRanges) {
  ExportFile ex = expected_export_file();
  ex.package.aid = from_hex("F000");
  EXPECT_THROW(write_export_file(ex), FormatError);
  ex = expected_export_file();
  ex.version = {3, 0};
  EXPECT_THROW(write_export_file(ex), FormatError);
}

TEST(ExportFile, PathFollowsConverterLayout) {
  EXPECT_EQ(export_file_path("exp", "javacard.framework"),
            std::filesystem::path("exp/javacard/framework/javacard/framework.exp"));
  EXPECT_EQ(export_file_path("/x", "com/example/lib"),
            std::filesystem::path("/x/com/example/lib/javacard/lib.exp"));
}

}  // namespace
}  // namespace uicc::cap
