// The USIM part of a profile: identity, authentication credentials, and the files of
// 3GPP TS 31.102 V17 that a terminal reads at attach, under ADF.USIM.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "card/fs/file_system.h"
#include "util/secret.h"
#include "vm/runtime/runtime.h"

namespace uicc::card {

// Milenage of 3GPP TS 35.206 V17 with its operator-configurable constants (§4.1): c1..c5 are
// 128-bit values, r1..r5 rotations in bits.
struct MilenageParameters {
  std::array<Bytes, 5> c;
  std::array<std::uint8_t, 5> r{64, 0, 32, 64, 96};
  static MilenageParameters standard();  // the values TS 35.206 §4.1 proposes
};

// TUAK of 3GPP TS 35.231 V17: Keccak iterations and output sizes in bits.
struct TuakParameters {
  std::uint8_t iterations = 1;
  std::uint16_t mac_bits = 64;   // 64, 128 or 256
  std::uint16_t res_bits = 64;   // 32, 64, 128 or 256
  std::uint16_t ck_bits = 128;   // 128 or 256
  std::uint16_t ik_bits = 128;   // 128 or 256
};

// SQN handling of 3GPP TS 33.102 V17 Annex C.
struct SqnParameters {
  std::uint8_t ind_bits = 5;                  // IND length: 2^5 = 32 SEQ_MS entries
  std::uint64_t delta = std::uint64_t{1} << 28;  // largest accepted jump of SEQ
  std::uint64_t age_limit = 0;                // L; 0 disables the age check
};

struct UsimCredentials {
  enum class Algorithm : std::uint8_t { milenage = 1, tuak = 2 };
  Algorithm algorithm = Algorithm::milenage;
  SecretBytes k;    // 16 bytes (Milenage); 16 or 32 bytes (TUAK)
  SecretBytes op;   // OP or OPc (Milenage, 16 bytes), TOP or TOPc (TUAK, 32 bytes)
  bool op_is_derived = true;  // true: `op` is OPc / TOPc
  MilenageParameters milenage = MilenageParameters::standard();
  TuakParameters tuak;
  SqnParameters sqn;
};

struct UsimProfile {
  Bytes aid;
  std::string imsi;          // 6 to 15 digits
  std::uint8_t mnc_length = 2;
  UsimCredentials credentials;
  std::vector<int> services;  // UST service numbers available
  std::string spn;
  std::string msisdn;         // empty: no number
  std::vector<std::string> emergency_numbers;
};

// 3GPP TS 31.102 Annex A: the USIM AID (RID A000000087, application code 1002, then the
// country and provider fields).
inline const Bytes kDefaultUsimAid = {0xA0, 0x00, 0x00, 0x00, 0x87, 0x10, 0x02, 0xFF,
                                      0xFF, 0xFF, 0xFF, 0x89, 0x07, 0x09, 0x00, 0x00};

// The default card's USIM: test network IMSI 001010000000001 (MCC 001, MNC 01), K and OPc of
// 3GPP TS 35.208 test set 1. Test values only.
UsimProfile default_usim_profile();

// EF.IMSI content (TS 31.102 §4.2.2): length byte, then the digits in BCD with the parity
// nibble. Throws std::invalid_argument naming the value if it is not 6 to 15 digits.
Bytes encode_imsi(std::string_view imsi);

// Creates ADF.USIM under the MF with its EFs.
Handle install_usim_files(FileSystem& fs, Handle mf, const UsimProfile& usim);

// The application-specific install parameters of the USIM applet (see UsimApplet.java): the
// algorithm, K, OP or OPc, the algorithm's constants, the SQN settings and whether 3G
// authentication returns Kc (UST service 27).
Bytes usim_applet_parameters(const UsimProfile& usim);

// Loads the built-in USIM applet's package if absent and installs an instance under the
// USIM's AID, so that the instance owns ADF.USIM. Throws vm::LoadError or vm::RuntimeError.
void install_usim_applet(vm::Runtime& runtime, const UsimProfile& usim);

}  // namespace uicc::card
