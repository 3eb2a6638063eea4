// AUTHENTICATE on the USIM applet, running on the VM: the 3GPP test sets through the APDU,
// with the C++ reference algorithms of card/auth (an independent implementation) for the
// values the sets do not print.
#include <gtest/gtest.h>

#include <filesystem>

#include "card/auth/milenage.h"
#include "card/auth/tuak.h"
#include "card/card.h"
#include "test/card/card_helpers.h"
#include "test/security_domains/vector_file.h"

namespace uicc::card {
namespace {

using testing::send;
using testing::sw_of;

const std::filesystem::path kVectors = std::filesystem::path(UICC_SOURCE_DIR) / "test/card/auth/data";
constexpr const char* kSelectUsim = "00A4040C07A0000000871002";
constexpr std::uint64_t kNoDeltaLimit = (std::uint64_t{1} << 48) - 1;

Bytes xor_bytes(ByteView a, ByteView b) {
  Bytes out(a.begin(), a.end());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] ^= b[i];
  return out;
}

std::string authenticate_3g(ByteView rand, ByteView autn) {
  return fmt::format("00880081{:02X}10{}{:02X}{}00", 2 + rand.size() + autn.size(), to_hex(rand),
                     autn.size(), to_hex(autn));
}

std::string authenticate_gsm(ByteView rand) { return fmt::format("008800801110{}00", to_hex(rand)); }

CardOptions options_for(const UsimCredentials& credentials) {
  CardOptions options;
  options.profile.usim->credentials = credentials;
  options.profile.usim->credentials.sqn.delta = kNoDeltaLimit;
  return options;
}

UsimCredentials milenage_credentials(const test::Vector& v, bool use_op) {
  UsimCredentials c;
  c.algorithm = UsimCredentials::Algorithm::milenage;
  c.k = v.secret("K");
  c.op = use_op ? v.secret("OP") : v.secret("OPc");
  c.op_is_derived = !use_op;
  return c;
}

// TS 33.102 §6.8.1.2: c3, Kc from CK and IK.
Bytes kc_of(ByteView ck, ByteView ik) {
  Bytes kc(8, 0);
  for (std::size_t i = 0; i < ck.size(); ++i) kc[i % 8] ^= ck[i];
  for (std::size_t i = 0; i < ik.size(); ++i) kc[i % 8] ^= ik[i];
  return kc;
}

TEST(UsimAuthenticate, MilenageTestSets) {
  for (const auto& v : test::read_section(kVectors / "milenage.vec", "MILENAGE")) {
    for (bool use_op : {false, true}) {
      SCOPED_TRACE(v.label() + (use_op ? " with OP" : " with OPc"));
      Card card(options_for(milenage_credentials(v, use_op)));
      card.power_on();
      ASSERT_EQ(sw_of(card, kSelectUsim), 0x9000);

      auto reply = send(card, authenticate_3g(v.bytes("RAND"), v.bytes("AUTN")));
      ASSERT_EQ(reply.sw, 0x9000);
      std::string expected = "DB08" + to_hex(v.bytes("f2")) + "10" + to_hex(v.bytes("f3")) + "10" +
                             to_hex(v.bytes("f4")) + "08" + to_hex(v.bytes("Kc"));
      EXPECT_EQ(to_hex(reply.data), expected);

      auto gsm = send(card, authenticate_gsm(v.bytes("RAND")));
      ASSERT_EQ(gsm.sw, 0x9000);
      EXPECT_EQ(to_hex(gsm.data), "04" + to_hex(v.bytes("SRES")) + "08" + to_hex(v.bytes("Kc")));
    }
  }
}

TEST(UsimAuthenticate, ReplayGivesAutsForTheAcceptedSqn) {
  for (const auto& v : test::read_section(kVectors / "milenage.vec", "MILENAGE")) {
    SCOPED_TRACE(v.label());
    Card card(options_for(milenage_credentials(v, false)));
    card.power_on();
    send(card, kSelectUsim);
    ASSERT_EQ(send(card, authenticate_3g(v.bytes("RAND"), v.bytes("AUTN"))).sw, 0x9000);

    auto replay = send(card, authenticate_3g(v.bytes("RAND"), v.bytes("AUTN")));
    ASSERT_EQ(replay.sw, 0x9000);
    // AUTS = SQN_MS xor AK* || MAC-S, MAC-S = f1*(SQN_MS, RAND, AMF* = 0000) (TS 33.102 §6.3.3).
    auto reference = auth::Milenage::with_opc(v.secret("K"), v.secret("OPc"));
    Bytes mac_s = reference.f1_star(v.bytes("RAND"), v.bytes("SQN"), from_hex("0000"));
    std::string expected = "DC0E" + to_hex(xor_bytes(v.bytes("SQN"), v.bytes("f5star"))) + to_hex(mac_s);
    EXPECT_EQ(to_hex(replay.data), expected);
  }
}

TEST(UsimAuthenticate, TuakTestSets) {
  for (const auto& v : test::read_section(kVectors / "tuak.vec", "TUAK")) {
    SCOPED_TRACE(v.label());
    UsimCredentials c;
    c.algorithm = UsimCredentials::Algorithm::tuak;
    c.k = v.secret("K");
    c.op = v.secret("TOP");
    c.op_is_derived = false;
    c.tuak.iterations = static_cast<std::uint8_t>(std::stoi(v.text("Iterations")));
    c.tuak.mac_bits = static_cast<std::uint16_t>(std::stoi(v.text("MacBits")));
    c.tuak.res_bits = static_cast<std::uint16_t>(std::stoi(v.text("ResBits")));
    c.tuak.ck_bits = static_cast<std::uint16_t>(std::stoi(v.text("CkBits")));
    c.tuak.ik_bits = static_cast<std::uint16_t>(std::stoi(v.text("IkBits")));
    Card card(options_for(c));
    card.power_on();
    ASSERT_EQ(sw_of(card, kSelectUsim), 0x9000);

    Bytes autn = xor_bytes(v.bytes("SQN"), v.bytes("f5"));
    append(autn, v.bytes("AMF"));
    append(autn, v.bytes("f1"));
    auto reply = send(card, authenticate_3g(v.bytes("RAND"), autn));
    ASSERT_EQ(reply.sw, 0x9000);
    Bytes res = v.bytes("f2");
    Bytes ck = v.bytes("f3");
    Bytes ik = v.bytes("f4");
    std::string expected = fmt::format("DB{:02X}{}{:02X}{}{:02X}{}08{}", res.size(), to_hex(res), ck.size(), to_hex(ck),
                                       ik.size(), to_hex(ik), to_hex(kc_of(ck, ik)));
    EXPECT_EQ(to_hex(reply.data), expected);

    // The replay is stale; AUTS carries f5* and f1* of the reference implementation.
    auto replay = send(card, authenticate_3g(v.bytes("RAND"), autn));
    ASSERT_EQ(replay.sw, 0x9000);
    auth::TuakParameters parameters;
    parameters.keccak_iterations = c.tuak.iterations;
    parameters.mac_bits = c.tuak.mac_bits;
    parameters.res_bits = c.tuak.res_bits;
    parameters.ck_bits = c.tuak.ck_bits;
    parameters.ik_bits = c.tuak.ik_bits;
    auto reference = auth::Tuak::with_topc(v.secret("K"), v.secret("TOPc"), parameters);
    Bytes auts = xor_bytes(v.bytes("SQN"), v.bytes("f5star"));
    append(auts, reference.f1_star(v.bytes("RAND"), v.bytes("SQN"), from_hex("0000")));
    EXPECT_EQ(to_hex(replay.data), fmt::format("DC{:02X}{}", auts.size(), to_hex(auts)));
  }
}

class UsimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    card.power_on();
    ASSERT_EQ(sw_of(card, kSelectUsim), 0x9000);
  }
  Card card;  // the default profile: TS 35.208 test set 1 with SQN delta 2^28
  const Bytes rand = from_hex("23553cbe9637a89d218ae64dae47bf35");
};

// A challenge of test set 1 with SQN `sqn` and AMF 8000, built with the reference Milenage.
Bytes autn_for(ByteView sqn, ByteView rand) {
  auto reference = auth::Milenage::with_opc(SecretBytes(from_hex("465b5ce8b199b49faa5f0a2ee238a6bc")),
                                           SecretBytes(from_hex("cd63cb71954a9f4e48a5994e37a02baf")));
  Bytes ak = reference.f2345(rand).ak;
  Bytes autn = xor_bytes(sqn, ak);
  append(autn, from_hex("8000"));
  append(autn, reference.f1(rand, sqn, from_hex("8000")));
  return autn;
}

TEST_F(UsimTest, WrongMacGives9862AndKeepsState) {
  Bytes autn = autn_for(from_hex("000000000021"), rand);
  autn.back() ^= 0x01;
  auto reply = send(card, authenticate_3g(rand, autn));
  EXPECT_EQ(reply.sw, 0x9862);
  EXPECT_TRUE(reply.data.empty());
  autn.back() ^= 0x01;
  EXPECT_EQ(send(card, authenticate_3g(rand, autn)).data.front(), 0xDB);
}

// SQN = SEQ || IND with 5 IND bits (TS 33.102 Annex C.1.1): 0x41 is SEQ 2 at IND 1.
std::string sqn_of(std::uint64_t seq, std::uint64_t ind) {
  std::uint64_t sqn = (seq << 5) | ind;
  return fmt::format("{:012X}", sqn);
}

TEST_F(UsimTest, SequenceNumbersFollowAnnexC) {
  auto run = [&](std::uint64_t seq, std::uint64_t ind) {
    return send(card, authenticate_3g(rand, autn_for(from_hex(sqn_of(seq, ind)), rand)));
  };
  EXPECT_EQ(run(2, 1).data.front(), 0xDB);
  // C.2.2: another IND keeps its own SEQ_MS, so a lower SEQ is fresh there.
  EXPECT_EQ(run(1, 2).data.front(), 0xDB);
  // Not above SEQ_MS(1) = 2: resynchronisation with SQN_MS = the highest accepted SQN.
  auto stale = run(2, 1);
  ASSERT_EQ(stale.data.front(), 0xDC);
  auto reference = auth::Milenage::with_opc(SecretBytes(from_hex("465b5ce8b199b49faa5f0a2ee238a6bc")),
                                           SecretBytes(from_hex("cd63cb71954a9f4e48a5994e37a02baf")));
  Bytes sqn_ms = xor_bytes(ByteView(stale.data).subspan(2, 6), reference.f5_star(rand));
  EXPECT_EQ(to_hex(sqn_ms), sqn_of(2, 1));
  EXPECT_EQ(run(3, 1).data.front(), 0xDB);
  // C.2.1: a jump of more than delta (2^28) beyond the highest SEQ is refused.
  EXPECT_EQ(run(3 + (std::uint64_t{1} << 28) + 1, 0).data.front(), 0xDC);
  EXPECT_EQ(run(3 + (std::uint64_t{1} << 28), 0).data.front(), 0xDB);
}

TEST(UsimSequenceNumbers, AgeLimit) {
  CardOptions options;
  options.profile.usim->credentials.sqn.age_limit = 2;
  Card card(options);
  card.power_on();
  send(card, kSelectUsim);
  Bytes rand = from_hex("23553cbe9637a89d218ae64dae47bf35");
  auto run = [&](std::uint64_t seq, std::uint64_t ind) {
    return send(card, authenticate_3g(rand, autn_for(from_hex(sqn_of(seq, ind)), rand))).data.front();
  };
  EXPECT_EQ(run(3, 0), 0xDB);
  // C.2.3: SEQ_MS - SEQ must stay below L = 2.
  EXPECT_EQ(run(1, 3), 0xDC);
  EXPECT_EQ(run(2, 4), 0xDB);
}

TEST_F(UsimTest, CommandErrors) {
  Bytes autn = autn_for(from_hex("000000000021"), rand);
  const std::string good = authenticate_3g(rand, autn);
  auto with = [&](std::size_t position, std::string_view replacement) {
    std::string apdu = good;
    apdu.replace(position, replacement.size(), replacement);
    return apdu;
  };
  EXPECT_EQ(sw_of(card, with(6, "82")), 0x6A86);   // context 82 is not offered
  EXPECT_EQ(sw_of(card, with(4, "01")), 0x6A86);   // P1 must be 00
  EXPECT_EQ(sw_of(card, with(44, "0F")), 0x6A80);  // AUTN length byte
  EXPECT_EQ(sw_of(card, with(10, "11")), 0x6A80);  // RAND length byte
  EXPECT_EQ(sw_of(card, with(0, "80")), 0x6E00);   // a proprietary class
  EXPECT_EQ(sw_of(card, "0088008111" "10" + to_hex(rand) + "00"), 0x6700);  // 3G without AUTN
  EXPECT_EQ(sw_of(card, "0088008012" "10" + to_hex(rand) + "FF00"), 0x6700);  // GSM with one byte too many
  EXPECT_EQ(sw_of(card, "00CA000000"), 0x6D00);  // an instruction the USIM does not know
}

TEST(UsimPin, AuthenticateNeedsPin1) {
  CardOptions options;
  options.profile.pins[0].enabled = true;  // PIN1 0000
  Card card(options);
  card.power_on();
  send(card, kSelectUsim);
  Bytes rand = from_hex("23553cbe9637a89d218ae64dae47bf35");
  std::string apdu = authenticate_3g(rand, autn_for(from_hex("000000000021"), rand));
  EXPECT_EQ(sw_of(card, apdu), 0x6982);
  EXPECT_EQ(sw_of(card, "0020000108" "30303030FFFFFFFF"), 0x9000);
  EXPECT_EQ(send(card, apdu).data.front(), 0xDB);
}

}  // namespace
}  // namespace uicc::card

namespace uicc::card {
namespace {

// A power cut at each persistent write of a successful 3G AUTHENTICATE: after the card comes
// back, the same challenge is either accepted (nothing of the SQN update survived) or stale
// with SQN_MS equal to its SQN (all of it survived), never a mixture (TS 33.102 Annex C.2.2:
// SEQ_MS(IND) and the highest accepted SQN change together).
TEST(UsimTearing, SqnUpdateIsAllOrNothing) {
  const Bytes rand = from_hex("23553cbe9637a89d218ae64dae47bf35");
  const Bytes sqn = from_hex("000000000041");
  const std::string apdu = authenticate_3g(rand, autn_for(sqn, rand));
  auto path = std::filesystem::temp_directory_path() / ("uicc-usim-tearing-" + std::to_string(::getpid()) + ".img");

  std::uint64_t writes = 0;
  {
    std::filesystem::remove(path);
    Card card(testing::image_options(path));
    card.power_on();
    send(card, kSelectUsim);
    std::uint64_t before = card.store().write_count();
    ASSERT_EQ(send(card, apdu).data.front(), 0xDB);
    writes = card.store().write_count() - before;
  }
  ASSERT_GT(writes, 1u);

  int accepted = 0;
  int stale = 0;
  for (std::uint64_t cut = 1; cut <= writes; ++cut) {
    SCOPED_TRACE(fmt::format("power cut after write {} of {}", cut, writes));
    std::filesystem::remove(path);
    {
      Card card(testing::image_options(path));
      card.power_on();
      send(card, kSelectUsim);
      card.store().cut_power_after(cut);
      EXPECT_THROW(card.transmit(from_hex(apdu)), store::PowerLoss);
    }
    Card card(testing::image_options(path));
    card.power_on();
    send(card, kSelectUsim);
    auto reply = send(card, apdu);
    ASSERT_EQ(reply.sw, 0x9000);
    if (reply.data.front() == 0xDB) {
      ++accepted;
      continue;
    }
    ASSERT_EQ(reply.data.front(), 0xDC);
    ++stale;
    auto reference = auth::Milenage::with_opc(SecretBytes(from_hex("465b5ce8b199b49faa5f0a2ee238a6bc")),
                                             SecretBytes(from_hex("cd63cb71954a9f4e48a5994e37a02baf")));
    EXPECT_EQ(to_hex(xor_bytes(ByteView(reply.data).subspan(2, 6), reference.f5_star(rand))), to_hex(sqn));
  }
  std::filesystem::remove(path);
  // Cuts before the commit record leave the old state, cuts after it the new one.
  EXPECT_GT(accepted, 0);
  EXPECT_GT(stale, 0);
  RecordProperty("cut_points", static_cast<int>(writes));
}

}  // namespace
}  // namespace uicc::card
