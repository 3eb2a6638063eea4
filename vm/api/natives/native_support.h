// Shared helpers of the native bindings: class names by qualified name, the exceptions the
// API throws, the argument checks of array parameters, and the tables that tie a Java method
// to its C++ function.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "util/bytes.h"
#include "vm/api/crypto/crypto_error.h"
#include "vm/runtime/native.h"

namespace uicc::api {

using vm::Args;
using vm::Ref;
using vm::Slot;
using vm::Vm;

// The VM name of a built-in class, e.g. "javacard.framework.APDU" or a hidden implementation
// class. Throws std::logic_error for a name that is not built in.
const vm::ClassName& class_name(std::string_view qualified);

[[noreturn]] void throw_exception(Vm& vm, std::string_view qualified, std::int16_t reason = 0);
[[noreturn]] void throw_null_pointer(Vm& vm);
[[noreturn]] void throw_index_out_of_bounds(Vm& vm);
[[noreturn]] void throw_crypto(Vm& vm, crypto::Reason reason);
[[noreturn]] void throw_system(Vm& vm, std::int16_t reason);

// Runs `f` and rethrows a crypto::CryptoError from the engines as CryptoException.
template <typename F>
auto with_crypto_errors(Vm& vm, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const crypto::CryptoError& error) {
    throw_crypto(vm, error.reason());
  }
}

// The bytes [offset, offset + length) of a byte array, after the checks every API method makes
// on an array argument: NullPointerException for null, ArrayIndexOutOfBoundsException for a
// negative offset or length or a range past the end.
ByteView array_range(Vm& vm, Ref array, std::int16_t offset, std::int16_t length);
// The same checks for a range that a method is about to write.
void check_range(Vm& vm, Ref array, std::int16_t offset, std::int16_t length);

inline Slot short_result(int value) {
  return vm::slot_of_short(static_cast<std::int16_t>(value));
}
inline Slot boolean_result(bool value) {
  return value ? 1u : 0u;
}

// A Java method implemented in C++: the class's qualified name and the method's name and
// descriptor as in the export file.
struct Binding {
  std::string_view class_name;
  std::string_view signature;
  vm::NativeFunction function;
};

// Words of hidden state that a built-in class adds to its instances (vm::NativeClass).
struct Layout {
  std::string_view class_name;
  std::uint16_t instance_words;
  std::uint16_t reference_words;
};

// A class that the card uses but no export file lists: the implementations behind
// KeyBuilder, Cipher.getInstance and the other factories. Its token lies above every token of
// its package's export file, so no CAP file can name it.
struct HiddenClass {
  std::string_view package;  // e.g. "javacard.security"
  std::uint8_t token;
  std::string_view name;                         // simple name
  std::string_view superclass;                   // qualified
  std::span<const std::string_view> interfaces;  // qualified, those it implements itself
  std::uint16_t instance_words;
  std::uint16_t reference_words;
};

// The parts of the built-in API, each in its own source file.
std::span<const Binding> lang_bindings();
std::span<const Binding> framework_bindings();
std::span<const Binding> apdu_bindings();
std::span<const Binding> security_bindings();
std::span<const Layout> framework_layouts();
std::span<const Layout> security_layouts();
std::span<const HiddenClass> security_hidden_classes();
std::span<const Binding> uicc_access_bindings();
std::span<const HiddenClass> uicc_access_hidden_classes();
std::span<const Binding> globalplatform_bindings();
std::span<const HiddenClass> globalplatform_hidden_classes();
// The AID bytes of an AID object, or nullopt for null: the runtime's own AID objects and
// those an applet constructed.
std::optional<Bytes> aid_bytes(Vm& vm, Ref aid);

// Every hidden class of the built-in packages.
std::vector<HiddenClass> all_hidden_classes();

}  // namespace uicc::api
