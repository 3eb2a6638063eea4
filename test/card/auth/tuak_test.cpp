#include "card/auth/tuak.h"

#include <gtest/gtest.h>

#include "card/auth/aka.h"
#include "test/security_domains/vector_file.h"

namespace uicc::auth {
namespace {

const std::filesystem::path kVectors = std::filesystem::path(UICC_TEST_DATA_DIR) / "tuak.vec";

TuakParameters parameters_of(const test::Vector& v) {
  TuakParameters parameters;
  parameters.mac_bits = std::stoul(v.text("MacBits"));
  parameters.res_bits = std::stoul(v.text("ResBits"));
  parameters.ck_bits = std::stoul(v.text("CkBits"));
  parameters.ik_bits = std::stoul(v.text("IkBits"));
  parameters.keccak_iterations = static_cast<unsigned>(std::stoul(v.text("Iterations")));
  return parameters;
}

TEST(Tuak, DerivesTopcOfTestSets) {
  for (const auto& v : test::read_section(kVectors, "TUAK")) {
    SCOPED_TRACE(v.label());
    SecretBytes topc =
        Tuak::derive_topc(v.secret("K"), v.secret("TOP"), parameters_of(v).keccak_iterations);
    EXPECT_EQ(to_hex(topc.view()), to_hex(v.bytes("TOPc")));
  }
}

TEST(Tuak, MatchesTs35233TestSets) {
  for (const auto& v : test::read_section(kVectors, "TUAK")) {
    SCOPED_TRACE(v.label());
    Tuak tuak = Tuak::with_topc(v.secret("K"), v.secret("TOPc"), parameters_of(v));
    Bytes rand = v.bytes("RAND");
    EXPECT_EQ(to_hex(tuak.f1(rand, v.bytes("SQN"), v.bytes("AMF"))), to_hex(v.bytes("f1")));
    EXPECT_EQ(to_hex(tuak.f1_star(rand, v.bytes("SQN"), v.bytes("AMF"))),
              to_hex(v.bytes("f1star")));
    ChallengeOutputs outputs = tuak.f2345(rand);
    EXPECT_EQ(to_hex(outputs.res), to_hex(v.bytes("f2")));
    EXPECT_EQ(to_hex(outputs.ck.view()), to_hex(v.bytes("f3")));
    EXPECT_EQ(to_hex(outputs.ik.view()), to_hex(v.bytes("f4")));
    EXPECT_EQ(to_hex(outputs.ak), to_hex(v.bytes("f5")));
    EXPECT_EQ(to_hex(tuak.f5_star(rand)), to_hex(v.bytes("f5star")));
  }
}

TEST(Tuak, TopGivesSameOutputsAsTopc) {
  for (const auto& v : test::read_section(kVectors, "TUAK")) {
    SCOPED_TRACE(v.label());
    Tuak tuak = Tuak::with_top(v.secret("K"), v.secret("TOP"), parameters_of(v));
    EXPECT_EQ(to_hex(tuak.topc().view()), to_hex(v.bytes("TOPc")));
    EXPECT_EQ(to_hex(tuak.f2345(v.bytes("RAND")).res), to_hex(v.bytes("f2")));
  }
}

TEST(Tuak, AuthenticationRoundTripWithLongMac) {
  // A 256-bit MAC makes AUTN 40 bytes and AUTS 38 bytes.
  auto v = test::read_section(kVectors, "TUAK").back();
  Tuak tuak = Tuak::with_topc(v.secret("K"), v.secret("TOPc"), parameters_of(v));
  AuthenticationVector vector = make_vector(tuak, v.bytes("RAND"), v.bytes("SQN"), v.bytes("AMF"));
  ASSERT_EQ(vector.autn.size(), 40u);
  auto contents = open_autn(tuak, v.bytes("RAND"), vector.autn);
  ASSERT_TRUE(contents);
  EXPECT_EQ(contents->sqn, v.bytes("SQN"));
  Bytes auts = make_auts(tuak, v.bytes("RAND"), v.bytes("SQN"));
  EXPECT_EQ(auts.size(), 38u);
  EXPECT_EQ(open_auts(tuak, v.bytes("RAND"), auts), v.bytes("SQN"));
}

TEST(Tuak, RejectsUndefinedParameters) {
  SecretBytes k(Bytes(16, 1));
  SecretBytes topc(Bytes(32, 2));
  auto with = [&](auto change) {
    TuakParameters parameters;
    change(parameters);
    return Tuak::with_topc(k, topc, parameters);
  };
  EXPECT_THROW(with([](TuakParameters& p) { p.mac_bits = 32; }), std::invalid_argument);
  EXPECT_THROW(with([](TuakParameters& p) { p.mac_bits = 96; }), std::invalid_argument);
  EXPECT_THROW(with([](TuakParameters& p) { p.res_bits = 16; }), std::invalid_argument);
  EXPECT_THROW(with([](TuakParameters& p) { p.ck_bits = 64; }), std::invalid_argument);
  EXPECT_THROW(with([](TuakParameters& p) { p.ik_bits = 512; }), std::invalid_argument);
  EXPECT_THROW(with([](TuakParameters& p) { p.keccak_iterations = 0; }), std::invalid_argument);
  EXPECT_NO_THROW(with([](TuakParameters& p) { p.res_bits = 32; }));
}

TEST(Tuak, RejectsBadSizes) {
  SecretBytes topc(Bytes(32, 2));
  EXPECT_THROW(Tuak::with_topc(SecretBytes(Bytes(24, 1)), topc), std::invalid_argument);
  EXPECT_THROW(Tuak::with_topc(SecretBytes(Bytes(16, 1)), SecretBytes(Bytes(16, 2))),
               std::invalid_argument);
  EXPECT_THROW(Tuak::derive_topc(SecretBytes(Bytes(16, 1)), SecretBytes(Bytes(31, 0))),
               std::invalid_argument);
  Tuak tuak = Tuak::with_topc(SecretBytes(Bytes(32, 1)), topc);
  EXPECT_THROW(tuak.f5_star(Bytes(17, 0)), std::invalid_argument);
  EXPECT_THROW(tuak.f1(Bytes(16, 0), Bytes(6, 0), Bytes(1, 0)), std::invalid_argument);
}

}  // namespace
}  // namespace uicc::auth
