#include "vm/api/natives/native_support.h"

#include <stdexcept>

#include "vm/api/api_constants.h"

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

}  // namespace uicc::api
