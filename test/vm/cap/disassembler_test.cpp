// The CAP listing: names from the Debug component and from export files, and the fallbacks
// when neither is available.
#include "vm/cap/disassembler.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test/vm/cap/test_caps.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::cap {
namespace {

// The javacard.framework items the hello package uses, with the tokens of the Java Card
// 2.2.2 export file (Applet 3, ISOException 7, APDU 10).
ExportFile framework_export() {
  ExportFile ex;
  ex.package = {0, "javacard/framework", 3, 1, from_hex("A0000000620101")};
  ExportClass applet;
  applet.token = 3;
  applet.name = "javacard/framework/Applet";
  applet.methods = {
      {0, export_member_flags::kProtected, "<init>", "()V"},
      {1, export_member_flags::kProtected | export_member_flags::kFinal, "register", "()V"}};
  ExportClass iso;
  iso.token = 7;
  iso.name = "javacard/framework/ISOException";
  iso.methods = {
      {1, export_member_flags::kPublic | export_member_flags::kStatic, "throwIt", "(S)V"}};
  ExportClass apdu;
  apdu.token = 10;
  apdu.name = "javacard/framework/APDU";
  apdu.methods = {{1, export_member_flags::kPublic, "getBuffer", "()[B"}};
  ex.classes = {applet, iso, apdu};
  return ex;
}

std::string dump(const CapFile& cap, const std::vector<ExportFile>& exports,
                 DumpOptions options = {}) {
  std::ostringstream out;
  dump_cap(out, cap, exports, options);
  return out.str();
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Disassembler, NamesFromDebugAndExportFiles) {
  const CapFile cap = testing::make_hello_cap();
  const std::string text = dump(cap, {framework_export()});
  EXPECT_TRUE(contains(text, "Package F00000000101 version 1.0  com/example/hello")) << text;
  EXPECT_TRUE(contains(text, "Flags 0x04 (ACC_APPLET)")) << text;
  EXPECT_TRUE(contains(text, "A0000000620101                   1.3   javacard/framework")) << text;
  EXPECT_TRUE(contains(text, "7  VirtualMethodref  javacard/framework/APDU.getBuffer()[B")) << text;
  EXPECT_TRUE(contains(text, "2  StaticMethodref   javacard/framework/Applet.<init>()V")) << text;
  EXPECT_TRUE(contains(text, "0  InstanceFieldref  com/example/hello/Hello.counter")) << text;
  EXPECT_TRUE(contains(text, "9  StaticFieldref    com/example/hello/Hello.value")) << text;
  EXPECT_TRUE(contains(text,
                       "class com/example/hello/Hello at 0x0002 extends "
                       "javacard/framework/Applet"))
      << text;
  EXPECT_TRUE(contains(text, "install 0x0009  com/example/hello/Hello.install([BSB)V")) << text;
  EXPECT_TRUE(contains(text, "0001  invokevirtual #7  // javacard/framework/APDU.getBuffer()[B"))
      << text;
  EXPECT_TRUE(contains(text, "0018  putfield_s_this #0  // com/example/hello/Hello.counter"))
      << text;
  EXPECT_TRUE(contains(text, "try 0026-002C handler 002D catch javacard/framework/ISOException"))
      << text;
}

TEST(Disassembler, ShowsSwitchTargets) {
  const std::string text = dump(testing::make_hello_cap(), {});
  EXPECT_TRUE(contains(text,
                       "0009  stableswitch\n              0: -> 0x0014\n              1: -> "
                       "0x001B\n        default: -> 0x0026"))
      << text;
  EXPECT_TRUE(contains(text, "0026  sspush 27270 (0x6A86)")) << text;
  EXPECT_TRUE(contains(text, "A0000000620001                   1.0   (no export file)")) << text;
}

TEST(Disassembler, FallsBackWithoutNames) {
  const CapFile cap = read_cap(
      write_cap_components(testing::make_hello_cap(), StreamOptions{.include_descriptor = false}));
  const std::string text = dump(cap, {});
  EXPECT_TRUE(contains(text, "A0000000620101.<class 10>.<virtual method 1>")) << text;
  EXPECT_TRUE(contains(text, "<class at 0x0002>.<field 0>")) << text;
  EXPECT_TRUE(contains(text, "Methods (3 located from references, no Descriptor)")) << text;
  EXPECT_TRUE(contains(text, "<method at 0x0009> at 0x0009: max_stack 2, nargs 3, max_locals 0"))
      << text;
}

TEST(Disassembler, LibraryWithIntInstructions) {
  const std::string text = dump(testing::make_library_cap(), {}, DumpOptions{.show_bytes = true});
  EXPECT_TRUE(contains(text, "Flags 0x03 (ACC_INT ACC_EXPORT)")) << text;
  EXPECT_TRUE(contains(text, "interface <class at 0x0002> at 0x0002 shareable")) << text;
  EXPECT_TRUE(contains(text, "0000  B001        getfield_i_this #1")) << text;
  EXPECT_TRUE(contains(text, "class   1  <class at 0x0005>")) << text;
  EXPECT_TRUE(contains(text, "implements <class at 0x0002>: 1")) << text;
}

// The library has no Debug component; its own export file names its public items.
TEST(Disassembler, NamesFromOwnExportFile) {
  ExportFile own;
  own.package = {export_package_flags::kLibrary, "com/example/lib", 0, 1,
                 testing::kLibraryPackageAid};
  ExportClass service;
  service.token = 0;
  service.name = "com/example/lib/Service";
  ExportClass counter;
  counter.token = 1;
  counter.name = "com/example/lib/Counter";
  counter.fields = {
      {0, export_member_flags::kPublic | export_member_flags::kStatic, "total", "I", std::nullopt}};
  counter.methods = {
      {0, export_member_flags::kPublic, "<init>", "()V"},
      {1, export_member_flags::kPublic | export_member_flags::kStatic, "add", "(II)I"},
      {1, export_member_flags::kPublic, "next", "()I"}};
  own.classes = {service, counter};

  const std::string text = dump(testing::make_library_cap(), {own});
  EXPECT_TRUE(contains(text, "interface com/example/lib/Service at 0x0002 shareable")) << text;
  EXPECT_TRUE(contains(text, "2  StaticFieldref    com/example/lib/Counter.total")) << text;
  EXPECT_TRUE(contains(text, "virtual   1  0x0008  com/example/lib/Counter.next()I")) << text;
  EXPECT_TRUE(contains(text, "static method  1  com/example/lib/Counter.add(II)I")) << text;
}

TEST(Disassembler, OmitsCodeOnRequest) {
  const std::string text = dump(testing::make_hello_cap(), {}, DumpOptions{.disassemble = false});
  EXPECT_FALSE(contains(text, "Methods")) << text;
  EXPECT_TRUE(contains(text, "Constant pool")) << text;
}

TEST(FormatInstruction, OperandKinds) {
  const Bytes code = from_hex("94 0C 0000 3F 12 8E 03 0004 02 90 0B A8 FFF9");
  std::vector<std::string> lines;
  for (std::size_t pc = 0; pc < code.size();) {
    const auto instruction = decode_instruction(code, pc);
    ASSERT_TRUE(instruction);
    lines.push_back(format_instruction(*instruction, nullptr));
    pc += instruction->length;
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"checkcast short[] 0", "dup_x m=1 n=2",
                                             "invokeinterface nargs=3 #4 token=2",
                                             "newarray byte[]", "goto_w -> 0x0006"}));
}

TEST(LoadExportFiles, ReadsDirectoryTree) {
  const auto directory = std::filesystem::temp_directory_path() / "uicc_cap_exp_test";
  std::filesystem::remove_all(directory);
  const auto path = export_file_path(directory, "javacard.framework");
  std::filesystem::create_directories(path.parent_path());
  const Bytes data = write_export_file(framework_export());
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
  }
  const std::vector<ExportFile> files = load_export_files({directory});
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], framework_export());
  std::filesystem::remove_all(directory);
  EXPECT_THROW(load_export_files({directory}), FormatError);
}

}  // namespace
}  // namespace uicc::cap
