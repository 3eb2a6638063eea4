// TUAK, the Keccak based example set of the 3GPP authentication functions:
// 3GPP TS 35.231 V17.0.0 §6, with 128- or 256-bit K, TOP or TOPc, the operator's output
// lengths and the number of Keccak iterations.
#pragma once

#include <cstddef>

#include "card/auth/algorithm.h"

namespace uicc::auth {

// Output lengths in bits and the number of Keccak-f[1600] iterations, all of which enter the
// INSTANCE byte, so a 128-bit MAC is not a prefix of the 256-bit one.
struct TuakParameters {
  std::size_t mac_bits = 64;       // MAC-A and MAC-S: 64, 128 or 256
  std::size_t res_bits = 64;       // RES: 32, 64, 128 or 256
  std::size_t ck_bits = 128;       // CK: 128 or 256
  std::size_t ik_bits = 128;       // IK: 128 or 256
  unsigned keccak_iterations = 1;  // at least 1
};

class Tuak final : public AkaAlgorithm {
 public:
  static constexpr std::size_t kTopSize = 32;

  // A subscriber with key K (16 or 32 bytes) and the operator's TOPc (32 bytes). Throws
  // std::invalid_argument on any other size, an output length TS 35.231 does not define, or
  // zero iterations.
  static Tuak with_topc(const SecretBytes& k, const SecretBytes& topc,
                        const TuakParameters& parameters = {});
  // A subscriber with key K and the operator's TOP, from which TOPc is derived.
  static Tuak with_top(const SecretBytes& k, const SecretBytes& top,
                       const TuakParameters& parameters = {});
  // Derives TOPc from TOP and K (TS 35.231 §6).
  static SecretBytes derive_topc(const SecretBytes& k, const SecretBytes& top,
                                 unsigned keccak_iterations = 1);

  const SecretBytes& topc() const { return topc_; }
  const TuakParameters& parameters() const { return parameters_; }

  Bytes f1(ByteView rand, ByteView sqn, ByteView amf) const override;
  Bytes f1_star(ByteView rand, ByteView sqn, ByteView amf) const override;
  ChallengeOutputs f2345(ByteView rand) const override;
  Bytes f5_star(ByteView rand) const override;

 private:
  Tuak(const SecretBytes& k, const SecretBytes& topc, const TuakParameters& parameters)
      : k_(k), topc_(topc), parameters_(parameters) {}

  Bytes mac(bool resynchronisation, ByteView rand, ByteView sqn, ByteView amf) const;

  SecretBytes k_;
  SecretBytes topc_;
  TuakParameters parameters_;
};

}  // namespace uicc::auth
