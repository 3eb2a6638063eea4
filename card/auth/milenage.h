// MILENAGE, the AES-128 based example set of the 3GPP authentication functions:
// 3GPP TS 35.206 V17.0.0 §4, with the operator's choice of OP or OPc and of the constants
// c1..c5 and rotations r1..r5.
#pragma once

#include <array>
#include <cstdint>

#include "card/auth/algorithm.h"
#include "util/crypto.h"

namespace uicc::auth {

// The rotation amounts r1..r5 (in bits, 0..127) and the 128-bit constants c1..c5.
// TS 35.206 §4.1 defaults: r = 64, 0, 32, 64, 96; c1 = 0 and c2..c5 with only bit 127, 126,
// 125 or 124 set (the last byte 01, 02, 04, 08).
struct MilenageConstants {
  std::array<unsigned, 5> r = {64, 0, 32, 64, 96};
  std::array<std::array<std::uint8_t, 16>, 5> c = {{
      {},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x08},
  }};
};

class Milenage final : public AkaAlgorithm {
 public:
  static constexpr std::size_t kKeySize = 16;
  static constexpr std::size_t kOpSize = 16;

  // A subscriber with key K and the operator's OPc. Throws std::invalid_argument if K or OPc
  // is not 16 bytes or a rotation exceeds 127.
  static Milenage with_opc(const SecretBytes& k, const SecretBytes& opc,
                           const MilenageConstants& constants = {});
  // A subscriber with key K and the operator variant OP, from which OPc is derived.
  static Milenage with_op(const SecretBytes& k, const SecretBytes& op,
                          const MilenageConstants& constants = {});
  // Derives OPc = OP xor E_K(OP) (TS 35.206 §4.1).
  static SecretBytes derive_opc(const SecretBytes& k, const SecretBytes& op);

  const SecretBytes& opc() const { return opc_; }

  Bytes f1(ByteView rand, ByteView sqn, ByteView amf) const override;
  Bytes f1_star(ByteView rand, ByteView sqn, ByteView amf) const override;
  ChallengeOutputs f2345(ByteView rand) const override;
  Bytes f5_star(ByteView rand) const override;

 private:
  using Block = std::array<std::uint8_t, 16>;

  Milenage(const SecretBytes& k, const SecretBytes& opc, const MilenageConstants& constants);

  // OUT1 of TS 35.206 §4.1: f1 is its first half, f1* its second.
  Block out1(ByteView rand, ByteView sqn, ByteView amf) const;
  // TEMP = E_K(RAND xor OPc).
  Block temp(ByteView rand) const;
  // OUTi = E_K(rot(TEMP xor OPc, ri) xor ci) xor OPc for i = 2..5.
  Block out(const Block& temp, std::size_t i) const;

  crypto::AesBlockEncryptor cipher_;
  SecretBytes opc_;
  MilenageConstants constants_;
};

}  // namespace uicc::auth
