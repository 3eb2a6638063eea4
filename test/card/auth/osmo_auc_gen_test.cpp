// Cross-checks MILENAGE against Debian's osmo-auc-gen (libosmocore), an independent
// implementation, on random subscribers. Skipped when the program is not installed.
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "card/auth/aka.h"
#include "card/auth/milenage.h"
#include "util/crypto.h"

namespace uicc::auth {
namespace {

constexpr int kRandomCases = 20;

struct PipeClose {
  void operator()(FILE* pipe) const { pclose(pipe); }
};

bool osmo_auc_gen_available() {
  return std::system("command -v osmo-auc-gen > /dev/null 2>&1") == 0;
}

// Runs osmo-auc-gen with `arguments` (hex values only, so no shell quoting is needed) and
// returns its "NAME:\tvalue" lines as a map.
std::map<std::string, std::string> run_osmo_auc_gen(const std::string& arguments) {
  std::unique_ptr<FILE, PipeClose> pipe(
      popen(("osmo-auc-gen " + arguments + " 2>&1").c_str(), "r"));
  EXPECT_TRUE(pipe) << "cannot run osmo-auc-gen";
  std::map<std::string, std::string> fields;
  if (!pipe) return fields;
  char line[512];
  while (std::fgets(line, sizeof line, pipe.get()) != nullptr) {
    std::string text(line);
    std::size_t colon = text.find(":\t");
    if (colon == std::string::npos) continue;
    std::string value = text.substr(colon + 2);
    while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
    fields[text.substr(0, colon)] = value;
  }
  return fields;
}

std::string lower_hex(ByteView bytes) {
  std::string text = to_hex(bytes);
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

TEST(OsmoAucGen, AgreesOnRandomSubscribers) {
  if (!osmo_auc_gen_available()) GTEST_SKIP() << "osmo-auc-gen is not installed";
  for (int i = 0; i < kRandomCases; ++i) {
    SecretBytes k(crypto::random_bytes(16));
    SecretBytes opc(crypto::random_bytes(16));
    Bytes rand = crypto::random_bytes(16);
    Bytes amf = crypto::random_bytes(2);
    // osmo-auc-gen takes SQN as a decimal number.
    std::uint64_t sqn = sqn_value(crypto::random_bytes(6));

    Milenage milenage = Milenage::with_opc(k, opc);
    AuthenticationVector vector = make_vector(milenage, rand, sqn_bytes(sqn), amf);
    auto fields = run_osmo_auc_gen(fmt::format("-3 -a milenage -k {} -o {} -r {} -f {} -s {}",
                                               to_hex(k.view()), to_hex(opc.view()), to_hex(rand),
                                               to_hex(amf), sqn));
    SCOPED_TRACE(fmt::format("case {}: RAND {} SQN {}", i, to_hex(rand), sqn));
    EXPECT_EQ(fields["AUTN"], lower_hex(vector.autn));
    EXPECT_EQ(fields["RES"], lower_hex(vector.xres));
    EXPECT_EQ(fields["CK"], lower_hex(vector.ck.view()));
    EXPECT_EQ(fields["IK"], lower_hex(vector.ik.view()));
    EXPECT_EQ(fields["SRES"], lower_hex(c2_sres(vector.xres)));
    EXPECT_EQ(fields["Kc"], lower_hex(c3_kc(vector.ck, vector.ik).view()));
  }
}

TEST(OsmoAucGen, AgreesWithOpInsteadOfOpc) {
  if (!osmo_auc_gen_available()) GTEST_SKIP() << "osmo-auc-gen is not installed";
  for (int i = 0; i < kRandomCases / 4; ++i) {
    SecretBytes k(crypto::random_bytes(16));
    SecretBytes op(crypto::random_bytes(16));
    Bytes rand = crypto::random_bytes(16);
    Milenage milenage = Milenage::with_op(k, op);
    AuthenticationVector vector = make_vector(milenage, rand, sqn_bytes(42), from_hex("8000"));
    auto fields = run_osmo_auc_gen(fmt::format("-3 -a milenage -k {} -O {} -r {} -f 8000 -s 42",
                                               to_hex(k.view()), to_hex(op.view()), to_hex(rand)));
    EXPECT_EQ(fields["AUTN"], lower_hex(vector.autn)) << "case " << i;
    EXPECT_EQ(fields["RES"], lower_hex(vector.xres)) << "case " << i;
  }
}

TEST(OsmoAucGen, RecoversSqnMsFromOurAuts) {
  if (!osmo_auc_gen_available()) GTEST_SKIP() << "osmo-auc-gen is not installed";
  for (int i = 0; i < kRandomCases; ++i) {
    SecretBytes k(crypto::random_bytes(16));
    SecretBytes opc(crypto::random_bytes(16));
    Bytes rand = crypto::random_bytes(16);
    std::uint64_t sqn_ms = sqn_value(crypto::random_bytes(6));

    Milenage milenage = Milenage::with_opc(k, opc);
    Bytes auts = make_auts(milenage, rand, sqn_bytes(sqn_ms));
    auto fields =
        run_osmo_auc_gen(fmt::format("-3 -a milenage -k {} -o {} -r {} -A {}", to_hex(k.view()),
                                     to_hex(opc.view()), to_hex(rand), to_hex(auts)));
    EXPECT_EQ(fields["SQN.MS"], std::to_string(sqn_ms)) << "case " << i << " AUTS " << to_hex(auts);
  }
}

}  // namespace
}  // namespace uicc::auth
