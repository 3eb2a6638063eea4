#include "test/vm/runtime/workload.h"

namespace uicc::vm::test {

using O = Opcode;

CapBuilder workload_package() {
  // Locals: 0 data, 1 sorted, 2 i, 3 j, 4 crc, 5 b, 6 t.
  Code c;
  // for (i = 0; i < 64; i++) sorted[i] = (byte)(i * 37 + 11)
  c.op(O::kSconst0).op(O::kSstore2);
  c.label("fill").op(O::kSload2).op(O::kBspush).s1(64).branch(O::kIfScmpgeW, "fill_end");
  c.op(O::kAload1)
      .op(O::kSload2)
      .op(O::kSload2)
      .op(O::kBspush)
      .s1(37)
      .op(O::kSmul)
      .op(O::kBspush)
      .s1(11)
      .op(O::kSadd)
      .op(O::kS2b)
      .op(O::kBastore);
  c.op(O::kSinc).u1(2).s1(1).branch(O::kGotoW, "fill");
  c.label("fill_end");
  // bubble sort
  c.op(O::kSconst0).op(O::kSstore2);
  c.label("outer").op(O::kSload2).op(O::kBspush).s1(63).branch(O::kIfScmpgeW, "outer_end");
  c.op(O::kSconst0).op(O::kSstore3);
  c.label("inner")
      .op(O::kSload3)
      .op(O::kBspush)
      .s1(63)
      .op(O::kSload2)
      .op(O::kSsub)
      .branch(O::kIfScmpgeW, "inner_end");
  c.op(O::kAload1)
      .op(O::kSload3)
      .op(O::kBaload)
      .op(O::kAload1)
      .op(O::kSload3)
      .op(O::kSconst1)
      .op(O::kSadd)
      .op(O::kBaload)
      .branch(O::kIfScmpleW, "no_swap");
  c.op(O::kAload1).op(O::kSload3).op(O::kBaload).op(O::kSstore).u1(6);
  c.op(O::kAload1)
      .op(O::kSload3)
      .op(O::kAload1)
      .op(O::kSload3)
      .op(O::kSconst1)
      .op(O::kSadd)
      .op(O::kBaload)
      .op(O::kBastore);
  c.op(O::kAload1).op(O::kSload3).op(O::kSconst1).op(O::kSadd).op(O::kSload).u1(6).op(O::kBastore);
  c.label("no_swap").op(O::kSinc).u1(3).s1(1).branch(O::kGotoW, "inner");
  c.label("inner_end").op(O::kSinc).u1(2).s1(1).branch(O::kGotoW, "outer");
  c.label("outer_end");
  // CRC-16/CCITT
  c.op(O::kSconstM1).op(O::kSstore).u1(4).op(O::kSconst0).op(O::kSstore2);
  c.label("crc").op(O::kSload2).op(O::kAload0).op(O::kArraylength).branch(O::kIfScmpgeW, "crc_end");
  c.op(O::kSload)
      .u1(4)
      .op(O::kAload0)
      .op(O::kSload2)
      .op(O::kBaload)
      .op(O::kBspush)
      .s1(8)
      .op(O::kSshl)
      .op(O::kSxor)
      .op(O::kSstore)
      .u1(4);
  c.op(O::kSconst0).op(O::kSstore).u1(5);
  c.label("bit").op(O::kSload).u1(5).op(O::kBspush).s1(8).branch(O::kIfScmpgeW, "bit_end");
  c.op(O::kSload).u1(4).branch(O::kIfgeW, "positive");
  c.op(O::kSload)
      .u1(4)
      .op(O::kSconst1)
      .op(O::kSshl)
      .op(O::kSspush)
      .s2(0x1021)
      .op(O::kSxor)
      .op(O::kSstore)
      .u1(4);
  c.branch(O::kGotoW, "next_bit");
  c.label("positive").op(O::kSload).u1(4).op(O::kSconst1).op(O::kSshl).op(O::kSstore).u1(4);
  c.label("next_bit").op(O::kSinc).u1(5).s1(1).branch(O::kGotoW, "bit");
  c.label("bit_end").op(O::kSinc).u1(2).s1(1).branch(O::kGotoW, "crc");
  c.label("crc_end")
      .op(O::kSload)
      .u1(4)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kBaload)
      .op(O::kSadd)
      .op(O::kSreturn);

  CapBuilder b(kWorkloadPackage);
  int method = b.add_method({6, 2, 5, c.take()});
  b.cp_static_method(method);
  return b;
}

std::int16_t workload_native(std::span<const std::int8_t> data, std::span<std::int8_t> sorted) {
  for (std::int16_t i = 0; i < 64; ++i)
    sorted[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(i * 37 + 11);
  for (std::int16_t i = 0; i < 63; ++i) {
    for (std::int16_t j = 0; j < 63 - i; ++j) {
      const auto a = static_cast<std::size_t>(j);
      if (sorted[a] > sorted[a + 1]) std::swap(sorted[a], sorted[a + 1]);
    }
  }
  auto crc = static_cast<std::int16_t>(0xFFFF);
  for (std::int8_t byte : data) {
    crc = static_cast<std::int16_t>(crc ^ static_cast<std::int16_t>(byte << 8));
    for (int b = 0; b < 8; ++b) {
      crc = crc < 0 ? static_cast<std::int16_t>((crc << 1) ^ 0x1021)
                    : static_cast<std::int16_t>(crc << 1);
    }
  }
  return static_cast<std::int16_t>(crc + sorted[0]);
}

}  // namespace uicc::vm::test
