// The firewall against a hostile package: reading and writing another context's array,
// calling a method of another context's non-shareable object, keeping a temporary JCRE
// entry-point object, and reaching a CLEAR_ON_DESELECT array of a deselected context. Each gets
// a SecurityException (Java Card 3.0.5 Runtime Environment Specification §6.2.8).
#include <gtest/gtest.h>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"

namespace uicc::vm::test {
namespace {

using O = Opcode;

class Firewall : public VmTest {
 protected:
  void SetUp() override {
    runtime_->load_package(encode(wallet_package().build()));
    runtime_->install_applet(Aid::from_hex(kWalletPackage), Aid::from_hex(kWalletClass),
                             Aid::from_hex(kWalletInstance), install_parameters(kWalletInstance));
    wallet_ = machine().find_package(Aid::from_hex(kWalletPackage));

    CapBuilder b("A0000000051001");
    b.import_package(kJavaLang, 1, 0);
    const std::uint8_t framework = b.import_package(kFramework, 1, 6);
    const std::uint16_t selecting = b.cp_external_virtual_method(framework, fw::kApplet, 3);
    b.set_static_fields(2, 1, 0);
    const std::uint16_t kept = b.cp_static_field(0);
    read_ = add_static(
        b, {2, 1, 0, Code().op(O::kAload0).op(O::kSconst0).op(O::kBaload).op(O::kSreturn).take()});
    write_ = add_static(b, {3, 1, 0,
                            Code()
                                .op(O::kAload0)
                                .op(O::kSconst0)
                                .op(O::kSconst1)
                                .op(O::kBastore)
                                .op(O::kReturn)
                                .take()});
    call_ = add_static(
        b,
        {1, 1, 0, Code().op(O::kAload0).op2(O::kInvokevirtual, selecting).op(O::kSreturn).take()});
    keep_ = add_static(
        b, {1, 1, 0, Code().op(O::kAload0).op2(O::kPutstaticA, kept).op(O::kReturn).take()});
    length_ =
        add_static(b, {1, 1, 0, Code().op(O::kAload0).op(O::kArraylength).op(O::kSreturn).take()});
    hostile_ = load(b);
  }

  const detail::AppletRecord& wallet_applet() { return machine().applets_.at(0); }
  // The wallet's history array, read from its instance word 1.
  Ref history() { return get_u32(store_->view(wallet_applet().object), 4); }

  std::string from_hostile(int method, Ref argument) {
    return thrown_by(hostile_, method, {argument});
  }

  detail::Package* wallet_ = nullptr;
  detail::Package* hostile_ = nullptr;
  int read_ = 0, write_ = 0, call_ = 0, keep_ = 0, length_ = 0;
};

TEST_F(Firewall, OtherContextsArrayIsOutOfReach) {
  ASSERT_NE(history(), kNullRef);
  EXPECT_EQ(store_->header(history()).owner, wallet_->context);
  EXPECT_EQ(from_hostile(read_, history()), "java/lang/SecurityException");
  EXPECT_EQ(from_hostile(write_, history()), "java/lang/SecurityException");
  EXPECT_EQ(from_hostile(length_, history()), "java/lang/SecurityException");
  // The owner itself may.
  EXPECT_EQ(short_of_slot(machine().call(hostile_->methods[static_cast<std::size_t>(length_)].get(),
                                         std::vector<Slot>{history()}, wallet_->context,
                                         detail::kNoApplet)),
            4);
}

TEST_F(Firewall, NonShareableObjectOfOtherContextCannotBeCalled) {
  EXPECT_EQ(from_hostile(call_, wallet_applet().object), "java/lang/SecurityException");
}

TEST_F(Firewall, TemporaryEntryPointCannotBeStored) {
  // The APDU object is a temporary JCRE entry point.
  Ref apdu = machine().apdu_object();
  ASSERT_NE(apdu, kNullRef);
  EXPECT_EQ(from_hostile(keep_, apdu), "java/lang/SecurityException");
  // The APDU buffer is a global array: readable from any context, but not storable either.
  Ref buffer = machine().apdu_buffer();
  EXPECT_EQ(from_hostile(read_, buffer), "");
  EXPECT_EQ(from_hostile(keep_, buffer), "java/lang/SecurityException");
}

TEST_F(Firewall, ClearOnDeselectArrayOfDeselectedContext) {
  ASSERT_TRUE(runtime_->select(0, Aid::from_hex(kWalletInstance)));
  machine().context_ = wallet_->context;
  Ref cod =
      machine().new_transient_array(ArrayType::byte_array, 8, TransientEvent::clear_on_deselect);
  machine().context_ = kJcreContext;
  // While the wallet is selected, its own code reaches the array; another context does not.
  EXPECT_EQ(
      short_of_slot(machine().call(hostile_->methods[static_cast<std::size_t>(length_)].get(),
                                   std::vector<Slot>{cod}, wallet_->context, detail::kNoApplet)),
      8);
  EXPECT_EQ(from_hostile(read_, cod), "java/lang/SecurityException");
  runtime_->deselect(0);
  // Deselected: not even the owner's context may touch it.
  EXPECT_EQ(thrown_by(hostile_, length_, {cod}), "java/lang/SecurityException");
  std::string owner_access;
  try {
    machine().call(hostile_->methods[static_cast<std::size_t>(read_)].get(), std::vector<Slot>{cod},
                   wallet_->context, detail::kNoApplet);
  } catch (const detail::JavaThrow& thrown) {
    owner_access = machine().class_of(thrown.exception)->name;
  }
  EXPECT_EQ(owner_access, "java/lang/SecurityException");
}

TEST_F(Firewall, ClearOnDeselectNeedsSelectedContext) {
  machine().context_ = wallet_->context;
  std::string thrown;
  try {
    machine().new_transient_array(ArrayType::byte_array, 8, TransientEvent::clear_on_deselect);
  } catch (const detail::JavaThrow& e) {
    thrown = machine().class_of(e.exception)->name;
    EXPECT_EQ(get_u16(store_->view(e.exception), 2), 3);  // SystemException.ILLEGAL_TRANSIENT
  }
  machine().context_ = kJcreContext;
  EXPECT_EQ(thrown, "javacard/framework/SystemException");
}

TEST_F(Firewall, TransientArraysClearedByResetAndDeselect) {
  ASSERT_TRUE(runtime_->select(0, Aid::from_hex(kWalletInstance)));
  machine().context_ = wallet_->context;
  Ref cod =
      machine().new_transient_array(ArrayType::byte_array, 4, TransientEvent::clear_on_deselect);
  Ref cor = machine().new_transient_array(ArrayType::byte_array, 4, TransientEvent::clear_on_reset);
  machine().write_bytes(cod, 0, from_hex("01020304"), true);
  machine().write_bytes(cor, 0, from_hex("05060708"), true);
  machine().context_ = kJcreContext;
  EXPECT_EQ(machine().transient_event(cod), TransientEvent::clear_on_deselect);
  runtime_->deselect(0);
  EXPECT_EQ(to_hex(store_->view(cod)), "00000000");
  EXPECT_EQ(to_hex(store_->view(cor)), "05060708");
  runtime_->reset();
  EXPECT_EQ(to_hex(store_->view(cor)), "00000000");
}

}  // namespace
}  // namespace uicc::vm::test
