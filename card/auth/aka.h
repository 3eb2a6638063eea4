// Authentication and key agreement around an f1..f5* algorithm set: the authentication token
// AUTN, its check on the USIM, the resynchronisation token AUTS, the sequence number
// freshness scheme, and the GSM conversion functions c2 to c5.
// 3GPP TS 33.102 V17.0.0 §6.3, §6.8.1.2 and Annex C.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "card/auth/algorithm.h"

namespace uicc::auth {

inline constexpr std::size_t kAutsSize = kSqnSize + 8;  // with a 64-bit MAC-S

// One authentication vector of the AuC: RAND, XRES, CK, IK and AUTN (TS 33.102 §6.3.2).
struct AuthenticationVector {
  Bytes rand;
  Bytes xres;
  SecretBytes ck;
  SecretBytes ik;
  Bytes autn;
};

// Builds AUTN = (SQN xor AK) || AMF || MAC-A and the rest of the vector for `rand`.
AuthenticationVector make_vector(const AkaAlgorithm& algorithm, ByteView rand, ByteView sqn,
                                 ByteView amf);

// The fields a USIM recovers from AUTN after the MAC check.
struct AutnContents {
  Bytes sqn;
  Bytes amf;
};

// The USIM's check of AUTN (TS 33.102 §6.3.3): unconceals SQN with AK and verifies MAC-A in
// constant time. Returns nullopt on a MAC failure, which the USIM reports with 9862. The
// freshness of SQN is the caller's check (SqnFreshness). Throws std::invalid_argument if
// AUTN is not 8 bytes plus the algorithm's MAC length.
std::optional<AutnContents> open_autn(const AkaAlgorithm& algorithm, ByteView rand, ByteView autn);

// The USIM's AUTS = (SQN_MS xor AK*) || MAC-S with MAC-S = f1*(SQN_MS || RAND || AMF*) and the
// dummy AMF* = 0000 (TS 33.102 §6.3.3).
Bytes make_auts(const AkaAlgorithm& algorithm, ByteView rand, ByteView sqn_ms);

// The AuC's check of AUTS (TS 33.102 §6.3.5): returns SQN_MS if MAC-S verifies, else nullopt.
std::optional<Bytes> open_auts(const AkaAlgorithm& algorithm, ByteView rand, ByteView auts);

// c2: SRES from RES of 4 to 16 bytes, the XOR of the four 32-bit words of RES padded with
// zeros to 128 bits. Throws std::invalid_argument on another RES length.
Bytes c2_sres(ByteView res);
// c3: Kc = CK1 xor CK2 xor IK1 xor IK2 over the 64-bit halves of 16-byte CK and IK.
SecretBytes c3_kc(const SecretBytes& ck, const SecretBytes& ik);
// c4: CK = Kc || Kc.
SecretBytes c4_ck(const SecretBytes& kc);
// c5: IK = (Kc1 xor Kc2) || Kc || (Kc1 xor Kc2), with Kc1 and Kc2 the 32-bit halves of Kc.
SecretBytes c5_ik(const SecretBytes& kc);

// SQN as the 48-bit number it codes, and back.
std::uint64_t sqn_value(ByteView sqn);
Bytes sqn_bytes(std::uint64_t value);

// The USIM's sequence number check of TS 33.102 Annex C.2: SQN = SEQ || IND, one SEQ_MS per
// IND value, an optional limit on how far SEQ may jump ahead (delta, C.2.2) and an optional
// limit on the age of SEQ (L, C.2.2). A value of 0 disables a limit.
struct SqnPolicy {
  unsigned ind_bits = 5;        // length of IND; 2^ind_bits array entries (at most 16 bits)
  std::uint64_t delta = 0;      // largest accepted SEQ - SEQ_MS, or 0 for no limit
  std::uint64_t age_limit = 0;  // L: accept only SEQ_MS - SEQ < L, or 0 for no limit
};

class SqnFreshness {
 public:
  explicit SqnFreshness(const SqnPolicy& policy = {});

  // Accepts SQN and records its SEQ for its IND if it is fresh. Returns false, recording
  // nothing, if the USIM must report a synchronisation failure.
  bool accept(std::uint64_t sqn);
  // SQN_MS for AUTS: the highest SQN accepted so far (SEQ and IND), 0 before any.
  std::uint64_t highest_accepted() const { return highest_; }

 private:
  SqnPolicy policy_;
  std::vector<std::uint64_t> seq_ms_;
  std::uint64_t highest_ = 0;
};

}  // namespace uicc::auth
