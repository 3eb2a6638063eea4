// `uicc cap dump` through CLI11, as the uicc program parses it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "test/vm/cap/test_caps.h"
#include "tools/cli/commands.h"
#include "vm/cap/cap_writer.h"

namespace uicc::cli {
namespace {

class CapCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    // One file per test and process: ctest runs the cases of this fixture in parallel.
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("uicc_cap_command_test_") + test->name() + "_" + std::to_string(::getpid()) + ".cap");
    const Bytes jar = cap::write_cap_jar(cap::testing::make_hello_cap());
    std::ofstream out(path_, std::ios::binary);
    out.write(reinterpret_cast<const char*>(jar.data()), static_cast<std::streamsize>(jar.size()));
  }
  void TearDown() override { std::filesystem::remove(path_); }

  // Parses a command line and returns what the command printed.
  std::string run(std::vector<std::string> arguments) {
    CLI::App app;
    add_cap_command(app);
    std::reverse(arguments.begin(), arguments.end());
    std::ostringstream captured;
    std::streambuf* saved = std::cout.rdbuf(captured.rdbuf());
    try {
      app.parse(arguments);
    } catch (...) {
      std::cout.rdbuf(saved);
      throw;
    }
    std::cout.rdbuf(saved);
    return captured.str();
  }

  std::filesystem::path path_;
};

TEST_F(CapCommand, DumpsFile) {
  const std::string text = run({"cap", "dump", path_.string()});
  EXPECT_NE(text.find("Package F00000000101 version 1.0  com/example/hello"), std::string::npos)
      << text;
  EXPECT_NE(text.find("invokevirtual #7"), std::string::npos) << text;
}

TEST_F(CapCommand, LeavesOutCode) {
  const std::string text = run({"cap", "dump", "--no-code", path_.string()});
  EXPECT_EQ(text.find("invokevirtual"), std::string::npos) << text;
}

TEST_F(CapCommand, RejectsMissingFile) {
  EXPECT_THROW(run({"cap", "dump", "/nonexistent/file.cap"}), CLI::ValidationError);
}

TEST_F(CapCommand, ReportsMalformedFile) {
  std::ofstream(path_, std::ios::binary | std::ios::trunc) << "not a cap";
  try {
    run({"cap", "dump", path_.string()});
    FAIL() << "no error";
  } catch (const cap::FormatError& error) {
    EXPECT_STREQ(error.what(),
                 "component stream: first component has tag 110 (unknown), expected the Header "
                 "(offset 0x0)");
  }
}

}  // namespace
}  // namespace uicc::cli
