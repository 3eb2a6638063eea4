// Whole-package conversion tests: the samples' CAP files read back by the CAP reader, and the
// components checked against what the JCVM specification fixes.
#include "tools/sdk/converter/converter.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test/sdk/sdk_test_support.h"
#include "tools/sdk/converter/export_model.h"
#include "vm/cap/cap_reader.h"
#include "vm/cap/cap_writer.h"

namespace uicc::sdk {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

struct Sample {
  const char* target;
  const char* package;
  const char* aid;
  std::vector<std::pair<const char*, const char*>> applets;
};

std::vector<Sample> samples() {
  return {
      {"sample_hello",
       "com.uicc.samples.hello",
       "F0756963630101",
       {{"HelloWorld", "F075696363010101"}}},
      {"sample_echo", "com.uicc.samples.echo", "F0756963630102", {{"Echo", "F075696363010201"}}},
      {"sample_wallet",
       "com.uicc.samples.wallet",
       "F0756963630103",
       {{"Wallet", "F075696363010301"}}},
      {"sample_counter_lib", "com.uicc.samples.counterlib", "F0756963630104", {}},
      {"sample_counter_server",
       "com.uicc.samples.counterserver",
       "F0756963630105",
       {{"CounterServer", "F075696363010501"}}},
      {"sample_counter_client",
       "com.uicc.samples.counterclient",
       "F0756963630106",
       {{"CounterClient", "F075696363010601"}}},
      {"sample_crypto",
       "com.uicc.samples.crypto",
       "F0756963630107",
       {{"CryptoDemo", "F075696363010701"}}},
  };
}

ConversionResult convert_sample(const Sample& sample) {
  ConverterOptions options;
  options.package_name = sample.package;
  options.package_aid = from_hex(sample.aid);
  for (const auto& [cls, aid] : sample.applets) options.applets.push_back({cls, from_hex(aid)});
  options.export_path = {UICC_API_EXP_DIR, UICC_SDK_SAMPLE_CLASSES "/sample_counter_lib/out"};
  auto classes =
      load_package_classes(std::string(UICC_SDK_SAMPLE_CLASSES) + "/" + sample.target + "/classes",
                           options.package_name);
  return convert_package(classes, load_imports(classes, options.export_path), options);
}

// Every component written and read back by the CAP reader is the one built.
TEST(Converter, SamplesReadBackUnchanged) {
  for (const Sample& sample : samples()) {
    SCOPED_TRACE(sample.package);
    ConversionResult result = convert_sample(sample);
    cap::CapFile back = cap::read_cap(cap::write_cap_jar(result.cap));
    EXPECT_EQ(back.header, result.cap.header);
    EXPECT_EQ(back.directory, result.cap.directory);
    EXPECT_EQ(back.applets, result.cap.applets);
    EXPECT_EQ(back.imports, result.cap.imports);
    EXPECT_EQ(back.constant_pool, result.cap.constant_pool);
    EXPECT_EQ(back.classes, result.cap.classes);
    EXPECT_EQ(back.methods, result.cap.methods);
    EXPECT_EQ(back.static_fields, result.cap.static_fields);
    EXPECT_EQ(back.reference_locations, result.cap.reference_locations);
    EXPECT_EQ(back.exports, result.cap.exports);
    EXPECT_EQ(back.descriptor, result.cap.descriptor);
    // The component stream of a GlobalPlatform LOAD reads back the same.
    cap::CapFile streamed = cap::read_cap(cap::write_cap_components(result.cap));
    EXPECT_EQ(streamed.methods, result.cap.methods);
    EXPECT_EQ(cap::read_export_file(cap::write_export_file(result.export_file)),
              result.export_file);
  }
}

TEST(Converter, BuildIsReproducible) {
  for (const Sample& sample : samples()) {
    SCOPED_TRACE(sample.package);
    EXPECT_EQ(cap::write_cap_jar(convert_sample(sample).cap),
              cap::write_cap_jar(convert_sample(sample).cap));
  }
}

TEST(Converter, LibraryAndClientLinkByToken) {
  ConversionResult lib = convert_sample(samples()[3]);
  ConversionResult client = convert_sample(samples()[5]);
  // The library exports its interface and class; its Export component has their offsets.
  EXPECT_TRUE(is_library(lib.export_file));
  ASSERT_EQ(lib.export_file.classes.size(), 2u);
  const cap::ExportClass* counter =
      lib.export_file.find_class("com/uicc/samples/counterlib/Counter");
  const cap::ExportClass* checksums =
      lib.export_file.find_class("com/uicc/samples/counterlib/Checksums");
  ASSERT_NE(counter, nullptr);
  ASSERT_NE(checksums, nullptr);
  EXPECT_EQ(counter->token, 0);
  EXPECT_EQ(checksums->token, 1);
  EXPECT_TRUE(is_shareable(*counter));
  ASSERT_TRUE(lib.cap.exports.has_value());
  EXPECT_EQ(lib.cap.exports->classes[1].static_method_offsets.size(), 1u);  // lrc
  // The client imports the library by AID and version and calls lrc by its tokens.
  bool imported = false;
  std::uint8_t token = 0;
  for (std::size_t i = 0; i < client.cap.imports.packages.size(); ++i) {
    if (client.cap.imports.packages[i].aid == from_hex("F0756963630104")) {
      imported = true;
      token = static_cast<std::uint8_t>(i);
    }
  }
  ASSERT_TRUE(imported);
  const cap::ExportMethod* lrc = checksums->find_method("lrc", "([BSS)B");
  ASSERT_NE(lrc, nullptr);
  cap::ConstantPoolEntry expected = cap::ConstantPoolEntry::static_member(
      cap::ConstantTag::kStaticMethodref,
      cap::StaticRef::external(token, checksums->token, lrc->token));
  EXPECT_NE(std::find(client.cap.constant_pool.entries.begin(),
                      client.cap.constant_pool.entries.end(), expected),
            client.cap.constant_pool.entries.end());
}

}  // namespace
}  // namespace uicc::sdk
