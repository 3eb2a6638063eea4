// `uicc convert` as a developer runs it: its exit status and what it prints, for a package
// that converts and for one that does not, and the converted CAP file loaded by `uicc apdu`.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace uicc::sdk {
namespace {

using testing::HasSubstr;

struct CommandResult {
  int status = -1;
  std::string output;
};

// Runs `uicc COMMAND ARGUMENTS` and collects its exit status and its output.
CommandResult run_uicc(const std::string& command_name, const std::string& arguments) {
  std::filesystem::path log = std::filesystem::temp_directory_path() /
                              fmt::format("uicc-command-{}.log", static_cast<long>(::getpid()));
  std::string command = fmt::format("'{}/uicc' --log-level warn {} {} > '{}' 2>&1", UICC_BINARY_DIR,
                                    command_name, arguments, log.string());
  CommandResult run;
  int status = std::system(command.c_str());
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  run.output.assign(std::istreambuf_iterator<char>(in), {});
  std::filesystem::remove(log);
  return run;
}

CommandResult run_convert(const std::string& arguments) {
  return run_uicc("convert", arguments);
}

std::filesystem::path out_dir() {
  return std::filesystem::temp_directory_path() /
         fmt::format("uicc-convert-out-{}", static_cast<long>(::getpid()));
}

TEST(ConvertCommand, WritesCapAndExportFile) {
  std::filesystem::remove_all(out_dir());
  CommandResult run = run_convert(fmt::format(
      "'{}/sample_hello/classes' --package com.uicc.samples.hello --aid F0756963630101 "
      "--applet HelloWorld:0xF0:0x75:0x69:0x63:0x63:0x01:0x01:0x01 --exp-path '{}' --out '{}'",
      UICC_SDK_SAMPLE_CLASSES, UICC_API_EXP_DIR, out_dir().string()));
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("hello.cap: 3 methods"));
  EXPECT_TRUE(std::filesystem::exists(out_dir() / "com/uicc/samples/hello/javacard/hello.cap"));
  EXPECT_TRUE(std::filesystem::exists(out_dir() / "com/uicc/samples/hello/javacard/hello.exp"));
  std::filesystem::remove_all(out_dir());
}

// Converts the hello sample into out_dir() and returns the CAP file's path.
std::filesystem::path convert_hello() {
  std::filesystem::remove_all(out_dir());
  CommandResult run = run_convert(
      fmt::format("'{}/sample_hello/classes' --package com.uicc.samples.hello --aid F0756963630101 "
                  "--applet HelloWorld:F075696363010101 --exp-path '{}' --out '{}'",
                  UICC_SDK_SAMPLE_CLASSES, UICC_API_EXP_DIR, out_dir().string()));
  EXPECT_EQ(run.status, 0) << run.output;
  return out_dir() / "com/uicc/samples/hello/javacard/hello.cap";
}

TEST(ConvertCommand, ApduLoadsConvertedCap) {
  std::filesystem::path cap = convert_hello();
  CommandResult run = run_uicc(
      "apdu", fmt::format("--load '{}' 00A4040008F075696363010101 0010000000", cap.string()));
  EXPECT_EQ(run.status, 0) << run.output;
  // "Hello, world!" in ASCII.
  EXPECT_THAT(run.output, HasSubstr("< 48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 21\n< 9000"));
  std::filesystem::remove_all(out_dir());
}

TEST(ConvertCommand, ApduInstallsChosenInstance) {
  std::filesystem::path cap = convert_hello();
  CommandResult run = run_uicc(
      "apdu", fmt::format("--load '{}' --install F075696363010101:F0756963630101AA "
                          "00A4040008F0756963630101AA 0010000000 00A4040008F075696363010101",
                          cap.string()));
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("< 48 65 6C 6C 6F 2C 20 77 6F 72 6C 64 21\n< 9000"));
  // Only the chosen instance exists, so selecting the class AID finds no applet.
  EXPECT_THAT(run.output, HasSubstr("F0 75 69 63 63 01 01 01\n< 6A82"));
  std::filesystem::remove_all(out_dir());
}

TEST(ConvertCommand, ReadsPackageFile) {
  std::filesystem::remove_all(out_dir());
  CommandResult run = run_convert(
      fmt::format("'{}/sample_wallet/classes' --config '{}' --exp-path '{}' --out '{}'",
                  UICC_SDK_SAMPLE_CLASSES, UICC_SOURCE_DIR "/applets/samples/wallet/wallet.toml",
                  UICC_API_EXP_DIR, out_dir().string()));
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_TRUE(std::filesystem::exists(out_dir() / "com/uicc/samples/wallet/javacard/wallet.cap"));
  std::filesystem::remove_all(out_dir());
}

TEST(ConvertCommand, ReportsMissingExportFiles) {
  CommandResult run =
      run_convert(fmt::format("'{}' --package unsupported --aid F0756963639901 --exp-path '{}' "
                              "--out '{}' --no-verify",
                              UICC_SDK_TEST_CLASSES, UICC_API_EXP_DIR, out_dir().string()));
  EXPECT_EQ(run.status, 1);
  // The lambda needs java.lang.invoke, which no export file describes.
  EXPECT_THAT(run.output, HasSubstr("no export file for package java.lang.invoke"));
}

TEST(ConvertCommand, ListsErrorsWithLines) {
  CommandResult run =
      run_convert(fmt::format("'{}' --package translate --aid F0756963639901 --exp-path '{}' "
                              "--out '{}'",
                              UICC_SDK_TEST_CLASSES, UICC_API_EXP_DIR, out_dir().string()));
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.output, HasSubstr("uicc: Arith.java:51: translate.Arith.overflowCompare(short, "
                                    "short): the result of + can take values outside the short "
                                    "range"));
  EXPECT_THAT(run.output, HasSubstr("\nArith.java:"));
}

TEST(ConvertCommand, RejectsBadAid) {
  CommandResult run =
      run_convert(fmt::format("'{}/sample_hello/classes' --package com.uicc.samples.hello "
                              "--aid F07569 --exp-path '{}'",
                              UICC_SDK_SAMPLE_CLASSES, UICC_API_EXP_DIR));
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.output, HasSubstr("invalid AID 'F07569': 3 bytes, an AID has 5 to 16"));
}

TEST(ConvertCommand, RequiresPackage) {
  CommandResult run = run_convert(
      fmt::format("'{}/sample_hello/classes' --aid F0756963630101", UICC_SDK_SAMPLE_CLASSES));
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.output, HasSubstr("no package: give --package or --config"));
}

}  // namespace
}  // namespace uicc::sdk
