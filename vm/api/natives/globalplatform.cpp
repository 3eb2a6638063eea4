// org.globalplatform (GlobalPlatform Card API 1.6) beyond the life cycle queries of
// framework.cpp: the SecureChannel object of GPSystem.getSecureChannel, the CVM objects of
// GPSystem.getCVM, the GPRegistryEntry objects of GPSystem.getRegistryEntry, and
// GPSystem.lockCard, terminateCard and setATRHistBytes. The card's GlobalPlatform layer
// implements the services behind api::GlobalPlatformHooks. These natives copy bytes between
// the applet's arrays and those services, and throw the exceptions the API names on failure.
//
// NOTE: the CVM methods take any byte array the caller may access. The API requires a global
// array there, and a card whose CVM application runs in a context of its own would reject
// the caller's own arrays with SecurityException.
#include <algorithm>
#include <optional>

#include "vm/api/api_constants.h"
#include "vm/api/export_data.h"
#include "vm/api/global_platform_hooks.h"
#include "vm/api/natives/native_support.h"

namespace uicc::api {
namespace {

namespace iso = jc::javacard::framework::ISO7816;
namespace japdu = jc::javacard::framework::APDU;
namespace gpcvm = jc::org::globalplatform::CVM;

constexpr std::string_view kSecureChannelImpl = "org.globalplatform.SecureChannelImpl";
constexpr std::string_view kCvmImpl = "org.globalplatform.CVMImpl";
constexpr std::string_view kRegistryEntryImpl = "org.globalplatform.GPRegistryEntryImpl";
// SecureChannelImpl: the AID object of the applet whose secure channel it is (a reference).
constexpr std::uint16_t kAppletAidWord = 0;
// CVMImpl: the CVM identifier of GPSystem.getCVM (a number).
constexpr std::uint16_t kCvmWord = 0;
// GPRegistryEntryImpl: the AID object of the application whose entry it is (a reference).
constexpr std::uint16_t kEntryAidWord = 0;

[[noreturn]] void throw_iso(Vm& vm, std::uint16_t status) {
  throw_exception(vm, "javacard.framework.ISOException", static_cast<std::int16_t>(status));
}

// Runs a service call and rethrows its failure as ISOException.
template <typename F>
auto run(Vm& vm, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const ServiceFailure& failure) {
    throw_iso(vm, failure.status);
  }
}

// The AID of any AID object: the runtime's own or one the applet constructed.
std::optional<vm::Aid> aid_value(Vm& vm, Ref aid) {
  const auto bytes = aid_bytes(vm, aid);
  if (!bytes) return std::nullopt;
  return vm::Aid(*bytes);
}

std::optional<vm::Aid> current_applet(Vm& vm) {
  const Ref aid = vm.current_applet_aid();
  if (aid == vm::kNullRef) return std::nullopt;
  return vm.aid_of(aid);
}

// Whether `object` is still an instance of `implementation` owned by the caller's context,
// as a slot of GlobalPlatformHooks::api_object may not be after object deletion.
bool usable(Vm& vm, Ref object, std::string_view implementation) {
  return object != vm::kNullRef && vm.store().valid(object) &&
         vm.instance_of(object, class_name(implementation)) &&
         vm.owner(object) == vm.current_context();
}

Bytes copy_in(Vm& vm, Ref array, std::int16_t offset, std::int16_t length) {
  const ByteView range = array_range(vm, array, offset, length);
  return Bytes(range.begin(), range.end());
}

// Writes `data` over `array` at `offset` and returns its length. ArrayIndexOutOfBoundsException
// if it does not fit.
Slot copy_out(Vm& vm, Ref array, std::int16_t offset, ByteView data) {
  if (data.size() > 0x7FFF) throw_index_out_of_bounds(vm);
  check_range(vm, array, offset, static_cast<std::int16_t>(data.size()));
  vm.write_bytes(array, static_cast<std::uint16_t>(offset), data, false);
  return short_result(static_cast<int>(data.size()));
}

// --- SecureChannel -------------------------------------------------------------------------

// The service behind a SecureChannelImpl, for the logical channel of the current command.
// Null when the applet left the registry or the card has no GlobalPlatform layer.
SecureChannelService* service_of(Vm& vm, Ref channel_object) {
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  if (hooks == nullptr) return nullptr;
  const auto applet = vm.aid_of(vm.get_field(channel_object, kAppletAidWord));
  if (!applet) return nullptr;
  return hooks->secure_channel_service(*applet, vm.assigned_channel());
}

SecureChannelService& required_service(Vm& vm, Args args) {
  SecureChannelService* service = service_of(vm, args.ref_at(0));
  if (service == nullptr) throw_iso(vm, iso::SW_CONDITIONS_NOT_SATISFIED);
  return *service;
}

std::uint8_t method_token(std::string_view name, std::string_view descriptor) {
  return find_method(*find_class("javacard.framework.APDU"), name, descriptor)->token;
}

// Receives the data field of the current command into the APDU buffer through the APDU
// object's own methods, so that its state machine moves on as if the applet had called them.
void receive_data(Vm& vm, Ref apdu) {
  static const std::uint8_t current_state = method_token("getCurrentState", "()B");
  static const std::uint8_t set_incoming = method_token("setIncomingAndReceive", "()S");
  static const std::uint8_t receive_bytes = method_token("receiveBytes", "(S)S");
  auto state = static_cast<std::int8_t>(vm.invoke_virtual(apdu, current_state, {}));
  if (state == japdu::STATE_INITIAL) {
    vm.invoke_virtual(apdu, set_incoming, {});
    state = static_cast<std::int8_t>(vm.invoke_virtual(apdu, current_state, {}));
  }
  // A data field longer than the buffer arrives in parts; each call receives at least one byte.
  const Slot offset[] = {vm::slot_of_short(iso::OFFSET_CDATA)};
  for (std::size_t guard = 0; state == japdu::STATE_PARTIAL_INCOMING && guard < 0x10000; ++guard) {
    vm.invoke_virtual(apdu, receive_bytes, offset);
    state = static_cast<std::int8_t>(vm.invoke_virtual(apdu, current_state, {}));
  }
}

// SecureChannel.processSecurity: the response data goes to the APDU buffer at OFFSET_CDATA.
Slot process_security(Vm& vm, Args args) {
  const Ref apdu = args.ref_at(1);
  if (apdu == vm::kNullRef) throw_null_pointer(vm);
  SecureChannelService& service = required_service(vm, args);
  const Bytes command = vm.apdu().command;
  const Bytes response = run(vm, [&] { return service.process_security(command); });
  receive_data(vm, apdu);
  return copy_out(vm, vm.apdu().buffer, iso::OFFSET_CDATA, response);
}

// SecureChannelx2.processSecurity(byte[], short, short, short): the command is read from the
// applet's array at the input offset, and the response data is written at the output offset.
Slot process_security_in_buffer(Vm& vm, Args args) {
  const Ref buffer = args.ref_at(1);
  const Bytes command = copy_in(vm, buffer, args.short_at(2), args.short_at(3));
  const std::int16_t out_offset = args.short_at(4);
  SecureChannelService& service = required_service(vm, args);
  const Bytes response = run(vm, [&] { return service.process_security(command); });
  return copy_out(vm, buffer, out_offset, response);
}

// unwrap, decryptData and encryptData(byte[] buffer, short offset, short length): the
// service's result replaces the bytes in the buffer, and its length is returned.
template <Bytes (SecureChannelService::*Operation)(ByteView)>
Slot in_place(Vm& vm, Args args) {
  const Ref buffer = args.ref_at(1);
  const std::int16_t offset = args.short_at(2);
  const Bytes input = copy_in(vm, buffer, offset, args.short_at(3));
  SecureChannelService& service = required_service(vm, args);
  const Bytes output = run(vm, [&] { return (service.*Operation)(input); });
  return copy_out(vm, buffer, offset, output);
}

Slot wrap(Vm& vm, Args args) {
  const Ref buffer = args.ref_at(1);
  const std::int16_t offset = args.short_at(2);
  const Bytes response = copy_in(vm, buffer, offset, args.short_at(3));
  SecureChannelService& service = required_service(vm, args);
  if (response.size() < 2) throw_iso(vm, iso::SW_WRONG_LENGTH);
  const Bytes wrapped = run(vm, [&] { return service.wrap(response); });
  return copy_out(vm, buffer, offset, wrapped);
}

Slot set_security_level(Vm& vm, Args args) {
  const auto level = static_cast<std::uint8_t>(args.byte_at(1));
  SecureChannelService& service = required_service(vm, args);
  run(vm, [&] { service.set_security_level(level); });
  return 0;
}

// SecureChannel.resetSecurity does nothing when the applet has no secure channel.
Slot reset_security(Vm& vm, Args args) {
  if (SecureChannelService* service = service_of(vm, args.ref_at(0))) service->reset_security();
  return 0;
}

Slot security_level(Vm& vm, Args args) {
  SecureChannelService* service = service_of(vm, args.ref_at(0));
  const std::uint8_t level = service != nullptr ? service->security_level() : 0;
  return short_result(static_cast<std::int8_t>(level));
}

// --- CVM -----------------------------------------------------------------------------------

CvmService* cvm_of(Vm& vm, Args args) {
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  if (hooks == nullptr) return nullptr;
  return hooks->cvm_service(static_cast<std::uint8_t>(vm.get_field(args.ref_at(0), kCvmWord)));
}

template <bool CvmService::State::*Flag>
Slot cvm_flag(Vm& vm, Args args) {
  CvmService* cvm = cvm_of(vm, args);
  return boolean_result(cvm != nullptr && cvm->state().*Flag);
}

Slot cvm_tries_remaining(Vm& vm, Args args) {
  CvmService* cvm = cvm_of(vm, args);
  return short_result(cvm != nullptr ? cvm->state().tries_remaining : 0);
}

// The formats CVM.update and verify accept.
bool known_format(std::int8_t format) {
  return format == gpcvm::FORMAT_ASCII || format == gpcvm::FORMAT_BCD ||
         format == gpcvm::FORMAT_HEX;
}

Slot cvm_update(Vm& vm, Args args) {
  const Bytes value = copy_in(vm, args.ref_at(1), args.short_at(2), args.byte_at(3));
  const std::int8_t format = args.byte_at(4);
  CvmService* cvm = cvm_of(vm, args);
  const auto caller = current_applet(vm);
  if (cvm == nullptr || !caller || !known_format(format)) return boolean_result(false);
  return boolean_result(cvm->update(*caller, value, static_cast<std::uint8_t>(format)));
}

Slot cvm_verify(Vm& vm, Args args) {
  const Bytes value = copy_in(vm, args.ref_at(1), args.short_at(2), args.byte_at(3));
  const std::int8_t format = args.byte_at(4);
  CvmService* cvm = cvm_of(vm, args);
  const bool matched = cvm != nullptr && known_format(format) &&
                       cvm->verify(value, static_cast<std::uint8_t>(format));
  return short_result(matched ? gpcvm::CVM_SUCCESS : gpcvm::CVM_FAILURE);
}

Slot cvm_reset_state(Vm& vm, Args args) {
  CvmService* cvm = cvm_of(vm, args);
  return boolean_result(cvm != nullptr && cvm->reset_state());
}

// The CVM methods that need the caller's CVM Management privilege.
template <bool (CvmService::*Change)(const vm::Aid&)>
Slot cvm_managed(Vm& vm, Args args) {
  CvmService* cvm = cvm_of(vm, args);
  const auto caller = current_applet(vm);
  return boolean_result(cvm != nullptr && caller && (cvm->*Change)(*caller));
}

Slot cvm_set_try_limit(Vm& vm, Args args) {
  const std::int8_t limit = args.byte_at(1);
  CvmService* cvm = cvm_of(vm, args);
  const auto caller = current_applet(vm);
  if (cvm == nullptr || !caller || limit <= 0) return boolean_result(false);
  return boolean_result(cvm->set_try_limit(*caller, static_cast<std::uint8_t>(limit)));
}

// --- GPSystem ------------------------------------------------------------------------------

// GPSystem.getCVM: the CVM object for `bCVMIdentifier`, or null when the card has no such CVM.
Slot get_cvm(Vm& vm, Args args) {
  const auto cvm = static_cast<std::uint8_t>(args.byte_at(0));
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  if (hooks == nullptr || !caller || cvm == kSecureChannelObject) return vm::kNullRef;
  if (hooks->cvm_service(cvm) == nullptr) return vm::kNullRef;
  Ref& slot = hooks->api_object(*caller, cvm);
  if (usable(vm, slot, kCvmImpl) && vm.get_field(slot, kCvmWord) == cvm) return slot;
  const Ref object = vm.new_object(class_name(kCvmImpl));
  vm.set_field(object, kCvmWord, cvm);
  slot = object;
  return object;
}

Slot lock_card(Vm& vm, Args) {
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  return boolean_result(hooks != nullptr && caller && hooks->lock_card(*caller));
}

Slot terminate_card(Vm& vm, Args) {
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  return boolean_result(hooks != nullptr && caller && hooks->terminate_card(*caller));
}

// GPSystem.setATRHistBytes: the holder of the Card Reset privilege sets the historical bytes
// for the next resets.
Slot set_atr_hist_bytes(Vm& vm, Args args) {
  const std::int8_t length = args.byte_at(2);
  if (length < 0) throw_index_out_of_bounds(vm);
  const Bytes bytes = copy_in(vm, args.ref_at(0), args.short_at(1), length);
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  return boolean_result(hooks != nullptr && caller &&
                        hooks->set_atr_historical_bytes(*caller, bytes));
}

std::uint8_t aid_init_token() {
  static const std::uint8_t token =
      find_method(*find_class("javacard.framework.AID"), "<init>", "([BSB)V")->token;
  return token;
}

// An AID object for `aid`: the runtime's own for an installed applet, else a new one owned by
// the caller (a security domain's AID).
Ref aid_object(Vm& vm, const vm::Aid& aid) {
  const Ref known = vm.lookup_aid(aid.bytes());
  if (known != vm::kNullRef) return known;
  const auto length = static_cast<std::uint16_t>(aid.bytes().size());
  const Ref bytes = vm.new_array(vm::ArrayType::byte_array, length);
  vm.write_bytes(bytes, 0, aid.bytes(), false);
  const Slot init_args[] = {bytes, 0, static_cast<Slot>(length)};
  return vm.construct(class_name("javacard.framework.AID"), aid_init_token(), init_args);
}

// GPSystem.getRegistryEntry: the entry of `aid` (null: the caller's own), or null when there is
// none or the caller may not read it.
Slot get_registry_entry(Vm& vm, Args args) {
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  if (hooks == nullptr || !caller) return vm::kNullRef;
  const Ref requested = args.ref_at(0);
  const auto target = requested == vm::kNullRef ? caller : aid_value(vm, requested);
  if (!target || !hooks->registry_entry(*caller, *target)) return vm::kNullRef;
  Ref& slot = hooks->api_object(*caller, kRegistryEntryObject, target->bytes());
  if (usable(vm, slot, kRegistryEntryImpl)) {
    const auto owner = aid_value(vm, vm.get_field(slot, kEntryAidWord));
    if (owner && *owner == *target) return slot;
  }
  const Ref aid = aid_object(vm, *target);
  const Ref entry = vm.new_object(class_name(kRegistryEntryImpl));
  vm.set_field(entry, kEntryAidWord, aid);
  slot = entry;
  return entry;
}

// The entry behind a GPRegistryEntryImpl as its holder may see it now. The application may
// have been deleted since: the methods then act as on an entry without privileges in no state.
struct EntryLookup {
  std::optional<vm::Aid> target;
  std::optional<RegistryEntryView> view;
};

EntryLookup entry_of(Vm& vm, Ref entry) {
  EntryLookup lookup;
  lookup.target = aid_value(vm, vm.get_field(entry, kEntryAidWord));
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  if (hooks != nullptr && caller && lookup.target) {
    lookup.view = hooks->registry_entry(*caller, *lookup.target);
  }
  return lookup;
}

Slot entry_get_aid(Vm& vm, Args args) {
  return vm.get_field(args.ref_at(0), kEntryAidWord);
}

// GPRegistryEntry.getPrivileges: the three privilege bytes (GPCS 2.3.1 Table 11-7 to 11-9)
// at `offset`; returns their number.
Slot entry_get_privileges(Vm& vm, Args args) {
  const EntryLookup lookup = entry_of(vm, args.ref_at(0));
  const Ref buffer = args.ref_at(1);
  const std::int16_t offset = args.short_at(2);
  const Bytes privileges = lookup.view ? lookup.view->privileges : Bytes(3, 0);
  return copy_out(vm, buffer, offset, privileges);
}

Slot entry_get_state(Vm& vm, Args args) {
  const EntryLookup lookup = entry_of(vm, args.ref_at(0));
  return short_result(static_cast<std::int8_t>(lookup.view ? lookup.view->life_cycle : 0));
}

Slot entry_is_associated(Vm& vm, Args args) {
  const Ref domain = args.ref_at(1);
  if (domain == vm::kNullRef) throw_null_pointer(vm);
  const auto domain_aid = aid_value(vm, domain);
  const EntryLookup lookup = entry_of(vm, args.ref_at(0));
  if (!domain_aid || !lookup.view) return boolean_result(false);
  const ByteView associated = lookup.view->security_domain;
  return boolean_result(std::ranges::equal(associated, domain_aid->bytes()));
}

// GPRegistryEntry.isPrivileged: privilege numbers as GPSystem.PRIVILEGE_* and GPCS 2.3.1
// Table 6-1 count them, from b8 of the first byte on.
Slot entry_is_privileged(Vm& vm, Args args) {
  const std::int8_t number = args.byte_at(1);
  const EntryLookup lookup = entry_of(vm, args.ref_at(0));
  if (!lookup.view || number < 0 || number >= 24) return boolean_result(false);
  const auto index = static_cast<std::size_t>(number / 8);
  const auto mask = static_cast<std::uint8_t>(0x80 >> (number % 8));
  return boolean_result((lookup.view->privileges.at(index) & mask) != 0);
}

Slot entry_set_state(Vm& vm, Args args) {
  const auto state = static_cast<std::uint8_t>(args.byte_at(1));
  const EntryLookup lookup = entry_of(vm, args.ref_at(0));
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  const auto caller = current_applet(vm);
  if (hooks == nullptr || !caller || !lookup.target || !lookup.view) return boolean_result(false);
  return boolean_result(hooks->set_entry_state(*caller, *lookup.target, state));
}

constexpr Binding kBindings[] = {
    {"org.globalplatform.GPSystem", "getCVM(B)Lorg/globalplatform/CVM;", get_cvm},
    {"org.globalplatform.GPSystem", "lockCard()Z", lock_card},
    {"org.globalplatform.GPSystem", "terminateCard()Z", terminate_card},
    {"org.globalplatform.GPSystem", "setATRHistBytes([BSB)Z", set_atr_hist_bytes},
    {"org.globalplatform.GPSystem",
     "getRegistryEntry(Ljavacard/framework/AID;)Lorg/globalplatform/GPRegistryEntry;",
     get_registry_entry},

    {kRegistryEntryImpl, "getAID()Ljavacard/framework/AID;", entry_get_aid},
    {kRegistryEntryImpl, "getPrivileges([BS)S", entry_get_privileges},
    {kRegistryEntryImpl, "getState()B", entry_get_state},
    {kRegistryEntryImpl, "isAssociated(Ljavacard/framework/AID;)Z", entry_is_associated},
    {kRegistryEntryImpl, "isPrivileged(B)Z", entry_is_privileged},
    {kRegistryEntryImpl, "setState(B)Z", entry_set_state},

    {kSecureChannelImpl, "processSecurity(Ljavacard/framework/APDU;)S", process_security},
    {kSecureChannelImpl, "processSecurity([BSSS)S", process_security_in_buffer},
    {kSecureChannelImpl, "wrap([BSS)S", wrap},
    {kSecureChannelImpl, "unwrap([BSS)S", in_place<&SecureChannelService::unwrap>},
    {kSecureChannelImpl, "decryptData([BSS)S", in_place<&SecureChannelService::decrypt_data>},
    {kSecureChannelImpl, "encryptData([BSS)S", in_place<&SecureChannelService::encrypt_data>},
    {kSecureChannelImpl, "resetSecurity()V", reset_security},
    {kSecureChannelImpl, "setSecurityLevel(B)V", set_security_level},
    {kSecureChannelImpl, "getSecurityLevel()B", security_level},

    {kCvmImpl, "isActive()Z", cvm_flag<&CvmService::State::active>},
    {kCvmImpl, "isSubmitted()Z", cvm_flag<&CvmService::State::submitted>},
    {kCvmImpl, "isVerified()Z", cvm_flag<&CvmService::State::verified>},
    {kCvmImpl, "isBlocked()Z", cvm_flag<&CvmService::State::blocked>},
    {kCvmImpl, "getTriesRemaining()B", cvm_tries_remaining},
    {kCvmImpl, "update([BSBB)Z", cvm_update},
    {kCvmImpl, "resetState()Z", cvm_reset_state},
    {kCvmImpl, "blockState()Z", cvm_managed<&CvmService::block_state>},
    {kCvmImpl, "resetAndUnblockState()Z", cvm_managed<&CvmService::reset_and_unblock_state>},
    {kCvmImpl, "setTryLimit(B)Z", cvm_set_try_limit},
    {kCvmImpl, "verify([BSBB)S", cvm_verify},
};

constexpr std::string_view kSecureChannelInterfaces[] = {"org.globalplatform.SecureChannel",
                                                         "org.globalplatform.SecureChannelx",
                                                         "org.globalplatform.SecureChannelx2"};
constexpr std::string_view kCvmInterfaces[] = {"org.globalplatform.CVM"};
constexpr std::string_view kRegistryEntryInterfaces[] = {"org.globalplatform.GPRegistryEntry"};

// Tokens 0x80 and up lie above the class tokens of the org.globalplatform export file.
constexpr HiddenClass kHidden[] = {
    {"org.globalplatform", 0x80, "SecureChannelImpl", "java.lang.Object", kSecureChannelInterfaces,
     1, 1},
    {"org.globalplatform", 0x81, "CVMImpl", "java.lang.Object", kCvmInterfaces, 1, 0},
    {"org.globalplatform", 0x82, "GPRegistryEntryImpl", "java.lang.Object",
     kRegistryEntryInterfaces, 1, 1},
};

}  // namespace

vm::Ref secure_channel_object(vm::Vm& vm, const vm::Aid& applet) {
  GlobalPlatformHooks* hooks = global_platform_hooks(vm);
  if (hooks == nullptr || hooks->secure_channel_service(applet, vm.assigned_channel()) == nullptr) {
    return vm::kNullRef;
  }
  Ref& slot = hooks->api_object(applet, kSecureChannelObject);
  if (usable(vm, slot, kSecureChannelImpl)) {
    const auto owner = vm.aid_of(vm.get_field(slot, kAppletAidWord));
    if (owner && *owner == applet) return slot;
  }
  const Ref aid_object = vm.lookup_aid(applet.bytes());
  if (aid_object == vm::kNullRef) return vm::kNullRef;
  const Ref object = vm.new_object(class_name(kSecureChannelImpl));
  vm.set_field(object, kAppletAidWord, aid_object);
  slot = object;
  return object;
}

InterfaceMethod application_process_data() {
  static const InterfaceMethod method{
      class_name("org.globalplatform.Application"),
      find_method(*find_class("org.globalplatform.Application"), "processData", "([BSS)V")->token};
  return method;
}

std::span<const Binding> globalplatform_bindings() {
  return kBindings;
}
std::span<const HiddenClass> globalplatform_hidden_classes() {
  return kHidden;
}

}  // namespace uicc::api
