// A card runtime with the built-in API for the sample and differential tests: loads CAP
// files, installs applets and exchanges APDUs, with SELECT by AID handled as the card
// layer does (select the applet, then pass the SELECT command to it).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tools/sdk/converter/card_loader.h"
#include "vm/runtime/runtime.h"
#include "vm/store/store.h"

namespace uicc::sdk::test {

struct Reply {
  Bytes data;
  std::uint16_t status = 0;
  // Response data and status word as hex, "48656C6C6F 9000", or the status alone.
  std::string to_string() const;
};

class CardSession {
 public:
  explicit CardSession(bool int_support = true);
  ~CardSession();

  LoadedPackage load(const std::string& cap_path, const std::vector<InstallSpec>& installs = {});
  LoadedPackage load_bytes(ByteView cap, const std::vector<InstallSpec>& installs = {});
  // Sends a C-APDU in hex on channel 0.
  Reply send(std::string_view apdu_hex);
  vm::Runtime& runtime() { return *runtime_; }

 private:
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<vm::Runtime> runtime_;
};

}  // namespace uicc::sdk::test
