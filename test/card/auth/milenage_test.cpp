#include "card/auth/milenage.h"

#include <gtest/gtest.h>

#include "card/auth/aka.h"
#include "test/security_domains/vector_file.h"

namespace uicc::auth {
namespace {

const std::filesystem::path kVectors = std::filesystem::path(UICC_TEST_DATA_DIR) / "milenage.vec";

TEST(Milenage, DerivesOpcOfTestSets) {
  for (const auto& v : test::read_section(kVectors, "MILENAGE")) {
    SCOPED_TRACE(v.label());
    EXPECT_EQ(to_hex(Milenage::derive_opc(v.secret("K"), v.secret("OP")).view()),
              to_hex(v.bytes("OPc")));
  }
}

TEST(Milenage, MatchesTs35208TestSets) {
  for (const auto& v : test::read_section(kVectors, "MILENAGE")) {
    SCOPED_TRACE(v.label());
    Milenage milenage = Milenage::with_opc(v.secret("K"), v.secret("OPc"));
    Bytes rand = v.bytes("RAND");
    EXPECT_EQ(to_hex(milenage.f1(rand, v.bytes("SQN"), v.bytes("AMF"))), to_hex(v.bytes("f1")));
    EXPECT_EQ(to_hex(milenage.f1_star(rand, v.bytes("SQN"), v.bytes("AMF"))),
              to_hex(v.bytes("f1star")));
    ChallengeOutputs outputs = milenage.f2345(rand);
    EXPECT_EQ(to_hex(outputs.res), to_hex(v.bytes("f2")));
    EXPECT_EQ(to_hex(outputs.ck.view()), to_hex(v.bytes("f3")));
    EXPECT_EQ(to_hex(outputs.ik.view()), to_hex(v.bytes("f4")));
    EXPECT_EQ(to_hex(outputs.ak), to_hex(v.bytes("f5")));
    EXPECT_EQ(to_hex(milenage.f5_star(rand)), to_hex(v.bytes("f5star")));
  }
}

TEST(Milenage, OpGivesSameOutputsAsOpc) {
  for (const auto& v : test::read_section(kVectors, "MILENAGE")) {
    SCOPED_TRACE(v.label());
    Milenage milenage = Milenage::with_op(v.secret("K"), v.secret("OP"));
    EXPECT_EQ(to_hex(milenage.opc().view()), to_hex(v.bytes("OPc")));
    EXPECT_EQ(to_hex(milenage.f2345(v.bytes("RAND")).res), to_hex(v.bytes("f2")));
  }
}

TEST(Milenage, BuildsAutnAndGsmValuesOfTestSets) {
  for (const auto& v : test::read_section(kVectors, "MILENAGE")) {
    SCOPED_TRACE(v.label());
    Milenage milenage = Milenage::with_opc(v.secret("K"), v.secret("OPc"));
    AuthenticationVector vector =
        make_vector(milenage, v.bytes("RAND"), v.bytes("SQN"), v.bytes("AMF"));
    EXPECT_EQ(to_hex(vector.autn), to_hex(v.bytes("AUTN")));
    EXPECT_EQ(to_hex(c2_sres(vector.xres)), to_hex(v.bytes("SRES")));
    EXPECT_EQ(to_hex(c3_kc(vector.ck, vector.ik).view()), to_hex(v.bytes("Kc")));
  }
}

TEST(Milenage, DefaultConstantsMatchTs35206) {
  MilenageConstants constants;
  EXPECT_EQ(constants.r, (std::array<unsigned, 5>{64, 0, 32, 64, 96}));
  EXPECT_EQ(to_hex(constants.c[0]), "00000000000000000000000000000000");
  EXPECT_EQ(to_hex(constants.c[1]), "00000000000000000000000000000001");
  EXPECT_EQ(to_hex(constants.c[2]), "00000000000000000000000000000002");
  EXPECT_EQ(to_hex(constants.c[3]), "00000000000000000000000000000004");
  EXPECT_EQ(to_hex(constants.c[4]), "00000000000000000000000000000008");
}

TEST(Milenage, OperatorConstantsChangeOutputs) {
  auto v = test::read_section(kVectors, "MILENAGE").front();
  MilenageConstants custom;
  custom.r[1] = 8;
  custom.c[1][0] = 0x80;
  Milenage standard = Milenage::with_opc(v.secret("K"), v.secret("OPc"));
  Milenage variant = Milenage::with_opc(v.secret("K"), v.secret("OPc"), custom);
  Bytes rand = v.bytes("RAND");
  EXPECT_NE(standard.f2345(rand).res, variant.f2345(rand).res);
  // Only r2 and c2 changed, so CK (from r3 and c3) stays the same.
  EXPECT_EQ(standard.f2345(rand).ck, variant.f2345(rand).ck);
}

TEST(Milenage, HonoursOperatorRotations) {
  for (const auto& v : test::read_section(kVectors, "MILENAGE-R2")) {
    SCOPED_TRACE(v.label());
    MilenageConstants constants;
    constants.r[1] = static_cast<unsigned>(std::stoul(v.text("R2")));
    Milenage milenage = Milenage::with_opc(v.secret("K"), v.secret("OPc"), constants);
    ChallengeOutputs outputs = milenage.f2345(v.bytes("RAND"));
    EXPECT_EQ(to_hex(outputs.res), to_hex(v.bytes("f2")));
    EXPECT_EQ(to_hex(outputs.ak), to_hex(v.bytes("f5")));
  }
}

TEST(Milenage, RejectsBadSizes) {
  SecretBytes k(Bytes(16, 1));
  SecretBytes opc(Bytes(16, 2));
  EXPECT_THROW(Milenage::with_opc(SecretBytes(Bytes(32, 1)), opc), std::invalid_argument);
  EXPECT_THROW(Milenage::with_opc(k, SecretBytes(Bytes(15, 2))), std::invalid_argument);
  MilenageConstants bad;
  bad.r[4] = 128;
  EXPECT_THROW(Milenage::with_opc(k, opc, bad), std::invalid_argument);

  Milenage milenage = Milenage::with_opc(k, opc);
  EXPECT_THROW(milenage.f2345(Bytes(15, 0)), std::invalid_argument);
  EXPECT_THROW(milenage.f1(Bytes(16, 0), Bytes(5, 0), Bytes(2, 0)), std::invalid_argument);
  EXPECT_THROW(milenage.f1(Bytes(16, 0), Bytes(6, 0), Bytes(3, 0)), std::invalid_argument);
}

}  // namespace
}  // namespace uicc::auth
