// Response rules of the T=0 protocol as UICCs apply them (ISO/IEC 7816-3:2006 §12.2 and
// ETSI TS 102 221 V17.1.0 §7.3.1.1), on top of complete APDUs as vpcd delivers them:
//  * a command without Le that produces data (a case-4 command sent as a T=0 terminal sends
//    it) is answered 61XX, and GET RESPONSE fetches the data;
//  * a short Le other than 00 that differs from the length of the data of a case-2 command
//    is answered 6CXX with the exact length, and the terminal repeats the command;
//  * Le = 00 takes whatever is available up to 256 bytes;
//  * data beyond Ne is kept for GET RESPONSE and announced with 61XX.
#pragma once

#include "apdu/command.h"

namespace uicc::apdu {

inline constexpr std::uint8_t kInsGetResponse = 0xC0;

// Response data waiting for GET RESPONSE on one logical channel, with the status word that
// ends the transfer once the data is consumed.
struct PendingResponse {
  Bytes data;
  std::size_t offset = 0;
  StatusWord final_sw = sw::ok;

  bool empty() const { return offset >= data.size(); }
  std::size_t remaining() const { return data.size() - offset; }
  void clear() {
    data.clear();
    offset = 0;
  }
};

// Turns the response an application produced for `command` into what goes on the wire,
// moving data that does not fit into `pending`.
Response shape_response(const Command& command, Response produced, PendingResponse& pending);

// Answers GET RESPONSE (INS C0) from `pending`.
Response get_response(const Command& command, PendingResponse& pending);

}  // namespace uicc::apdu
