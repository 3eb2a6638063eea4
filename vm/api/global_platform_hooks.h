// The GlobalPlatform services that org.globalplatform hands to applets (GlobalPlatform Card API
// 1.6): the secure channel of an applet's security domain, the global PIN of the CVM
// application, and card locking. The card's GlobalPlatform layer implements this interface
// next to vm::PlatformHooks; the natives find it with global_platform_hooks().
#pragma once

#include <cstdint>
#include <optional>

#include "util/bytes.h"
#include "vm/runtime/native.h"

namespace uicc::api {

// A service call that failed: the API throws ISOException with this status word as reason.
struct ServiceFailure {
  std::uint16_t status;
};

// org.globalplatform.SecureChannel as a security domain offers it to one applet on one logical
// channel. Every method may throw ServiceFailure.
class SecureChannelService {
 public:
  virtual ~SecureChannelService() = default;

  // Runs a command of the secure channel protocol (INITIALIZE UPDATE, EXTERNAL AUTHENTICATE).
  // `command` is the C-APDU as received. Returns the response data. A command that is not part
  // of the protocol fails with 6E00 (class) or 6D00 (instruction).
  virtual Bytes process_security(ByteView command) = 0;
  // Verifies and removes the secure messaging of `command`: header, Lc (one byte, or 00 and two
  // bytes) and data, without Le. Returns the command in the same layout: header, Lc and the
  // plain data. Fails with 6982 and ends the session when verification fails.
  virtual Bytes unwrap(ByteView command) = 0;
  // Protects a response: `response` is the response data followed by SW1 SW2. Returns the
  // response data to send, without the status word.
  virtual Bytes wrap(ByteView response) = 0;
  // Decrypt and encrypt sensitive data with the session's data encryption key. Fail with 6985
  // without an open session and 6700 for a length that is not a whole number of blocks.
  virtual Bytes decrypt_data(ByteView data) = 0;
  virtual Bytes encrypt_data(ByteView data) = 0;
  // SecureChannelx.setSecurityLevel: fails with 6985 when the session cannot take that level.
  virtual void set_security_level(std::uint8_t level) = 0;
  // Ends the session, if any. Throws nothing.
  virtual void reset_security() = 0;
  // SecureChannel.getSecurityLevel: AUTHENTICATED (80) with the C-MAC, C-DECRYPTION, R-MAC and
  // R-ENCRYPTION bits of the session, or 00.
  virtual std::uint8_t security_level() = 0;
};

// org.globalplatform.CVM: a cardholder verification method shared by the applications
// (GlobalPlatform Card Specification 2.3.1 §8.2 for the global PIN).
class CvmService {
 public:
  virtual ~CvmService() = default;

  struct State {
    bool active = false;     // a value and a try limit are set
    bool submitted = false;  // a value was presented since the last reset or resetState
                             // (CVM states INVALID_SUBMISSION and VALIDATED)
    bool verified = false;
    bool blocked = false;
    std::uint8_t tries_remaining = 0;
  };
  virtual State state() = 0;

  // CVM.verify: compares `value` in `format` (CVM.FORMAT_ASCII, FORMAT_BCD or FORMAT_HEX) with
  // the stored value. Returns true on a match; a mismatch counts a try.
  virtual bool verify(ByteView value, std::uint8_t format) = 0;
  // The methods that change the CVM return false when the transition is not allowed or
  // `caller` lacks the CVM Management privilege where GPCS requires it.
  virtual bool update(const vm::Aid& caller, ByteView value, std::uint8_t format) = 0;
  virtual bool set_try_limit(const vm::Aid& caller, std::uint8_t limit) = 0;
  virtual bool reset_state() = 0;
  virtual bool block_state(const vm::Aid& caller) = 0;
  virtual bool reset_and_unblock_state(const vm::Aid& caller) = 0;
};

// The kinds of API object in GlobalPlatformHooks::api_object: the secure channel, a CVM by its
// GPSystem identifier (CVM_GLOBAL_PIN is 0x11), and a registry entry by its AID.
inline constexpr std::uint8_t kSecureChannelObject = 0x00;
inline constexpr std::uint8_t kRegistryEntryObject = 0xFF;

// The registry data of one application that GPRegistryEntry returns (GlobalPlatform Card Specification 2.3.1
// §6.6 and §5.3).
struct RegistryEntryView {
  Bytes privileges;  // three bytes
  std::uint8_t life_cycle = 0;
  Bytes security_domain;  // the AID of the associated security domain
};

class GlobalPlatformHooks {
 public:
  virtual ~GlobalPlatformHooks() = default;

  // The secure channel of `applet`'s security domain on `channel`, or null when the applet
  // has no registry entry. The pointer is valid until the next call on these hooks.
  virtual SecureChannelService* secure_channel_service(const vm::Aid& applet,
                                                       std::uint8_t channel) = 0;
  // The CVM with identifier `cvm` (GPSystem.CVM_GLOBAL_PIN), or null if the card has none. The
  // pointer is valid until the next call on these hooks.
  virtual CvmService* cvm_service(std::uint8_t cvm) = 0;
  // GPSystem.lockCard and terminateCard for `caller`; false without the privilege.
  virtual bool lock_card(const vm::Aid& caller) = 0;
  virtual bool terminate_card(const vm::Aid& caller) = 0;
  // GPSystem.setATRHistBytes for `caller`; false without the Card Reset privilege or for more
  // than 15 bytes.
  virtual bool set_atr_historical_bytes(const vm::Aid& caller, ByteView bytes) = 0;
  // GPSystem.getRegistryEntry and the GPRegistryEntry queries: the entry of `target` as
  // `caller` may see it, or nullopt when there is none or `caller` may not read it.
  virtual std::optional<RegistryEntryView> registry_entry(const vm::Aid& caller,
                                                          const vm::Aid& target) = 0;
  // GPRegistryEntry.setState: false when `caller` may not give `target` that state.
  virtual bool set_entry_state(const vm::Aid& caller, const vm::Aid& target,
                               std::uint8_t state) = 0;
  // A slot for the API object of `kind` (and `key`, the AID of a registry entry) that
  // `applet` received, kept for the card session (RAM only), so that repeated GPSystem calls
  // return the same object instead of filling persistent memory. The natives check what they
  // find there before they use it, since object deletion may have released it.
  virtual vm::Ref& api_object(const vm::Aid& applet, std::uint8_t kind, ByteView key = {}) = 0;
};

// The GlobalPlatform hooks of the card that runs `vm`, or null when its platform has none.
inline GlobalPlatformHooks* global_platform_hooks(vm::Vm& vm) {
  return dynamic_cast<GlobalPlatformHooks*>(vm.platform().global_platform());
}

// org.globalplatform.Application and the interface method token of its processData([BSS)V, as
// the card calls it for STORE DATA after INSTALL [for personalization].
struct InterfaceMethod {
  vm::ClassName interface_name;
  std::uint8_t token = 0;
};
InterfaceMethod application_process_data();

// The org.globalplatform.SecureChannel object of `applet`, created on first use: what
// vm::PlatformHooks::secure_channel returns on a card with GlobalPlatform hooks. Null when the
// hooks have no secure channel for the applet.
vm::Ref secure_channel_object(vm::Vm& vm, const vm::Aid& applet);

}  // namespace uicc::api
