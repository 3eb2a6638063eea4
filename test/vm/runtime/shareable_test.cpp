// Shareable interface objects across contexts (JCRE 3.0.5 §6.2.4-6.2.7), MultiSelectable
// applets on several channels (§4.2) and object deletion at the end of a command (§8).
//
// The server package exports interface SI (extends Shareable) with ping(), and its applet
// implements SI and MultiSelectable and returns itself from getShareableInterfaceObject. The
// client applet asks for the server's SI with the AID in the command data and calls ping().
#include <gtest/gtest.h>

#include "test/vm/runtime/vm_fixture.h"
#include "test/vm/runtime/wallet_applet.h"

namespace uicc::vm::test {
namespace {

using O = Opcode;

constexpr const char* kServerPackage = "A0000000111001";
constexpr const char* kServerClass = "A000000011100101";
constexpr const char* kServerInstance = "A00000001110010101";
constexpr const char* kClientPackage = "A0000000121001";
constexpr const char* kClientClass = "A000000012100101";
constexpr const char* kClientInstance = "A00000001210010101";

// ping() returns 0x100 + the length of JCSystem.getPreviousContextAID()'s bytes (0 if null).
CapBuilder server_package() {
  CapBuilder b(kServerPackage);
  b.import_package(kJavaLang, 1, 0);
  const std::uint8_t framework = b.import_package(kFramework, 1, 6);
  const std::uint16_t applet_init = b.cp_external_static_method(framework, fw::kApplet, 0);
  const std::uint16_t register_applet = b.cp_external_virtual_method(framework, fw::kApplet, 1);
  const std::uint16_t previous = b.cp_external_static_method(framework, fw::kJcSystem, 6);
  const std::uint16_t get_bytes = b.cp_external_virtual_method(framework, fw::kAid, 3);
  const std::uint16_t server = b.cp_class(1);

  // Methods referenced by the class tables come first.
  Code ping;  // locals: 0 this, 1 aid, 2 scratch
  ping.op2(O::kInvokestatic, previous)
      .op(O::kAstore1)
      .op(O::kAload1)
      .branch(O::kIfnull, "none")
      .op(O::kBspush)
      .s1(16)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kAstore2)
      .op(O::kAload1)
      .op(O::kAload2)
      .op(O::kSconst0)
      .op2(O::kInvokevirtual, get_bytes)
      .op(O::kSspush)
      .s2(0x100)
      .op(O::kSadd)
      .op(O::kSreturn)
      .label("none")
      .op(O::kSspush)
      .s2(0x100)
      .op(O::kSreturn);
  const int m_ping = b.add_method({4, 1, 2, ping.take()});
  const int m_get_sio = b.add_method({1, 3, 0, Code().op(O::kAload0).op(O::kAreturn).take()});
  const int m_select_multi = b.add_method({1, 2, 0, Code().op(O::kSconst1).op(O::kSreturn).take()});
  const int m_deselect_multi = b.add_method({0, 2, 0, Code().op(O::kReturn).take()});
  const int m_process = b.add_method({0, 2, 0, Code().op(O::kReturn).take()});
  const int m_select = b.add_method({1, 1, 0, Code().op(O::kSconst1).op(O::kSreturn).take()});
  Code init;
  init.op(O::kAload0).op2(O::kInvokespecial, applet_init).op(O::kReturn);
  const int m_init = b.add_method({1, 1, 0, init.take()});
  const std::uint16_t server_init = b.cp_static_method(m_init);
  Code install;
  install.op2(O::kNew, server)
      .op(O::kDup)
      .op2(O::kInvokespecial, server_init)
      .op2(O::kInvokevirtual, register_applet)
      .op(O::kReturn);
  const int m_install = b.add_method({2, 3, 0, install.take()});

  ClassSpec si;
  si.is_interface = true;
  si.shareable = true;
  si.superinterfaces = {cap::ClassRef::external(framework, fw::kShareable)};
  const int interface_si = b.add_class(si);
  ClassSpec cls;
  cls.super_class = cap::ClassRef::external(framework, fw::kApplet);
  // getShareableInterfaceObject (5), select (6), process (7), ping (8), select(Z) (9),
  // deselect(Z) (10)
  cls.public_base = 5;
  cls.public_methods = {m_get_sio, m_select, m_process, m_ping, m_select_multi, m_deselect_multi};
  cls.interfaces.push_back({{}, interface_si, {8}});
  cls.interfaces.push_back({cap::ClassRef::external(framework, fw::kMultiSelectable), -1, {9, 10}});
  b.add_class(cls);
  b.export_class(interface_si);
  b.add_applet(kServerClass, m_install);
  return b;
}

// process: INS 70 calls the server's ping() through its SIO (server AID in the data) and
// returns the result; INS 72 drops a new array and requests object deletion.
CapBuilder client_package() {
  CapBuilder b(kClientPackage);
  b.import_package(kJavaLang, 1, 0);
  const std::uint8_t framework = b.import_package(kFramework, 1, 6);
  const std::uint8_t server = b.import_package(kServerPackage, 1, 0);
  const std::uint16_t applet_init = b.cp_external_static_method(framework, fw::kApplet, 0);
  const std::uint16_t register_applet = b.cp_external_virtual_method(framework, fw::kApplet, 1);
  const std::uint16_t selecting = b.cp_external_virtual_method(framework, fw::kApplet, 3);
  const std::uint16_t get_buffer = b.cp_external_virtual_method(framework, fw::kApdu, 1);
  const std::uint16_t send = b.cp_external_virtual_method(framework, fw::kApdu, 8);
  const std::uint16_t aid_class = b.cp_external_class(framework, fw::kAid);
  const std::uint16_t aid_init = b.cp_external_static_method(framework, fw::kAid, 0);
  const std::uint16_t get_sio = b.cp_external_static_method(framework, fw::kJcSystem, 4);
  const std::uint16_t request_deletion = b.cp_external_static_method(framework, fw::kJcSystem, 18);
  const std::uint16_t si = b.cp_external_class(server, 0);
  const std::uint16_t client = b.cp_class(0);

  Code process;  // locals: 0 this, 1 apdu, 2 buffer, 3 sio
  process.op(O::kAload0)
      .op2(O::kInvokevirtual, selecting)
      .branch(O::kIfeq, "command")
      .op(O::kReturn);
  process.label("command").op(O::kAload1).op2(O::kInvokevirtual, get_buffer).op(O::kAstore2);
  process.op(O::kAload2)
      .op(O::kSconst1)
      .op(O::kBaload)
      .op(O::kBspush)
      .s1(0x72)
      .branch(O::kIfScmpeq, "delete");
  process.op2(O::kNew, aid_class)
      .op(O::kDup)
      .op(O::kAload2)
      .op(O::kSconst5)
      .op(O::kAload2)
      .op(O::kSconst4)
      .op(O::kBaload)
      .op2(O::kInvokespecial, aid_init)
      .op(O::kSconst0)
      .op2(O::kInvokestatic, get_sio)
      .op(O::kAstore3)
      .op(O::kAload3)
      .op(O::kCheckcast)
      .u1(0)
      .u2(si)
      .op(O::kInvokeinterface)
      .u1(1)
      .u2(si)
      .u1(0)
      .op(O::kSstore)
      .u1(4)
      .op(O::kAload2)
      .op(O::kSconst0)
      .op(O::kSload)
      .u1(4)
      .op(O::kBspush)
      .s1(8)
      .op(O::kSshr)
      .op(O::kBastore)
      .op(O::kAload2)
      .op(O::kSconst1)
      .op(O::kSload)
      .u1(4)
      .op(O::kBastore)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kSconst2)
      .op2(O::kInvokevirtual, send)
      .op(O::kReturn);
  process.label("delete")
      .op(O::kBspush)
      .s1(100)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kPop)
      .op2(O::kInvokestatic, request_deletion)
      .op(O::kReturn);
  const int m_process = b.add_method({6, 2, 3, process.take()});
  Code init;
  init.op(O::kAload0).op2(O::kInvokespecial, applet_init).op(O::kReturn);
  const int m_init = b.add_method({1, 1, 0, init.take()});
  const std::uint16_t client_init = b.cp_static_method(m_init);
  Code install;
  install.op2(O::kNew, client)
      .op(O::kDup)
      .op2(O::kInvokespecial, client_init)
      .op2(O::kInvokevirtual, register_applet)
      .op(O::kReturn);
  const int m_install = b.add_method({2, 3, 0, install.take()});
  ClassSpec cls;
  cls.super_class = cap::ClassRef::external(framework, fw::kApplet);
  cls.public_base = 7;
  cls.public_methods = {m_process};
  b.add_class(cls);
  b.add_applet(kClientClass, m_install);
  return b;
}

class Shareable : public VmTest {
 protected:
  void SetUp() override {
    runtime_->load_package(encode(server_package().build()));
    runtime_->load_package(encode(client_package().build()));
    runtime_->install_applet(Aid::from_hex(kServerPackage), Aid::from_hex(kServerClass),
                             Aid::from_hex(kServerInstance), install_parameters(kServerInstance));
    runtime_->install_applet(Aid::from_hex(kClientPackage), Aid::from_hex(kClientClass),
                             Aid::from_hex(kClientInstance), install_parameters(kClientInstance));
    ASSERT_TRUE(runtime_->select(0, Aid::from_hex(kClientInstance)));
    EXPECT_EQ(runtime_->process(0, from_hex("00A4040009A00000001210010101")).status, 0x9000);
  }
};

TEST_F(Shareable, ClientCallsServerThroughSio) {
  Response r = runtime_->process(0, from_hex("8070000009A00000001110010101"));
  EXPECT_EQ(r.status, 0x9000);
  // ping() ran in the server's context and saw the client as the previous context, whose
  // instance AID has 9 bytes.
  EXPECT_EQ(to_hex(r.data), "0109");
}

TEST_F(Shareable, UnknownServerGivesNoSio) {
  // No applet with this AID: getAppletShareableInterfaceObject returns null, and the
  // checkcast passes null on to invokeinterface, which throws NullPointerException: 6F00.
  Response r = runtime_->process(0, from_hex("8070000009A00000001110010199"));
  EXPECT_EQ(r.status, 0x6F00);
}

TEST_F(Shareable, MultiSelectableAppletOnTwoChannels) {
  EXPECT_TRUE(runtime_->select(1, Aid::from_hex(kServerInstance)));
  EXPECT_TRUE(runtime_->select(2, Aid::from_hex(kServerInstance)));
  EXPECT_EQ(runtime_->selected(1), Aid::from_hex(kServerInstance));
  EXPECT_EQ(runtime_->selected(2), Aid::from_hex(kServerInstance));
  // The client is not MultiSelectable.
  EXPECT_FALSE(runtime_->select(3, Aid::from_hex(kClientInstance)));
}

TEST_F(Shareable, RequestedDeletionReclaimsGarbage) {
  EXPECT_EQ(runtime_->process(0, from_hex("8072000000")).status, 0x9000);
  const std::size_t objects = store_->usage().objects;
  const std::size_t persistent = store_->usage().persistent_bytes;
  EXPECT_EQ(runtime_->process(0, from_hex("8072000000")).status, 0x9000);
  // The array the command dropped is gone again.
  EXPECT_EQ(store_->usage().objects, objects);
  EXPECT_EQ(store_->usage().persistent_bytes, persistent);
}

}  // namespace
}  // namespace uicc::vm::test
