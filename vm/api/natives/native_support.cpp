#include "vm/api/natives/native_support.h"

#include <stdexcept>

#include "vm/api/api_constants.h"
#include "vm/api/natives/layouts.h"

namespace uicc::api {

void throw_exception(Vm& vm, std::string_view qualified, std::int16_t reason) {
  vm.throw_java(class_name(qualified), reason);
  throw std::logic_error("Vm::throw_java returned");
}

void throw_null_pointer(Vm& vm) {
  throw_exception(vm, "java.lang.NullPointerException");
}

void throw_index_out_of_bounds(Vm& vm) {
  throw_exception(vm, "java.lang.ArrayIndexOutOfBoundsException");
}

void throw_crypto(Vm& vm, crypto::Reason reason) {
  throw_exception(vm, "javacard.security.CryptoException", static_cast<std::int16_t>(reason));
}

void throw_system(Vm& vm, std::int16_t reason) {
  throw_exception(vm, "javacard.framework.SystemException", reason);
}

void check_range(Vm& vm, Ref array, std::int16_t offset, std::int16_t length) {
  if (array == vm::kNullRef) throw_null_pointer(vm);
  const std::uint16_t size = vm.array_length(array);
  if (offset < 0 || length < 0 || offset + length > size) throw_index_out_of_bounds(vm);
}

ByteView array_range(Vm& vm, Ref array, std::int16_t offset, std::int16_t length) {
  check_range(vm, array, offset, length);
  return vm.array_bytes(array).subspan(static_cast<std::size_t>(offset),
                                       static_cast<std::size_t>(length));
}

// The AID bytes of an AID object, or nullopt for null. For the runtime's own AID objects
// (JCRE-owned permanent entry points, from JCSystem.getAID or lookupAID) the runtime returns
// the bytes, because the firewall keeps their fields from the applet's context. Other AID
// objects keep their bytes in layout::kAidBytesWord.
std::optional<Bytes> aid_bytes(Vm& vm, Ref aid) {
  if (aid == vm::kNullRef) return std::nullopt;
  if (const auto known = vm.aid_of(aid)) return Bytes(known->bytes().begin(), known->bytes().end());
  const Ref array = vm.get_field(aid, layout::kAidBytesWord);
  const ByteView bytes = vm.array_bytes(array);
  return Bytes(bytes.begin(), bytes.end());
}

}  // namespace uicc::api
