// A connection to a card: any PC/SC reader pcscd knows (including the vpcd virtual reader of
// an emulated card), or a function for tests that run a card in-process.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/bytes.h"

namespace uicc::pcsc {
class Reader;
}

namespace uicc::gp {

// PC/SC failed: no service, no reader, no card, or a transmission error. The message names
// the PC/SC function and its error text.
class TransportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends a C-APDU and returns the R-APDU, status word included.
  virtual Bytes transmit(ByteView command) = 0;
};

class PcscTransport final : public Transport {
 public:
  // The readers pcscd lists, in its order.
  static std::vector<std::string> readers();

  // Connects to the card in `reader` (a name, or an index into readers() in decimal), or in
  // the first reader holding a card when `reader` is empty.
  explicit PcscTransport(const std::string& reader = {});
  ~PcscTransport() override;
  PcscTransport(const PcscTransport&) = delete;
  PcscTransport& operator=(const PcscTransport&) = delete;

  Bytes transmit(ByteView command) override;
  const std::string& reader() const;
  Bytes atr() const;

 private:
  std::unique_ptr<pcsc::Reader> reader_;
};

// A transport over a function, for tests that run a card in-process.
class FunctionTransport final : public Transport {
 public:
  explicit FunctionTransport(std::function<Bytes(ByteView)> card) : card_(std::move(card)) {}
  Bytes transmit(ByteView command) override { return card_(command); }

 private:
  std::function<Bytes(ByteView)> card_;
};

}  // namespace uicc::gp
