// Method translation tests: javac output translated to Java Card bytecode, checked
// instruction by instruction, and the diagnostics of code the translation must refuse.
#include "tools/sdk/converter/method_translator.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/sdk/sdk_test_support.h"
#include "vm/cap/bytecode.h"

namespace uicc::sdk {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

class TranslatorTest : public testing::Test {
 protected:
  void load(const std::string& relative) { load_all({relative}); }

  void load_all(const std::vector<std::string>& relatives) {
    for (const auto& relative : relatives) classes_.push_back(test::read_class(relative));
    model_ = std::make_unique<PackageModel>(classes_, test::minimal_imports(), diagnostics_);
    ASSERT_TRUE(diagnostics_.empty()) << diagnostics_.items().front().to_string();
  }

  // Translates `name` of class `cls_name` (the first class by default) and returns its
  // disassembly, one instruction per string.
  std::vector<std::string> translate(const std::string& name, bool int_support = false,
                                     const std::string& cls_name = "") {
    const PackageClass& cls =
        cls_name.empty() ? *model_->classes().front() : *model_->find_local(cls_name);
    const PackageMethod* method = nullptr;
    for (const auto& m : cls.methods) {
      if (m.info->name == name) method = &m;
    }
    EXPECT_NE(method, nullptr) << name;
    if (method == nullptr) return {};
    TranslationOptions options;
    options.int_support = int_support;
    TranslatedMethod out = translate_method(*model_, cls, *method, pool_, options, diagnostics_);
    if (!diagnostics_.empty()) return {};
    pool_.assign_indexes();
    std::vector<int> handler_labels;
    for (const auto& h : out.handlers) handler_labels.push_back(h.handler_label);
    LaidOutCode laid = out.code.lay_out(pool_, handler_labels);
    max_stack_ = laid.max_stack;
    max_locals_ = out.max_locals;
    return test::disassemble(laid.bytecode);
  }

  std::string first_error() const {
    return diagnostics_.empty() ? "" : diagnostics_.items().front().to_string();
  }

  std::vector<ClassFile> classes_;
  std::unique_ptr<PackageModel> model_;
  Diagnostics diagnostics_;
  ConstantPoolBuilder pool_;
  int max_stack_ = 0;
  int max_locals_ = 0;
};

TEST_F(TranslatorTest, ShortAdditionUsesSadd) {
  load("translate/Arith.class");
  EXPECT_THAT(translate("add"), ElementsAre("sload_0", "sload_1", "sadd", "sreturn"));
}

TEST_F(TranslatorTest, LoopCounterBecomesSinc) {
  load("translate/Arith.class");
  EXPECT_THAT(translate("loop"),
              ElementsAre("sconst_0", "sstore_3", "sconst_0", "sstore_2", "sload_2", "sload_1",
                          "if_scmpge 13", "sload_3", "aload_0", "sload_2", "baload", "sadd",
                          "sstore_3", "sinc 2 1", "goto -13", "sload_3", "sreturn"));
  EXPECT_EQ(max_locals_, 2);
}

TEST_F(TranslatorTest, HighByteShiftStaysShort) {
  load("translate/Arith.class");
  EXPECT_THAT(translate("highByte"), ElementsAre("sload_0", "bspush 8", "sushr", "s2b", "sreturn"));
}

TEST_F(TranslatorTest, IndexPlusOneNeedsNoCast) {
  load("translate/Arith.class");
  EXPECT_THAT(translate("maskedIndex"), ElementsAre("aload_0", "sload_1", "sconst_1", "sadd",
                                                    "baload", "sspush 255", "sand", "sreturn"));
}

TEST_F(TranslatorTest, FieldIncrementUsesThisForms) {
  load("translate/Arith.class");
  auto code = translate("bump");
  EXPECT_THAT(code, ElementsAre("getfield_s_this 0", "sconst_1", "sadd", "putfield_s_this 0",
                                "getfield_s_this 0", "sreturn"));
}

TEST_F(TranslatorTest, SwitchOnShortUsesStableswitch) {
  load("translate/Arith.class");
  auto code = translate("select");
  ASSERT_FALSE(code.empty()) << first_error();
  EXPECT_THAT(code[1], HasSubstr("stableswitch"));
}

TEST_F(TranslatorTest, OverflowingComparisonIsRefusedWithoutInt) {
  load("translate/Arith.class");
  EXPECT_TRUE(translate("overflowCompare").empty());
  EXPECT_THAT(first_error(), HasSubstr("Arith.java:51"));
  EXPECT_THAT(first_error(), HasSubstr("the result of + can take values outside the short range "
                                       "(-65536 to 65534) and is used in a comparison"));
}

TEST_F(TranslatorTest, OverflowingComparisonUsesIntWhenEnabled) {
  load("translate/Arith.class");
  auto code = translate("overflowCompare", true);
  EXPECT_THAT(code, ElementsAre("sload_0", "s2i", "sload_1", "s2i", "iadd", "bipush 100", "icmp",
                                "ifle 4", "sconst_1", "sreturn", "sconst_0", "sreturn"));
}

TEST_F(TranslatorTest, UnsignedShiftOfNegativeShortIsRefusedWithoutInt) {
  load("translate/Arith.class");
  EXPECT_TRUE(translate("unsignedShift").empty());
  EXPECT_THAT(first_error(), HasSubstr(">>> on a value that can be negative"));
}

class PatternsTest : public TranslatorTest {
 protected:
  PatternsTest() { load_all({"translate/Patterns.class", "translate/Base.class"}); }
  std::vector<std::string> patterns(const std::string& name) {
    return translate(name, false, "translate/Patterns");
  }
};

TEST_F(PatternsTest, ByteStoreNeedsNoNarrowing) {
  EXPECT_THAT(patterns("xorBlocks"),
              ElementsAre("sconst_0", "sstore_3", "sload_3", "bspush 16", "if_scmpge 17", "aload_0",
                          "sload_3", "aload_1", "sload_3", "baload", "aload_2", "sload_3", "baload",
                          "sxor", "bastore", "sinc 3 1", "goto -18", "return"));
}

TEST_F(PatternsTest, UnsignedByteStaysShort) {
  auto code = patterns("unsignedSum");
  EXPECT_THAT(code, testing::Contains("sspush 255"));
  EXPECT_THAT(code, testing::Contains("sand"));
  EXPECT_THAT(code, testing::Not(testing::Contains("s2i")));
}

TEST_F(PatternsTest, SuperCallUsesInvokespecial) {
  auto code = patterns("callsSuper");
  ASSERT_FALSE(code.empty()) << first_error();
  EXPECT_EQ(code[0], "aload_0");
  EXPECT_THAT(code[1], HasSubstr("invokespecial"));
  bool super_entry = false;
  for (const CpKey& key : pool_.entries()) {
    if (key.kind == cap::ConstantTag::kSuperMethodref && key.class_name == "translate/Patterns" &&
        key.member == "value") {
      super_entry = true;
    }
  }
  EXPECT_TRUE(super_entry);
}

TEST_F(PatternsTest, LoopBoundKeepsRemainderShort) {
  // x < 5 on the loop's edge bounds x + 4, so the remainder needs no int.
  auto code = patterns("ringSum");
  ASSERT_FALSE(code.empty()) << first_error();
  EXPECT_THAT(code, testing::Contains("srem"));
  EXPECT_THAT(code, testing::Not(testing::Contains("s2i")));
}

TEST_F(PatternsTest, PositiveGuardBoundsDivision) {
  auto code = patterns("countdown");
  ASSERT_FALSE(code.empty()) << first_error();
  EXPECT_THAT(code, testing::Contains("sdiv"));
}

TEST_F(PatternsTest, ArrayTypeChecksUseAtype) {
  auto code = patterns("castArray");
  EXPECT_THAT(code[1], HasSubstr("instanceof 11 0"));
  EXPECT_THAT(code, testing::Contains(HasSubstr("checkcast 11 0")));
}

}  // namespace
}  // namespace uicc::sdk
