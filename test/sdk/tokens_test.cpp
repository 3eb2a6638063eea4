// Token assignment (Java Card 3.0.5 Virtual Machine Specification §4.3.7) on a small
// hierarchy compiled by javac.
#include <gtest/gtest.h>

#include "test/sdk/sdk_test_support.h"
#include "tools/sdk/converter/converter.h"
#include "tools/sdk/converter/package_model.h"

namespace uicc::sdk {
namespace {

class TokensTest : public testing::Test {
 protected:
  TokensTest() {
    classes_ = load_package_classes(UICC_SDK_TEST_CLASSES, "tokens");
    model_ = std::make_unique<PackageModel>(classes_, test::minimal_imports(), diagnostics_);
  }

  const PackageClass& cls(const std::string& name) { return *model_->find_local("tokens/" + name); }
  std::uint8_t field(const std::string& cls_name, const std::string& name) {
    return cls(cls_name).find_field(name)->token;
  }
  std::uint8_t method(const std::string& cls_name, const std::string& name,
                      const std::string& descriptor) {
    return cls(cls_name).find_method(name, descriptor)->token;
  }

  std::vector<ClassFile> classes_;
  Diagnostics diagnostics_;
  std::unique_ptr<PackageModel> model_;
};

TEST_F(TokensTest, ClassesInterfacesFirst) {
  ASSERT_TRUE(diagnostics_.empty());
  EXPECT_EQ(cls("Service").token, 0);
  EXPECT_EQ(cls("Base").token, 1);
  EXPECT_EQ(cls("Derived").token, 2);
  // Class component order: interfaces, then each class after its superclass.
  EXPECT_EQ(model_->classes()[0]->name, "tokens/Service");
  EXPECT_EQ(model_->classes()[1]->name, "tokens/Base");
  EXPECT_EQ(model_->classes()[2]->name, "tokens/Derived");
}

TEST_F(TokensTest, InstanceFieldsByVisibilityAndKind) {
  // Exported primitives, exported references, package references, package primitives; an
  // int takes two tokens (§4.3.7.5).
  EXPECT_EQ(field("Base", "publicByte"), 0);
  EXPECT_EQ(field("Base", "publicInt"), 1);
  EXPECT_EQ(field("Base", "protectedShort"), 3);
  EXPECT_EQ(field("Base", "publicReference"), 4);
  EXPECT_EQ(field("Base", "packageReference"), 5);
  EXPECT_EQ(field("Base", "privateReference"), 6);
  EXPECT_EQ(field("Base", "packageShort"), 7);
}

TEST_F(TokensTest, StaticFieldsAndMethods) {
  EXPECT_EQ(field("Base", "publicStatic"), 0);
  EXPECT_EQ(field("Base", "packageStatic"), kNoToken);
  EXPECT_EQ(field("Base", "CONSTANT"), kNoToken);
  EXPECT_EQ(method("Base", "<init>", "()V"), 0);
  EXPECT_EQ(method("Base", "<init>", "(S)V"), kNoToken);
  EXPECT_EQ(method("Base", "publicStaticMethod", "()V"), 1);
  EXPECT_EQ(method("Base", "packageStaticMethod", "()V"), kNoToken);
}

TEST_F(TokensTest, VirtualMethodsContinueTheSuperclass) {
  // java.lang.Object has one public virtual method, equals, token 0 (§4.3.7.6).
  EXPECT_EQ(method("Base", "equals", "(Ljava/lang/Object;)Z"), 0);
  EXPECT_EQ(method("Base", "first", "()V"), 1);
  EXPECT_EQ(method("Base", "second", "()V"), 2);
  EXPECT_EQ(method("Base", "packageFirst", "()V"), kPackageTokenBit | 0);
  EXPECT_EQ(method("Base", "hidden", "()V"), kNoToken);
  EXPECT_EQ(method("Derived", "first", "()V"), 1);
  EXPECT_EQ(method("Derived", "third", "()V"), 3);
  EXPECT_EQ(method("Derived", "packageFirst", "()V"), kPackageTokenBit | 0);
  EXPECT_EQ(method("Derived", "packageSecond", "()V"), kPackageTokenBit | 1);
}

TEST_F(TokensTest, InterfaceMethodsInTheirOwnScope) {
  EXPECT_EQ(method("Service", "serve", "(S)S"), 0);
  EXPECT_EQ(method("Service", "serveTwice", "(S)S"), 1);
  EXPECT_EQ(method("Derived", "serve", "(S)S"), 4);
  EXPECT_EQ(method("Derived", "serveTwice", "(S)S"), 5);
}

TEST_F(TokensTest, ExportFileListsInheritedMethods) {
  ConverterOptions options;
  options.package_aid = from_hex("F0756963639904");
  options.int_support = true;  // Base has an int field
  ConversionResult result = convert_package(classes_, test::minimal_imports(), options);
  const cap::ExportClass* derived = result.export_file.find_class("tokens/Derived");
  ASSERT_NE(derived, nullptr);
  const cap::ExportMethod* second = derived->find_method("second", "()V");
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->token, 2);
  EXPECT_EQ(second->access_flags & cap::export_member_flags::kProtected,
            cap::export_member_flags::kProtected);
  EXPECT_EQ(derived->find_method("packageFirst", "()V"), nullptr);
  EXPECT_EQ(derived->supers, (std::vector<std::string>{"java/lang/Object", "tokens/Base"}));
  EXPECT_EQ(derived->interfaces, (std::vector<std::string>{"tokens/Service"}));
  // The export file reads back as written.
  cap::ExportFile back = cap::read_export_file(cap::write_export_file(result.export_file));
  EXPECT_EQ(back, result.export_file);
}

}  // namespace
}  // namespace uicc::sdk
