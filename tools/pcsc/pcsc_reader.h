// Host-side access to any PC/SC reader through pcsc-lite (winscard API).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace uicc::pcsc {

// A failed PC/SC call: the message names the call and pcsc-lite's text for the code.
class PcscError : public std::runtime_error {
 public:
  PcscError(const std::string& call, long code);
  long code() const { return code_; }

 private:
  long code_;
};

std::vector<std::string> list_readers();

class Reader {
 public:
  // Connects in shared mode, offering T=0 and T=1. `name` is a reader name, or its index in
  // list_readers() given as a decimal number.
  explicit Reader(const std::string& name);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  const std::string& name() const { return name_; }
  int protocol() const;  // 0 or 1
  Bytes atr() const;
  // Sends one APDU and returns the response as the card sent it (no GET RESPONSE added).
  Bytes transmit(ByteView command);
  // Warm reset through SCardReconnect with SCARD_RESET_CARD.
  void reset();
  // Resets the card when this connection ends, instead of leaving it as it is.
  void reset_on_disconnect() { reset_on_disconnect_ = true; }

 private:
  bool reset_on_disconnect_ = false;
  long context_ = 0;
  long card_ = 0;
  unsigned long protocol_ = 0;
  std::string name_;
};

}  // namespace uicc::pcsc
