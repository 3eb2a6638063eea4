#include "test/vm/runtime/wallet_applet.h"

#include "test/vm/runtime/test_api.h"
#include "vm/runtime/api_tokens.h"

namespace uicc::vm::test {

using O = Opcode;

Bytes install_parameters(const char* instance_aid_hex) {
  Bytes aid = from_hex(instance_aid_hex);
  Bytes parameters;
  parameters.push_back(static_cast<std::uint8_t>(aid.size()));
  append(parameters, aid);
  append(parameters, from_hex("0100"));    // privileges: none
  append(parameters, from_hex("02C900"));  // application parameters: an empty C9 TLV
  return parameters;
}

CapBuilder wallet_package(const char* package_aid, const char* class_aid) {
  CapBuilder b(package_aid);
  const std::uint8_t lang = b.import_package("A0000000620001", 1, 0);
  const std::uint8_t framework = b.import_package("A0000000620101", 1, 6);
  (void)lang;

  // Constant pool. Wallet is class 0: field 0 balance (short), field 1 history (byte[]).
  const std::uint16_t applet_init = b.cp_external_static_method(framework, fw::kApplet, 0);
  const std::uint16_t register_applet = b.cp_external_virtual_method(framework, fw::kApplet, 1);
  const std::uint16_t selecting = b.cp_external_virtual_method(framework, fw::kApplet, 3);
  const std::uint16_t get_buffer = b.cp_external_virtual_method(framework, fw::kApdu, 1);
  const std::uint16_t send = b.cp_external_virtual_method(framework, fw::kApdu, 8);
  const std::uint16_t throw_it = b.cp_external_static_method(framework, fw::kIsoException, 1);
  const std::uint16_t begin = b.cp_external_static_method(framework, fw::kJcSystem, 1);
  const std::uint16_t commit = b.cp_external_static_method(framework, fw::kJcSystem, 2);
  const std::uint16_t abort = b.cp_external_static_method(framework, fw::kJcSystem, 0);
  const std::uint16_t balance = b.cp_instance_field(0, 0);
  const std::uint16_t history = b.cp_instance_field(0, 1);
  const std::uint16_t wallet = b.cp_class(0);
  const auto f_balance = static_cast<std::uint8_t>(balance);
  const auto f_history = static_cast<std::uint8_t>(history);

  // process(APDU): locals 0 this, 1 apdu, 2 buffer, 3 INS
  Code process;
  process.op(O::kAload0)
      .op2(O::kInvokevirtual, selecting)
      .branch(O::kIfeq, "command")
      .op(O::kReturn);
  process.label("command").op(O::kAload1).op2(O::kInvokevirtual, get_buffer).op(O::kAstore2);
  process.op(O::kAload2).op(O::kSconst1).op(O::kBaload).op(O::kSstore3);
  auto on = [&](std::int8_t ins, const char* label) {
    process.op(O::kSload3).op(O::kBspush).s1(ins).branch(O::kIfScmpeqW, label);
  };
  on(0x10, "add");
  on(0x20, "abort");
  on(0x22, "commit");
  on(0x24, "open");
  on(0x30, "read");
  on(0x40, "iso");
  on(0x50, "npe");
  process.op(O::kSspush).s2(0x6D00).op2(O::kInvokestatic, throw_it).op(O::kReturn);

  auto increment = [&](Code& code) {
    code.op(O::kAload0)
        .op(O::kGetfieldSThis, f_balance)
        .op(O::kSconst1)
        .op(O::kSadd)
        .op(O::kPutfieldSThis, f_balance);
  };
  auto record = [&](Code& code) {  // history[0] = buffer[5]
    code.op(O::kGetfieldAThis, f_history)
        .op(O::kSconst0)
        .op(O::kAload2)
        .op(O::kSconst5)
        .op(O::kBaload)
        .op(O::kBastore);
  };
  process.label("add")
      .op(O::kGetfieldSThis, f_balance)
      .op(O::kAload2)
      .op(O::kSconst5)
      .op(O::kBaload)
      .op(O::kSadd)
      .op(O::kPutfieldSThis, f_balance)
      .op(O::kReturn);
  process.label("abort").op2(O::kInvokestatic, begin);
  increment(process);
  record(process);
  process.op2(O::kInvokestatic, abort).op(O::kReturn);
  process.label("commit").op2(O::kInvokestatic, begin);
  increment(process);
  record(process);
  process.op2(O::kInvokestatic, commit).op(O::kReturn);
  process.label("open").op2(O::kInvokestatic, begin);
  increment(process);
  process.op(O::kReturn);
  process.label("read")
      .op(O::kAload2)
      .op(O::kSconst0)
      .op(O::kGetfieldSThis, f_balance)
      .op(O::kBspush)
      .s1(8)
      .op(O::kSshr)
      .op(O::kBastore)
      .op(O::kAload2)
      .op(O::kSconst1)
      .op(O::kGetfieldSThis, f_balance)
      .op(O::kBastore)
      .op(O::kAload2)
      .op(O::kSconst2)
      .op(O::kGetfieldAThis, f_history)
      .op(O::kSconst0)
      .op(O::kBaload)
      .op(O::kBastore)
      .op(O::kAload1)
      .op(O::kSconst0)
      .op(O::kSconst3)
      .op2(O::kInvokevirtual, send)
      .op(O::kReturn);
  process.label("iso").op(O::kSspush).s2(0x6A82).op2(O::kInvokestatic, throw_it).op(O::kReturn);
  process.label("npe").op(O::kAconstNull).op(O::kArraylength).op(O::kPop).op(O::kReturn);
  const int m_process = b.add_method({6, 2, 2, process.take()});

  // <init>(): super(); history = new byte[4]
  Code init;
  init.op(O::kAload0)
      .op2(O::kInvokespecial, applet_init)
      .op(O::kAload0)
      .op(O::kSconst4)
      .op(O::kNewarray)
      .u1(11)
      .op(O::kPutfieldA, f_history)
      .op(O::kReturn);
  const int m_init = b.add_method({3, 1, 0, init.take()});
  const std::uint16_t wallet_init = b.cp_static_method(m_init);

  // install(byte[], short, byte): new Wallet().register()
  Code install;
  install.op2(O::kNew, wallet)
      .op(O::kDup)
      .op2(O::kInvokespecial, wallet_init)
      .op2(O::kInvokevirtual, register_applet)
      .op(O::kReturn);
  const int m_install = b.add_method({2, 3, 0, install.take()});

  ClassSpec cls;
  cls.super_class = cap::ClassRef::external(framework, fw::kApplet);
  cls.declared_instance_size = 2;
  cls.first_reference_token = 1;
  cls.reference_count = 1;
  cls.public_base = 7;
  cls.public_methods = {m_process};
  b.add_class(cls);
  b.add_applet(class_aid, m_install);
  return b;
}

}  // namespace uicc::vm::test
