// The 3GPP authentication and key generation functions f1, f1*, f2, f3, f4, f5 and f5* as one
// interface, implemented by Milenage (TS 35.206) and TUAK (TS 35.231). Sizes follow
// 3GPP TS 33.102 V17.0.0 §6.3: RAND 16 bytes, SQN 6 bytes, AMF 2 bytes, AK 6 bytes.
#pragma once

#include <cstddef>

#include "util/bytes.h"
#include "util/secret.h"

namespace uicc::auth {

inline constexpr std::size_t kRandSize = 16;
inline constexpr std::size_t kSqnSize = 6;
inline constexpr std::size_t kAmfSize = 2;
inline constexpr std::size_t kAkSize = 6;

// The outputs of f2, f3, f4 and f5, which depend on RAND alone.
struct ChallengeOutputs {
  Bytes res;       // f2: RES (XRES on the network side)
  SecretBytes ck;  // f3: cipher key
  SecretBytes ik;  // f4: integrity key
  Bytes ak;        // f5: anonymity key, 6 bytes
};

class AkaAlgorithm {
 public:
  virtual ~AkaAlgorithm() = default;

  // f1: the network authentication code MAC-A.
  virtual Bytes f1(ByteView rand, ByteView sqn, ByteView amf) const = 0;
  // f1*: the resynchronisation authentication code MAC-S.
  virtual Bytes f1_star(ByteView rand, ByteView sqn, ByteView amf) const = 0;
  // f2 to f5 in one pass, as both algorithm sets compute them.
  virtual ChallengeOutputs f2345(ByteView rand) const = 0;
  // f5*: the anonymity key that conceals SQN_MS in AUTS.
  virtual Bytes f5_star(ByteView rand) const = 0;
};

}  // namespace uicc::auth
