#include "card/auth/milenage.h"

#include <stdexcept>

#include <fmt/format.h>
#include <openssl/crypto.h>

namespace uicc::auth {

namespace {

void check_size(ByteView value, std::size_t expected, std::string_view name) {
  if (value.size() != expected) {
    throw std::invalid_argument(
        fmt::format("invalid {} length {} bytes: expected {}", name, value.size(), expected));
  }
}

// Rotates a 128-bit big-endian value left (towards the most significant bit) by `bits`.
std::array<std::uint8_t, 16> rotate_left(const std::array<std::uint8_t, 16>& x, unsigned bits) {
  std::array<std::uint8_t, 16> out{};
  unsigned byte_shift = bits / 8;
  unsigned bit_shift = bits % 8;
  for (unsigned i = 0; i < 16; ++i) {
    unsigned high = x[(i + byte_shift) % 16];
    unsigned low = x[(i + byte_shift + 1) % 16];
    unsigned value = bit_shift == 0 ? high : (high << bit_shift) | (low >> (8 - bit_shift));
    out[i] = static_cast<std::uint8_t>(value);
  }
  return out;
}

// target ^= source over one 16-byte block.
void xor_into(std::array<std::uint8_t, 16>& target, const std::uint8_t* source) {
  for (std::size_t i = 0; i < 16; ++i) target[i] = static_cast<std::uint8_t>(target[i] ^ source[i]);
}

}  // namespace

Milenage::Milenage(const SecretBytes& k, const SecretBytes& opc, const MilenageConstants& constants)
    : cipher_(k), opc_(opc), constants_(constants) {}

Milenage Milenage::with_opc(const SecretBytes& k, const SecretBytes& opc,
                            const MilenageConstants& constants) {
  check_size(k.view(), kKeySize, "Milenage K");
  check_size(opc.view(), kOpSize, "Milenage OPc");
  for (unsigned r : constants.r) {
    if (r > 127) throw std::invalid_argument(fmt::format("invalid Milenage rotation {}", r));
  }
  return Milenage(k, opc, constants);
}

Milenage Milenage::with_op(const SecretBytes& k, const SecretBytes& op,
                           const MilenageConstants& constants) {
  return with_opc(k, derive_opc(k, op), constants);
}

SecretBytes Milenage::derive_opc(const SecretBytes& k, const SecretBytes& op) {
  check_size(k.view(), kKeySize, "Milenage K");
  check_size(op.view(), kOpSize, "Milenage OP");
  crypto::AesBlockEncryptor cipher(k);
  SecretBytes opc(kOpSize);
  cipher.encrypt(op.data(), opc.data());
  for (std::size_t i = 0; i < kOpSize; ++i) {
    opc.data()[i] = static_cast<std::uint8_t>(opc.data()[i] ^ op.data()[i]);
  }
  return opc;
}

Milenage::Block Milenage::temp(ByteView rand) const {
  check_size(rand, kRandSize, "RAND");
  Block block;
  std::copy(rand.begin(), rand.end(), block.begin());
  xor_into(block, opc_.data());
  cipher_.encrypt(block.data(), block.data());
  return block;
}

Milenage::Block Milenage::out1(ByteView rand, ByteView sqn, ByteView amf) const {
  check_size(sqn, kSqnSize, "SQN");
  check_size(amf, kAmfSize, "AMF");
  Block temp_block = temp(rand);

  // IN1 = SQN || AMF || SQN || AMF; OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor OPc.
  Block in1;
  for (std::size_t half = 0; half < 2; ++half) {
    std::copy(sqn.begin(), sqn.end(), in1.begin() + 8 * half);
    std::copy(amf.begin(), amf.end(), in1.begin() + 8 * half + kSqnSize);
  }
  xor_into(in1, opc_.data());
  Block block = rotate_left(in1, constants_.r[0]);
  xor_into(block, temp_block.data());
  xor_into(block, constants_.c[0].data());
  cipher_.encrypt(block.data(), block.data());
  xor_into(block, opc_.data());

  OPENSSL_cleanse(temp_block.data(), temp_block.size());
  OPENSSL_cleanse(in1.data(), in1.size());
  return block;
}

Milenage::Block Milenage::out(const Block& temp_block, std::size_t i) const {
  Block x = temp_block;
  xor_into(x, opc_.data());
  Block block = rotate_left(x, constants_.r[i - 1]);
  xor_into(block, constants_.c[i - 1].data());
  cipher_.encrypt(block.data(), block.data());
  xor_into(block, opc_.data());
  OPENSSL_cleanse(x.data(), x.size());
  return block;
}

Bytes Milenage::f1(ByteView rand, ByteView sqn, ByteView amf) const {
  Block block = out1(rand, sqn, amf);
  Bytes mac(block.begin(), block.begin() + 8);
  OPENSSL_cleanse(block.data(), block.size());
  return mac;
}

Bytes Milenage::f1_star(ByteView rand, ByteView sqn, ByteView amf) const {
  Block block = out1(rand, sqn, amf);
  Bytes mac(block.begin() + 8, block.end());
  OPENSSL_cleanse(block.data(), block.size());
  return mac;
}

ChallengeOutputs Milenage::f2345(ByteView rand) const {
  Block temp_block = temp(rand);
  ChallengeOutputs outputs;

  // OUT2 contains f5 in bits 0..47 and f2 in bits 64..127.
  Block out2 = out(temp_block, 2);
  outputs.ak.assign(out2.begin(), out2.begin() + kAkSize);
  outputs.res.assign(out2.begin() + 8, out2.end());

  Block out3 = out(temp_block, 3);
  outputs.ck = SecretBytes(ByteView(out3));
  Block out4 = out(temp_block, 4);
  outputs.ik = SecretBytes(ByteView(out4));

  for (Block* block : {&temp_block, &out2, &out3, &out4}) {
    OPENSSL_cleanse(block->data(), block->size());
  }
  return outputs;
}

Bytes Milenage::f5_star(ByteView rand) const {
  Block temp_block = temp(rand);
  Block out5 = out(temp_block, 5);
  Bytes ak(out5.begin(), out5.begin() + kAkSize);
  OPENSSL_cleanse(temp_block.data(), temp_block.size());
  OPENSSL_cleanse(out5.data(), out5.size());
  return ak;
}

}  // namespace uicc::auth
