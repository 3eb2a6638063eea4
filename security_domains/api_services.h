// The services of the GlobalPlatform Card API (org.globalplatform, version 1.6) that the card
// manager offers applets through api::GlobalPlatformHooks: the secure channel of an applet's
// security domain, and the global PIN of the CVM application.
#pragma once

#include "security_domains/card_manager.h"
#include "security_domains/scp/secure_channel.h"
#include "vm/api/global_platform_hooks.h"

namespace uicc::sd {

// org.globalplatform.SecureChannel over the card-side secure channel of one applet on one
// logical channel (GPCS 2.3.1 §10, Amendment D v1.2). Status words of the secure channel
// become api::ServiceFailure.
class AppletSecureChannel final : public api::SecureChannelService {
 public:
  explicit AppletSecureChannel(scp::SecureChannel& channel) : channel_(channel) {}

  Bytes process_security(ByteView command) override;
  Bytes unwrap(ByteView command) override;
  Bytes wrap(ByteView response) override;
  Bytes decrypt_data(ByteView data) override;
  Bytes encrypt_data(ByteView data) override;
  void set_security_level(std::uint8_t level) override;
  void reset_security() override { channel_.reset(); }
  std::uint8_t security_level() override { return channel_.security_level(); }

 private:
  scp::SecureChannel& channel_;
};

// org.globalplatform.CVM for the global PIN (GPCS 2.3.1 §8.2), over the card manager.
class GlobalPinService final : public api::CvmService {
 public:
  explicit GlobalPinService(CardManager& manager) : manager_(manager) {}

  State state() override;
  bool verify(ByteView value, std::uint8_t format) override;
  bool update(const vm::Aid& caller, ByteView value, std::uint8_t format) override;
  bool set_try_limit(const vm::Aid& caller, std::uint8_t limit) override;
  bool reset_state() override { return manager_.reset_global_pin_state(); }
  bool block_state(const vm::Aid& caller) override;
  bool reset_and_unblock_state(const vm::Aid& caller) override;

 private:
  CardManager& manager_;
};

}  // namespace uicc::sd
