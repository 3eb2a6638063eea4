#include "card/auth/aka.h"

#include <stdexcept>

#include <fmt/format.h>

#include "util/crypto.h"

namespace uicc::auth {

namespace {

constexpr std::uint64_t kSqnMask = (std::uint64_t{1} << 48) - 1;

void check_size(ByteView value, std::size_t expected, std::string_view name) {
  if (value.size() != expected) {
    throw std::invalid_argument(
        fmt::format("invalid {} length {} bytes: expected {}", name, value.size(), expected));
  }
}

}  // namespace

AuthenticationVector make_vector(const AkaAlgorithm& algorithm, ByteView rand, ByteView sqn,
                                 ByteView amf) {
  check_size(sqn, kSqnSize, "SQN");
  Bytes mac_a = algorithm.f1(rand, sqn, amf);
  ChallengeOutputs outputs = algorithm.f2345(rand);

  AuthenticationVector vector;
  vector.rand.assign(rand.begin(), rand.end());
  vector.xres = std::move(outputs.res);
  vector.ck = std::move(outputs.ck);
  vector.ik = std::move(outputs.ik);
  vector.autn = crypto::xor_bytes(sqn, outputs.ak);
  append(vector.autn, amf);
  append(vector.autn, mac_a);
  return vector;
}

std::optional<AutnContents> open_autn(const AkaAlgorithm& algorithm, ByteView rand, ByteView autn) {
  if (autn.size() <= kSqnSize + kAmfSize) {
    throw std::invalid_argument(fmt::format("invalid AUTN length {} bytes", autn.size()));
  }
  ChallengeOutputs outputs = algorithm.f2345(rand);
  AutnContents contents;
  contents.sqn = crypto::xor_bytes(autn.first(kSqnSize), outputs.ak);
  contents.amf.assign(autn.begin() + kSqnSize, autn.begin() + kSqnSize + kAmfSize);

  Bytes xmac = algorithm.f1(rand, contents.sqn, contents.amf);
  ByteView mac = autn.subspan(kSqnSize + kAmfSize);
  if (mac.size() != xmac.size()) {
    throw std::invalid_argument(fmt::format("invalid AUTN length {} bytes: expected {}",
                                            autn.size(), kSqnSize + kAmfSize + xmac.size()));
  }
  if (!constant_time_equal(mac, xmac)) return std::nullopt;
  return contents;
}

Bytes make_auts(const AkaAlgorithm& algorithm, ByteView rand, ByteView sqn_ms) {
  check_size(sqn_ms, kSqnSize, "SQN_MS");
  static constexpr std::uint8_t kDummyAmf[kAmfSize] = {0x00, 0x00};
  Bytes auts = crypto::xor_bytes(sqn_ms, algorithm.f5_star(rand));
  append(auts, algorithm.f1_star(rand, sqn_ms, kDummyAmf));
  return auts;
}

std::optional<Bytes> open_auts(const AkaAlgorithm& algorithm, ByteView rand, ByteView auts) {
  if (auts.size() <= kSqnSize) {
    throw std::invalid_argument(fmt::format("invalid AUTS length {} bytes", auts.size()));
  }
  static constexpr std::uint8_t kDummyAmf[kAmfSize] = {0x00, 0x00};
  Bytes sqn_ms = crypto::xor_bytes(auts.first(kSqnSize), algorithm.f5_star(rand));
  Bytes xmac = algorithm.f1_star(rand, sqn_ms, kDummyAmf);
  ByteView mac = auts.subspan(kSqnSize);
  if (mac.size() != xmac.size()) {
    throw std::invalid_argument(fmt::format("invalid AUTS length {} bytes: expected {}",
                                            auts.size(), kSqnSize + xmac.size()));
  }
  if (!constant_time_equal(mac, xmac)) return std::nullopt;
  return sqn_ms;
}

Bytes c2_sres(ByteView res) {
  if (res.size() < 4 || res.size() > 16) {
    throw std::invalid_argument(
        fmt::format("invalid RES length {} bytes for c2: expected 4 to 16", res.size()));
  }
  Bytes sres(4, 0);
  for (std::size_t i = 0; i < res.size(); ++i) sres[i % 4] ^= res[i];
  return sres;
}

SecretBytes c3_kc(const SecretBytes& ck, const SecretBytes& ik) {
  check_size(ck.view(), 16, "CK for c3");
  check_size(ik.view(), 16, "IK for c3");
  SecretBytes kc(8);
  for (std::size_t i = 0; i < 8; ++i) {
    kc.data()[i] = static_cast<std::uint8_t>(ck.data()[i] ^ ck.data()[i + 8] ^ ik.data()[i] ^
                                             ik.data()[i + 8]);
  }
  return kc;
}

SecretBytes c4_ck(const SecretBytes& kc) {
  check_size(kc.view(), 8, "Kc for c4");
  SecretBytes ck(16);
  for (std::size_t i = 0; i < 16; ++i) ck.data()[i] = kc.data()[i % 8];
  return ck;
}

SecretBytes c5_ik(const SecretBytes& kc) {
  check_size(kc.view(), 8, "Kc for c5");
  SecretBytes ik(16);
  for (std::size_t i = 0; i < 4; ++i) {
    auto folded = static_cast<std::uint8_t>(kc.data()[i] ^ kc.data()[i + 4]);
    ik.data()[i] = folded;
    ik.data()[i + 12] = folded;
  }
  for (std::size_t i = 0; i < 8; ++i) ik.data()[i + 4] = kc.data()[i];
  return ik;
}

std::uint64_t sqn_value(ByteView sqn) {
  check_size(sqn, kSqnSize, "SQN");
  std::uint64_t value = 0;
  for (std::uint8_t byte : sqn) value = (value << 8) | byte;
  return value;
}

Bytes sqn_bytes(std::uint64_t value) {
  if (value > kSqnMask) {
    throw std::invalid_argument(fmt::format("SQN {} does not fit in 48 bits", value));
  }
  Bytes sqn(kSqnSize);
  for (std::size_t i = 0; i < kSqnSize; ++i) {
    sqn[kSqnSize - 1 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return sqn;
}

SqnFreshness::SqnFreshness(const SqnPolicy& policy) : policy_(policy) {
  if (policy.ind_bits > 16) {
    throw std::invalid_argument(
        fmt::format("invalid IND length {} bits: expected at most 16", policy.ind_bits));
  }
  seq_ms_.assign(std::size_t{1} << policy.ind_bits, 0);
}

bool SqnFreshness::accept(std::uint64_t sqn) {
  if (sqn > kSqnMask) return false;
  std::uint64_t seq = sqn >> policy_.ind_bits;
  std::size_t ind = static_cast<std::size_t>(sqn & ((std::uint64_t{1} << policy_.ind_bits) - 1));
  std::uint64_t highest_seq = highest_ >> policy_.ind_bits;

  // TS 33.102 Annex C.2.2: the optional jump and age limits apply before the array check.
  if (policy_.delta != 0 && seq > highest_seq && seq - highest_seq > policy_.delta) return false;
  if (policy_.age_limit != 0 && highest_seq > seq && highest_seq - seq >= policy_.age_limit) {
    return false;
  }
  if (seq <= seq_ms_[ind]) return false;

  seq_ms_[ind] = seq;
  if (sqn > highest_) highest_ = sqn;
  return true;
}

}  // namespace uicc::auth
