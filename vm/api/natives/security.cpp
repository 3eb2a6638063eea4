// javacard.security and javacardx.crypto over the engines of vm/api/crypto.
#include "vm/api/natives/native_support.h"

namespace uicc::api {

std::span<const Binding> security_bindings() {
  return {};
}
std::span<const Layout> security_layouts() {
  return {};
}
std::span<const HiddenClass> security_hidden_classes() {
  return {};
}

}  // namespace uicc::api
