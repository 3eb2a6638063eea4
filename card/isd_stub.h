// A minimal issuer security domain: answers SELECT with its FCI and GET DATA for the card
// production life cycle data (9F7F) and the card recognition data (66). It stands in until
// the GlobalPlatform card manager of security_domains/ is wired in.
#pragma once

#include "apdu/application.h"

namespace uicc::card {

// GlobalPlatform Card Specification 2.3.1 §H.1: the ISD's default AID.
inline const Bytes kIsdAid = {0xA0, 0x00, 0x00, 0x01, 0x51, 0x00, 0x00, 0x00};

class IsdStub : public apdu::Application {
 public:
  // `cplc` is the 42-byte CPLC value.
  explicit IsdStub(Bytes cplc) : cplc_(std::move(cplc)) {}

  ByteView aid() const override { return kIsdAid; }
  bool multi_selectable() const override { return true; }
  bool select(std::uint8_t) override { return true; }
  void deselect(std::uint8_t) override {}
  apdu::Response process(std::uint8_t channel, const apdu::Command& command) override;

 private:
  Bytes cplc_;
};

}  // namespace uicc::card
