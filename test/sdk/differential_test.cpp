// Differential test: the operations of test/sdk/javacard/diff/Ops.java run by the JVM (java,
// the OpenJDK of the build) and, converted by the SDK, by the VM, over the same inputs. The
// results and the exceptions thrown must agree everywhere.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test/sdk/card_session.h"
#include "test/sdk/sdk_test_support.h"

namespace uicc::sdk {
namespace {

// Values at the edges of byte, short and the shift counts, then pseudo-random ones.
std::vector<std::int16_t> input_values() {
  std::vector<std::int16_t> values = {
      0,     1,    -1,    2,      -2,    3,      7,     8,     15,     16,    17,   31,
      32,    33,   63,    100,    127,   128,    -128,  -129,  255,    256,   -256, 1000,
      -1000, 4096, 12345, -12345, 21845, -21846, 32766, 32767, -32767, -32768};
  std::mt19937 random(20261204);  // fixed seed: the same inputs on every run
  std::uniform_int_distribution<int> any(-32768, 32767);
  for (int i = 0; i < 16; ++i) values.push_back(static_cast<std::int16_t>(any(random)));
  return values;
}

struct Case {
  int op;
  std::int16_t a;
  std::int16_t b;
};

// Runs DiffMain of package `variant` on the JVM and returns one "thrown result" line per case.
std::vector<std::string> run_on_jvm(const std::string& variant, const std::vector<Case>& cases) {
  std::filesystem::path input = std::filesystem::temp_directory_path() /
                                fmt::format("uicc-diff-{}.txt", static_cast<long>(::getpid()));
  {
    std::ofstream out(input);
    for (const Case& c : cases) out << c.op << ' ' << c.a << ' ' << c.b << '\n';
  }
  std::string command = fmt::format("{} -Xshare:auto -cp {}/{}_jvm {}.DiffMain < {}", UICC_JAVA,
                                    UICC_SDK_JVM_CLASSES, variant, variant, input.string());
  std::vector<std::string> lines;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return lines;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
    std::string line(buffer);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    lines.push_back(line);
  }
  ::pclose(pipe);
  std::filesystem::remove(input);
  return lines;
}

// Runs every operation over every pair of inputs on both machines and reports mismatches.
void compare(const std::string& variant, const char* cap, const char* applet_aid, int operations) {
  std::vector<std::int16_t> values = input_values();
  std::vector<Case> cases;
  for (int op = 0; op < operations; ++op) {
    for (std::int16_t a : values) {
      for (std::int16_t b : values) cases.push_back({op, a, b});
    }
  }
  std::vector<std::string> expected = run_on_jvm(variant, cases);
  ASSERT_EQ(expected.size(), cases.size()) << "the JVM run did not answer every case";

  test::CardSession card;
  card.load(cap);
  ASSERT_EQ(card.send(fmt::format("00A4040008{}", applet_aid)).to_string(), "9000");
  int mismatches = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    test::Reply reply =
        card.send(fmt::format("8010{:02X}0004{:04X}{:04X}03", c.op, static_cast<std::uint16_t>(c.a),
                              static_cast<std::uint16_t>(c.b)));
    ASSERT_EQ(reply.status, 0x9000) << "op " << c.op << " a " << c.a << " b " << c.b;
    ASSERT_EQ(reply.data.size(), 3u);
    std::string actual =
        fmt::format("{} {}", reply.data[0], static_cast<std::int16_t>(get_u16(reply.data, 1)));
    if (actual != expected[i] && ++mismatches <= 20) {
      ADD_FAILURE() << "op " << c.op << " a " << c.a << " b " << c.b << ": JVM " << expected[i]
                    << ", VM " << actual;
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << cases.size() << " cases";
}

TEST(Differential, ShortOperationsMatchJvm) {
  compare("diff", UICC_SDK_DIFF_CAP, "F075696363990201", 44);  // Dispatch.COUNT
}

TEST(Differential, IntOperationsMatchJvm) {
  compare("diffint", UICC_SDK_DIFFINT_CAP, "F075696363990301", 13);
}

}  // namespace
}  // namespace uicc::sdk
