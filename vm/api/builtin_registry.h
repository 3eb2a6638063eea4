// The built-in API packages as the VM links against them: native package descriptions built
// from the export data (vm/api/export_data.h), with the C++ implementations of vm/api/natives
// attached at their tokens.
#pragma once

#include <cstdint>
#include <string_view>

#include "vm/runtime/native.h"
#include "vm/store/store.h"

namespace uicc::api {

// Adds every built-in package to `registry`.
void add_builtin_packages(vm::NativeRegistry& registry);

// A registry holding the built-in packages, built on first use and shared read-only.
const vm::NativeRegistry& builtin_registry();

// Drops the RAM state that the crypto natives keep for the objects of this card's store (OpenSSL
// contexts, partial messages). The runtime calls it at power-up and at card reset: the Java Card
// 3.0.5 API then puts Cipher and Signature objects back in their state after init(), and
// MessageDigest, RandomData and Checksum objects in their state upon construction.
void reset_native_state(const store::Store& store);

// Whether KeyBuilder.buildKey accepts a KeyBuilder.TYPE_* value (with a supported size).
bool supported_key_type(std::int8_t type);

// The way the card runs a method of a built-in class.
enum class MethodSupport {
  implemented,  // a native implementation
  abstract,     // an interface or abstract method: the applet's class supplies it
  unsupported,  // throws; the exception is named by unsupported_exception()
};

// `class_name` is qualified ("javacard.framework.APDU"), `signature` as in the export file
// ("setIncomingAndReceive()S"). Unknown methods count as unsupported.
MethodSupport method_support(std::string_view class_name, std::string_view signature);
// The exception and reason an unsupported method of that package throws, e.g.
// "CryptoException.NO_SUCH_ALGORITHM".
std::string_view unsupported_exception(std::string_view package);

}  // namespace uicc::api
