// The verifier against CAP files crafted to forge a reference from a number. Each comes
// without a Descriptor component, as GlobalPlatform LOAD files often do, so every argument
// type is inferred from the methods' own code. The number travels through an argument, a
// return value, a field of an own object, a static field, an array element or an exception
// handler. Each CAP file is rejected at load with the store unchanged, and a control next to
// each loads the same package with a reference in place of the number.
//
// Also the run-time rules that go with them: a package-visible method called on an object of
// a subclass from another package (JCVM 3.0.5 §4.3.7.6), and an exception object of another
// context reaching a handler (JCRE 3.0.5 §6.2.8).
#include <gtest/gtest.h>

#include "test/vm/runtime/vm_fixture.h"

namespace uicc::vm::test {
namespace {

using O = Opcode;

constexpr const char* kPackage = "A0000000151001";
constexpr const char* kLibrary = "A0000000151002";

// A static method and the constant-pool entry naming it (VmTest::add_static, for the package
// builders below).
int add_static(CapBuilder& builder, MethodSpec spec) {
  const int method = builder.add_method(std::move(spec));
  builder.cp_static_method(method);
  return method;
}

std::vector<std::pair<store::Handle, Bytes>> snapshot(const store::Store& store) {
  std::vector<std::pair<store::Handle, Bytes>> objects;
  store.for_each([&](store::Handle handle) {
    Bytes bytes(store.view(handle).begin(), store.view(handle).end());
    bytes.push_back(store.header(handle).kind);
    objects.emplace_back(handle, bytes);
  });
  return objects;
}

class Verifier : public VmTest {
 protected:
  // Loads `builder`, expects the refusal `code` with a message containing `text`, and checks
  // that the store and the package list are unchanged.
  void expect_refused(CapBuilder& builder, LoadError::Code code, const std::string& text) {
    const auto before = snapshot(*store_);
    const std::size_t packages = runtime_->packages().size();
    try {
      runtime_->load_package(encode(builder.build()));
      ADD_FAILURE() << "the package was loaded";
    } catch (const LoadError& e) {
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
    EXPECT_EQ(snapshot(*store_), before);
    EXPECT_EQ(runtime_->packages().size(), packages);
  }

  void expect_loaded(CapBuilder& builder) {
    EXPECT_NO_THROW(runtime_->load_package(encode(builder.build())));
  }
};

// --- an argument ---------------------------------------------------------------------------

// length(a): aload_0; arraylength; sreturn, and caller(): <push>; invokestatic length; sreturn.
CapBuilder argument_package(bool forge) {
  CapBuilder b(kPackage);
  const std::uint16_t length = 0;  // the first constant-pool entry, made by cp_static_method
  b.cp_static_method(
      b.add_method({1, 1, 0, Code().op(O::kAload0).op(O::kArraylength).op(O::kSreturn).take()}));
  Code caller;
  if (forge) {
    caller.op(O::kSspush).s2(0x1234);
  } else {
    caller.op(O::kAconstNull);
  }
  caller.op2(O::kInvokestatic, length).op(O::kSreturn);
  b.cp_static_method(b.add_method({1, 0, 0, caller.take()}));
  return b;
}

TEST_F(Verifier, NumberPassedAsReferenceArgumentIsRefused) {
  CapBuilder forged = argument_package(true);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
  CapBuilder control = argument_package(false);
  detail::Package* package = load(control);
  EXPECT_EQ(thrown_by(package, 1), "java/lang/NullPointerException");
}

TEST_F(Verifier, ArgumentReadAsShortAndAsReferenceIsRefused) {
  // sload_0; ifeq L; aconst_null; astore_0; L: aload_0; arraylength; sreturn. At L the local
  // contains the argument as passed on one path, so the aload reads the argument word.
  CapBuilder b(kPackage);
  Code code;
  code.op(O::kSload0)
      .branch(O::kIfeq, "read")
      .op(O::kAconstNull)
      .op(O::kAstore0)
      .label("read")
      .op(O::kAload0)
      .op(O::kArraylength)
      .op(O::kSreturn);
  add_static(b, {1, 1, 0, code.take()});
  expect_refused(b, LoadError::Code::verification,
                 "argument word 0 is read as a short and as a reference");
}

// --- a return value ------------------------------------------------------------------------

// Class A (public method 1: aconst_null; areturn) and its subclass B, whose override of method
// 1 returns a short (forge) or a reference.
CapBuilder return_package(bool forge) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  const int base = b.add_method({1, 1, 0, Code().op(O::kAconstNull).op(O::kAreturn).take()});
  const int override_method =
      b.add_method({1, 1, 0,
                    forge ? Code().op(O::kSspush).s2(0x1234).op(O::kSreturn).take()
                          : Code().op(O::kAconstNull).op(O::kAreturn).take()});
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.public_base = 1;
  a.public_methods = {base};
  const int class_a = b.add_class(a);
  ClassSpec sub;
  sub.internal_super = class_a;
  sub.public_base = 1;
  sub.public_methods = {override_method};
  b.add_class(sub);
  // use(A a): aload_0; invokevirtual A.1; arraylength; sreturn
  const std::uint16_t get = b.cp_virtual_method(class_a, 1);
  add_static(b, {1, 1, 0,
                 Code()
                     .op(O::kAload0)
                     .op2(O::kInvokevirtual, get)
                     .op(O::kArraylength)
                     .op(O::kSreturn)
                     .take()});
  return b;
}

TEST_F(Verifier, OverrideReturningNumberForReferenceIsRefused) {
  CapBuilder forged = return_package(true);
  expect_refused(forged, LoadError::Code::verification, "returns a short where");
  CapBuilder control = return_package(false);
  expect_loaded(control);
}

// An abstract method (no code, no Descriptor) takes its result type from its implementations;
// two that disagree are refused.
TEST_F(Verifier, ImplementationsOfAbstractMethodReturningDifferentTypesAreRefused) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  const int abstract_method = b.add_method({0, 1, 0, {}, true});
  const int returns_reference =
      b.add_method({1, 1, 0, Code().op(O::kAconstNull).op(O::kAreturn).take()});
  const int returns_short =
      b.add_method({1, 1, 0, Code().op(O::kSspush).s2(0x1234).op(O::kSreturn).take()});
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.public_base = 1;
  a.public_methods = {abstract_method};
  const int class_a = b.add_class(a);
  for (int method : {returns_reference, returns_short}) {
    ClassSpec sub;
    sub.internal_super = class_a;
    sub.public_base = 1;
    sub.public_methods = {method};
    b.add_class(sub);
  }
  expect_refused(b, LoadError::Code::verification, "returns a short where");
}

// --- the arguments of an override --------------------------------------------------------------

// A.m(x) leaves x unread; B.m(x) reads it as an array. caller(A a) passes a short or null.
CapBuilder override_package(bool forge) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  const int base = b.add_method({0, 2, 0, Code().op(O::kReturn).take()});
  const int reads = b.add_method(
      {1, 2, 0, Code().op(O::kAload1).op(O::kArraylength).op(O::kPop).op(O::kReturn).take()});
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.public_base = 1;
  a.public_methods = {base};
  const int class_a = b.add_class(a);
  ClassSpec sub;
  sub.internal_super = class_a;
  sub.public_base = 1;
  sub.public_methods = {reads};
  b.add_class(sub);
  const std::uint16_t m = b.cp_virtual_method(class_a, 1);
  Code caller;
  caller.op(O::kAload0);
  if (forge) {
    caller.op(O::kSspush).s2(0x1234);
  } else {
    caller.op(O::kAconstNull);
  }
  caller.op2(O::kInvokevirtual, m).op(O::kReturn);
  add_static(b, {2, 1, 0, caller.take()});
  return b;
}

TEST_F(Verifier, NumberPassedToOverrideReadingReferenceIsRefused) {
  CapBuilder forged = override_package(true);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
  CapBuilder control = override_package(false);
  expect_loaded(control);
}

// The same read at the end of a chain: A.m(x) and 40 overrides in subclasses, each one's
// superclass the one before, leave x unread; only the last subclass reads it as an array. The
// read must reach A.m from override to override, and caller(A a) must pass a reference.
CapBuilder override_chain_package(bool forge) {
  constexpr int kChain = 40;
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.public_base = 1;
  a.public_methods = {b.add_method({0, 2, 0, Code().op(O::kReturn).take()})};
  const int class_a = b.add_class(a);
  int super = class_a;
  for (int i = 0; i <= kChain; ++i) {
    ClassSpec sub;
    sub.internal_super = super;
    sub.public_base = 1;
    sub.public_methods = {
        i < kChain
            ? b.add_method({0, 2, 0, Code().op(O::kReturn).take()})
            : b.add_method(
                  {1, 2, 0,
                   Code().op(O::kAload1).op(O::kArraylength).op(O::kPop).op(O::kReturn).take()})};
    super = b.add_class(sub);
  }
  const std::uint16_t m = b.cp_virtual_method(class_a, 1);
  Code caller;
  caller.op(O::kAload0);
  if (forge) {
    caller.op(O::kSspush).s2(0x1234);
  } else {
    caller.op(O::kAconstNull);
  }
  caller.op2(O::kInvokevirtual, m).op(O::kReturn);
  add_static(b, {2, 1, 0, caller.take()});
  return b;
}

TEST_F(Verifier, NumberPassedToChainOfOverridesReadingReferenceIsRefused) {
  CapBuilder forged = override_chain_package(true);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
  CapBuilder control = override_chain_package(false);
  expect_loaded(control);
}

// A library loaded without its Descriptor component whose method leaves an argument word
// unread: its callers in other packages may pass anything there, so an override in another
// package may not read it.
TEST_F(Verifier, OverrideInOtherPackageReadingUntypedWordIsRefused) {
  for (bool library_reads : {false, true}) {
    SCOPED_TRACE(library_reads ? "the library reads the word" : "the library leaves it unread");
    runtime_.reset();
    store_ = std::make_unique<store::Store>();
    power_up();
    CapBuilder library(kLibrary);
    const std::uint8_t lang = library.import_package(kJavaLang, 1, 0);
    const int base =
        library.add_method({1, 2, 0,
                            library_reads ? Code().op(O::kAload1).op(O::kPop).op(O::kReturn).take()
                                          : Code().op(O::kReturn).take()});
    ClassSpec a;
    a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
    a.public_base = 1;
    a.public_methods = {base};
    library.export_class(library.add_class(a));
    runtime_->load_package(encode(library.build()));

    CapBuilder b(kPackage);
    b.import_package(kJavaLang, 1, 0);
    const std::uint8_t imported = b.import_package(kLibrary, 1, 0);
    const int reads = b.add_method(
        {1, 2, 0, Code().op(O::kAload1).op(O::kArraylength).op(O::kPop).op(O::kReturn).take()});
    ClassSpec sub;
    sub.super_class = cap::ClassRef::external(imported, 0);
    sub.public_base = 1;
    sub.public_methods = {reads};
    b.add_class(sub);
    if (library_reads) {
      expect_loaded(b);
    } else {
      expect_refused(b, LoadError::Code::verification, "leaves untyped");
    }
  }
}

// --- a field of an own object ----------------------------------------------------------------

// Class C: field 0 a reference, field 1 a short. One static method on a C.
CapBuilder field_package(const Code& code) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  ClassSpec c;
  c.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  c.declared_instance_size = 2;
  c.first_reference_token = 0;
  c.reference_count = 1;
  const int cls = b.add_class(c);
  b.cp_instance_field(cls, 0);  // constant-pool entry 0
  b.cp_instance_field(cls, 1);  // 1
  add_static(b, {2, 1, 0, code.take()});
  return b;
}

TEST_F(Verifier, NumberStoredInReferenceFieldIsRefused) {
  Code forge;
  forge.op(O::kAload0).op(O::kSspush).s2(0x1234).op(O::kPutfieldA, 0).op(O::kReturn);
  CapBuilder forged = field_package(forge);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
  Code control;
  control.op(O::kAload0).op(O::kAconstNull).op(O::kPutfieldA, 0).op(O::kReturn);
  CapBuilder loads = field_package(control);
  expect_loaded(loads);
}

TEST_F(Verifier, ShortFieldReadAsReferenceIsRefused) {
  Code forge;
  forge.op(O::kAload0).op(O::kGetfieldA, 1).op(O::kArraylength).op(O::kPop).op(O::kReturn);
  CapBuilder forged = field_package(forge);
  expect_refused(forged, LoadError::Code::verification, "reference access to a primitive field");
}

// --- a static field --------------------------------------------------------------------------

// The static image: two references (CAP offsets 0 and 2), then a short at offset 4.
CapBuilder static_package(std::uint16_t offset, const Code& code) {
  CapBuilder b(kPackage);
  b.set_static_fields(6, 2, 2);
  b.cp_static_field(offset);  // constant-pool entry 0
  add_static(b, {2, 0, 0, code.take()});
  return b;
}

TEST_F(Verifier, StaticReferenceAtOddOffsetIsRefused) {
  // Offset 1 would read the low half of one reference and the high half of the next.
  Code read;
  read.op2(O::kGetstaticA, 0).op(O::kArraylength).op(O::kSreturn);
  CapBuilder forged = static_package(1, read);
  expect_refused(forged, LoadError::Code::link,
                 "static field offset 1 is not the start of a reference field");
  CapBuilder control = static_package(2, read);
  expect_loaded(control);
}

TEST_F(Verifier, NumberStoredInStaticReferenceIsRefused) {
  Code forge;
  forge.op(O::kSspush).s2(0x1234).op2(O::kPutstaticA, 0).op(O::kReturn);
  CapBuilder forged = static_package(0, forge);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
  Code read_short;
  read_short.op2(O::kGetstaticA, 0).op(O::kPop).op(O::kReturn);
  CapBuilder primitive = static_package(4, read_short);
  expect_refused(primitive, LoadError::Code::verification,
                 "reference access to a primitive static field");
}

// --- an array element ------------------------------------------------------------------------

CapBuilder array_package(bool forge) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  const std::uint16_t object = b.cp_external_class(lang, api::lang::kObject);
  Code code;
  code.op(O::kSconst1).op2(O::kAnewarray, object).op(O::kSconst0);
  if (forge) {
    code.op(O::kSspush).s2(0x1234);
  } else {
    code.op(O::kAconstNull);
  }
  code.op(O::kAastore).op(O::kReturn);
  add_static(b, {3, 0, 0, code.take()});
  return b;
}

TEST_F(Verifier, NumberStoredInReferenceArrayIsRefused) {
  CapBuilder forged = array_package(true);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
  CapBuilder control = array_package(false);
  expect_loaded(control);
}

// --- an exception handler --------------------------------------------------------------------

// 0: <push>  1: arraylength  2: sreturn, with a handler over instruction 0 whose target is 1:
// the handler's reference meets the pushed word at offset 1.
CapBuilder handler_package(bool forge) {
  CapBuilder b(kPackage);
  Code code;
  code.op(forge ? O::kSconst1 : O::kAconstNull).op(O::kArraylength).op(O::kSreturn);
  const int method = add_static(b, {1, 0, 0, code.take()});
  b.add_handler({method, 0, 1, 1, 0});
  return b;
}

TEST_F(Verifier, HandlerEnteredWithNumberAsExceptionIsRefused) {
  CapBuilder forged = handler_package(true);
  expect_refused(forged, LoadError::Code::verification,
                 "expected a reference on the operand stack, found an unusable word");
  CapBuilder control = handler_package(false);
  expect_loaded(control);
}

// --- interfaces, install, this ------------------------------------------------------------------

// Interface I (method 0, one argument besides this) implemented by X, which reads the argument
// as an array, and by Y, which reads it as `second` reads it (a short or a reference).
CapBuilder interface_package(bool second_reads_short) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  const int x_method =
      b.add_method({1, 2, 0, Code().op(O::kAload1).op(O::kArraylength).op(O::kSreturn).take()});
  const int y_method = b.add_method(
      {1, 2, 0,
       second_reads_short ? Code().op(O::kSload1).op(O::kSreturn).take()
                          : Code().op(O::kAload1).op(O::kArraylength).op(O::kSreturn).take()});
  ClassSpec i;
  i.is_interface = true;
  const int interface_i = b.add_class(i);
  for (int method : {x_method, y_method}) {
    ClassSpec cls;
    cls.super_class = cap::ClassRef::external(lang, api::lang::kObject);
    cls.public_base = 1;
    cls.public_methods = {method};
    cls.interfaces.push_back({{}, interface_i, {1}});
    b.add_class(cls);
  }
  return b;
}

TEST_F(Verifier, ImplementationsReadingArgumentAsDifferentTypesAreRefused) {
  CapBuilder forged = interface_package(true);
  expect_refused(forged, LoadError::Code::verification, "reads argument word 1 as");
  CapBuilder control = interface_package(false);
  expect_loaded(control);
}

TEST_F(Verifier, NumberPassedThroughInterfaceIsRefused) {
  CapBuilder b = interface_package(false);
  const std::uint16_t i = b.cp_class(0);
  Code caller;  // call(I o): aload_0; sspush; invokeinterface 2 I 0; sreturn
  caller.op(O::kAload0)
      .op(O::kSspush)
      .s2(0x1234)
      .op(O::kInvokeinterface)
      .u1(2)
      .u2(i)
      .u1(0)
      .op(O::kSreturn);
  add_static(b, {2, 1, 0, caller.take()});
  expect_refused(b, LoadError::Code::verification,
                 "expected a reference on the operand stack, found a short");
}

TEST_F(Verifier, InstallReadingShortArgumentAsReferenceIsRefused) {
  CapBuilder b(kPackage);
  const int install =
      add_static(b, {1, 3, 0, Code().op(O::kAload1).op(O::kPop).op(O::kReturn).take()});
  b.add_applet("A000000015100101", install);
  expect_refused(b, LoadError::Code::verification,
                 "the install method reads argument word 1 as another type");
}

TEST_F(Verifier, VirtualMethodReadingThisAsNumberIsRefused) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.public_base = 1;
  a.public_methods = {b.add_method({1, 1, 0, Code().op(O::kSload0).op(O::kSreturn).take()})};
  b.add_class(a);
  expect_refused(b, LoadError::Code::verification, "reads its object reference as a number");
}

// The interpreter finds the object of an invokevirtual nargs words down the operand stack:
// a virtual method with no argument words would have it read the word above the top.
TEST_F(Verifier, VirtualMethodWithoutArgumentWordsIsRefused) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.public_base = 1;
  a.public_methods = {b.add_method({0, 0, 0, Code().op(O::kReturn).take()})};
  b.add_class(a);
  expect_refused(b, LoadError::Code::verification, "a virtual method takes no object reference");
}

// A method without a return instruction never returns normally: code after a call to it
// needs no result, and no call site expects one.
TEST_F(Verifier, CallToMethodThatNeverReturnsEndsThePath) {
  CapBuilder b(kPackage);
  add_static(b, {1, 0, 0,
                 Code()
                     .op(O::kAconstNull)
                     .op(O::kArraylength)
                     .op(O::kPop)
                     .op(O::kAconstNull)
                     .op(O::kAthrow)
                     .take()});
  // caller(): invokestatic thrower; sreturn, with nothing on the stack for the sreturn.
  add_static(b, {1, 0, 0, Code().op2(O::kInvokestatic, 0).op(O::kSreturn).take()});
  detail::Package* package = load(b);
  EXPECT_EQ(thrown_by(package, 1), "java/lang/NullPointerException");
}

// --- a Descriptor component without a result type ----------------------------------------------

// m() returns 0x1234 with sreturn, and its Descriptor entry gives the type `result_nibbles`
// (none, or the nibble of a short). caller() runs `invokestatic m; arraylength; sreturn`,
// or `invokestatic m; sreturn` when m returns a short. A call to a method without a result
// type ends the caller's path, so m itself may not return: else the arraylength would run
// on the short unverified.
cap::CapFile descriptor_package(bool result_is_short) {
  CapBuilder b(kPackage);
  const std::uint8_t lang = b.import_package(kJavaLang, 1, 0);
  ClassSpec c;
  c.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  b.add_class(c);
  add_static(b, {1, 0, 0, Code().op(O::kSspush).s2(0x1234).op(O::kSreturn).take()});
  Code caller;
  caller.op2(O::kInvokestatic, 0);
  if (!result_is_short) caller.op(O::kArraylength);
  caller.op(O::kSreturn);
  add_static(b, {1, 0, 0, caller.take()});
  cap::CapFile cap = b.build();
  // With a Descriptor component the reader checks the Reference Location component, which
  // the builder leaves empty: the invokestatic's operand is its one constant-pool index.
  cap.reference_locations.byte2_index_offsets = {
      static_cast<std::uint16_t>(cap.method_locations.at(1).bytecode_offset + 1)};

  // type_descriptor_info: the constant pool types, then "()S" and m's type.
  cap::DescriptorComponent descriptor;
  const auto base = static_cast<std::uint16_t>(2 + 2 * cap.constant_pool.entries.size());
  const cap::TypeDescriptor returns_short{1, {0x40}};
  const cap::TypeDescriptor m_type = result_is_short ? returns_short : cap::TypeDescriptor{0, {}};
  descriptor.types.push_back({base, returns_short});
  const auto m_offset = static_cast<std::uint16_t>(base + returns_short.encoded_size());
  descriptor.types.push_back({m_offset, m_type});
  for (const auto& entry : cap.constant_pool.entries) {
    descriptor.constant_pool_types.push_back(entry.tag == cap::ConstantTag::kClassref ? 0xFFFF
                                                                                      : base);
  }
  cap::ClassDescriptor cls;
  cls.token = 0;
  cls.this_class = cap::ClassRef::internal(cap.classes.classes.at(0).offset);
  for (std::size_t i = 0; i < 2; ++i) {
    cap::MethodDescriptor method;
    method.token = static_cast<std::uint8_t>(i);
    method.access_flags = cap::descriptor_flags::kStatic;
    method.method_offset = cap.method_locations.at(i).offset;
    method.type_offset = i == 0 ? m_offset : base;
    method.bytecode_count = cap.method_locations.at(i).bytecode_count;
    cls.methods.push_back(method);
  }
  descriptor.classes.push_back(cls);
  cap.descriptor = descriptor;
  return cap;
}

TEST_F(Verifier, ReturnWithoutDescribedResultIsRefused) {
  const cap::CapFile forged = descriptor_package(false);
  try {
    runtime_->load_package(encode(forged));
    ADD_FAILURE() << "the package was loaded";
  } catch (const LoadError& e) {
    EXPECT_EQ(e.code(), LoadError::Code::verification) << e.what();
    EXPECT_NE(std::string(e.what()).find("sreturn in a method whose result type is unknown"),
              std::string::npos)
        << e.what();
  }
  const cap::CapFile control = descriptor_package(true);
  EXPECT_NO_THROW(runtime_->load_package(encode(control)));
}

// --- run-time rules ----------------------------------------------------------------------------

// The library: class A (exported) with package method 0 that returns 1 and leaves its argument
// unread, and static call(A a) (exported) that passes 0x1234 to it. The package: class B extends
// A, with package method 0 of its own numbering, which reads its argument as an array.
TEST_F(Verifier, PackageMethodCallReachesTheDeclaringPackage) {
  CapBuilder library(kLibrary);
  const std::uint8_t lang = library.import_package(kJavaLang, 1, 0);
  const int m = library.add_method({1, 2, 0, Code().op(O::kSconst1).op(O::kSreturn).take()});
  ClassSpec a;
  a.super_class = cap::ClassRef::external(lang, api::lang::kObject);
  a.package_methods = {m};
  const int class_a = library.add_class(a);
  const std::uint16_t a_m = library.cp_virtual_method(class_a, 0x80);
  Code caller;
  caller.op(O::kAload0).op(O::kSspush).s2(0x1234).op2(O::kInvokevirtual, a_m).op(O::kSreturn);
  const int call_method = add_static(library, {2, 1, 0, caller.take()});
  library.export_class(class_a, {call_method});
  detail::Package* lib = load(library);

  CapBuilder b(kPackage);
  b.import_package(kJavaLang, 1, 0);
  const std::uint8_t imported = b.import_package(kLibrary, 1, 0);
  const int n =
      b.add_method({1, 2, 0, Code().op(O::kAload1).op(O::kArraylength).op(O::kSreturn).take()});
  ClassSpec sub;
  sub.super_class = cap::ClassRef::external(imported, 0);
  sub.package_methods = {n};
  const int class_b = b.add_class(sub);
  const std::uint16_t new_b = b.cp_class(class_b);
  const int make = add_static(b, {1, 0, 0, Code().op2(O::kNew, new_b).op(O::kAreturn).take()});
  detail::Package* package = load(b);

  const Ref object = call(package, make);
  // Library code runs in the caller's context, which owns the object.
  const Slot result =
      machine().call(lib->methods.at(static_cast<std::size_t>(call_method)).get(),
                     std::vector<Slot>{object}, package->context, detail::kNoApplet);
  EXPECT_EQ(short_of_slot(result), 1);
}

// The server's Impl.boom() throws an exception object of the server's context into the
// client, whose catch-all handler receives a SecurityException instead; Impl2.boom() causes a
// NullPointerException (a JCRE entry point), which the handler receives as it is. The client's
// handler returns 1 for a SecurityException, 0 for anything else.
TEST_F(Verifier, ExceptionOfAnotherContextIsCaughtAsSecurityException) {
  CapBuilder server(kLibrary);
  const std::uint8_t lang = server.import_package(kJavaLang, 1, 0);
  const std::uint8_t framework = server.import_package(kFramework, 1, 6);
  ClassSpec si;
  si.is_interface = true;
  si.shareable = true;
  si.superinterfaces = {cap::ClassRef::external(framework, fw::kShareable)};
  const int interface_si = server.add_class(si);
  ClassSpec e;
  e.super_class = cap::ClassRef::external(lang, 2);  // java.lang.Exception
  const int class_e = server.add_class(e);
  const std::uint16_t new_e = server.cp_class(class_e);
  const int own = server.add_method({1, 1, 0, Code().op2(O::kNew, new_e).op(O::kAthrow).take()});
  const int jcre = server.add_method(
      {1, 1, 0, Code().op(O::kAconstNull).op(O::kArraylength).op(O::kSreturn).take()});
  std::vector<int> impls;
  for (int method : {own, jcre}) {
    ClassSpec impl;
    impl.super_class = cap::ClassRef::external(lang, api::lang::kObject);
    impl.public_base = 1;
    impl.public_methods = {method};
    impl.interfaces.push_back({{}, interface_si, {1}});
    impls.push_back(server.add_class(impl));
  }
  std::vector<int> makers;
  for (int impl : impls) {
    const std::uint16_t cls = server.cp_class(impl);
    makers.push_back(
        add_static(server, {1, 0, 0, Code().op2(O::kNew, cls).op(O::kAreturn).take()}));
  }
  server.export_class(interface_si);
  detail::Package* server_package = load(server);

  CapBuilder client(kPackage);
  const std::uint8_t client_lang = client.import_package(kJavaLang, 1, 0);
  client.import_package(kFramework, 1, 6);
  const std::uint8_t imported = client.import_package(kLibrary, 1, 0);
  const std::uint16_t si_ref = client.cp_external_class(imported, 0);
  const std::uint16_t security =
      client.cp_external_class(client_lang, api::lang::kSecurityException);
  Code catcher;  // 0: aload_0  1: invokeinterface 1 SI 0  6: sreturn  7: handler
  catcher.op(O::kAload0).op(O::kInvokeinterface).u1(1).u2(si_ref).u1(0).op(O::kSreturn);
  catcher.op(O::kInstanceof).u1(0).u2(security).op(O::kSreturn);
  const int catcher_method = add_static(client, {1, 1, 0, catcher.take()});
  client.add_handler({catcher_method, 1, 6, 7, 0});
  detail::Package* client_package = load(client);

  for (std::size_t i = 0; i < makers.size(); ++i) {
    SCOPED_TRACE(i == 0 ? "exception object of the server" : "NullPointerException");
    const Ref object = call(server_package, makers[i]);
    EXPECT_EQ(short_of_slot(call(client_package, catcher_method, {object})), i == 0 ? 1 : 0);
  }
}

}  // namespace
}  // namespace uicc::vm::test
