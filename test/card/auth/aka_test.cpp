#include "card/auth/aka.h"

#include <gtest/gtest.h>

#include "card/auth/milenage.h"
#include "test/security_domains/vector_file.h"

namespace uicc::auth {
namespace {

const std::filesystem::path kData = std::filesystem::path(UICC_TEST_DATA_DIR);

Milenage test_set_1() {
  auto v = test::read_section(kData / "milenage.vec", "MILENAGE").front();
  return Milenage::with_opc(v.secret("K"), v.secret("OPc"));
}

TEST(Auts, MatchesPublishedAndOsmoAucGenValues) {
  for (const auto& v : test::read_section(kData / "auts.vec", "AUTS")) {
    SCOPED_TRACE(v.label());
    Milenage milenage = Milenage::with_opc(v.secret("K"), v.secret("OPc"));
    EXPECT_EQ(to_hex(make_auts(milenage, v.bytes("RAND"), v.bytes("SQN_MS"))),
              to_hex(v.bytes("AUTS")));
    EXPECT_EQ(open_auts(milenage, v.bytes("RAND"), v.bytes("AUTS")), v.bytes("SQN_MS"));
  }
}

TEST(Auts, RejectsBrokenMacS) {
  auto v = test::read_section(kData / "auts.vec", "AUTS").front();
  Milenage milenage = Milenage::with_opc(v.secret("K"), v.secret("OPc"));
  Bytes auts = v.bytes("AUTS");
  auts.back() ^= 0x01;
  EXPECT_FALSE(open_auts(milenage, v.bytes("RAND"), auts));
  EXPECT_THROW(open_auts(milenage, v.bytes("RAND"), Bytes(13, 0)), std::invalid_argument);
}

TEST(Autn, OpensWhatMakeVectorBuilds) {
  Milenage milenage = test_set_1();
  Bytes rand = from_hex("23553cbe9637a89d218ae64dae47bf35");
  AuthenticationVector vector =
      make_vector(milenage, rand, from_hex("000000000021"), from_hex("8000"));
  auto contents = open_autn(milenage, rand, vector.autn);
  ASSERT_TRUE(contents);
  EXPECT_EQ(to_hex(contents->sqn), "000000000021");
  EXPECT_EQ(to_hex(contents->amf), "8000");
}

TEST(Autn, ReportsMacFailure) {
  Milenage milenage = test_set_1();
  Bytes rand = from_hex("23553cbe9637a89d218ae64dae47bf35");
  Bytes autn = from_hex("55f328b43577b9b94a9ffac354dfafb3");
  ASSERT_TRUE(open_autn(milenage, rand, autn));
  for (std::size_t i : {0u, 6u, 15u}) {
    Bytes broken = autn;
    broken[i] ^= 0x40;
    EXPECT_FALSE(open_autn(milenage, rand, broken)) << "flipped byte " << i;
  }
  EXPECT_THROW(open_autn(milenage, rand, Bytes(15, 0)), std::invalid_argument);
  EXPECT_THROW(open_autn(milenage, rand, Bytes(8, 0)), std::invalid_argument);
}

TEST(GsmConversion, C2FoldsResOfAnyLength) {
  EXPECT_EQ(to_hex(c2_sres(from_hex("a54211d5e3ba50bf"))), "46F8416A");
  EXPECT_EQ(to_hex(c2_sres(from_hex("01020304"))), "01020304");
  EXPECT_EQ(to_hex(c2_sres(from_hex("0102030405"))), "04020304");
  EXPECT_EQ(to_hex(c2_sres(from_hex("00000001000000020000000400000008"))), "0000000F");
  EXPECT_THROW(c2_sres(from_hex("010203")), std::invalid_argument);
  EXPECT_THROW(c2_sres(Bytes(17, 0)), std::invalid_argument);
}

TEST(GsmConversion, C3C4C5) {
  SecretBytes ck(from_hex("b40ba9a3c58b2a05bbf0d987b21bf8cb"));
  SecretBytes ik(from_hex("f769bcd751044604127672711c6d3441"));
  SecretBytes kc = c3_kc(ck, ik);
  EXPECT_EQ(to_hex(kc.view()), "EAE4BE823AF9A08B");
  EXPECT_EQ(to_hex(c4_ck(kc).view()), "EAE4BE823AF9A08BEAE4BE823AF9A08B");
  // Kc1 xor Kc2 = EAE4BE82 xor 3AF9A08B = D01D1E09.
  EXPECT_EQ(to_hex(c5_ik(kc).view()), "D01D1E09EAE4BE823AF9A08BD01D1E09");
  EXPECT_THROW(c3_kc(SecretBytes(Bytes(32, 0)), ik), std::invalid_argument);
  EXPECT_THROW(c4_ck(SecretBytes(Bytes(16, 0))), std::invalid_argument);
}

TEST(Sqn, ConvertsBetweenBytesAndValue) {
  EXPECT_EQ(sqn_value(from_hex("ff9bb4d0b607")), 0xff9bb4d0b607u);
  EXPECT_EQ(to_hex(sqn_bytes(0x21)), "000000000021");
  EXPECT_THROW(sqn_bytes(std::uint64_t{1} << 48), std::invalid_argument);
  EXPECT_THROW(sqn_value(Bytes(5, 0)), std::invalid_argument);
}

TEST(SqnFreshness, AcceptsEachIndOnceAndInOrder) {
  SqnFreshness freshness;
  // SQN = SEQ << 5 | IND with the default 5-bit IND.
  EXPECT_TRUE(freshness.accept((1u << 5) | 0));
  EXPECT_FALSE(freshness.accept((1u << 5) | 0));  // replay
  EXPECT_TRUE(freshness.accept((1u << 5) | 1));   // same SEQ, another IND
  EXPECT_TRUE(freshness.accept((3u << 5) | 0));
  EXPECT_FALSE(freshness.accept((2u << 5) | 0));  // older than SEQ_MS(0)
  EXPECT_TRUE(freshness.accept((2u << 5) | 2));   // but fresh for IND 2
  EXPECT_EQ(freshness.highest_accepted(), (3u << 5) | 0);
}

TEST(SqnFreshness, RejectsSeqZeroAndOversizedSqn) {
  SqnFreshness freshness;
  EXPECT_FALSE(freshness.accept(0x1F));  // SEQ 0 is never greater than the initial SEQ_MS
  EXPECT_FALSE(freshness.accept(std::uint64_t{1} << 48));
  EXPECT_EQ(freshness.highest_accepted(), 0u);
}

TEST(SqnFreshness, AppliesDeltaAndAgeLimits) {
  SqnPolicy policy;
  policy.delta = 100;
  policy.age_limit = 10;
  SqnFreshness freshness(policy);
  EXPECT_TRUE(freshness.accept(50u << 5));
  EXPECT_FALSE(freshness.accept((151u << 5) | 1));  // jumps 101 ahead
  EXPECT_TRUE(freshness.accept((150u << 5) | 1));   // jumps exactly delta
  EXPECT_FALSE(freshness.accept((140u << 5) | 2));  // 10 behind: too old
  EXPECT_TRUE(freshness.accept((141u << 5) | 2));   // 9 behind
}

TEST(SqnFreshness, RejectsTooLongInd) {
  SqnPolicy policy;
  policy.ind_bits = 17;
  EXPECT_THROW(SqnFreshness{policy}, std::invalid_argument);
}

}  // namespace
}  // namespace uicc::auth
