#include "card/auth/tuak.h"

#include <array>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "card/auth/keccak.h"

namespace uicc::auth {

namespace {

using State = std::array<std::uint8_t, kKeccakStateSize>;

// TS 35.231 §6: the algorithm name that enters every permutation input.
constexpr std::string_view kAlgorithmName = "TUAK1.0";

// Byte offsets of the fields in the 200-byte permutation input (TS 35.231 §6).
constexpr std::size_t kTopOffset = 0;
constexpr std::size_t kInstanceOffset = 32;
constexpr std::size_t kNameOffset = 33;
constexpr std::size_t kRandOffset = 40;
constexpr std::size_t kAmfOffset = 56;
constexpr std::size_t kSqnOffset = 58;
constexpr std::size_t kKeyOffset = 64;
constexpr std::size_t kPaddingStart = 96;
constexpr std::size_t kPaddingEnd = 135;

// Byte offsets of the outputs in the permutation output.
constexpr std::size_t kResOffset = 0;
constexpr std::size_t kMacOffset = 0;
constexpr std::size_t kCkOffset = 32;
constexpr std::size_t kIkOffset = 64;
constexpr std::size_t kAkOffset = 96;

// INSTANCE values (TS 35.231 §6): 0x80 marks f1* and f5*, 0x40 the f2..f5 family, 0x38 codes
// the MAC or RES length, 0x04 and 0x02 mark a 256-bit CK and IK, 0x01 a 256-bit K.
constexpr std::uint8_t kResynchronisation = 0x80;
constexpr std::uint8_t kKeyGeneration = 0x40;
constexpr std::uint8_t kCk256 = 0x04;
constexpr std::uint8_t kIk256 = 0x02;
constexpr std::uint8_t kK256 = 0x01;

void check_size(ByteView value, std::size_t expected, std::string_view name) {
  if (value.size() != expected) {
    throw std::invalid_argument(
        fmt::format("invalid {} length {} bytes: expected {}", name, value.size(), expected));
  }
}

void check_key(const SecretBytes& k) {
  if (k.size() != 16 && k.size() != 32) {
    throw std::invalid_argument(
        fmt::format("invalid TUAK K length {} bytes: expected 16 or 32", k.size()));
  }
}

// The INSTANCE bits that code a MAC or RES length.
std::uint8_t length_code(std::size_t bits) {
  switch (bits) {
    case 32:
      return 0x00;
    case 64:
      return 0x08;
    case 128:
      return 0x10;
    case 256:
      return 0x20;
    default:
      throw std::invalid_argument(fmt::format("invalid TUAK output length {} bits", bits));
  }
}

// TS 35.231 numbers the bits of IN from the least significant end of each value, and Keccak
// reads each byte least significant bit first, so a big-endian field enters byte-reversed.
void put_reversed(State& state, std::size_t offset, ByteView value) {
  for (std::size_t i = 0; i < value.size(); ++i) state[offset + i] = value[value.size() - 1 - i];
}

Bytes get_reversed(const State& state, std::size_t offset, std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = state[offset + size - 1 - i];
  return out;
}

// Fills the fields common to every function: TOP or TOPc, INSTANCE, the algorithm name, K
// and the padding, then runs the permutation the configured number of times.
class Permutation {
 public:
  Permutation(ByteView top, std::uint8_t instance, const SecretBytes& k) {
    put_reversed(state_, kTopOffset, top);
    state_[kInstanceOffset] = static_cast<std::uint8_t>(instance | (k.size() == 32 ? kK256 : 0));
    put_reversed(state_, kNameOffset,
                 ByteView(reinterpret_cast<const std::uint8_t*>(kAlgorithmName.data()),
                          kAlgorithmName.size()));
    put_reversed(state_, kKeyOffset, k.view());
    state_[kPaddingStart] = 0x1F;
    state_[kPaddingEnd] = 0x80;
  }
  ~Permutation() { OPENSSL_cleanse(state_.data(), state_.size()); }
  Permutation(const Permutation&) = delete;
  Permutation& operator=(const Permutation&) = delete;

  void put(std::size_t offset, ByteView value) { put_reversed(state_, offset, value); }
  void run(unsigned iterations) {
    for (unsigned i = 0; i < iterations; ++i) keccak_f1600(state_);
  }
  Bytes get(std::size_t offset, std::size_t size) const {
    return get_reversed(state_, offset, size);
  }

 private:
  State state_{};
};

void check_parameters(const TuakParameters& parameters) {
  length_code(parameters.mac_bits);
  length_code(parameters.res_bits);
  if (parameters.mac_bits == 32) {
    throw std::invalid_argument("invalid TUAK MAC length 32 bits: expected 64, 128 or 256");
  }
  for (std::size_t bits : {parameters.ck_bits, parameters.ik_bits}) {
    if (bits != 128 && bits != 256) {
      throw std::invalid_argument(
          fmt::format("invalid TUAK CK or IK length {} bits: expected 128 or 256", bits));
    }
  }
  if (parameters.keccak_iterations == 0) {
    throw std::invalid_argument("invalid TUAK Keccak iteration count 0: expected at least 1");
  }
}

}  // namespace

Tuak Tuak::with_topc(const SecretBytes& k, const SecretBytes& topc,
                     const TuakParameters& parameters) {
  check_key(k);
  check_size(topc.view(), kTopSize, "TUAK TOPc");
  check_parameters(parameters);
  return Tuak(k, topc, parameters);
}

Tuak Tuak::with_top(const SecretBytes& k, const SecretBytes& top,
                    const TuakParameters& parameters) {
  check_parameters(parameters);
  return with_topc(k, derive_topc(k, top, parameters.keccak_iterations), parameters);
}

SecretBytes Tuak::derive_topc(const SecretBytes& k, const SecretBytes& top,
                              unsigned keccak_iterations) {
  check_key(k);
  check_size(top.view(), kTopSize, "TUAK TOP");
  if (keccak_iterations == 0) {
    throw std::invalid_argument("invalid TUAK Keccak iteration count 0: expected at least 1");
  }
  Permutation permutation(top.view(), 0x00, k);
  permutation.run(keccak_iterations);
  Bytes topc = permutation.get(kTopOffset, kTopSize);
  SecretBytes result(topc);
  OPENSSL_cleanse(topc.data(), topc.size());
  return result;
}

Bytes Tuak::mac(bool resynchronisation, ByteView rand, ByteView sqn, ByteView amf) const {
  check_size(rand, kRandSize, "RAND");
  check_size(sqn, kSqnSize, "SQN");
  check_size(amf, kAmfSize, "AMF");
  std::uint8_t instance = length_code(parameters_.mac_bits);
  if (resynchronisation) instance |= kResynchronisation;

  Permutation permutation(topc_.view(), instance, k_);
  permutation.put(kRandOffset, rand);
  permutation.put(kAmfOffset, amf);
  permutation.put(kSqnOffset, sqn);
  permutation.run(parameters_.keccak_iterations);
  return permutation.get(kMacOffset, parameters_.mac_bits / 8);
}

Bytes Tuak::f1(ByteView rand, ByteView sqn, ByteView amf) const {
  return mac(false, rand, sqn, amf);
}

Bytes Tuak::f1_star(ByteView rand, ByteView sqn, ByteView amf) const {
  return mac(true, rand, sqn, amf);
}

ChallengeOutputs Tuak::f2345(ByteView rand) const {
  check_size(rand, kRandSize, "RAND");
  std::uint8_t instance = kKeyGeneration | length_code(parameters_.res_bits);
  if (parameters_.ck_bits == 256) instance |= kCk256;
  if (parameters_.ik_bits == 256) instance |= kIk256;

  Permutation permutation(topc_.view(), instance, k_);
  permutation.put(kRandOffset, rand);
  permutation.run(parameters_.keccak_iterations);

  ChallengeOutputs outputs;
  outputs.res = permutation.get(kResOffset, parameters_.res_bits / 8);
  Bytes ck = permutation.get(kCkOffset, parameters_.ck_bits / 8);
  Bytes ik = permutation.get(kIkOffset, parameters_.ik_bits / 8);
  outputs.ck = SecretBytes(ck);
  outputs.ik = SecretBytes(ik);
  OPENSSL_cleanse(ck.data(), ck.size());
  OPENSSL_cleanse(ik.data(), ik.size());
  outputs.ak = permutation.get(kAkOffset, kAkSize);
  return outputs;
}

Bytes Tuak::f5_star(ByteView rand) const {
  check_size(rand, kRandSize, "RAND");
  Permutation permutation(topc_.view(), kResynchronisation | kKeyGeneration, k_);
  permutation.put(kRandOffset, rand);
  permutation.run(parameters_.keccak_iterations);
  return permutation.get(kAkOffset, kAkSize);
}

}  // namespace uicc::auth
