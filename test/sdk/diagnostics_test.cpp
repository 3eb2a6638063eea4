// The converter's error for each construct outside the Java Card subset, with the source line
// it names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/sdk/sdk_test_support.h"
#include "tools/sdk/converter/converter.h"

namespace uicc::sdk {
namespace {

using testing::HasSubstr;

std::vector<cap::ExportFile> api_imports() {
  std::vector<cap::ExportFile> imports;
  for (const char* package : {"java/lang", "javacard/framework"}) {
    imports.push_back(cap::read_export_file(cap::export_file_path(UICC_API_EXP_DIR, package)));
  }
  return imports;
}

std::string convert_errors(const std::string& package, bool int_support = false) {
  ConverterOptions options;
  options.package_aid = from_hex("F0756963639901");
  options.int_support = int_support;
  try {
    convert_package(load_package_classes(UICC_SDK_TEST_CLASSES, package), api_imports(), options);
  } catch (const ConversionError& e) {
    return e.what();
  }
  return "";
}

class UnsupportedTest : public testing::Test {
 protected:
  static void SetUpTestSuite() { errors_ = new std::string(convert_errors("unsupported")); }
  static void TearDownTestSuite() { delete errors_; }
  static const std::string& errors() { return *errors_; }
  static std::string* errors_;
};

std::string* UnsupportedTest::errors_ = nullptr;

constexpr const char* kClass = "Unsupported.java: unsupported.Unsupported: ";
constexpr const char* kAt = "Unsupported.java:";

TEST_F(UnsupportedTest, FieldTypes) {
  EXPECT_THAT(errors(), HasSubstr(std::string(kClass) + "field longField: long values are not "
                                                        "supported by Java Card"));
  EXPECT_THAT(errors(), HasSubstr("field floatField: float values are not supported"));
  EXPECT_THAT(errors(), HasSubstr("field doubleField: double values are not supported"));
  EXPECT_THAT(errors(), HasSubstr("field charField: char values are not supported by Java Card; "
                                  "use byte or short"));
  EXPECT_THAT(errors(), HasSubstr("field stringField: String is not supported by Java Card; use "
                                  "byte arrays"));
  EXPECT_THAT(errors(), HasSubstr("field transientField: transient is not supported"));
  EXPECT_THAT(errors(), HasSubstr("field volatileField: volatile is not supported"));
  EXPECT_THAT(errors(), HasSubstr("field intField: the int type needs int support"));
  EXPECT_THAT(errors(), HasSubstr("field matrixField: arrays of arrays are not supported"));
  EXPECT_THAT(errors(), testing::Not(HasSubstr("field NAME")));
}

TEST_F(UnsupportedTest, Arithmetic) {
  EXPECT_THAT(errors(), HasSubstr(std::string(kAt) + "24: unsupported.Unsupported.longMath(short): "
                                                     "long values are not supported by Java Card"));
  EXPECT_THAT(errors(), HasSubstr("29: unsupported.Unsupported.floatMath(short): float values"));
  EXPECT_THAT(errors(), HasSubstr("34: unsupported.Unsupported.doubleMath(short): double values"));
  EXPECT_THAT(errors(), HasSubstr("39: unsupported.Unsupported.charMath(byte[]): char values"));
  EXPECT_THAT(errors(),
              HasSubstr("74: unsupported.Unsupported.overflow(short, short): the result of + can "
                        "take values outside the short range (-65536 to 65534) and is used in a "
                        "comparison; cast it to short or byte, or convert with int support"));
  EXPECT_THAT(errors(), HasSubstr("70: unsupported.Unsupported.intResult(short): result: the int "
                                  "type needs int support"));
}

TEST_F(UnsupportedTest, StringsThreadsAndNativeCode) {
  EXPECT_THAT(errors(), HasSubstr("44: unsupported.Unsupported.stringLength(): string literals are "
                                  "not supported by Java Card; use byte arrays"));
  EXPECT_THAT(errors(),
              HasSubstr("48: unsupported.Unsupported.synchronizedBlock(java.lang.Object): "
                        "synchronized blocks are not supported by Java Card, which has "
                        "no threads"));
  EXPECT_THAT(errors(), HasSubstr("54: unsupported.Unsupported.synchronizedMethod(): synchronized "
                                  "methods are not supported"));
  EXPECT_THAT(errors(), HasSubstr("unsupported.Unsupported.nativeMethod(): native methods are not "
                                  "supported by Java Card"));
}

TEST_F(UnsupportedTest, LanguageFeatures) {
  EXPECT_THAT(errors(), HasSubstr("60: unsupported.Unsupported.matrix(): arrays of arrays are not "
                                  "supported by Java Card"));
  EXPECT_THAT(errors(),
              HasSubstr("65: unsupported.Unsupported.lambda(): lambda expressions, method "
                        "references and string concatenation (invokedynamic) are not "
                        "supported by Java Card"));
  EXPECT_THAT(errors(), HasSubstr("unsupported.WithDefault.value(): default methods are not "
                                  "supported by Java Card"));
  EXPECT_THAT(errors(), HasSubstr("78: unsupported.Unsupported.hash(java.lang.Object): method "
                                  "java.lang.Object.hashCode()I is not found"));
}

TEST_F(UnsupportedTest, StaticInitializer) {
  EXPECT_THAT(errors(), HasSubstr("17: unsupported.Unsupported.<clinit>(): static initializer: the "
                                  "instruction invokestatic; Java Card initializes static fields "
                                  "only with constants and arrays of constants"));
}

TEST(Diagnostics, EnumIsRefused) {
  std::string errors = convert_errors("unsupported/enums");
  EXPECT_THAT(errors, HasSubstr("Color.java: unsupported.enums.Color: superclass java.lang.Enum is "
                                "not in this package nor in an imported export file"));
}

TEST(Diagnostics, EachProblemOncePerMethod) {
  std::string errors = convert_errors("unsupported");
  std::size_t count = 0;
  for (std::size_t at = errors.find("longMath"); at != std::string::npos;
       at = errors.find("longMath", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u);
}

}  // namespace
}  // namespace uicc::sdk
