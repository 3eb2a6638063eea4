// java.lang, javacard.framework (without APDU), javacardx.apdu.util and
// javacardx.framework.util.intx: the natives of the Java Card 3.0.5 API that need no crypto.
#include <algorithm>
#include <array>

#include "vm/api/api_constants.h"
#include "vm/api/natives/layouts.h"
#include "vm/api/natives/native_support.h"

namespace uicc::api {
namespace {

namespace jsys = jc::javacard::framework::JCSystem;
namespace jsysex = jc::javacard::framework::SystemException;
namespace jpinex = jc::javacard::framework::PINException;
namespace jiso = jc::javacard::framework::ISO7816;

// --- java.lang.Object ----------------------------------------------------------------------

Slot object_equals(Vm&, Args args) {
  return boolean_result(args.ref_at(0) == args.ref_at(1));
}

// --- exceptions with a reason (CardException, CardRuntimeException and subclasses) ---------

template <std::size_t N>
struct FixedString {
  char text[N];
  constexpr FixedString(const char (&s)[N]) { std::copy_n(s, N, text); }
  constexpr std::string_view view() const { return {text, N - 1}; }
};

// The static throwIt(short) of each exception class throws an instance of that very class,
// the JCRE-owned one (Java Card 3.0.5 API, e.g. ISOException.throwIt).
template <FixedString Name>
Slot throw_it(Vm& vm, Args args) {
  throw_exception(vm, Name.view(), args.short_at(0));
}

Slot reason_init(Vm& vm, Args args) {
  vm.set_field(args.ref_at(0), layout::kReasonWord, vm::slot_of_short(args.short_at(1)));
  return 0;
}
Slot get_reason(Vm& vm, Args args) {
  return vm.get_field(args.ref_at(0), layout::kReasonWord);
}
Slot set_reason(Vm& vm, Args args) {
  return reason_init(vm, args);
}

// --- Util ----------------------------------------------------------------------------------

// Util.arrayCopy and arrayCopyNonAtomic: the source is read whole before the write, so
// overlapping ranges copy as if through a temporary buffer, as the API specifies.
template <bool Atomic>
Slot array_copy(Vm& vm, Args args) {
  const Ref src = args.ref_at(0);
  const std::int16_t src_offset = args.short_at(1);
  const Ref dest = args.ref_at(2);
  const std::int16_t dest_offset = args.short_at(3);
  const std::int16_t length = args.short_at(4);
  const ByteView from = array_range(vm, src, src_offset, length);
  check_range(vm, dest, dest_offset, length);
  const Bytes copy(from.begin(), from.end());
  vm.write_bytes(dest, static_cast<std::uint16_t>(dest_offset), copy, Atomic);
  return short_result(dest_offset + length);
}

template <bool Atomic>
Slot array_fill(Vm& vm, Args args) {
  const Ref array = args.ref_at(0);
  const std::int16_t offset = args.short_at(1);
  const std::int16_t length = args.short_at(2);
  check_range(vm, array, offset, length);
  if (Atomic) {
    const Bytes value(static_cast<std::size_t>(length), static_cast<std::uint8_t>(args.byte_at(3)));
    vm.write_bytes(array, static_cast<std::uint16_t>(offset), value, true);
  } else {
    vm.fill_bytes(array, static_cast<std::uint16_t>(offset), static_cast<std::uint16_t>(length),
                  static_cast<std::uint8_t>(args.byte_at(3)));
  }
  return short_result(offset + length);
}

// Util.arrayCompare compares Java bytes, which are signed.
Slot array_compare(Vm& vm, Args args) {
  const std::int16_t length = args.short_at(4);
  const ByteView a = array_range(vm, args.ref_at(0), args.short_at(1), length);
  const ByteView b = array_range(vm, args.ref_at(2), args.short_at(3), length);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<std::int8_t>(a[i]);
    const auto y = static_cast<std::int8_t>(b[i]);
    if (x != y) return short_result(x < y ? -1 : 1);
  }
  return 0;
}

Slot make_short(Vm&, Args args) {
  return short_result(static_cast<std::int16_t>((static_cast<std::uint8_t>(args.byte_at(0)) << 8) |
                                                static_cast<std::uint8_t>(args.byte_at(1))));
}

Slot get_short(Vm& vm, Args args) {
  const ByteView bytes = array_range(vm, args.ref_at(0), args.short_at(1), 2);
  return short_result(static_cast<std::int16_t>(get_u16(bytes, 0)));
}

Slot set_short(Vm& vm, Args args) {
  const std::int16_t offset = args.short_at(1);
  check_range(vm, args.ref_at(0), offset, 2);
  std::uint8_t bytes[2];
  put_u16(bytes, 0, static_cast<std::uint16_t>(args.short_at(2)));
  vm.write_bytes(args.ref_at(0), static_cast<std::uint16_t>(offset), bytes, true);
  return short_result(offset + 2);
}

// --- AID -----------------------------------------------------------------------------------

Slot aid_init(Vm& vm, Args args) {
  const std::int8_t length = args.byte_at(3);
  const ByteView bytes = array_range(vm, args.ref_at(1), args.short_at(2), length);
  // Java Card 3.0.5 API, AID(byte[], short, byte): SystemException ILLEGAL_VALUE unless the
  // length is 5 to 16 (ISO/IEC 7816-5).
  if (length < 5 || length > 16) throw_system(vm, jsysex::ILLEGAL_VALUE);
  const Bytes copy(bytes.begin(), bytes.end());
  const Ref array = vm.new_array(vm::ArrayType::byte_array, static_cast<std::uint16_t>(length));
  vm.write_bytes(array, 0, copy, true);
  vm.set_field(args.ref_at(0), layout::kAidBytesWord, array);
  return 0;
}

Slot aid_equals_object(Vm& vm, Args args) {
  const Ref other = args.ref_at(1);
  if (other == vm::kNullRef || !vm.instance_of(other, class_name("javacard.framework.AID")))
    return 0;
  return boolean_result(aid_bytes(vm, args.ref_at(0)) == aid_bytes(vm, other));
}

Slot aid_rid_equals(Vm& vm, Args args) {
  const auto other = aid_bytes(vm, args.ref_at(1));
  if (!other) throw_null_pointer(vm);
  const auto mine = aid_bytes(vm, args.ref_at(0));
  return boolean_result(std::equal(mine->begin(), mine->begin() + 5, other->begin()));
}

Slot aid_equals_bytes(Vm& vm, Args args) {
  if (args.ref_at(1) == vm::kNullRef) return 0;  // the API returns false for a null array
  const ByteView bytes = array_range(vm, args.ref_at(1), args.short_at(2), args.byte_at(3));
  const auto mine = aid_bytes(vm, args.ref_at(0));
  return boolean_result(std::ranges::equal(*mine, bytes));
}

Slot aid_partial_equals(Vm& vm, Args args) {
  if (args.ref_at(1) == vm::kNullRef) return 0;
  const ByteView bytes = array_range(vm, args.ref_at(1), args.short_at(2), args.byte_at(3));
  const auto mine = aid_bytes(vm, args.ref_at(0));
  return boolean_result(bytes.size() <= mine->size() &&
                        std::equal(bytes.begin(), bytes.end(), mine->begin()));
}

Slot aid_get_bytes(Vm& vm, Args args) {
  const auto mine = aid_bytes(vm, args.ref_at(0));
  const std::int16_t offset = args.short_at(2);
  check_range(vm, args.ref_at(1), offset, static_cast<std::int16_t>(mine->size()));
  vm.write_bytes(args.ref_at(1), static_cast<std::uint16_t>(offset), *mine, false);
  return short_result(static_cast<int>(mine->size()));
}

// AID.getPartialBytes(short aidOffset, byte[] dest, short oOffset, byte oLength): oLength 0
// means every byte from aidOffset on.
Slot aid_get_partial_bytes(Vm& vm, Args args) {
  const auto mine = aid_bytes(vm, args.ref_at(0));
  const std::int16_t aid_offset = args.short_at(1);
  if (aid_offset < 0 || static_cast<std::size_t>(aid_offset) > mine->size()) {
    throw_index_out_of_bounds(vm);
  }
  std::size_t count = mine->size() - static_cast<std::size_t>(aid_offset);
  if (args.byte_at(4) != 0)
    count = std::min<std::size_t>(count, static_cast<std::size_t>(args.byte_at(4)));
  const std::int16_t offset = args.short_at(3);
  check_range(vm, args.ref_at(2), offset, static_cast<std::int16_t>(count));
  vm.write_bytes(args.ref_at(2), static_cast<std::uint16_t>(offset),
                 ByteView(*mine).subspan(static_cast<std::size_t>(aid_offset), count), false);
  return short_result(static_cast<int>(count));
}

// --- Applet --------------------------------------------------------------------------------

Slot applet_install(Vm& vm, Args) {
  // Java Card 3.0.5 API, Applet.install: the base class has no applet to create.
  throw_exception(vm, "javacard.framework.ISOException", jiso::SW_FUNC_NOT_SUPPORTED);
}

Slot applet_register(Vm& vm, Args args) {
  vm.register_applet(args.ref_at(0), std::nullopt);
  return 0;
}

Slot applet_register_aid(Vm& vm, Args args) {
  const std::int8_t length = args.byte_at(3);
  const ByteView bytes = array_range(vm, args.ref_at(1), args.short_at(2), length);
  if (length < 5 || length > 16) throw_system(vm, jsysex::ILLEGAL_AID);
  vm.register_applet(args.ref_at(0), vm::Aid(bytes));
  return 0;
}

Slot applet_selecting(Vm& vm, Args) {
  return boolean_result(vm.selecting_applet());
}
Slot applet_reselecting(Vm& vm, Args) {
  return boolean_result(vm.reselecting_applet());
}
Slot applet_select(Vm&, Args) {
  return 1;
}
Slot applet_deselect(Vm&, Args) {
  return 0;
}
Slot applet_shareable(Vm&, Args) {
  return vm::kNullRef;
}

// --- JCSystem ------------------------------------------------------------------------------

Slot jc_begin(Vm& vm, Args) {
  vm.begin_transaction();
  return 0;
}
Slot jc_commit(Vm& vm, Args) {
  vm.commit_transaction();
  return 0;
}
Slot jc_abort(Vm& vm, Args) {
  vm.abort_transaction();
  return 0;
}
Slot jc_depth(Vm& vm, Args) {
  return short_result(vm.transaction_depth());
}
Slot jc_max_commit(Vm& vm, Args) {
  return short_result(vm.max_commit_capacity());
}
Slot jc_unused_commit(Vm& vm, Args) {
  return short_result(vm.unused_commit_capacity());
}
Slot jc_get_aid(Vm& vm, Args) {
  return vm.current_applet_aid();
}
Slot jc_previous_aid(Vm& vm, Args) {
  return vm.previous_context_aid();
}
// JCSystem.getVersion: major version in the high byte, minor in the low one (API 3.0.5).
Slot jc_version(Vm&, Args) {
  return short_result(0x0305);
}
Slot jc_object_deletion_supported(Vm&, Args) {
  return 1;
}
Slot jc_request_deletion(Vm& vm, Args) {
  vm.request_object_deletion();
  return 0;
}
Slot jc_assigned_channel(Vm& vm, Args) {
  return short_result(vm.assigned_channel());
}

Slot jc_lookup_aid(Vm& vm, Args args) {
  const ByteView bytes = array_range(vm, args.ref_at(0), args.short_at(1), args.byte_at(2));
  return vm.lookup_aid(bytes);
}

Slot jc_is_applet_active(Vm& vm, Args args) {
  const auto bytes = aid_bytes(vm, args.ref_at(0));
  if (!bytes) throw_null_pointer(vm);
  return boolean_result(vm.is_applet_active(*bytes));
}

Slot jc_shareable(Vm& vm, Args args) {
  const auto bytes = aid_bytes(vm, args.ref_at(0));
  if (!bytes) return vm::kNullRef;
  return vm.shareable_interface_object(*bytes, static_cast<std::uint8_t>(args.byte_at(1)));
}

Slot jc_is_transient(Vm& vm, Args args) {
  if (args.ref_at(0) == vm::kNullRef) return short_result(jsys::NOT_A_TRANSIENT_OBJECT);
  return short_result(static_cast<int>(vm.transient_event(args.ref_at(0))));
}

template <vm::ArrayType Type>
Slot jc_make_transient(Vm& vm, Args args) {
  const std::int16_t length = args.short_at(0);
  const std::int8_t event = args.byte_at(1);
  if (length < 0) throw_exception(vm, "java.lang.NegativeArraySizeException");
  if (event != jsys::CLEAR_ON_RESET && event != jsys::CLEAR_ON_DESELECT) {
    throw_system(vm, jsysex::ILLEGAL_VALUE);
  }
  return vm.new_transient_array(Type, static_cast<std::uint16_t>(length),
                                static_cast<vm::TransientEvent>(event));
}

Slot jc_make_global(Vm& vm, Args args) {
  const std::int16_t length = args.short_at(1);
  vm::ArrayType type;
  switch (args.byte_at(0)) {
    case jsys::ARRAY_TYPE_BOOLEAN:
      type = vm::ArrayType::boolean_array;
      break;
    case jsys::ARRAY_TYPE_BYTE:
      type = vm::ArrayType::byte_array;
      break;
    case jsys::ARRAY_TYPE_SHORT:
      type = vm::ArrayType::short_array;
      break;
    case jsys::ARRAY_TYPE_INT:
      type = vm::ArrayType::int_array;
      break;
    case jsys::ARRAY_TYPE_OBJECT:
      type = vm::ArrayType::reference_array;
      break;
    default:
      throw_system(vm, jsysex::ILLEGAL_VALUE);
  }
  if (length < 0) throw_exception(vm, "java.lang.NegativeArraySizeException");
  return vm.new_global_array(type, static_cast<std::uint16_t>(length));
}

std::optional<vm::MemoryType> memory_type(std::int8_t type) {
  switch (type) {
    case jsys::MEMORY_TYPE_PERSISTENT:
      return vm::MemoryType::persistent;
    case jsys::MEMORY_TYPE_TRANSIENT_RESET:
      return vm::MemoryType::transient_reset;
    case jsys::MEMORY_TYPE_TRANSIENT_DESELECT:
      return vm::MemoryType::transient_deselect;
    default:
      return std::nullopt;
  }
}

Slot jc_available_memory(Vm& vm, Args args) {
  const auto type = memory_type(args.byte_at(0));
  if (!type) throw_system(vm, jsysex::ILLEGAL_VALUE);
  return short_result(vm.available_memory(*type));
}

// JCSystem.getAvailableMemory(short[] buffer, short offset, byte memoryType): the amount as
// two shorts, high then low.
// NOTE: Vm::available_memory saturates at 32767, so the high short is always 0 here.
Slot jc_available_memory_words(Vm& vm, Args args) {
  const auto type = memory_type(args.byte_at(2));
  if (!type) throw_system(vm, jsysex::ILLEGAL_VALUE);
  const Ref buffer = args.ref_at(0);
  if (buffer == vm::kNullRef) throw_null_pointer(vm);
  const std::int16_t offset = args.short_at(1);
  if (offset < 0 || offset + 2 > vm.array_length(buffer)) throw_index_out_of_bounds(vm);
  vm.store_element(buffer, static_cast<std::uint16_t>(offset), 0);
  vm.store_element(buffer, static_cast<std::uint16_t>(offset + 1),
                   vm::slot_of_short(vm.available_memory(*type)));
  return 0;
}

// --- OwnerPIN ------------------------------------------------------------------------------

struct PinState {
  std::uint8_t try_limit;
  std::uint8_t max_size;
  std::uint8_t tries;
};

Ref pin_state_array(Vm& vm, Ref pin) {
  return vm.get_field(pin, layout::kPinStateWord);
}

PinState pin_state(Vm& vm, Ref pin) {
  const ByteView state = vm.array_bytes(pin_state_array(vm, pin));
  return {state[0], state[1], state[2]};
}

// The try counter and the validated flag do not take part in transactions (Java Card 3.0.5
// API, OwnerPIN): their writes are non-atomic, so an abort does not give tries back.
void set_tries(Vm& vm, Ref pin, std::uint8_t tries) {
  vm.write_bytes(pin_state_array(vm, pin), layout::kPinTriesOffset, ByteView(&tries, 1), false);
}

void set_validated(Vm& vm, Ref pin, bool validated) {
  const std::uint8_t value = validated ? 1 : 0;
  vm.write_bytes(vm.get_field(pin, layout::kPinValidatedWord), 0, ByteView(&value, 1), false);
}

bool validated(Vm& vm, Ref pin) {
  return vm.array_bytes(vm.get_field(pin, layout::kPinValidatedWord))[0] != 0;
}

Slot pin_init(Vm& vm, Args args) {
  const Ref pin = args.ref_at(0);
  const std::int8_t try_limit = args.byte_at(1);
  const std::int8_t max_size = args.byte_at(2);
  if (try_limit < 1 || max_size < 1)
    throw_exception(vm, "javacard.framework.PINException", jpinex::ILLEGAL_VALUE);
  // The value: a length byte and up to max_size digits, persistent.
  vm.set_field(pin, layout::kPinValueWord,
               vm.new_array(vm::ArrayType::byte_array, static_cast<std::uint16_t>(max_size + 1)));
  // The validated flag is reset by a card reset: a CLEAR_ON_RESET array.
  vm.set_field(
      pin, layout::kPinValidatedWord,
      vm.new_transient_array(vm::ArrayType::boolean_array, 1, vm::TransientEvent::clear_on_reset));
  const Ref state = vm.new_array(vm::ArrayType::byte_array, 3);
  const std::uint8_t initial[3] = {static_cast<std::uint8_t>(try_limit),
                                   static_cast<std::uint8_t>(max_size),
                                   static_cast<std::uint8_t>(try_limit)};
  vm.write_bytes(state, 0, initial, true);
  vm.set_field(pin, layout::kPinStateWord, state);
  return 0;
}

Slot pin_update(Vm& vm, Args args) {
  const Ref pin = args.ref_at(0);
  const std::int8_t length = args.byte_at(3);
  const PinState state = pin_state(vm, pin);
  if (length < 0 || length > state.max_size) {
    throw_exception(vm, "javacard.framework.PINException", jpinex::ILLEGAL_VALUE);
  }
  const ByteView digits = array_range(vm, args.ref_at(1), args.short_at(2), length);
  Bytes value{static_cast<std::uint8_t>(length)};
  append(value, digits);
  vm.write_bytes(vm.get_field(pin, layout::kPinValueWord), 0, value, true);
  set_tries(vm, pin, state.try_limit);
  set_validated(vm, pin, false);
  return 0;
}

// OwnerPIN.check. The try counter is decremented before the comparison and written first, so
// that cutting the power during the comparison cannot give a free try.
Slot pin_check(Vm& vm, Args args) {
  const Ref pin = args.ref_at(0);
  set_validated(vm, pin, false);
  const PinState state = pin_state(vm, pin);
  if (state.tries == 0) return 0;
  // Java Card 3.0.5 API, OwnerPIN.check: a NullPointerException or
  // ArrayIndexOutOfBoundsException from the candidate still costs a try.
  set_tries(vm, pin, static_cast<std::uint8_t>(state.tries - 1));
  const ByteView candidate = array_range(vm, args.ref_at(1), args.short_at(2), args.byte_at(3));
  const ByteView value = vm.array_bytes(vm.get_field(pin, layout::kPinValueWord));
  const ByteView stored = value.subspan(1, value[0]);
  if (!constant_time_equal(stored, candidate)) return 0;
  set_validated(vm, pin, true);
  set_tries(vm, pin, state.try_limit);
  return 1;
}

Slot pin_tries(Vm& vm, Args args) {
  return short_result(pin_state(vm, args.ref_at(0)).tries);
}
Slot pin_is_validated(Vm& vm, Args args) {
  return boolean_result(validated(vm, args.ref_at(0)));
}

Slot pin_set_validated_flag(Vm& vm, Args args) {
  set_validated(vm, args.ref_at(0), args.boolean_at(1));
  return 0;
}

Slot pin_reset(Vm& vm, Args args) {
  const Ref pin = args.ref_at(0);
  if (validated(vm, pin)) {
    set_validated(vm, pin, false);
    set_tries(vm, pin, pin_state(vm, pin).try_limit);
  }
  return 0;
}

Slot pin_reset_and_unblock(Vm& vm, Args args) {
  const Ref pin = args.ref_at(0);
  set_validated(vm, pin, false);
  set_tries(vm, pin, pin_state(vm, pin).try_limit);
  return 0;
}

// --- javacardx.apdu.util.APDUUtil: the class byte's fields (ISO/IEC 7816-4:2020 §5.4.1) ------

bool interindustry(std::uint8_t cla) {
  return (cla & 0x80) == 0;
}
bool further_interindustry(std::uint8_t cla) {
  return (cla & 0x40) != 0;
}

Slot cla_channel(Vm&, Args args) {
  const auto cla = static_cast<std::uint8_t>(args.byte_at(0));
  return short_result(further_interindustry(cla) ? (cla & 0x0F) + 4 : cla & 0x03);
}
Slot cla_chaining(Vm&, Args args) {
  return boolean_result((static_cast<std::uint8_t>(args.byte_at(0)) & 0x10) != 0);
}
Slot cla_secure_messaging(Vm&, Args args) {
  const auto cla = static_cast<std::uint8_t>(args.byte_at(0));
  return boolean_result(further_interindustry(cla) ? (cla & 0x20) != 0 : (cla & 0x0C) != 0);
}
Slot cla_interindustry(Vm&, Args args) {
  return boolean_result(interindustry(static_cast<std::uint8_t>(args.byte_at(0))));
}
Slot cla_valid(Vm&, Args args) {
  return boolean_result(static_cast<std::uint8_t>(args.byte_at(0)) != 0xFF);
}

// --- javacardx.framework.util.intx.JCint ---------------------------------------------------

Slot int_make_bytes(Vm&, Args args) {
  const auto b = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(args.byte_at(i)));
  };
  return vm::slot_of_int(
      static_cast<std::int32_t>((b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3)));
}
Slot int_make_shorts(Vm&, Args args) {
  const auto high = static_cast<std::uint16_t>(args.short_at(0));
  const auto low = static_cast<std::uint16_t>(args.short_at(1));
  return vm::slot_of_int(static_cast<std::int32_t>((std::uint32_t{high} << 16) | low));
}
Slot int_get(Vm& vm, Args args) {
  const ByteView bytes = array_range(vm, args.ref_at(0), args.short_at(1), 4);
  return vm::slot_of_int(static_cast<std::int32_t>(get_u32(bytes, 0)));
}
Slot int_set(Vm& vm, Args args) {
  const std::int16_t offset = args.short_at(1);
  check_range(vm, args.ref_at(0), offset, 4);
  std::uint8_t bytes[4];
  put_u32(bytes, 0, static_cast<std::uint32_t>(args.int_at(2)));
  vm.write_bytes(args.ref_at(0), static_cast<std::uint16_t>(offset), bytes, true);
  return short_result(offset + 4);
}

// --- org.globalplatform.GPSystem (GlobalPlatform Card API 1.6), through PlatformHooks ---------

std::optional<vm::Aid> current_aid(Vm& vm) {
  const auto bytes = aid_bytes(vm, vm.current_applet_aid());
  if (!bytes) return std::nullopt;
  return vm::Aid(*bytes);
}

Slot gp_card_state(Vm& vm, Args) {
  return short_result(static_cast<std::int8_t>(vm.platform().card_life_cycle()));
}

// GPSystem.getCardContentState: the calling application's life cycle state. Without a
// GlobalPlatform registry entry, the state of an installed applet that the card runs:
// SELECTABLE (GlobalPlatform Card Specification 2.3.1 §5.3.1).
Slot gp_content_state(Vm& vm, Args) {
  const auto aid = current_aid(vm);
  const auto state = aid ? vm.platform().application_life_cycle(*aid) : std::nullopt;
  return short_result(static_cast<std::int8_t>(
      state.value_or(jc::org::globalplatform::GPSystem::APPLICATION_SELECTABLE)));
}

// GPSystem.setCardContentState: an application may only move itself between its own
// application-specific states, which keep b1 to b3 set and b8 (locked) clear (GlobalPlatform Card
// Specification 2.3.1 §5.3.1, Table 5-3).
Slot gp_set_content_state(Vm& vm, Args args) {
  const auto state = static_cast<std::uint8_t>(args.byte_at(0));
  if ((state & 0x87) != 0x07) return 0;
  const auto aid = current_aid(vm);
  if (!aid) return 0;
  return boolean_result(vm.platform().set_application_life_cycle(*aid, state));
}

Slot gp_secure_channel(Vm& vm, Args) {
  const auto aid = current_aid(vm);
  if (!aid) return vm::kNullRef;
  return vm.platform().secure_channel(vm, *aid);
}

constexpr Binding kLang[] = {
    {"java.lang.Object", "equals(Ljava/lang/Object;)Z", object_equals},
};

constexpr Binding kFramework[] = {
    {"javacard.framework.CardException", "<init>(S)V", reason_init},
    {"javacard.framework.CardException", "getReason()S", get_reason},
    {"javacard.framework.CardException", "setReason(S)V", set_reason},
    {"javacard.framework.CardException", "throwIt(S)V",
     throw_it<"javacard.framework.CardException">},
    {"javacard.framework.CardRuntimeException", "<init>(S)V", reason_init},
    {"javacard.framework.CardRuntimeException", "getReason()S", get_reason},
    {"javacard.framework.CardRuntimeException", "setReason(S)V", set_reason},
    {"javacard.framework.CardRuntimeException", "throwIt(S)V",
     throw_it<"javacard.framework.CardRuntimeException">},
    {"javacard.framework.ISOException", "<init>(S)V", reason_init},
    {"javacard.framework.ISOException", "throwIt(S)V", throw_it<"javacard.framework.ISOException">},
    {"javacard.framework.PINException", "<init>(S)V", reason_init},
    {"javacard.framework.PINException", "throwIt(S)V", throw_it<"javacard.framework.PINException">},
    {"javacard.framework.APDUException", "<init>(S)V", reason_init},
    {"javacard.framework.APDUException", "throwIt(S)V",
     throw_it<"javacard.framework.APDUException">},
    {"javacard.framework.SystemException", "<init>(S)V", reason_init},
    {"javacard.framework.SystemException", "throwIt(S)V",
     throw_it<"javacard.framework.SystemException">},
    {"javacard.framework.TransactionException", "<init>(S)V", reason_init},
    {"javacard.framework.TransactionException", "throwIt(S)V",
     throw_it<"javacard.framework.TransactionException">},
    {"javacard.framework.UserException", "<init>(S)V", reason_init},
    {"javacard.framework.UserException", "throwIt(S)V",
     throw_it<"javacard.framework.UserException">},
    {"javacard.security.CryptoException", "<init>(S)V", reason_init},
    {"javacard.security.CryptoException", "throwIt(S)V",
     throw_it<"javacard.security.CryptoException">},
    {"javacardx.framework.util.UtilException", "<init>(S)V", reason_init},
    {"javacardx.framework.util.UtilException", "throwIt(S)V",
     throw_it<"javacardx.framework.util.UtilException">},
    {"uicc.access.UICCException", "<init>(S)V", reason_init},
    {"uicc.access.UICCException", "throwIt(S)V", throw_it<"uicc.access.UICCException">},
    {"uicc.toolkit.ToolkitException", "<init>(S)V", reason_init},
    {"uicc.toolkit.ToolkitException", "throwIt(S)V", throw_it<"uicc.toolkit.ToolkitException">},

    {"javacard.framework.Util", "arrayCopy([BS[BSS)S", array_copy<true>},
    {"javacard.framework.Util", "arrayCopyNonAtomic([BS[BSS)S", array_copy<false>},
    {"javacard.framework.Util", "arrayFill([BSSB)S", array_fill<true>},
    {"javacard.framework.Util", "arrayFillNonAtomic([BSSB)S", array_fill<false>},
    {"javacard.framework.Util", "arrayCompare([BS[BSS)B", array_compare},
    {"javacard.framework.Util", "makeShort(BB)S", make_short},
    {"javacard.framework.Util", "getShort([BS)S", get_short},
    {"javacard.framework.Util", "setShort([BSS)S", set_short},

    {"javacard.framework.AID", "<init>([BSB)V", aid_init},
    {"javacard.framework.AID", "equals(Ljava/lang/Object;)Z", aid_equals_object},
    {"javacard.framework.AID", "RIDEquals(Ljavacard/framework/AID;)Z", aid_rid_equals},
    {"javacard.framework.AID", "equals([BSB)Z", aid_equals_bytes},
    {"javacard.framework.AID", "getBytes([BS)B", aid_get_bytes},
    {"javacard.framework.AID", "partialEquals([BSB)Z", aid_partial_equals},
    {"javacard.framework.AID", "getPartialBytes(S[BSB)B", aid_get_partial_bytes},

    {"javacard.framework.Applet", "install([BSB)V", applet_install},
    {"javacard.framework.Applet", "register()V", applet_register},
    {"javacard.framework.Applet", "register([BSB)V", applet_register_aid},
    {"javacard.framework.Applet", "selectingApplet()Z", applet_selecting},
    {"javacard.framework.Applet", "reSelectingApplet()Z", applet_reselecting},
    {"javacard.framework.Applet", "select()Z", applet_select},
    {"javacard.framework.Applet", "deselect()V", applet_deselect},
    {"javacard.framework.Applet",
     "getShareableInterfaceObject(Ljavacard/framework/AID;B)Ljavacard/framework/Shareable;",
     applet_shareable},

    {"javacard.framework.JCSystem", "beginTransaction()V", jc_begin},
    {"javacard.framework.JCSystem", "commitTransaction()V", jc_commit},
    {"javacard.framework.JCSystem", "abortTransaction()V", jc_abort},
    {"javacard.framework.JCSystem", "getTransactionDepth()B", jc_depth},
    {"javacard.framework.JCSystem", "getMaxCommitCapacity()S", jc_max_commit},
    {"javacard.framework.JCSystem", "getUnusedCommitCapacity()S", jc_unused_commit},
    {"javacard.framework.JCSystem", "getAID()Ljavacard/framework/AID;", jc_get_aid},
    {"javacard.framework.JCSystem", "getPreviousContextAID()Ljavacard/framework/AID;",
     jc_previous_aid},
    {"javacard.framework.JCSystem", "lookupAID([BSB)Ljavacard/framework/AID;", jc_lookup_aid},
    {"javacard.framework.JCSystem", "getVersion()S", jc_version},
    {"javacard.framework.JCSystem", "isTransient(Ljava/lang/Object;)B", jc_is_transient},
    {"javacard.framework.JCSystem", "makeTransientBooleanArray(SB)[Z",
     jc_make_transient<vm::ArrayType::boolean_array>},
    {"javacard.framework.JCSystem", "makeTransientByteArray(SB)[B",
     jc_make_transient<vm::ArrayType::byte_array>},
    {"javacard.framework.JCSystem", "makeTransientShortArray(SB)[S",
     jc_make_transient<vm::ArrayType::short_array>},
    {"javacard.framework.JCSystem", "makeTransientObjectArray(SB)[Ljava/lang/Object;",
     jc_make_transient<vm::ArrayType::reference_array>},
    {"javacard.framework.JCSystem", "makeGlobalArray(BS)Ljava/lang/Object;", jc_make_global},
    {"javacard.framework.JCSystem", "getAvailableMemory(B)S", jc_available_memory},
    {"javacard.framework.JCSystem", "getAvailableMemory([SSB)V", jc_available_memory_words},
    {"javacard.framework.JCSystem", "isObjectDeletionSupported()Z", jc_object_deletion_supported},
    {"javacard.framework.JCSystem", "requestObjectDeletion()V", jc_request_deletion},
    {"javacard.framework.JCSystem", "getAssignedChannel()B", jc_assigned_channel},
    {"javacard.framework.JCSystem", "isAppletActive(Ljavacard/framework/AID;)Z",
     jc_is_applet_active},
    {"javacard.framework.JCSystem",
     "getAppletShareableInterfaceObject(Ljavacard/framework/AID;B)Ljavacard/framework/Shareable;",
     jc_shareable},

    {"javacard.framework.OwnerPIN", "<init>(BB)V", pin_init},
    {"javacard.framework.OwnerPIN", "update([BSB)V", pin_update},
    {"javacard.framework.OwnerPIN", "check([BSB)Z", pin_check},
    {"javacard.framework.OwnerPIN", "getTriesRemaining()B", pin_tries},
    {"javacard.framework.OwnerPIN", "isValidated()Z", pin_is_validated},
    {"javacard.framework.OwnerPIN", "getValidatedFlag()Z", pin_is_validated},
    {"javacard.framework.OwnerPIN", "setValidatedFlag(Z)V", pin_set_validated_flag},
    {"javacard.framework.OwnerPIN", "reset()V", pin_reset},
    {"javacard.framework.OwnerPIN", "resetAndUnblock()V", pin_reset_and_unblock},

    {"org.globalplatform.GPSystem", "getCardState()B", gp_card_state},
    {"org.globalplatform.GPSystem", "getCardContentState()B", gp_content_state},
    {"org.globalplatform.GPSystem", "setCardContentState(B)Z", gp_set_content_state},
    {"org.globalplatform.GPSystem", "getSecureChannel()Lorg/globalplatform/SecureChannel;",
     gp_secure_channel},

    {"javacardx.apdu.util.APDUUtil", "getCLAChannel(B)B", cla_channel},
    {"javacardx.apdu.util.APDUUtil", "isCommandChainingCLA(B)Z", cla_chaining},
    {"javacardx.apdu.util.APDUUtil", "isSecureMessagingCLA(B)Z", cla_secure_messaging},
    {"javacardx.apdu.util.APDUUtil", "isISOInterindustryCLA(B)Z", cla_interindustry},
    {"javacardx.apdu.util.APDUUtil", "isValidCLA(B)Z", cla_valid},

    {"javacardx.framework.util.intx.JCint", "makeInt(BBBB)I", int_make_bytes},
    {"javacardx.framework.util.intx.JCint", "makeInt(SS)I", int_make_shorts},
    {"javacardx.framework.util.intx.JCint", "getInt([BS)I", int_get},
    {"javacardx.framework.util.intx.JCint", "setInt([BSI)S", int_set},
    {"javacardx.framework.util.intx.JCint", "makeTransientIntArray(SB)[I",
     jc_make_transient<vm::ArrayType::int_array>},
};

constexpr Layout kFrameworkLayouts[] = {
    {"javacard.framework.CardException", layout::kReasonWords, 0},
    {"javacard.framework.CardRuntimeException", layout::kReasonWords, 0},
    {"javacard.framework.AID", layout::kAidWords, layout::kAidWords},
    {"javacard.framework.OwnerPIN", layout::kPinWords, layout::kPinWords},
    {"javacard.framework.APDU", layout::kApduWords, 0},
};

}  // namespace

std::span<const Binding> lang_bindings() {
  return kLang;
}
std::span<const Binding> framework_bindings() {
  return kFramework;
}
std::span<const Layout> framework_layouts() {
  return kFrameworkLayouts;
}

}  // namespace uicc::api
