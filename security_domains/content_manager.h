// The interface between the card manager and the Java Card runtime for card content: load a
// package, install, delete and query applets, and forward personalization data to an applet.
// The card layer implements it over vm::Runtime, and tests implement it with a fake.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "apdu/command.h"
#include "util/bytes.h"

namespace uicc::sd {

class ContentError : public std::runtime_error {
 public:
  enum class Code {
    malformed,  // the load file or the install parameters are malformed, or verification failed
    missing_import,  // an imported package is not on the card
    already_exists,  // a package or an instance with the AID is on the card
    in_use,          // other packages import it, or objects of it are reachable from elsewhere
    not_found,       // no such package, applet class or instance
    out_of_memory,
    install_failed,  // the applet's install method threw or did not register
  };
  ContentError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

struct PackageInfo {
  Bytes aid;
  std::uint8_t major = 0;
  std::uint8_t minor = 0;
  std::vector<Bytes> applet_classes;
};

// Each operation is atomic on its own: after a power loss it has happened completely or not
// at all. The card manager pairs it with the registry update (registry_store.h).
class ContentManager {
 public:
  virtual ~ContentManager() = default;

  // Loads a package from the Load File Data Block (the CAP components as GlobalPlatform LOAD
  // carries them). Throws ContentError.
  virtual PackageInfo load_package(ByteView load_file_data_block) = 0;
  // Installs an applet: `install_parameters` is what the applet's install method receives,
  // laid out as GlobalPlatform Card Specification 2.3.1 §11.5.2.3.7 passes it (LV instance
  // AID, LV privileges, LV application-specific parameters). Throws ContentError.
  virtual void install_applet(ByteView package_aid, ByteView class_aid, ByteView instance_aid,
                              ByteView install_parameters) = 0;
  virtual void delete_applet(ByteView instance_aid) = 0;
  virtual void delete_package(ByteView package_aid) = 0;

  virtual bool has_package(ByteView package_aid) const = 0;
  virtual bool has_applet(ByteView instance_aid) const = 0;
  // True if the applet is selected on any logical channel.
  virtual bool is_selected(ByteView instance_aid) const = 0;

  // Passes a STORE DATA command of a personalization session to the applet
  // (GlobalPlatform Application.processData). Returns the applet's response.
  virtual apdu::Response process_data(ByteView instance_aid, const apdu::Command& command) = 0;
};

}  // namespace uicc::sd
