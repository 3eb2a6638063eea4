// Class file reader tests on javac output and on malformed files.
#include "tools/sdk/converter/class_file.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tools/sdk/converter/jvm_code.h"
#include "tools/sdk/converter/jvm_opcodes.h"

namespace uicc::sdk {
namespace {

Bytes read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

Bytes sample_bytes() {
  return read_file(std::filesystem::path(UICC_SDK_TEST_CLASSES) / "parser/Sample.class");
}

const MethodInfo* find_method(const ClassFile& cls, std::string_view name) {
  for (const auto& m : cls.methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

TEST(ClassFile, ReadsJavacOutput) {
  Bytes data = sample_bytes();
  ASSERT_FALSE(data.empty());
  ClassFile cls = parse_class_file(data, "Sample.class");
  EXPECT_EQ(cls.major_version, 52);
  EXPECT_EQ(cls.this_class, "parser/Sample");
  EXPECT_EQ(cls.super_class, "java/lang/Object");
  EXPECT_EQ(cls.source_file, "Sample.java");
  ASSERT_EQ(cls.fields.size(), 3u);
  EXPECT_EQ(cls.fields[0].name, "LIMIT");
  EXPECT_EQ(cls.fields[0].descriptor, "S");
  ASSERT_NE(cls.fields[0].constant_value, 0);
  EXPECT_EQ(cls.entry(cls.fields[0].constant_value, CpTag::integer).value, 300u);
  EXPECT_EQ(cls.fields[2].access_flags, access::kPrivate);
}

TEST(ClassFile, ReadsCodeHandlersAndLines) {
  ClassFile cls = parse_class_file(sample_bytes(), "Sample.class");
  const MethodInfo* guarded = find_method(cls, "guarded");
  ASSERT_NE(guarded, nullptr);
  ASSERT_TRUE(guarded->code.has_value());
  const CodeAttribute& code = *guarded->code;
  ASSERT_EQ(code.exception_table.size(), 1u);
  EXPECT_EQ(cls.class_name(code.exception_table[0].catch_type),
            "java/lang/ArrayIndexOutOfBoundsException");
  EXPECT_EQ(ClassFile::line_of(code, 0), 16);
  EXPECT_FALSE(code.local_variables.empty());
  auto insns = decode_jvm_code(code.code, "guarded");
  ASSERT_GE(insns.size(), 3u);
  EXPECT_EQ(insns[0].opcode, jvm::aload);
  EXPECT_EQ(insns[0].index, 1);
}

TEST(ClassFile, ResolvesMemberReferences) {
  ClassFile cls = parse_class_file(sample_bytes(), "Sample.class");
  const MethodInfo* clinit = find_method(cls, "<clinit>");
  ASSERT_NE(clinit, nullptr);
  auto insns = decode_jvm_code(clinit->code->code, "<clinit>");
  const JvmInstruction& last_put = insns[insns.size() - 2];
  ASSERT_EQ(last_put.opcode, jvm::putstatic);
  MemberRef ref = cls.member_ref(static_cast<std::uint16_t>(last_put.index));
  EXPECT_EQ(ref.owner, "parser/Sample");
  EXPECT_EQ(ref.name, "TABLE");
  EXPECT_EQ(ref.descriptor, "[B");
}

TEST(ClassFile, RejectsBadMagic) {
  Bytes data = sample_bytes();
  data[0] = 0xCB;
  try {
    parse_class_file(data, "Broken.class");
    FAIL() << "no error";
  } catch (const ClassFormatError& e) {
    EXPECT_STREQ(e.what(),
                 "Broken.class: bad magic 0xCBFEBABE, expected 0xCAFEBABE (at byte offset 4)");
  }
}

TEST(ClassFile, RejectsNewerVersion) {
  Bytes data = sample_bytes();
  data[7] = 61;  // Java 17
  EXPECT_THROW(parse_class_file(data, "New.class"), ClassFormatError);
}

TEST(ClassFile, RejectsEveryTruncation) {
  Bytes data = sample_bytes();
  for (std::size_t length = 0; length < data.size(); ++length) {
    Bytes prefix(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(length));
    EXPECT_THROW(parse_class_file(prefix, "Cut.class"), ClassFormatError) << "length " << length;
  }
}

TEST(ClassFile, RejectsConstantPoolIndexOutOfRange) {
  ClassFile cls = parse_class_file(sample_bytes(), "Sample.class");
  EXPECT_THROW(cls.utf8(0), ClassFormatError);
  EXPECT_THROW(cls.utf8(static_cast<std::uint16_t>(cls.constant_pool.size())), ClassFormatError);
}

TEST(JvmCode, RejectsBranchIntoAnInstruction) {
  // sipush 1; goto -2 (into the operand of sipush)
  Bytes code = {jvm::sipush, 0x00, 0x01, jvm::goto_, 0xFF, 0xFE, jvm::return_};
  EXPECT_THROW(decode_jvm_code(code, "m"), ClassFormatError);
}

TEST(JvmCode, DecodesSwitchesAndWide) {
  // iload_0; tableswitch (pad to 4) default +20, 1..2; wide iinc 300 by -2; return
  Bytes code = {jvm::iload_0,
                jvm::tableswitch,
                0,
                0,  // opcode at 1, operands at 4
                0,
                0,
                0,
                29,  // default: 1 + 29 = 30, the return
                0,
                0,
                0,
                1,
                0,
                0,
                0,
                2,  // low 1, high 2
                0,
                0,
                0,
                29,
                0,
                0,
                0,
                29,  // both to the return
                jvm::wide,
                jvm::iinc,
                0x01,
                0x2C,
                0xFF,
                0xFE,
                jvm::return_};
  auto insns = decode_jvm_code(code, "m");
  ASSERT_EQ(insns.size(), 4u);
  EXPECT_EQ(insns[1].default_target, 30);
  ASSERT_EQ(insns[1].cases.size(), 2u);
  EXPECT_EQ(insns[1].cases[1], std::make_pair(2, 30));
  EXPECT_EQ(insns[2].opcode, jvm::iinc);
  EXPECT_EQ(insns[2].index, 300);
  EXPECT_EQ(insns[2].value, -2);
}

}  // namespace
}  // namespace uicc::sdk
