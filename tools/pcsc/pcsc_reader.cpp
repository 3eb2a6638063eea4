#include "tools/pcsc/pcsc_reader.h"

#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>

#include <fmt/format.h>

namespace uicc::pcsc {

namespace {

void check(const char* call, LONG rv) {
  if (rv != SCARD_S_SUCCESS) throw PcscError(call, rv);
}

}  // namespace

PcscError::PcscError(const std::string& call, long code)
    : std::runtime_error(fmt::format("{} failed: {} (0x{:08X})", call, pcsc_stringify_error(code),
                                     static_cast<unsigned long>(code))),
      code_(code) {}

std::vector<std::string> list_readers() {
  SCARDCONTEXT context = 0;
  check("SCardEstablishContext", SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context));
  DWORD length = 0;
  LONG rv = SCardListReaders(context, nullptr, nullptr, &length);
  std::vector<std::string> readers;
  if (rv == SCARD_E_NO_READERS_AVAILABLE) {
    SCardReleaseContext(context);
    return readers;
  }
  std::string buffer(length, '\0');
  if (rv == SCARD_S_SUCCESS) rv = SCardListReaders(context, nullptr, buffer.data(), &length);
  SCardReleaseContext(context);
  if (rv == SCARD_E_NO_READERS_AVAILABLE) return readers;
  check("SCardListReaders", rv);
  for (std::size_t pos = 0; pos < buffer.size() && buffer[pos] != '\0';) {
    std::string name(buffer.c_str() + pos);
    pos += name.size() + 1;
    readers.push_back(std::move(name));
  }
  return readers;
}

Reader::Reader(const std::string& name) : name_(name) {
  if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos) {
    auto readers = list_readers();
    std::size_t index = std::stoul(name);
    if (index >= readers.size()) {
      throw std::invalid_argument(fmt::format("reader index {} given, but {} readers are present", index, readers.size()));
    }
    name_ = readers[index];
  }
  SCARDCONTEXT context = 0;
  check("SCardEstablishContext", SCardEstablishContext(SCARD_SCOPE_SYSTEM, nullptr, nullptr, &context));
  context_ = context;
  SCARDHANDLE card = 0;
  DWORD protocol = 0;
  LONG rv = SCardConnect(context, name_.c_str(), SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &card, &protocol);
  if (rv != SCARD_S_SUCCESS) {
    SCardReleaseContext(context);
    throw PcscError(fmt::format("SCardConnect to '{}'", name_), rv);
  }
  card_ = card;
  protocol_ = protocol;
}

Reader::~Reader() {
  if (card_ != 0) {
    SCardDisconnect(static_cast<SCARDHANDLE>(card_),
                    reset_on_disconnect_ ? SCARD_RESET_CARD : SCARD_LEAVE_CARD);
  }
  if (context_ != 0) SCardReleaseContext(static_cast<SCARDCONTEXT>(context_));
}

int Reader::protocol() const { return protocol_ == SCARD_PROTOCOL_T1 ? 1 : 0; }

Bytes Reader::atr() const {
  BYTE atr[MAX_ATR_SIZE];
  DWORD atr_length = sizeof atr;
  DWORD state = 0;
  DWORD protocol = 0;
  char name[MAX_READERNAME];
  DWORD name_length = sizeof name;
  check("SCardStatus", SCardStatus(static_cast<SCARDHANDLE>(card_), name, &name_length, &state, &protocol, atr, &atr_length));
  return Bytes(atr, atr + atr_length);
}

Bytes Reader::transmit(ByteView command) {
  const SCARD_IO_REQUEST* pci = protocol_ == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
  Bytes response(65538 + 2);
  DWORD length = static_cast<DWORD>(response.size());
  check("SCardTransmit", SCardTransmit(static_cast<SCARDHANDLE>(card_), pci, command.data(),
                                       static_cast<DWORD>(command.size()), nullptr, response.data(), &length));
  response.resize(length);
  return response;
}

void Reader::reset() {
  DWORD protocol = 0;
  check("SCardReconnect", SCardReconnect(static_cast<SCARDHANDLE>(card_), SCARD_SHARE_SHARED,
                                         SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD, &protocol));
  protocol_ = protocol;
}

}  // namespace uicc::pcsc
