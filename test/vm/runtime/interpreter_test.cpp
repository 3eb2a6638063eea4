// The interpreter, one test per bytecode group, on packages assembled and loaded through the
// CAP component stream.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/workload.h"

namespace uicc::vm::test {
namespace {

using O = Opcode;

class Interpreter : public VmTest {
 protected:
  // Each call loads a new package, so each needs its own AID.
  std::string next_aid() { return fmt::format("A000000001{:04X}", ++packages_); }
  int packages_ = 0;

  // A package with one static method of `nargs` short arguments.
  Slot run_static(const Code& code, std::vector<Slot> args, std::uint8_t max_stack = 8,
                  std::uint8_t max_locals = 4, bool uses_int = true) {
    CapBuilder builder(next_aid().c_str());
    builder.set_int(uses_int);
    int method = add_static(
        builder, {max_stack, static_cast<std::uint8_t>(args.size()), max_locals, code.take()});
    detail::Package* package = load(builder);
    return call(package, method, std::move(args));
  }

  std::string throws_static(const Code& code, std::vector<Slot> args, std::uint8_t max_stack = 8) {
    CapBuilder builder(next_aid().c_str());
    builder.set_int(true);
    int method =
        add_static(builder, {max_stack, static_cast<std::uint8_t>(args.size()), 4, code.take()});
    detail::Package* package = load(builder);
    return thrown_by(package, method, std::move(args));
  }
};

Slot s(std::int16_t value) {
  return slot_of_short(value);
}
std::int16_t as_short(Slot value) {
  return short_of_slot(value);
}

TEST_F(Interpreter, ShortArithmeticWrapsAt16Bits) {
  Code add;
  add.op(O::kSload0).op(O::kSload1).op(O::kSadd).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(add, {s(32767), s(1)})), -32768);
  Code mul;
  mul.op(O::kSload0).op(O::kSload1).op(O::kSmul).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(mul, {s(300), s(300)})), static_cast<std::int16_t>(90000));
  Code sub_neg;
  sub_neg.op(O::kSload0).op(O::kSload1).op(O::kSsub).op(O::kSneg).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(sub_neg, {s(-32768), s(1)})), -32767);
}

TEST_F(Interpreter, ShortDivisionAndRemainder) {
  Code div;
  div.op(O::kSload0).op(O::kSload1).op(O::kSdiv).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(div, {s(-7), s(2)})), -3);
  EXPECT_EQ(as_short(run_static(div, {s(-32768), s(-1)})), -32768);
  Code rem;
  rem.op(O::kSload0).op(O::kSload1).op(O::kSrem).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(rem, {s(-7), s(2)})), -1);
  EXPECT_EQ(throws_static(div, {s(1), s(0)}), "java/lang/ArithmeticException");
  EXPECT_EQ(throws_static(rem, {s(1), s(0)}), "java/lang/ArithmeticException");
}

TEST_F(Interpreter, ShortShiftsAndLogic) {
  Code shl;
  shl.op(O::kSload0).op(O::kSload1).op(O::kSshl).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(shl, {s(1), s(15)})), -32768);
  EXPECT_EQ(as_short(run_static(shl, {s(1), s(33)})), 2);  // distance masked to 5 bits
  Code shr;
  shr.op(O::kSload0).op(O::kSload1).op(O::kSshr).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(shr, {s(-16), s(2)})), -4);
  Code ushr;
  ushr.op(O::kSload0).op(O::kSload1).op(O::kSushr).op(O::kSreturn);
  // The short is extended to an int first: -16 >>> 2 is 0x3FFFFFFC, truncated to -4.
  EXPECT_EQ(as_short(run_static(ushr, {s(-16), s(2)})), -4);
  EXPECT_EQ(as_short(run_static(ushr, {s(-16), s(20)})), 0x0FFF);
  Code logic;
  logic.op(O::kSload0)
      .op(O::kSload1)
      .op(O::kSand)
      .op(O::kSload1)
      .op(O::kSor)
      .op(O::kSload0)
      .op(O::kSxor)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(logic, {s(0x0F0F), s(0x00FF)})),
            static_cast<std::int16_t>(((0x0F0F & 0x00FF) | 0x00FF) ^ 0x0F0F));
}

TEST_F(Interpreter, IntArithmeticWrapsAt32Bits) {
  Code add;  // (int)a + (int)b * 65536 with a, b shorts
  add.op(O::kSload0)
      .op(O::kS2i)
      .op(O::kSload1)
      .op(O::kS2i)
      .op(O::kSipush)
      .s2(16)
      .op(O::kIshl)
      .op(O::kIadd)
      .op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(add, {s(5), s(32767)})), 5 + 32767 * 65536);
  Code overflow;
  overflow.op(O::kIipush).s4(2147483647).op(O::kIconst1).op(O::kIadd).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(overflow, {})), -2147483647 - 1);
  Code mul;
  mul.op(O::kIipush).s4(65537).op(O::kIipush).s4(65537).op(O::kImul).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(mul, {})), static_cast<std::int32_t>(65537u * 65537u));
  Code min_div;
  min_div.op(O::kIipush).s4(-2147483647 - 1).op(O::kIconstM1).op(O::kIdiv).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(min_div, {})), -2147483647 - 1);
  Code rem;
  rem.op(O::kIipush).s4(-100003).op(O::kBipush).s1(10).op(O::kIrem).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(rem, {})), -3);
  Code div_zero;
  div_zero.op(O::kIconst1).op(O::kIconst0).op(O::kIdiv).op(O::kIreturn);
  EXPECT_EQ(throws_static(div_zero, {}), "java/lang/ArithmeticException");
  Code neg;
  neg.op(O::kSipush).s2(-300).op(O::kIneg).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(neg, {})), 300);
}

TEST_F(Interpreter, IntShiftsAndLogic) {
  Code ushr;
  ushr.op(O::kIconstM1).op(O::kBipush).s1(28).op(O::kIushr).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(ushr, {})), 15);
  Code shr;
  shr.op(O::kIipush).s4(-256).op(O::kBipush).s1(36).op(O::kIshr).op(O::kIreturn);  // 36 & 31 = 4
  EXPECT_EQ(int_of_slot(run_static(shr, {})), -16);
  Code logic;
  logic.op(O::kIipush)
      .s4(0x12345678)
      .op(O::kIipush)
      .s4(0x0F0F0F0F)
      .op(O::kIand)
      .op(O::kIipush)
      .s4(0x10000000)
      .op(O::kIor)
      .op(O::kIipush)
      .s4(-1)
      .op(O::kIxor)
      .op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(logic, {})), ~((0x12345678 & 0x0F0F0F0F) | 0x10000000));
}

TEST_F(Interpreter, Conversions) {
  Code s2b;
  s2b.op(O::kSload0).op(O::kS2b).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(s2b, {s(0x1FF)})), -1);
  Code i2b;
  i2b.op(O::kIipush).s4(0x12345680).op(O::kI2b).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(i2b, {})), -128);
  Code i2s;
  i2s.op(O::kIipush).s4(0x12348001).op(O::kI2s).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(i2s, {})), -32767);
  Code s2i;
  s2i.op(O::kSload0).op(O::kS2i).op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(s2i, {s(-5)})), -5);
}

TEST_F(Interpreter, IcmpAndComparisons) {
  Code icmp;
  icmp.op(O::kSload0).op(O::kS2i).op(O::kSload1).op(O::kS2i).op(O::kIcmp).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(icmp, {s(-1), s(1)})), -1);
  EXPECT_EQ(as_short(run_static(icmp, {s(7), s(7)})), 0);
  EXPECT_EQ(as_short(run_static(icmp, {s(9), s(-9)})), 1);

  // max(a, b) with if_scmplt and a wide goto.
  Code max;
  max.op(O::kSload0)
      .op(O::kSload1)
      .branch(O::kIfScmplt, "b")
      .op(O::kSload0)
      .branch(O::kGotoW, "end")
      .label("b")
      .op(O::kSload1)
      .label("end")
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(max, {s(3), s(9)})), 9);
  EXPECT_EQ(as_short(run_static(max, {s(-3), s(-9)})), -3);

  // Sign of a: ifeq, iflt_w.
  Code sign;
  sign.op(O::kSload0)
      .branch(O::kIfeq, "zero")
      .op(O::kSload0)
      .branch(O::kIfltW, "neg")
      .op(O::kSconst1)
      .op(O::kSreturn)
      .label("zero")
      .op(O::kSconst0)
      .op(O::kSreturn)
      .label("neg")
      .op(O::kSconstM1)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(sign, {s(0)})), 0);
  EXPECT_EQ(as_short(run_static(sign, {s(-4)})), -1);
  EXPECT_EQ(as_short(run_static(sign, {s(4)})), 1);
}

TEST_F(Interpreter, LoopWithSinc) {
  // sum of 1..n with sinc and a backward branch.
  Code sum;
  sum.op(O::kSconst0)
      .op(O::kSstore1)
      .label("loop")
      .op(O::kSload0)
      .branch(O::kIfeq, "done")
      .op(O::kSload1)
      .op(O::kSload0)
      .op(O::kSadd)
      .op(O::kSstore1)
      .op(O::kSinc)
      .u1(0)
      .s1(-1)
      .branch(O::kGoto, "loop")
      .label("done")
      .op(O::kSload1)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(sum, {s(100)})), 5050);
  Code wide;
  wide.op(O::kSload0).op(O::kSincW).u1(0).s2(1000).op(O::kSload0).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(wide, {s(5)})), 1005);
  Code iinc;
  iinc.op(O::kIipush)
      .s4(70000)
      .op(O::kIstore1)
      .op(O::kIinc)
      .u1(1)
      .s1(-5)
      .op(O::kIincW)
      .u1(1)
      .s2(300)
      .op(O::kIload1)
      .op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(iinc, {s(0)})), 70295);
}

TEST_F(Interpreter, TableAndLookupSwitches) {
  Code table;
  const std::size_t at = table.op(O::kSload0).size();
  table.op(O::kStableswitch)
      .offset_to(at, "default")
      .s2(-1)
      .s2(1)
      .offset_to(at, "m1")
      .offset_to(at, "z")
      .offset_to(at, "p1")
      .label("m1")
      .op(O::kBspush)
      .s1(10)
      .op(O::kSreturn)
      .label("z")
      .op(O::kBspush)
      .s1(20)
      .op(O::kSreturn)
      .label("p1")
      .op(O::kBspush)
      .s1(30)
      .op(O::kSreturn)
      .label("default")
      .op(O::kSconst0)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(table, {s(-1)})), 10);
  EXPECT_EQ(as_short(run_static(table, {s(0)})), 20);
  EXPECT_EQ(as_short(run_static(table, {s(1)})), 30);
  EXPECT_EQ(as_short(run_static(table, {s(2)})), 0);
  EXPECT_EQ(as_short(run_static(table, {s(-32768)})), 0);

  Code lookup;
  const std::size_t lat = lookup.op(O::kSload0).size();
  lookup.op(O::kSlookupswitch)
      .offset_to(lat, "default")
      .u2(3)
      .s2(-500)
      .offset_to(lat, "a")
      .s2(7)
      .offset_to(lat, "b")
      .s2(30000)
      .offset_to(lat, "c")
      .label("a")
      .op(O::kSconst1)
      .op(O::kSreturn)
      .label("b")
      .op(O::kSconst2)
      .op(O::kSreturn)
      .label("c")
      .op(O::kSconst3)
      .op(O::kSreturn)
      .label("default")
      .op(O::kSconstM1)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(lookup, {s(-500)})), 1);
  EXPECT_EQ(as_short(run_static(lookup, {s(7)})), 2);
  EXPECT_EQ(as_short(run_static(lookup, {s(30000)})), 3);
  EXPECT_EQ(as_short(run_static(lookup, {s(8)})), -1);

  Code itable;
  const std::size_t iat = itable.op(O::kIipush).size();
  itable.s4(100001);
  const std::size_t sw = itable.size();
  (void)iat;
  itable.op(O::kItableswitch)
      .offset_to(sw, "default")
      .s4(100000)
      .s4(100001)
      .offset_to(sw, "x")
      .offset_to(sw, "y")
      .label("x")
      .op(O::kSconst1)
      .op(O::kSreturn)
      .label("y")
      .op(O::kSconst2)
      .op(O::kSreturn)
      .label("default")
      .op(O::kSconst0)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(itable, {})), 2);

  Code ilookup;
  ilookup.op(O::kIipush).s4(-70000);
  const std::size_t isw = ilookup.size();
  ilookup.op(O::kIlookupswitch)
      .offset_to(isw, "default")
      .u2(2)
      .s4(-70000)
      .offset_to(isw, "x")
      .s4(70000)
      .offset_to(isw, "y")
      .label("x")
      .op(O::kSconst1)
      .op(O::kSreturn)
      .label("y")
      .op(O::kSconst2)
      .op(O::kSreturn)
      .label("default")
      .op(O::kSconst0)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(ilookup, {})), 1);
}

TEST_F(Interpreter, JsrAndRet) {
  // A subroutine that doubles local 1, called twice.
  Code code;
  code.op(O::kSload0)
      .op(O::kSstore1)
      .branch(O::kJsr, "sub")
      .branch(O::kJsr, "sub")
      .op(O::kSload1)
      .op(O::kSreturn)
      .label("sub")
      .op(O::kAstore2)
      .op(O::kSload1)
      .op(O::kSload1)
      .op(O::kSadd)
      .op(O::kSstore1)
      .op(O::kRet)
      .u1(2);
  EXPECT_EQ(as_short(run_static(code, {s(3)})), 12);
}

TEST_F(Interpreter, StackManipulation) {
  Code dup;  // a * a + a with dup and dup2
  dup.op(O::kSload0).op(O::kDup).op(O::kSmul).op(O::kSload0).op(O::kSadd).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(dup, {s(5)})), 30);
  Code dup_x;  // a, b -> b, a, b then a - b ... : dup_x 0x12 gives b a b; ssub -> b (a - b)
  dup_x.op(O::kSload0)
      .op(O::kSload1)
      .op(O::kDupX)
      .u1(0x12)
      .op(O::kSsub)
      .op(O::kSmul)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(dup_x, {s(10), s(3)})), 3 * (10 - 3));
  Code swap;  // a, b -> b, a; then b - a
  swap.op(O::kSload0).op(O::kSload1).op(O::kSwapX).u1(0x11).op(O::kSsub).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(swap, {s(10), s(3)})), 3 - 10);
  Code pops;
  pops.op(O::kSload0)
      .op(O::kSconst1)
      .op(O::kSconst2)
      .op(O::kPop2)
      .op(O::kSconst3)
      .op(O::kPop)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(pops, {s(42)})), 42);
  Code swap_int;  // int 5, short 7 -> swap_x 0x12: 7, int 5; pop int, return 7
  swap_int.op(O::kIconst5).op(O::kBspush).s1(7).op(O::kSwapX).u1(0x12).op(O::kPop2).op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(swap_int, {})), 7);
}

TEST_F(Interpreter, ArraysOfEveryType) {
  Code bytes;  // new byte[4]; b[3] = 0x80; return b[3] + length
  bytes.op(O::kSconst4)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kAstore1)
      .op(O::kAload1)
      .op(O::kSconst3)
      .op(O::kSipush)
      .s2(0x180)
      .op(O::kI2b)
      .op(O::kBastore)
      .op(O::kAload1)
      .op(O::kSconst3)
      .op(O::kBaload)
      .op(O::kAload1)
      .op(O::kArraylength)
      .op(O::kSadd)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(bytes, {s(0)})), -128 + 4);

  Code shorts;
  shorts.op(O::kSconst2)
      .op(O::kNewarray)
      .u1(12)
      .op(O::kAstore1)
      .op(O::kAload1)
      .op(O::kSconst1)
      .op(O::kSspush)
      .s2(-12345)
      .op(O::kSastore)
      .op(O::kAload1)
      .op(O::kSconst1)
      .op(O::kSaload)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(shorts, {s(0)})), -12345);

  Code ints;
  ints.op(O::kSconst2)
      .op(O::kNewarray)
      .u1(13)
      .op(O::kAstore1)
      .op(O::kAload1)
      .op(O::kSconst1)
      .op(O::kIipush)
      .s4(-1234567)
      .op(O::kIastore)
      .op(O::kAload1)
      .op(O::kSconst1)
      .op(O::kIaload)
      .op(O::kIreturn);
  EXPECT_EQ(int_of_slot(run_static(ints, {s(0)})), -1234567);

  Code booleans;
  booleans.op(O::kSconst1)
      .op(O::kNewarray)
      .u1(10)
      .op(O::kAstore1)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kSconst1)
      .op(O::kBastore)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kBaload)
      .op(O::kSreturn);
  EXPECT_EQ(as_short(run_static(booleans, {s(0)})), 1);
}

TEST_F(Interpreter, ArrayTrapsBecomeJavaExceptions) {
  Code out_of_bounds;
  out_of_bounds.op(O::kSconst2)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kSload0)
      .op(O::kBaload)
      .op(O::kSreturn);
  EXPECT_EQ(throws_static(out_of_bounds, {s(2)}), "java/lang/ArrayIndexOutOfBoundsException");
  EXPECT_EQ(throws_static(out_of_bounds, {s(-1)}), "java/lang/ArrayIndexOutOfBoundsException");
  Code negative;
  negative.op(O::kSload0).op(O::kNewarray).u1(12).op(O::kArraylength).op(O::kSreturn);
  EXPECT_EQ(throws_static(negative, {s(-1)}), "java/lang/NegativeArraySizeException");
  Code null_array;
  null_array.op(O::kAconstNull).op(O::kArraylength).op(O::kSreturn);
  EXPECT_EQ(throws_static(null_array, {}), "java/lang/NullPointerException");
  // A short array read with baload: the element type is checked at run time.
  Code wrong_type;
  wrong_type.op(O::kSconst2).op(O::kNewarray).u1(12).op(O::kSconst0).op(O::kBaload).op(O::kSreturn);
  EXPECT_EQ(throws_static(wrong_type, {}), "java/lang/SecurityException");
}

// The benchmark's workload gives the same result on the VM as in C++; the CRC part alone
// matches the CRC-16/CCITT (FFFF initial value) check value 29B1 of "123456789".
TEST_F(Interpreter, BenchmarkWorkloadMatchesNative) {
  CapBuilder builder = workload_package();
  detail::Package* package = load(builder);
  machine().context_ = package->context;
  Ref data =
      machine().new_transient_array(ArrayType::byte_array, 255, TransientEvent::clear_on_reset);
  Ref sorted =
      machine().new_transient_array(ArrayType::byte_array, 64, TransientEvent::clear_on_reset);
  machine().context_ = kJcreContext;
  std::vector<std::int8_t> native_data(255);
  for (std::size_t i = 0; i < native_data.size(); ++i) {
    native_data[i] = static_cast<std::int8_t>(i);
    store_->write(data, static_cast<std::uint32_t>(i), Bytes{static_cast<std::uint8_t>(i)});
  }
  std::vector<std::int8_t> native_sorted(64);
  const std::int16_t expected = workload_native(native_data, native_sorted);
  EXPECT_EQ(short_of_slot(call(package, 0, {data, sorted})), expected);
  EXPECT_EQ(store_->view(sorted)[0], static_cast<std::uint8_t>(native_sorted[0]));

  std::string check = "123456789";
  std::vector<std::int8_t> check_data(check.begin(), check.end());
  std::vector<std::int8_t> scratch(64);
  const std::int16_t crc_plus_min = workload_native(check_data, scratch);
  EXPECT_EQ(static_cast<std::uint16_t>(crc_plus_min - scratch[0]), 0x29B1);
}

}  // namespace
}  // namespace uicc::vm::test
