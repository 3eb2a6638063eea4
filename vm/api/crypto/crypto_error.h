// The error vocabulary of the crypto engines: the reasons of javacard.security.CryptoException
// (Java Card 3.0.5 API), so that the native bindings rethrow them into the applet unchanged.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace uicc::api::crypto {

// CryptoException reason codes, Java Card 3.0.5 API, javacard.security.CryptoException.
enum class Reason : std::int16_t {
  illegal_value = 1,      // a parameter (mode, key type, IV length, ...) is not allowed
  uninitialized_key = 2,  // the key has no value
  no_such_algorithm = 3,  // the algorithm, or the combination asked for, is not supported
  invalid_init = 4,       // the object is not initialized, or for another mode
  illegal_use = 5,        // the data does not suit the algorithm (alignment, padding, length)
};

class CryptoError : public std::runtime_error {
 public:
  CryptoError(Reason reason, const std::string& message)
      : std::runtime_error(message), reason_(reason) {}
  Reason reason() const { return reason_; }

 private:
  Reason reason_;
};

[[noreturn]] inline void fail(Reason reason, const std::string& message) {
  throw CryptoError(reason, message);
}

}  // namespace uicc::api::crypto
