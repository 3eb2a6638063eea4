// Card runtime session for the converter's end-to-end tests.
#include "test/sdk/card_session.h"

#include <fmt/format.h>

#include "test/sdk/sdk_test_support.h"
#include "vm/api/builtin_registry.h"

namespace uicc::sdk::test {

std::string Reply::to_string() const {
  if (data.empty()) return fmt::format("{:04X}", status);
  return fmt::format("{} {:04X}", to_hex(data), status);
}

CardSession::CardSession(bool int_support) : store_(std::make_unique<store::Store>()) {
  vm::RuntimeConfig config;
  config.int_support = int_support;
  runtime_ = std::make_unique<vm::Runtime>(*store_, api::builtin_registry(), config);
}

CardSession::~CardSession() = default;

LoadedPackage CardSession::load(const std::string& cap_path,
                                const std::vector<InstallSpec>& installs) {
  return load_bytes(read_bytes(cap_path), installs);
}

LoadedPackage CardSession::load_bytes(ByteView cap, const std::vector<InstallSpec>& installs) {
  return load_and_install(*runtime_, cap, installs);
}

Reply CardSession::send(std::string_view apdu_hex) {
  Bytes apdu = from_hex(apdu_hex);
  // SELECT by DF name (ISO/IEC 7816-4 §11.1.1): 00 A4 04 xx Lc AID
  if (apdu.size() >= 5 && (apdu[0] & 0xFC) == 0x00 && apdu[1] == 0xA4 && apdu[2] == 0x04) {
    std::size_t length = apdu[4];
    if (length < 5 || apdu.size() < 5 + length) return Reply{{}, 0x6A82};
    vm::Aid aid(ByteView(apdu).subspan(5, length));
    if (!runtime_->select(0, aid)) return Reply{{}, 0x6999};
  }
  vm::Response response = runtime_->process(0, apdu);
  return Reply{response.data, response.status};
}

}  // namespace uicc::sdk::test
