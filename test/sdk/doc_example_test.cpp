// Runs the example of docs/sdk.md as written: the files it shows are written, the commands
// it shows are run with bash, and the APDU exchange it shows is replayed on the VM.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test/sdk/card_session.h"

namespace uicc::sdk {
namespace {

struct DocExample {
  std::vector<std::pair<std::string, std::string>> files;  // path, content
  std::vector<std::string> commands;
  std::vector<std::pair<std::string, std::string>> apdus;  // command, expected response
};

// Reads the fenced block that follows a marker comment: `<!-- file: PATH -->`,
// `<!-- run -->` or `<!-- apdus -->`.
DocExample parse(const std::string& path) {
  std::ifstream in(path);
  DocExample example;
  std::string line;
  std::string marker;
  bool in_block = false;
  std::string block;
  while (std::getline(in, line)) {
    if (!in_block && line.starts_with("<!-- ") && line.ends_with(" -->")) {
      marker = line.substr(5, line.size() - 9);
      continue;
    }
    if (line.starts_with("```")) {
      if (!in_block) {
        in_block = true;
        block.clear();
        continue;
      }
      in_block = false;
      if (marker.starts_with("file: ")) {
        example.files.emplace_back(marker.substr(6), block);
      } else if (marker == "run") {
        example.commands.push_back(block);
      } else if (marker == "apdus") {
        std::istringstream lines(block);
        std::string command;
        for (std::string entry; std::getline(lines, entry);) {
          if (entry.starts_with("> ")) command = entry.substr(2);
          if (entry.starts_with("< ")) example.apdus.emplace_back(command, entry.substr(2));
        }
      }
      marker.clear();
      continue;
    }
    if (in_block) block += line + "\n";
  }
  return example;
}

TEST(DocExample, RunsAsWritten) {
  DocExample example = parse(UICC_SOURCE_DIR "/docs/sdk.md");
  ASSERT_EQ(example.files.size(), 1u);
  ASSERT_EQ(example.commands.size(), 2u);
  ASSERT_EQ(example.apdus.size(), 5u);

  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              fmt::format("uicc-sdk-doc-{}", static_cast<long>(::getpid()));
  std::filesystem::remove_all(dir);
  for (const auto& [path, content] : example.files) {
    std::filesystem::create_directories((dir / path).parent_path());
    std::ofstream(dir / path) << content;
  }
  for (const std::string& command : example.commands) {
    std::string script = fmt::format(
        "cd '{}' && export PATH='{}':\"$PATH\" UICC_API_JAR='{}' UICC_API_EXP='{}' && set -e && {}",
        dir.string(), UICC_BINARY_DIR, UICC_API_JAR_PATH, UICC_API_EXP_DIR, command);
    std::ofstream(dir / "step.sh") << script;
    int status = std::system(fmt::format("bash '{}' > '{}' 2>&1", (dir / "step.sh").string(),
                                         (dir / "step.log").string())
                                 .c_str());
    std::ifstream log(dir / "step.log");
    std::string output((std::istreambuf_iterator<char>(log)), {});
    ASSERT_EQ(status, 0) << command << "\n" << output;
  }

  test::CardSession card;
  card.load((dir / "hello/out/com/example/hello/javacard/hello.cap").string());
  for (const auto& [command, expected] : example.apdus) {
    EXPECT_EQ(card.send(command).to_string(), expected) << command;
  }
  std::ifstream dump(dir / "hello/dump.txt");
  std::string text((std::istreambuf_iterator<char>(dump)), {});
  EXPECT_NE(text.find("javacard/framework/Applet"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace uicc::sdk
