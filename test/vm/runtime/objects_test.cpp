// Classes and objects in bytecode: instance layouts with inherited fields, every field form,
// static fields and their initial values, virtual, special, static and interface invocation,
// casts, and exceptions caught in the same frame, in an outer frame or not at all.
#include <gtest/gtest.h>

#include "test/vm/runtime/vm_fixture.h"

namespace uicc::vm::test {
namespace {

using O = Opcode;

// Package p: class A (fields: ref 0, short 1, byte 2; get() returns the short), class B
// extends A (an int field; get() returns twice the short), interface I with value(), class C
// implements I.
class Objects : public VmTest {
 protected:
  void SetUp() override {
    lang_ = builder_.import_package(kJavaLang, 1, 0);
    object_init_ = builder_.cp_external_static_method(lang_, api::lang::kObject, 0);

    // Field references name classes by their index, A = 0 and B = 1, as added below.
    f_ref_ = builder_.cp_instance_field(0, 0);
    f_short_ = builder_.cp_instance_field(0, 1);
    f_byte_ = builder_.cp_instance_field(0, 2);
    f_int_ = builder_.cp_instance_field(1, 0);
    const auto f_short = static_cast<std::uint8_t>(f_short_);
    m_a_get_ = builder_.add_method(
        {1, 1, 0, Code().op(O::kGetfieldSThis, f_short).op(O::kSreturn).take()});
    m_b_get_ = builder_.add_method({2, 1, 0,
                                    Code()
                                        .op(O::kAload0)
                                        .op(O::kGetfieldS, f_short)
                                        .op(O::kSconst2)
                                        .op(O::kSmul)
                                        .op(O::kSreturn)
                                        .take()});
    m_c_value_ = builder_.add_method({1, 1, 0, Code().op(O::kSconst5).op(O::kSreturn).take()});

    ClassSpec a;
    a.super_class = cap::ClassRef::external(lang_, api::lang::kObject);
    a.declared_instance_size = 3;
    a.first_reference_token = 0;
    a.reference_count = 1;
    a.public_base = 1;
    a.public_methods = {m_a_get_};
    class_a_ = builder_.add_class(a);
    ClassSpec b;
    b.internal_super = class_a_;
    b.declared_instance_size = 2;
    b.public_base = 1;
    b.public_methods = {m_b_get_};
    class_b_ = builder_.add_class(b);
    ClassSpec i;
    i.is_interface = true;
    interface_i_ = builder_.add_class(i);
    ClassSpec c;
    c.super_class = cap::ClassRef::external(lang_, api::lang::kObject);
    c.public_base = 1;
    c.public_methods = {m_c_value_};
    c.interfaces.push_back({{}, interface_i_, {1}});
    class_c_ = builder_.add_class(c);

    cp_a_ = builder_.cp_class(class_a_);
    cp_b_ = builder_.cp_class(class_b_);
    cp_c_ = builder_.cp_class(class_c_);
    cp_i_ = builder_.cp_class(interface_i_);
    v_get_ = builder_.cp_virtual_method(class_a_, 1);
    // Static fields: an initialized byte array, a reference, a short, a byte with value 0x55.
    builder_.set_static_fields(7, 2, 2, Bytes{0x55});
    builder_.add_array_init(cap::array_init_type::kByte, Bytes{1, 2, 3});
    s_array_ = builder_.cp_static_field(0);
    s_ref_ = builder_.cp_static_field(2);
    s_short_ = builder_.cp_static_field(4);
    s_byte_ = builder_.cp_static_field(6);
    npe_ = builder_.cp_external_class(lang_, api::lang::kNullPointerException);
    arithmetic_ = builder_.cp_external_class(lang_, api::lang::kArithmeticException);
    throwable_ = builder_.cp_external_class(lang_, api::lang::kThrowable);
    exception_ = builder_.cp_external_class(lang_, 2);
  }

  // `new <class>` with the java.lang.Object constructor, left on the stack.
  Code& construct(Code& code, std::uint16_t cp_class) {
    return code.op2(O::kNew, cp_class).op(O::kDup).op2(O::kInvokespecial, object_init_);
  }

  detail::Package* load_package() { return load(builder_); }

  CapBuilder builder_{"A00000000201"};
  std::uint8_t lang_ = 0;
  std::uint16_t object_init_ = 0;
  int m_a_get_ = 0, m_b_get_ = 0, m_c_value_ = 0;
  int class_a_ = 0, class_b_ = 0, class_c_ = 0, interface_i_ = 0;
  std::uint16_t cp_a_ = 0, cp_b_ = 0, cp_c_ = 0, cp_i_ = 0;
  std::uint16_t f_ref_ = 0, f_short_ = 0, f_byte_ = 0, f_int_ = 0, v_get_ = 0;
  std::uint16_t s_array_ = 0, s_ref_ = 0, s_short_ = 0, s_byte_ = 0;
  std::uint16_t npe_ = 0, arithmetic_ = 0, throwable_ = 0, exception_ = 0;
};

TEST_F(Objects, FieldsOfEveryForm) {
  Code code;
  construct(code, cp_b_).op(O::kAstore0);
  code.op(O::kAload0)
      .op(O::kSspush)
      .s2(-300)
      .op(O::kPutfieldS, static_cast<std::uint8_t>(f_short_));
  code.op(O::kAload0).op(O::kSspush).s2(0x1FF).op(O::kPutfieldBW).u2(f_byte_);
  code.op(O::kAload0)
      .op(O::kIipush)
      .s4(100000)
      .op(O::kPutfieldI, static_cast<std::uint8_t>(f_int_));
  code.op(O::kAload0).op(O::kAload0).op(O::kPutfieldA, static_cast<std::uint8_t>(f_ref_));
  // short + byte + (int / 1000) + (ref == this ? 1000 : 0)
  code.op(O::kAload0)
      .op(O::kGetfieldSW)
      .u2(f_short_)
      .op(O::kAload0)
      .op(O::kGetfieldB, static_cast<std::uint8_t>(f_byte_))
      .op(O::kSadd)
      .op(O::kAload0)
      .op(O::kGetfieldIW)
      .u2(f_int_)
      .op(O::kSipush)
      .s2(1000)
      .op(O::kIdiv)
      .op(O::kI2s)
      .op(O::kSadd)
      .op(O::kAload0)
      .op(O::kGetfieldA, static_cast<std::uint8_t>(f_ref_))
      .op(O::kAload0)
      .branch(O::kIfAcmpne, "end")
      .op(O::kSipush)
      .s2(1000)
      .op(O::kI2s)
      .op(O::kSadd)
      .label("end")
      .op(O::kSreturn);
  builder_.set_int(true);
  int method = add_static(builder_, {6, 0, 1, code.take()});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, method)), -300 - 1 + 100 + 1000);
}

TEST_F(Objects, VirtualCallsDispatchOnTheObjectsClass) {
  Code code;  // A.get() on a B object, with the short field 21
  construct(code, cp_b_).op(O::kAstore0);
  code.op(O::kAload0).op(O::kBspush).s1(21).op(O::kPutfieldS, static_cast<std::uint8_t>(f_short_));
  code.op(O::kAload0).op2(O::kInvokevirtual, v_get_).op(O::kSreturn);
  int on_b = add_static(builder_, {3, 0, 1, code.take()});
  Code on_a_code;
  construct(on_a_code, cp_a_).op(O::kAstore0);
  on_a_code.op(O::kAload0)
      .op(O::kBspush)
      .s1(21)
      .op(O::kPutfieldS, static_cast<std::uint8_t>(f_short_));
  on_a_code.op(O::kAload0).op2(O::kInvokevirtual, v_get_).op(O::kSreturn);
  int on_a = add_static(builder_, {3, 0, 1, on_a_code.take()});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, on_b)), 42);
  EXPECT_EQ(short_of_slot(call(package, on_a)), 21);
}

TEST_F(Objects, InterfaceAndSuperCalls) {
  Code code;
  construct(code, cp_c_).op(O::kInvokeinterface).u1(1).u2(cp_i_).u1(0).op(O::kSreturn);
  int method = add_static(builder_, {3, 0, 0, code.take()});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, method)), 5);
}

TEST_F(Objects, CastsAndInstanceof) {
  Code instance_of;  // (new B() instanceof A) * 10 + (new A() instanceof B)
  construct(instance_of, cp_b_)
      .op(O::kInstanceof)
      .u1(0)
      .u2(cp_a_)
      .op(O::kBspush)
      .s1(10)
      .op(O::kSmul);
  construct(instance_of, cp_a_).op(O::kInstanceof).u1(0).u2(cp_b_).op(O::kSadd).op(O::kSreturn);
  int checks = add_static(builder_, {4, 0, 0, instance_of.take()});
  Code bad_cast;
  construct(bad_cast, cp_a_).op(O::kCheckcast).u1(0).u2(cp_b_).op(O::kPop).op(O::kReturn);
  int cast = add_static(builder_, {3, 0, 0, bad_cast.take()});
  Code arrays;  // new byte[1] instanceof byte[] (1), short[] (0)
  arrays.op(O::kSconst1)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kDup)
      .op(O::kInstanceof)
      .u1(11)
      .u2(0)
      .op(O::kSwapX)
      .u1(0x11)
      .op(O::kInstanceof)
      .u1(12)
      .u2(0)
      .op(O::kSconst2)
      .op(O::kSmul)
      .op(O::kSadd)
      .op(O::kSreturn);
  int array_checks = add_static(builder_, {4, 0, 0, arrays.take()});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, checks)), 10);
  EXPECT_EQ(thrown_by(package, cast), "java/lang/ClassCastException");
  EXPECT_EQ(short_of_slot(call(package, array_checks)), 1);
}

TEST_F(Objects, StaticFieldsStartWithTheirInitialValues) {
  Code code;  // array[2] + byte + short(after putstatic 7) + (ref == null)
  code.op2(O::kGetstaticA, s_array_)
      .op(O::kSconst2)
      .op(O::kBaload)
      .op2(O::kGetstaticB, s_byte_)
      .op(O::kSadd)
      .op(O::kBspush)
      .s1(7)
      .op2(O::kPutstaticS, s_short_)
      .op2(O::kGetstaticS, s_short_)
      .op(O::kSadd)
      .op2(O::kGetstaticA, s_ref_)
      .branch(O::kIfnonnull, "end")
      .op(O::kBspush)
      .s1(100)
      .op(O::kSadd)
      .label("end")
      .op(O::kSreturn);
  int method = add_static(builder_, {3, 0, 0, code.take()});
  Code store_ref;
  store_ref.op2(O::kGetstaticA, s_array_)
      .op2(O::kPutstaticA, s_ref_)
      .op2(O::kGetstaticA, s_ref_)
      .op(O::kArraylength)
      .op(O::kSreturn);
  int ref_method = add_static(builder_, {2, 0, 0, store_ref.take()});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, method)), 3 + 0x55 + 7 + 100);
  EXPECT_EQ(short_of_slot(call(package, ref_method)), 3);
}

TEST_F(Objects, ExceptionCaughtInSameFrame) {
  Code code;  // try { null.length } catch (NullPointerException) { return 1 }
  code.label("try")
      .op(O::kAconstNull)
      .op(O::kArraylength)
      .op(O::kSreturn)
      .label("catch")
      .op(O::kPop)
      .op(O::kSconst1)
      .op(O::kSreturn);
  Bytes body = code.take();
  int method = add_static(builder_, {1, 0, 0, body});
  builder_.add_handler({method, 0, 3, 3, npe_});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, method)), 1);
}

TEST_F(Objects, ExceptionCaughtInOuterFrame) {
  Code inner;  // 1 / arg
  inner.op(O::kSconst1).op(O::kSload0).op(O::kSdiv).op(O::kSreturn);
  int inner_method = add_static(builder_, {2, 1, 0, inner.take()});
  const std::uint16_t cp_inner =
      static_cast<std::uint16_t>(builder_.cp_static_method(inner_method));
  Code outer;  // try { return inner(arg) } catch (ArithmeticException) { return -7 }
  outer.op(O::kSload0)
      .op2(O::kInvokestatic, cp_inner)
      .op(O::kSreturn)
      .op(O::kPop)
      .op(O::kBspush)
      .s1(-7)
      .op(O::kSreturn);
  int outer_method = add_static(builder_, {1, 1, 0, outer.take()});
  builder_.add_handler({outer_method, 0, 4, 5, arithmetic_});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, outer_method, {slot_of_short(0)})), -7);
  EXPECT_EQ(short_of_slot(call(package, outer_method, {slot_of_short(1)})), 1);
}

TEST_F(Objects, HandlerOrderAndCatchTypes) {
  Code code;  // throw new Exception(); an NPE handler does not match, a Throwable one does
  construct(code, exception_)
      .op(O::kAthrow)
      .label("npe")
      .op(O::kPop)
      .op(O::kSconst1)
      .op(O::kSreturn)
      .label("any")
      .op(O::kPop)
      .op(O::kSconst2)
      .op(O::kSreturn);
  int method = add_static(builder_, {2, 0, 0, code.take()});
  builder_.add_handler({method, 0, 8, 8, npe_});
  builder_.add_handler({method, 0, 8, 11, throwable_});
  detail::Package* package = load_package();
  EXPECT_EQ(short_of_slot(call(package, method)), 2);
}

TEST_F(Objects, UncaughtExceptionLeavesTheCall) {
  Code code;
  construct(code, exception_).op(O::kAthrow);
  int method = add_static(builder_, {2, 0, 0, code.take()});
  detail::Package* package = load_package();
  EXPECT_EQ(thrown_by(package, method), "java/lang/Exception");
  EXPECT_TRUE(machine().frames_.empty());
}

}  // namespace
}  // namespace uicc::vm::test
