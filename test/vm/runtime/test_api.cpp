#include "test/vm/runtime/test_api.h"

#include <algorithm>

#include "vm/runtime/api_tokens.h"

namespace uicc::vm::test {

namespace {

ClassName framework(std::uint8_t token) {
  return api::framework_class(token);
}
ClassName lang(std::uint8_t token) {
  return api::lang_class(token);
}

Slot nothing(Vm&, Args) {
  return 0;
}
Slot yes(Vm&, Args) {
  return 1;
}
Slot null_reference(Vm&, Args) {
  return kNullRef;
}

// --- Applet --------------------------------------------------------------------------------
Slot applet_register(Vm& vm, Args args) {
  vm.register_applet(args.ref_at(0), std::nullopt);
  return 0;
}
Slot applet_register_aid(Vm& vm, Args args) {
  ByteView bytes = vm.array_bytes(args.ref_at(1));
  const auto offset = static_cast<std::size_t>(args.short_at(2));
  const auto length = static_cast<std::size_t>(args.byte_at(3));
  if (offset + length > bytes.size() || length < Aid::kMinLength || length > Aid::kMaxLength) {
    vm.throw_java(framework(fw::kSystemException), api::system_exception::kIllegalAid);
  }
  vm.register_applet(args.ref_at(0), Aid(bytes.subspan(offset, length)));
  return 0;
}
Slot applet_selecting(Vm& vm, Args) {
  return vm.selecting_applet() ? 1 : 0;
}

// --- AID: instance word 0 holds a byte array with the AID bytes -----------------------------
Slot aid_init(Vm& vm, Args args) {
  ByteView source = vm.array_bytes(args.ref_at(1));
  const auto offset = static_cast<std::size_t>(args.short_at(2));
  const auto length = static_cast<std::size_t>(args.byte_at(3));
  Ref copy = vm.new_array(ArrayType::byte_array, static_cast<std::uint16_t>(length));
  vm.write_bytes(copy, 0, source.subspan(offset, length), true);
  vm.set_field(args.ref_at(0), 0, copy);
  return 0;
}
Slot aid_get_bytes(Vm& vm, Args args) {
  Ref bytes = vm.get_field(args.ref_at(0), 0);
  ByteView aid = vm.array_bytes(bytes);
  vm.write_bytes(args.ref_at(1), static_cast<std::uint16_t>(args.short_at(2)), aid, true);
  return slot_of_short(static_cast<std::int16_t>(aid.size()));
}

// --- exceptions: instance word 0 is the reason ---------------------------------------------
Slot exception_init(Vm& vm, Args args) {
  vm.set_field(args.ref_at(0), 0, slot_of_short(args.short_at(1)));
  return 0;
}
Slot exception_get_reason(Vm& vm, Args args) {
  return vm.get_field(args.ref_at(0), 0);
}
// Vm::throw_java does not return; the return statements satisfy compilers that do not carry
// [[noreturn]] through a virtual call.
Slot iso_throw_it(Vm& vm, Args args) {
  vm.throw_java(framework(fw::kIsoException), args.short_at(0));
  return 0;
}
Slot system_throw_it(Vm& vm, Args args) {
  vm.throw_java(framework(fw::kSystemException), args.short_at(0));
  return 0;
}
Slot transaction_throw_it(Vm& vm, Args args) {
  vm.throw_java(framework(fw::kTransactionException), args.short_at(0));
  return 0;
}

// --- JCSystem ------------------------------------------------------------------------------
Slot begin_transaction(Vm& vm, Args) {
  vm.begin_transaction();
  return 0;
}
Slot commit_transaction(Vm& vm, Args) {
  vm.commit_transaction();
  return 0;
}
Slot abort_transaction(Vm& vm, Args) {
  vm.abort_transaction();
  return 0;
}
Slot transaction_depth(Vm& vm, Args) {
  return vm.transaction_depth();
}
Slot get_aid(Vm& vm, Args) {
  return vm.current_applet_aid();
}
Slot previous_context_aid(Vm& vm, Args) {
  return vm.previous_context_aid();
}
Slot shareable_object(Vm& vm, Args args) {
  Ref aid_object = args.ref_at(0);
  if (aid_object == kNullRef) return kNullRef;
  Ref bytes = vm.get_field(aid_object, 0);
  return vm.shareable_interface_object(vm.array_bytes(bytes),
                                       static_cast<std::uint8_t>(args.byte_at(1)));
}
Slot is_transient(Vm& vm, Args args) {
  return static_cast<Slot>(vm.transient_event(args.ref_at(0)));
}
Slot make_transient_bytes(Vm& vm, Args args) {
  return vm.new_transient_array(ArrayType::byte_array, static_cast<std::uint16_t>(args.short_at(0)),
                                static_cast<TransientEvent>(args.byte_at(1)));
}
Slot make_transient_objects(Vm& vm, Args args) {
  return vm.new_transient_array(ArrayType::reference_array,
                                static_cast<std::uint16_t>(args.short_at(0)),
                                static_cast<TransientEvent>(args.byte_at(1)));
}
Slot available_memory(Vm& vm, Args args) {
  return slot_of_short(vm.available_memory(static_cast<MemoryType>(args.byte_at(0))));
}
Slot request_deletion(Vm& vm, Args) {
  vm.request_object_deletion();
  return 0;
}
Slot assigned_channel(Vm& vm, Args) {
  return vm.assigned_channel();
}

// --- APDU ----------------------------------------------------------------------------------
Slot apdu_buffer(Vm& vm, Args) {
  return vm.apdu().buffer;
}
// setOutgoingAndSend(offset, length): the response data from the APDU buffer.
Slot apdu_send(Vm& vm, Args args) {
  ApduExchange& apdu = vm.apdu();
  ByteView buffer = vm.array_bytes(apdu.buffer);
  const auto offset = static_cast<std::size_t>(args.short_at(1));
  const auto length = static_cast<std::size_t>(args.short_at(2));
  if (offset + length > buffer.size())
    vm.throw_java(lang(api::lang::kArrayIndexOutOfBoundsException));
  apdu.response.insert(apdu.response.end(), buffer.begin() + static_cast<std::ptrdiff_t>(offset),
                       buffer.begin() + static_cast<std::ptrdiff_t>(offset + length));
  return 0;
}
Slot apdu_receive(Vm& vm, Args) {
  const ApduExchange& apdu = vm.apdu();
  return slot_of_short(static_cast<std::int16_t>(apdu.command.size() > 5 ? apdu.command[4] : 0));
}

NativeClass make_class(std::uint8_t token, const char* name, std::optional<ClassName> super) {
  NativeClass cls;
  cls.token = token;
  cls.name = name;
  cls.superclass = super;
  return cls;
}

NativeClass make_interface(std::uint8_t token, const char* name) {
  NativeClass cls = make_class(token, name, lang(api::lang::kObject));
  cls.is_interface = true;
  return cls;
}

NativeClass exception_class(std::uint8_t token, const char* name, ClassName super,
                            NativeFunction throw_it) {
  NativeClass cls = make_class(token, name, super);
  cls.static_methods = {{0, "<init>(S)V", exception_init}, {1, "throwIt(S)V", throw_it}};
  cls.virtual_methods = {{1, "getReason()S", exception_get_reason}};
  return cls;
}

NativePackage framework_package() {
  NativePackage package;
  package.name = "javacard.framework";
  package.aid = api::javacard_framework();
  package.major = 1;
  package.minor = 6;

  package.classes.push_back(make_interface(fw::kShareable, "javacard/framework/Shareable"));

  NativeClass applet =
      make_class(fw::kApplet, "javacard/framework/Applet", lang(api::lang::kObject));
  applet.is_abstract = true;
  applet.static_methods = {{0, "<init>()V", nothing}};
  applet.virtual_methods = {
      {1, "register()V", applet_register},
      {2, "register([BSB)V", applet_register_aid},
      {3, "selectingApplet()Z", applet_selecting},
      {4, "deselect()V", nothing},
      {5, "getShareableInterfaceObject(Ljavacard/framework/AID;B)Ljavacard/framework/Shareable;",
       null_reference},
      {6, "select()Z", yes},
      {7, "process(Ljavacard/framework/APDU;)V", nullptr},
  };
  package.classes.push_back(applet);

  NativeClass card_runtime =
      make_class(fw::kCardRuntimeException, "javacard/framework/CardRuntimeException", lang(3));
  card_runtime.instance_words = 1;
  card_runtime.static_methods = {{0, "<init>(S)V", exception_init}};
  card_runtime.virtual_methods = {{1, "getReason()S", exception_get_reason}};
  package.classes.push_back(card_runtime);

  NativeClass aid = make_class(fw::kAid, "javacard/framework/AID", lang(api::lang::kObject));
  aid.instance_words = 1;
  aid.reference_words = 1;
  aid.static_methods = {{0, "<init>([BSB)V", aid_init}};
  aid.virtual_methods = {{3, "getBytes([BS)B", aid_get_bytes}};
  package.classes.push_back(aid);

  package.classes.push_back(exception_class(fw::kIsoException, "javacard/framework/ISOException",
                                            framework(fw::kCardRuntimeException), iso_throw_it));

  NativeClass system =
      make_class(fw::kJcSystem, "javacard/framework/JCSystem", lang(api::lang::kObject));
  system.static_methods = {
      {0, "abortTransaction()V", abort_transaction},
      {1, "beginTransaction()V", begin_transaction},
      {2, "commitTransaction()V", commit_transaction},
      {3, "getAID()Ljavacard/framework/AID;", get_aid},
      {4,
       "getAppletShareableInterfaceObject(Ljavacard/framework/AID;B)Ljavacard/framework/Shareable;",
       shareable_object},
      {6, "getPreviousContextAID()Ljavacard/framework/AID;", previous_context_aid},
      {7, "getTransactionDepth()B", transaction_depth},
      {10, "isTransient(Ljava/lang/Object;)B", is_transient},
      {13, "makeTransientByteArray(SB)[B", make_transient_bytes},
      {14, "makeTransientObjectArray(SB)[Ljava/lang/Object;", make_transient_objects},
      {16, "getAvailableMemory(B)S", available_memory},
      {18, "requestObjectDeletion()V", request_deletion},
      {19, "getAssignedChannel()B", assigned_channel},
  };
  package.classes.push_back(system);

  NativeClass apdu = make_class(fw::kApdu, "javacard/framework/APDU", lang(api::lang::kObject));
  apdu.instance_words = 2;
  apdu.virtual_methods = {
      {1, "getBuffer()[B", apdu_buffer},
      {6, "setIncomingAndReceive()S", apdu_receive},
      {8, "setOutgoingAndSend(SS)V", apdu_send},
  };
  package.classes.push_back(apdu);

  package.classes.push_back(exception_class(fw::kSystemException,
                                            "javacard/framework/SystemException",
                                            framework(fw::kCardRuntimeException), system_throw_it));
  package.classes.push_back(
      exception_class(fw::kTransactionException, "javacard/framework/TransactionException",
                      framework(fw::kCardRuntimeException), transaction_throw_it));

  NativeClass multi = make_interface(fw::kMultiSelectable, "javacard/framework/MultiSelectable");
  multi.virtual_methods = {{0, "select(Z)Z", nullptr}, {1, "deselect(Z)V", nullptr}};
  package.classes.push_back(multi);
  NativeClass event = make_interface(fw::kAppletEvent, "javacard/framework/AppletEvent");
  event.virtual_methods = {{0, "uninstall()V", nullptr}};
  package.classes.push_back(event);
  return package;
}

}  // namespace

const NativeRegistry& test_registry() {
  static const NativeRegistry registry = [] {
    NativeRegistry r;
    r.add(framework_package());
    return r;
  }();
  return registry;
}

}  // namespace uicc::vm::test
