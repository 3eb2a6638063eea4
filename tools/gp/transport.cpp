#include "tools/gp/transport.h"

#include "tools/pcsc/pcsc_reader.h"

namespace uicc::gp {

std::vector<std::string> PcscTransport::readers() {
  try {
    return pcsc::list_readers();
  } catch (const pcsc::PcscError& error) {
    throw TransportError(error.what());
  }
}

PcscTransport::PcscTransport(const std::string& reader) {
  try {
    if (!reader.empty()) {
      reader_ = std::make_unique<pcsc::Reader>(reader);
      return;
    }
    std::vector<std::string> names = pcsc::list_readers();
    if (names.empty()) throw TransportError("no PC/SC reader found: is pcscd running?");
    for (const std::string& name : names) {
      try {
        reader_ = std::make_unique<pcsc::Reader>(name);
        return;
      } catch (const pcsc::PcscError&) {
        // No card in this reader, or it is held exclusively: try the next one.
      }
    }
    throw TransportError("no card in any PC/SC reader");
  } catch (const pcsc::PcscError& error) {
    throw TransportError(error.what());
  } catch (const std::invalid_argument& error) {
    throw TransportError(error.what());
  }
}

// A card management session leaves the security domain selected and its secure channel
// open. The reset gives the next client of the reader a card as after power-up.
PcscTransport::~PcscTransport() {
  if (reader_) reader_->reset_on_disconnect();
}

Bytes PcscTransport::transmit(ByteView command) {
  try {
    return reader_->transmit(command);
  } catch (const pcsc::PcscError& error) {
    throw TransportError(error.what());
  }
}

const std::string& PcscTransport::reader() const {
  return reader_->name();
}

Bytes PcscTransport::atr() const {
  return reader_->atr();
}

}  // namespace uicc::gp
