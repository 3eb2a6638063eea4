#include "card/isd_stub.h"

#include "apdu/cla.h"
#include "util/tlv.h"

namespace uicc::card {

using apdu::Command;
using apdu::Response;
namespace sw = apdu::sw;

namespace {

constexpr std::uint8_t kInsSelect = 0xA4;
constexpr std::uint8_t kInsGetData = 0xCA;

// GlobalPlatform Card Specification 2.3.1 §H.2 and H.3: card recognition data, announcing
// GlobalPlatform 2.3.1 and SCP03 with i = 70.
Bytes card_recognition_data() {
  Bytes body;
  tlv::append(body, 0x06, from_hex("2A864886FC6B01"));  // {globalPlatform 1}: card recognition data
  tlv::append(body, 0x60, tlv::encode(0x06, from_hex("2A864886FC6B02020301")));  // GP 2.3.1
  tlv::append(body, 0x63, tlv::encode(0x06, from_hex("2A864886FC6B03")));        // card identification scheme
  tlv::append(body, 0x64, tlv::encode(0x06, from_hex("2A864886FC6B040370")));    // SCP03, i = 70
  return tlv::encode(0x66, tlv::encode(0x73, body));
}

}  // namespace

Response IsdStub::process(std::uint8_t, const Command& command) {
  if (command.ins == kInsSelect && !apdu::ClassByte{command.cla}.proprietary()) {
    // §11.9.3.1: FCI template with the AID and the maximum length of data field in a command.
    Bytes proprietary = tlv::encode(0x9F65, Bytes{0xFF});
    Bytes fci;
    tlv::append(fci, 0x84, kIsdAid);
    tlv::append(fci, 0xA5, proprietary);
    return Response{tlv::encode(0x6F, fci), sw::ok};
  }

  if (command.ins == kInsGetData) {
    if (!command.data.empty()) apdu::fail(sw::wrong_length);
    std::uint16_t tag = static_cast<std::uint16_t>((command.p1 << 8) | command.p2);
    Bytes object;
    if (tag == 0x9F7F) {
      object = tlv::encode(0x9F7F, cplc_);
    } else if (tag == 0x0066) {
      object = card_recognition_data();
    } else {
      apdu::fail(sw::reference_data_not_found);
    }
    // GlobalPlatform class (8X) returns the whole data object; the ISO class only its value.
    if (!apdu::ClassByte{command.cla}.proprietary()) {
      auto element = tlv::parse_one(object);
      return Response{Bytes(element->value.begin(), element->value.end()), sw::ok};
    }
    return Response{object, sw::ok};
  }

  apdu::fail(sw::ins_not_supported);
}

}  // namespace uicc::card
